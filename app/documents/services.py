"""Who may read and do what with a draft policy document, and every change made to one.

Reading: the secretariat, and participants of the consultation (any role, any credentials);
a document in `draft` is the secretariat's alone. Anyone else gets the same not_found as for a
missing document. Acting (comments, amendments, positions) needs accepted credentials:
- comment: the secretariat, delegates, chairs and advisers (advisers are part of a delegation and
  bring its technical input); observers read only;
- amend, file a position: delegates and chairs, and an adviser named deputy of a delegate, for
  their own organisation; never observers, never the secretariat (it decides amendments);
- publish versions, change status or deadline, decide amendments, resolve threads: the secretariat.
Comments and amendments are accepted only while the document is `open` and its
comments_close_at (if any) has not passed; positions while it is `open` or `closed`.
Every change writes its room event in the same transaction; services flush, callers commit.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.consultations import services as consultations
from app.consultations.models import Consultation, Participant
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, not_found_as
from app.core.events import Searchable
from app.core.markdown import render
from app.core.realtime import record_event
from app.documents import anchoring
from app.documents.event_types import (
    AmendmentCreated,
    AmendmentDecided,
    CommentCreated,
    CommentResolved,
    DocumentRenamed,
    DocumentStatus,
    PositionUpdated,
)
from app.documents.event_types import DocumentVersion as DocumentVersionEvent
from app.documents.models import STANCES, STATUSES, Amendment, Comment, Document, DocumentVersion, Position
from app.extensions import db

MAX_DOCUMENT_BYTES = 200 * 1024
MAX_COMMENT_BYTES = 20 * 1024
MAX_AMENDMENT_BYTES = 50 * 1024
MAX_POSITION_BYTES = 50 * 1024
COMMENT_ROLES = ("delegate", "chair", "adviser")
AMEND_ROLES = ("delegate", "chair")


@dataclass
class Access:
    """What one actor may do with one document, computed once per request."""

    actor: User
    document: Document
    consultation: Consultation
    participant: Participant | None

    @property
    def is_secretariat(self) -> bool:
        return self.actor.is_secretariat

    @property
    def can_manage(self) -> bool:
        return self.actor.is_secretariat

    def _accepted(self) -> bool:
        return self.participant is not None and self.participant.credentials == "accepted"

    @property
    def can_comment(self) -> bool:
        return self.is_secretariat or (self._accepted() and self.participant.role in COMMENT_ROLES)

    @property
    def can_amend(self) -> bool:
        """Also the right to file the organisation's position."""
        p = self.participant
        if self.is_secretariat or not self._accepted() or p.organisation.constituency in ("observer", "secretariat"):
            return False
        return p.role in AMEND_ROLES or (p.role == "adviser" and p.deputy_of_id is not None)

    @property
    def accepting_input(self) -> bool:
        return self.document.accepts_input(utcnow())


# --- access -----------------------------------------------------------------------------

def _readable(actor: User, doc: Document, c: Consultation | None) -> Participant | None | bool:
    """The actor's participant record (None for the secretariat), or False when hidden."""
    if c is None or not consultations.can_view(actor, c):
        return False
    if actor.is_secretariat:
        return None
    p = consultations.participant_of(actor, c)
    if p is None or doc.status == "draft":
        return False
    return p


def access(actor: User, document_id) -> Access:
    """The document with the actor's rights; NotFound for missing and unreadable alike."""
    doc = db.session.get(Document, document_id) if isinstance(document_id, int) else None
    c = consultations.get_consultation(doc.consultation_id) if doc else None
    p = _readable(actor, doc, c) if doc else False
    if p is False:
        raise NotFound("No such document.")
    return Access(actor, doc, c, p)


def can_read(actor: User, doc: Document) -> bool:
    return _readable(actor, doc, consultations.get_consultation(doc.consultation_id)) is not False


def list_documents(actor: User, consultation_id: int) -> list[Document]:
    """Documents of a consultation the actor may read (drafts only for the secretariat)."""
    c = consultations.get_visible(actor, consultation_id)
    if not actor.is_secretariat and consultations.participant_of(actor, c) is None:
        return []
    stmt = select(Document).where(Document.consultation_id == c.id).order_by(Document.id)
    if not actor.is_secretariat:
        stmt = stmt.where(Document.status != "draft")
    return list(db.session.scalars(stmt))


def _require_manage(a: Access) -> None:
    if not a.can_manage:
        raise Forbidden("Only the secretariat may do this.")


def _require_open(a: Access, what: str) -> None:
    if not a.accepting_input:
        raise Conflict(_l("This document is not open for %(what)s.", what=what))


def _check_size(name: str, text: str, limit: int) -> None:
    if len(text.encode("utf-8")) > limit:
        raise TooLarge(_l("%(name)s is larger than %(n)s KB.", name=name, n=limit // 1024))


def _required_text(name: str, text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise Invalid(_l("%(name)s may not be empty.", name=name), {name: "may not be empty"})
    if "\x00" in text:
        raise Invalid(_l("%(name)s may not contain NUL bytes.", name=name), {name: "invalid character"})
    return text


# --- versions ---------------------------------------------------------------------------

def current_version(doc: Document) -> DocumentVersion:
    return get_version(doc, doc.current_version_number)


def get_version(doc: Document, number) -> DocumentVersion:
    v = None
    if isinstance(number, int) and not isinstance(number, bool):
        v = db.session.scalar(select(DocumentVersion).where(
            DocumentVersion.document_id == doc.id, DocumentVersion.number == number))
    if v is None:
        raise NotFound("No such version.")
    return v


def _write_version(actor: User, doc: Document, body: str, note: str, previous: DocumentVersion | None,
                   amendment: Amendment | None = None, forced: dict | None = None) -> DocumentVersion:
    if doc.status != "draft":
        # Search indexes the rendered text after the event below takes the room's lock: render
        # it now, before any write (a long body renders in a worker; app.core.markdown keeps it).
        render(body)
    rendered = anchoring.render_document(body)
    if not rendered.paragraphs:
        raise Invalid("The document has no text.", {"body": "may not be empty"})
    doc.next_anchor = anchoring.assign_anchors(previous.paragraphs if previous else [], rendered.paragraphs,
                                               doc.next_anchor, forced)
    number = doc.current_version_number + 1
    v = DocumentVersion(document_id=doc.id, number=number, body=body, html=rendered.html,
                        paragraphs=[p.to_json() for p in rendered.paragraphs], toc=rendered.toc,
                        note=note, author_id=actor.id, amendment_id=amendment.id if amendment else None,
                        created_at=utcnow())
    db.session.add(v)
    doc.current_version_number = number
    db.session.flush()
    if doc.status != "draft":
        record_event(doc.consultation_id, DocumentVersionEvent(document_id=doc.id, title=doc.title, number=number,
                                                               note=note, searchable=_searchable(doc, body)), actor)
    return v


def _searchable(doc: Document, body: str | None = None) -> Searchable | None:
    """Search sees a document once it leaves draft (participants cannot see drafts), with the text
    of its current version; only a final document may go to the public archive."""
    if doc.status == "draft":
        return None
    body = current_version(doc).body if body is None else body
    return Searchable("document", doc.id, doc.title, body, doc.language or "en", publishable=doc.status == "final")


def create_document(actor: User, consultation_id: int, data: dict) -> Document:
    """Secretariat only: a document with version 1, in `draft` unless status says `open`."""
    c = consultations.get_visible(actor, consultation_id)
    if not actor.is_secretariat:
        raise Forbidden("Only the secretariat may add documents.")
    if c.status == "archived":
        raise Conflict("An archived consultation takes no new documents.")
    body = _required_text("body", data.get("body"))
    _check_size("body", body, MAX_DOCUMENT_BYTES)
    status = data.get("status") or "draft"
    if status not in ("draft", "open"):
        raise Invalid("A new document is draft or open.", {"status": "not an allowed value"})
    doc = Document(consultation_id=c.id, title=_required_text("title", data.get("title")).strip(),
                   status=status, comments_close_at=data.get("comments_close_at"),
                   language=data.get("language"), created_by_id=actor.id, current_version_number=0,
                   next_anchor=1)
    if data.get("agenda_item_id") is not None:
        doc.agenda_item_id = _agenda_item(c, data["agenda_item_id"])
    db.session.add(doc)
    db.session.flush()
    _write_version(actor, doc, body, (data.get("note") or "").strip(), None)
    return doc


def _agenda_item(c: Consultation, item_id) -> int:
    try:
        return consultations.get_agenda_item(c, item_id).id
    except NotFound:
        raise Invalid("No such agenda item in this consultation.", {"agenda_item_id": "unknown agenda item"}) from None


def publish_version(actor: User, document_id: int, body, note: str = "") -> DocumentVersion:
    """Secretariat only: a new version (anchors carried over); Conflict once final or unchanged."""
    a = access(actor, document_id)
    _require_manage(a)
    doc = a.document
    if doc.status == "final":
        raise Conflict("A final document never changes.")
    body = _required_text("body", body)
    _check_size("body", body, MAX_DOCUMENT_BYTES)
    previous = current_version(doc)
    if body.strip() == previous.body.strip():
        raise Conflict("The text is the same as the current version.")
    return _write_version(actor, doc, body, (note or "").strip(), previous)


def update_document(actor: User, document_id: int, data: dict) -> Document:
    """Secretariat only: title, agenda item, deadline and status (draft -> open <-> closed -> final).
    Opening a draft announces its current version to the room."""
    a = access(actor, document_id)
    _require_manage(a)
    doc = a.document
    if doc.status == "final":
        raise Conflict("A final document never changes.")
    renamed = False
    if data.get("title") is not None:
        title = _required_text("title", data["title"]).strip()
        renamed, doc.title = title != doc.title, title
    if "comments_close_at" in data:
        doc.comments_close_at = data["comments_close_at"]
    if "agenda_item_id" in data:
        doc.agenda_item_id = _agenda_item(a.consultation, data["agenda_item_id"]) \
            if data["agenda_item_id"] is not None else None
    status = data.get("status")
    if status is not None and status != doc.status:
        if status not in STATUSES:
            raise Invalid("Unknown status.", {"status": "not an allowed value"})
        previous = doc.status
        doc.move_to(status)
        if previous == "draft":
            record_event(doc.consultation_id, DocumentVersionEvent(
                document_id=doc.id, title=doc.title, number=doc.current_version_number, note="published",
                published=True), actor)
        record_event(doc.consultation_id, DocumentStatus(
            document_id=doc.id, title=doc.title, status=doc.status, previous=previous,
            comments_close_at=isoformat(doc.comments_close_at), searchable=_searchable(doc)), actor)
    elif renamed and doc.status != "draft":
        record_event(doc.consultation_id, DocumentRenamed(document_id=doc.id, title=doc.title,
                                                          searchable=_searchable(doc)), actor)
    db.session.flush()
    return doc


# --- comments ---------------------------------------------------------------------------

def _paragraph(v: DocumentVersion, anchor: str) -> dict | None:
    return next((p for p in v.paragraphs if p["anchor"] == anchor), None)


def add_comment(actor: User, document_id: int, body, anchor: str | None = None, parent_id: int | None = None,
                client_id: str | None = None, amendment_id: int | None = None) -> tuple[Comment, bool]:
    """A comment on the whole document (anchor None), a paragraph, an amendment, or a reply.
    Returns (comment, created): a retry with the same client_id returns the first comment.
    403 for those who may not comment, 409 unless open and before the deadline, 422 for an anchor
    missing from the current version or a parent / amendment of another document."""
    a = access(actor, document_id)
    doc = a.document
    if client_id:
        existing = db.session.scalar(select(Comment).where(
            Comment.document_id == doc.id, Comment.author_id == actor.id, Comment.client_id == client_id))
        if existing is not None:
            return existing, False
    if not a.can_comment:
        raise Forbidden("You may read this document but not comment on it.")
    _require_open(a, "comments")
    body = _required_text("body", body)
    _check_size("body", body, MAX_COMMENT_BYTES)
    version = current_version(doc)
    thread_id = None
    if parent_id is not None:
        parent = db.session.get(Comment, parent_id) if isinstance(parent_id, int) else None
        if parent is None or parent.document_id != doc.id:
            raise Invalid("The comment you reply to is not on this document.", {"parent_id": "not on this document"})
        anchor, thread_id, amendment_id = parent.anchor, parent.root_id, parent.amendment_id
    elif amendment_id is not None:
        amendment = db.session.get(Amendment, amendment_id) if isinstance(amendment_id, int) else None
        if amendment is None or amendment.document_id != doc.id:
            raise Invalid("No such amendment on this document.", {"amendment_id": "not on this document"})
        anchor = amendment.anchor
    elif anchor is not None and _paragraph(version, anchor) is None:
        raise Invalid("No paragraph with this anchor in the current version.", {"anchor": "unknown anchor"})
    org = actor.organisation
    comment = Comment(document_id=doc.id, version_number=version.number, anchor=anchor, parent_id=parent_id,
                      thread_id=thread_id, amendment_id=amendment_id, body=body, html=render(body),
                      author_id=actor.id, organisation_id=org.id if org else None,
                      constituency=org.constituency if org else None, client_id=client_id or None,
                      created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(comment)
            db.session.flush()
    except IntegrityError:
        # A concurrent retry with the same client_id won the race: answer with its comment.
        existing = db.session.scalar(select(Comment).where(
            Comment.document_id == doc.id, Comment.author_id == actor.id, Comment.client_id == client_id))
        if existing is None:
            raise
        return existing, False
    record_event(doc.consultation_id, CommentCreated(
        document_id=doc.id, comment_id=comment.id, parent_id=parent_id, anchor=anchor,
        body=body, html=comment.html, version_number=version.number), actor)
    return comment, True


def resolve_comment(actor: User, comment_id: int) -> Comment:
    """Secretariat only: mark a thread resolved (a reply resolves its thread); idempotent."""
    comment = db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is None:
        raise NotFound("No such comment.")
    with not_found_as("No such comment."):
        a = access(actor, comment.document_id)
    _require_manage(a)
    root = db.session.get(Comment, comment.root_id)
    if root.resolved_at is None:
        root.resolved_at, root.resolved_by_id = utcnow(), actor.id
        record_event(a.document.consultation_id, CommentResolved(document_id=a.document.id, comment_id=root.id), actor)
    db.session.flush()
    return root


# --- amendments -------------------------------------------------------------------------

def propose_amendment(actor: User, document_id: int, anchor, text, rationale) -> Amendment:
    """A delegate proposes replacement text for a paragraph of the current version, for their
    own organisation. 403 unless allowed to amend, 409 unless open, 422 for an unknown anchor or
    a text that changes nothing."""
    a = access(actor, document_id)
    if not a.can_amend:
        raise Forbidden("Only delegates may propose amendments, for their own organisation.")
    _require_open(a, "amendments")
    text = _required_text("text", text)
    _check_size("text", text, MAX_AMENDMENT_BYTES)
    rationale = rationale if isinstance(rationale, str) else ""
    _check_size("rationale", rationale, MAX_COMMENT_BYTES)
    version = current_version(a.document)
    paragraph = _paragraph(version, anchor) if isinstance(anchor, str) else None
    if paragraph is None:
        raise Invalid("No paragraph with this anchor in the current version.", {"anchor": "unknown anchor"})
    if anchoring.normalise(text) == anchoring.normalise(paragraph["src"]):
        raise Invalid("The amendment does not change the paragraph.", {"text": "unchanged"})
    org = a.participant.organisation
    am = Amendment(document_id=a.document.id, anchor=anchor, base_version_number=version.number,
                   original=paragraph["src"], text=text, text_html=render(text), rationale=rationale.strip(),
                   rationale_html=render(rationale), proposer_id=actor.id, organisation_id=org.id,
                   constituency=org.constituency, status="proposed", created_at=utcnow())
    db.session.add(am)
    db.session.flush()
    record_event(a.document.consultation_id, AmendmentCreated(
        document_id=a.document.id, amendment_id=am.id, anchor=anchor, text=am.text,
        rationale=am.rationale, organisation={"id": org.id, "name": org.name}), actor)
    return am


def _decidable(actor: User, amendment_id) -> tuple[Access, Amendment]:
    am = db.session.get(Amendment, amendment_id) if isinstance(amendment_id, int) else None
    if am is None:
        raise NotFound("No such amendment.")
    with not_found_as("No such amendment."):
        a = access(actor, am.document_id)
    _require_manage(a)
    if am.status != "proposed":
        raise Conflict(_l("This amendment was already %(status)s.", status=am.status))
    if a.document.status not in ("open", "closed"):
        raise Conflict("Amendments are decided while the document is open or closed.")
    return a, am


def accept_amendment(actor: User, amendment_id: int, reason: str = "") -> Amendment:
    """Secretariat only: a new version with the paragraph replaced, crediting the proposer.
    409 when already decided, the document is final, or the paragraph is gone."""
    a, am = _decidable(actor, amendment_id)
    doc = a.document
    current = current_version(doc)
    paragraph = _paragraph(current, am.anchor)
    if paragraph is None:
        raise Conflict("The paragraph this amendment changes is no longer in the document.")
    blocks = anchoring.split_blocks(current.body)
    first = paragraph["blocks"][0]
    for i in paragraph["blocks"]:
        blocks[i] = ""
    blocks[first] = am.text.strip()
    start = sum(1 for b in blocks[:first] if b.strip())
    body = anchoring.join_blocks(blocks)
    new_paragraphs = anchoring.render_document(body).paragraphs
    forced = {i: am.anchor for i, p in enumerate(new_paragraphs) if start in p.blocks}
    forced = dict(list(forced.items())[:1])
    note = f"Amendment {am.id} by {am.organisation.name} ({am.proposer.name}) accepted"
    am.status, am.reason = "accepted", (reason or "").strip()
    am.decided_by_id, am.decided_at = actor.id, utcnow()
    db.session.flush()
    v = _write_version(actor, doc, body, note, current, amendment=am, forced=forced)
    am.resulting_version_number = v.number
    db.session.flush()
    _decided_event(actor, doc, am)
    return am


def reject_amendment(actor: User, amendment_id: int, reason) -> Amendment:
    """Secretariat only, with a reason (422 without); 409 when already decided."""
    a, am = _decidable(actor, amendment_id)
    am.status, am.reason = "rejected", _required_text("reason", reason).strip()
    am.decided_by_id, am.decided_at = actor.id, utcnow()
    db.session.flush()
    _decided_event(actor, a.document, am)
    return am


def _decided_event(actor: User, doc: Document, am: Amendment) -> None:
    record_event(doc.consultation_id, AmendmentDecided(
        document_id=doc.id, amendment_id=am.id, decision=am.status, reason=am.reason,
        version_number=am.resulting_version_number, title=doc.title), actor)


# --- positions --------------------------------------------------------------------------

def file_position(actor: User, document_id: int, stance, body) -> Position:
    """A delegate files their organisation's position: a new row, the earlier ones stay as history.
    403 unless allowed to amend, 409 unless the document is open or closed, 422 for a bad stance."""
    a = access(actor, document_id)
    if not a.can_amend:
        raise Forbidden("Only delegates may file their organisation's position.")
    if a.document.status not in ("open", "closed"):
        raise Conflict("Positions are filed while the document is open or closed.")
    if stance not in STANCES:
        raise Invalid(_l("stance must be one of: %(choices)s.", choices=", ".join(STANCES)), {"stance": "not an allowed value"})
    body = _required_text("body", body)
    _check_size("body", body, MAX_POSITION_BYTES)
    org = a.participant.organisation
    html = render(body)
    search_text = f"{stance.replace('_', ' ')}\n\n{body}"
    render(search_text)  # before any write, not under the room's lock (kept for index_entry below)
    pos = Position(document_id=a.document.id, organisation_id=org.id, constituency=org.constituency,
                   stance=stance, body=body, html=html, version_number=a.document.current_version_number,
                   author_id=actor.id, created_at=utcnow())
    db.session.add(pos)
    db.session.flush()
    # search holds each organisation's current position only; earlier ones stay as history
    earlier = tuple(db.session.scalars(select(Position.id).where(
        Position.document_id == a.document.id, Position.organisation_id == org.id, Position.id != pos.id)))
    record_event(a.document.consultation_id, PositionUpdated(
        document_id=a.document.id, position_id=pos.id, organisation={"id": org.id, "name": org.name},
        constituency=org.constituency, stance=stance,
        searchable=Searchable("position", pos.id, f"{org.name}: {a.document.title}",
                              search_text, a.document.language or "en",
                              publishable=True, replaces=earlier)), actor)
    return pos


def now() -> datetime:
    return utcnow()
