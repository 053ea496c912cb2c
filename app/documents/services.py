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

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.accounts.models import User
from app.consultations import services as consultations
from app.consultations import agenda as consultation_agenda
from app.consultations.models import Consultation, Participant
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from app.core.events import Searchable
from app.core.markdown import render_text
from app.core.realtime import record_event
from app.documents import anchoring
from app.documents.event_types import (
    DocumentRenamed,
    DocumentStatus,
)
from app.documents.event_types import DocumentVersion as DocumentVersionEvent
from app.documents.models import STATUSES, Amendment, Document, DocumentVersion
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
    rendered = anchoring.render_document(body)  # first: a body refused here is refused once
    if doc.status != "draft":
        # Search indexes the rendered text after the event below takes the room's lock: render
        # it now, before any write (a long body renders in a worker; app.core.markdown keeps it).
        render_text(body)
    if not rendered.paragraphs:
        raise Invalid("The document has no text.", {"body": "may not be empty"})
    doc.next_anchor = anchoring.assign_anchors(previous.paragraphs if previous else [], rendered.paragraphs,
                                               doc.next_anchor, forced)
    number = doc.current_version_number + 1
    v = DocumentVersion(document_id=doc.id, number=number, body=body, html=rendered.html,
                        paragraphs=[p.to_json() for p in rendered.paragraphs], toc=rendered.toc,
                        note=note, author_id=actor.id if actor else None,
                        amendment_id=amendment.id if amendment else None,
                        created_at=utcnow())
    db.session.add(v)
    doc.current_version_number = number
    db.session.flush()
    if doc.status != "draft":
        record_event(doc.consultation_id, DocumentVersionEvent(
            document_id=doc.id, title=doc.title, number=number, note=note, searchable=_searchable(doc, body),
            amendment_id=amendment.id if amendment else None,
            amendment_by=amendment.organisation.name if amendment else ""), actor)
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
        return consultation_agenda.get_agenda_item(c, item_id).id
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
