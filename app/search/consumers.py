"""Search is a consumer of the spine: it subscribes to the events that change a searchable
record and refreshes that record's entry in the producer's transaction. No feature calls search;
search reads the records it indexes (documents, positions, minutes) by the ids the events carry."""
from sqlalchemy import select

from app.core.events import EventBus
from app.documents.event_types import DocumentRenamed, DocumentStatus, DocumentVersion, PositionUpdated
from app.documents.models import Document, Position
from app.documents.models import DocumentVersion as Version
from app.extensions import db
from app.minutes import statements
from app.minutes.event_types import CorrectionDecided, MinutesStatus
from app.minutes.models import Minutes
from app.search.services import index_entry, remove_entry
from app.votes.event_types import MotionClosed
from app.votes.models import Motion


def _document(_consultation_id: int, event, _actor) -> None:
    """A document is searchable once it leaves draft (participants cannot see drafts), with the
    text of its current version; only a final document may go to the public archive."""
    doc = db.session.get(Document, event.document_id)
    if doc is None or doc.status == "draft":
        return
    body = db.session.scalar(select(Version.body).where(
        Version.document_id == doc.id, Version.number == doc.current_version_number))
    index_entry("document", doc.id, doc.consultation_id, doc.title, body or "", doc.language or "en",
                publishable=doc.status == "final")


def _position(_consultation_id: int, event: PositionUpdated, _actor) -> None:
    """Search holds each organisation's current position only; earlier ones stay as history."""
    pos = db.session.get(Position, event.position_id)
    doc = db.session.get(Document, event.document_id)
    for earlier in db.session.scalars(select(Position.id).where(
            Position.document_id == pos.document_id, Position.organisation_id == pos.organisation_id,
            Position.id != pos.id)):
        remove_entry("position", earlier)
    index_entry("position", pos.id, doc.consultation_id, f"{event.organisation['name']}: {doc.title}",
                f"{pos.stance.replace('_', ' ')}\n\n{pos.body}", doc.language or "en", publishable=True)


def _decision(consultation_id: int, event: MotionClosed, _actor) -> None:
    """A decision is searchable (and publishable) once its result is frozen; its entry links to
    the motion, so an event without one (a session recorded elsewhere) indexes nothing."""
    if db.session.get(Motion, event.motion_id) is None:
        return
    index_entry("decision", event.motion_id, consultation_id, event.question,
                event.result.get("reason", ""), "en", publishable=True)


def _minutes(_consultation_id: int, event, _actor) -> None:
    """Circulated and adopted minutes are searchable; adopted ones may go public."""
    m = db.session.get(Minutes, event.minutes_id)
    if m is None or m.status == "draft":
        return
    index_entry("minutes", m.id, m.consultation_id, m.title, statements.strip_markers(m.body),
                m.language, publishable=m.is_adopted)


def subscribe(bus: EventBus) -> None:
    for cls in (DocumentVersion, DocumentStatus, DocumentRenamed):
        bus.subscribe(cls, _document)
    bus.subscribe(PositionUpdated, _position)
    bus.subscribe(MotionClosed, _decision)
    bus.subscribe(MinutesStatus, _minutes)
    bus.subscribe(CorrectionDecided, _minutes)
