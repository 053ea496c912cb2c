"""The room event spine: every change is stored as a RoomEvent with a per-room seq, then sent.

record_event() allocates the next seq with one atomic UPDATE ... RETURNING on the consultation
row (a row lock on PostgreSQL, the write lock on SQLite), so concurrent writers queue and seq has
no gaps or duplicates; a unique constraint on (consultation_id, seq) is the backstop. The event
is written in the caller's transaction and broadcast by an after_commit hook, so nothing is sent
that was rolled back and nothing committed is missing from a replay.
"""
import logging
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import set_committed_value

from app.core.db import isoformat, utcnow
from app.core.events import DECLARED, Event, mismatches
from app.extensions import db, socketio

_PENDING_KEY = "baraza_pending_events"
log = logging.getLogger(__name__)


def room_name(consultation_id: int) -> str:
    return f"consultation:{consultation_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


class RoomEvent(db.Model):
    __tablename__ = "room_event"
    __table_args__ = (
        UniqueConstraint("consultation_id", "seq"),
        Index("ix_room_event_type", "consultation_id", "type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    seq: Mapped[int]
    type: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    actor: Mapped[dict | None] = mapped_column(JSON)
    data: Mapped[dict] = mapped_column(JSON, default=dict)

    def to_dict(self) -> dict:
        return {
            "consultation_id": self.consultation_id,
            "seq": self.seq,
            "type": self.type,
            "at": isoformat(self.at),
            "actor": self.actor,
            "data": self.data or {},
        }


def actor_summary(user) -> dict | None:
    if user is None:
        return None
    org = user.organisation
    return {"id": user.id, "name": user.name, "constituency": org.constituency if org else None}


def lock_room(consultation_id: int) -> None:
    """Take the room's row lock until this transaction ends (writers of one room queue here).
    Under a hold (app.core.pg: the transaction waits in C) it must never wait for the lock, so
    it tries SKIP LOCKED first and, if another transaction has the room, waits cooperatively."""
    from app.consultations.models import Consultation
    from app.core import pg

    room = select(Consultation.id).where(Consultation.id == consultation_id)
    if pg.is_held(db.session):
        if db.session.execute(room.with_for_update(key_share=True, skip_locked=True)).first() is not None:
            return
        pg.release_hold(db.session)
        db.session.execute(room.with_for_update(key_share=True))
        pg.hold_until_commit(db.session)
        return
    db.session.execute(room.with_for_update(key_share=True))


def next_seq(consultation_id: int) -> int:
    """The room's next seq; the room stays locked until this transaction ends."""
    from app.consultations.models import Consultation
    from app.core import pg

    if pg.is_held(db.session):
        lock_room(consultation_id)
    stmt = (
        update(Consultation)
        .where(Consultation.id == consultation_id)
        .values(last_seq=Consultation.last_seq + 1)
        .returning(Consultation.last_seq)
    )
    seq = db.session.execute(stmt, execution_options={"synchronize_session": False}).scalar_one()
    # keep an already loaded Consultation current (objects are not expired on commit)
    loaded = db.session.identity_map.get(db.session.identity_key(Consultation, consultation_id))
    if loaded is not None:
        set_committed_value(loaded, "last_seq", seq)
    return seq


def record_event(consultation_id: int, event: Event, actor=None,
                 *, at: datetime | None = None, seq: int | None = None) -> RoomEvent:
    """Store a declared event in the current transaction; it is broadcast once the transaction
    commits, and the app's in-transaction consumers (app.core.events.EventBus) see it now.
    `seq` is one the caller took from next_seq() in this transaction (to write it elsewhere too)."""
    if not isinstance(event, Event) or DECLARED.get(event.type) is not type(event):
        raise TypeError(f"record_event takes a declared event, not {event!r}")
    ev = RoomEvent(
        consultation_id=consultation_id,
        seq=next_seq(consultation_id) if seq is None else seq,
        type=event.type,
        at=at or utcnow(),
        actor_id=actor.id if actor is not None else None,
        actor=actor_summary(actor),
        data=event.data(),
    )
    if current_app.config.get("CHECK_EVENT_PAYLOADS"):
        problems = mismatches(ev.type, ev.data)
        if problems:
            raise TypeError("event payload does not match its declaration: " + "; ".join(problems))
    db.session.add(ev)
    db.session.flush()
    bus = current_app.extensions.get("baraza.events")
    if bus is not None:
        bus.publish(consultation_id, event, actor)
    db.session.info.setdefault(_PENDING_KEY, []).append(("room:event", ev.to_dict(), room_name(consultation_id)))
    return ev


def emit_on_commit(event_name: str, payload: Any, to: str) -> None:
    """Send a Socket.IO event to a room once the current transaction commits (not stored)."""
    db.session.info.setdefault(_PENDING_KEY, []).append((event_name, payload, to))


def events_since(consultation_id: int, since: int, limit: int = 5000) -> list[RoomEvent]:
    stmt = (
        select(RoomEvent)
        .where(RoomEvent.consultation_id == consultation_id, RoomEvent.seq > since)
        .order_by(RoomEvent.seq)
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING_KEY, None)
    if not pending:
        return
    for name, payload, room in pending:
        try:
            socketio.emit(name, payload, to=room)
        except Exception:  # the event is stored; clients recover it by replay
            log.exception("broadcast of %s to %s failed", name, room)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
