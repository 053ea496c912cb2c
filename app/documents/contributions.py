"""What participants write about a document: comments and their threads, amendments and their
decision, and each organisation's position. The reading and acting rules are those of
app.documents.services (see there); every change writes its room event."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.accounts.models import User
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, not_found_as
from app.core.events import Searchable
from app.core.markdown import render
from app.core.realtime import record_event
from app.documents import anchoring
from app.documents.event_types import (
    AmendmentCreated,
    AmendmentDecided,
    CommentCreated,
    CommentResolved,
    PositionUpdated,
)
from app.documents.models import STANCES, Amendment, Comment, Document, DocumentVersion, Position
from app.documents.services import (
    MAX_AMENDMENT_BYTES,
    MAX_COMMENT_BYTES,
    MAX_POSITION_BYTES,
    Access,
    _check_size,
    _require_manage,
    _require_open,
    _required_text,
    _write_version,
    access,
    current_version,
)
from app.extensions import db

# A comment or amendment goes to every member of the room as it is filed: its event carries at
# most this much of the text (and a comment's HTML only when it is short), so one long hostile
# comment does not send megabytes to each of 200 phones; the reader fetches the rest.
ROOM_TEXT_MAX = 2000    # characters
ROOM_HTML_MAX = 8192    # characters of rendered HTML

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
    short = len(body) <= ROOM_TEXT_MAX and len(comment.html) <= ROOM_HTML_MAX
    record_event(doc.consultation_id, CommentCreated(
        document_id=doc.id, comment_id=comment.id, parent_id=parent_id, anchor=anchor,
        body=body[:ROOM_TEXT_MAX], html=comment.html if short else None, version_number=version.number,
        truncated=not short,
        searchable=Searchable("comment", comment.id, doc.title, body, doc.language or "en")), actor)
    return comment, True


def _managed(actor: User, model, record_id, missing) -> tuple[Access, Comment | Amendment]:
    """A comment or amendment the secretariat acts on, with the access to its document:
    NotFound (`missing`) for a missing record and one in a document the actor may not see
    alike, Forbidden for anyone but the secretariat."""
    record = db.session.get(model, record_id) if isinstance(record_id, int) and not isinstance(record_id, bool) \
        else None
    if record is None:
        raise NotFound(missing)
    with not_found_as(missing):
        a = access(actor, record.document_id)
    _require_manage(a)
    return a, record


def resolve_comment(actor: User, comment_id: int) -> Comment:
    """Secretariat only: mark a thread resolved (a reply resolves its thread); idempotent."""
    a, comment = _managed(actor, Comment, comment_id, _l("No such comment."))
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
    search_text = f"{text}\n\n{rationale.strip()}"
    render(search_text)  # before any write, not under the room's lock (kept for the search index)
    am = Amendment(document_id=a.document.id, anchor=anchor, base_version_number=version.number,
                   original=paragraph["src"], text=text, text_html=render(text), rationale=rationale.strip(),
                   rationale_html=render(rationale), proposer_id=actor.id, organisation_id=org.id,
                   constituency=org.constituency, status="proposed", created_at=utcnow())
    db.session.add(am)
    db.session.flush()
    record_event(a.document.consultation_id, AmendmentCreated(
        document_id=a.document.id, amendment_id=am.id, anchor=anchor, text=am.text[:ROOM_TEXT_MAX],
        rationale=am.rationale[:ROOM_TEXT_MAX], organisation={"id": org.id, "name": org.name},
        truncated=max(len(am.text), len(am.rationale)) > ROOM_TEXT_MAX,
        searchable=Searchable("amendment", am.id, a.document.title, search_text, a.document.language or "en")), actor)
    return am


def _decidable(actor: User, amendment_id) -> tuple[Access, Amendment]:
    a, am = _managed(actor, Amendment, amendment_id, _l("No such amendment."))
    if am.status != "proposed":
        raise Conflict(_l("This amendment was already %(status)s.", status=am.status))
    if a.document.status not in ("open", "closed"):
        raise Conflict("Amendments are decided while the document is open or closed.")
    return a, am


def accept_amendment(actor: User, amendment_id: int, reason: str = "") -> Amendment:
    """Secretariat only: a new version with the paragraph replaced, crediting the proposer.
    409 when already decided, the document is final, or the paragraph is gone."""
    a, am = _decidable(actor, amendment_id)
    current = current_version(a.document)
    if _paragraph(current, am.anchor) is None:
        raise Conflict("The paragraph this amendment changes is no longer in the document.")
    am.reason = (reason or "").strip()
    return apply_amendment(actor, a.document, am)


def apply_amendment(actor: User | None, doc: Document, am: Amendment) -> Amendment:
    """Accept a proposed amendment whose paragraph is in the current version: a new version with
    the paragraph replaced, crediting the proposer (the secretariat's decision, or a vote's with
    actor None when the motion closed at its time). The caller checked who may decide."""
    current = current_version(doc)
    paragraph = _paragraph(current, am.anchor)
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
    note = ""   # the version names its amendment: DocumentVersion.note credits the proposer at display
    am.status = "accepted"
    am.decided_by_id, am.decided_at = actor.id if actor else None, utcnow()
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


def _decided_event(actor: User | None, doc: Document, am: Amendment) -> None:
    record_event(doc.consultation_id, AmendmentDecided(
        document_id=doc.id, amendment_id=am.id, decision=am.status, reason=am.reason,
        version_number=am.resulting_version_number, title=doc.title, reason_code=am.reason_code,
        reason_params=am.reason_params), actor)


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
