"""The theme pages' read model: a consumer of the spine, like search. Every event carrying a
`searchable` of kind document, decision, position or minutes refreshes that record's row, in
the producer's transaction; publication.changed recomputes what is public. No feature calls this
code and it reads no other feature's tables (the stance and constituency of a position, the
outcome of a decision come in the events themselves)."""

from sqlalchemy import and_, delete, select, update

from app.bodies.models import ThemeRecord
from app.consultations.event_types import ScopeChanged, SessionRescheduled
from app.consultations.models import Consultation
from app.core.db import utcnow
from app.core.events import Event, EventBus, searchable_events
from app.core.realtime import RoomEvent
from app.documents.event_types import PositionUpdated
from app.extensions import db
from app.minutes.event_types import PublicationChanged
from app.votes.event_types import MotionClosed

KEPT = ("document", "decision", "position", "minutes")


def published_kinds(consultation_id: int) -> set[str]:
    """The kinds the consultation's publication covers, as its last publication.changed says."""
    data = db.session.scalar(select(RoomEvent.data).where(
        RoomEvent.consultation_id == consultation_id, RoomEvent.type == PublicationChanged.type)
        .order_by(RoomEvent.seq.desc()).limit(1))
    return set((data or {}).get("kinds") or ())


def scope_of(c: Consultation) -> dict:
    """The consultation's fields a record keeps a copy of."""
    when = c.starts_at or c.created_at or utcnow()
    return {"year": when.year, "level": c.level, "rec": c.rec, "country": c.country}


def _row(kind: str, ref_id: int, consultation_id: int) -> ThemeRecord:
    c = db.session.get(Consultation, consultation_id)
    row = db.session.scalar(select(ThemeRecord).where(ThemeRecord.kind == kind, ThemeRecord.ref_id == ref_id))
    if row is None:
        row = ThemeRecord(kind=kind, ref_id=ref_id, at=utcnow())
        db.session.add(row)
    row.consultation_id = consultation_id
    for key, value in scope_of(c).items():
        setattr(row, key, value)
    return row


def keep(consultation_id: int, event: Event, _actor) -> None:
    s = event.searchable
    if s is None or s.kind not in KEPT:
        return
    if s.replaces:
        db.session.execute(delete(ThemeRecord).where(ThemeRecord.kind == s.kind, ThemeRecord.ref_id.in_(s.replaces)))
    row = _row(s.kind, s.ref_id, consultation_id)
    row.title = (s.title or "")[:300]
    row.is_publishable = bool(s.publishable)
    row.is_published = row.is_publishable and s.kind in published_kinds(consultation_id)
    if isinstance(event, PositionUpdated):
        row.document_id, row.stance, row.constituency = event.document_id, event.stance, event.constituency
        row.organisation = str((event.organisation or {}).get("name") or "")[:200]
        row.at = utcnow()
    elif isinstance(event, MotionClosed):
        row.outcome = str((event.result or {}).get("outcome") or "")[:30] or None
        row.at = utcnow()
    elif hasattr(event, "document_id"):
        row.document_id = event.document_id
    db.session.flush()


def publication(consultation_id: int, event: PublicationChanged, _actor) -> None:
    kinds = sorted(event.kinds)
    db.session.execute(update(ThemeRecord).where(ThemeRecord.consultation_id == consultation_id)
                       .values(is_published=and_(ThemeRecord.is_publishable, ThemeRecord.kind.in_(kinds or ["-"]))),
                       execution_options={"synchronize_session": False})
    row = _row("consultation", consultation_id, consultation_id)
    row.is_publishable = True
    row.is_published = "consultation" in kinds
    db.session.flush()


def rescope(consultation_id: int, _event: Event, _actor) -> None:
    """The consultation's dates or scope changed: its records' copies follow."""
    c = db.session.get(Consultation, consultation_id)
    db.session.execute(update(ThemeRecord).where(ThemeRecord.consultation_id == consultation_id)
                       .values(**scope_of(c)), execution_options={"synchronize_session": False})


def subscribe(bus: EventBus) -> None:
    for cls in searchable_events():
        bus.subscribe(cls, keep)
    bus.subscribe(PublicationChanged, publication)
    bus.subscribe(SessionRescheduled, rescope)
    bus.subscribe(ScopeChanged, rescope)
