"""The room event spine: every change is stored as a RoomEvent with a per-room seq, then sent.

record_event() allocates the next seq with one atomic upsert ... RETURNING on the room's own
row in room_sequence (a row lock on PostgreSQL, the write lock on SQLite), so concurrent writers
queue and seq has no gaps or duplicates; a unique constraint on (consultation_id, seq) is the backstop. The event
is written in the caller's transaction and broadcast by an after_commit hook, so nothing is sent
that was rolled back and nothing committed is missing from a replay.
"""
import logging
import re
import typing
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, bindparam, event, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.core.db import isoformat, utcnow
from app.core.events import DECLARED, Event, mismatches
from app.core.shapes import ANY, DATETIME, INT, STR, Shape, const, hint_type, map_of, nullable
from app.extensions import db, socketio

_PENDING_KEY = "baraza_pending_events"
log = logging.getLogger(__name__)


def room_name(consultation_id: int) -> str:
    return f"consultation:{consultation_id}"


def user_room(user_id: int) -> str:
    return f"user:{user_id}"


ACTOR = Shape("EventActor", {"id": INT, "name": STR, "constituency": nullable(STR)})


class _RoomEventShape(Shape):
    """One variant per declared event type (its `type` a constant, its `data` the payload the
    type declares), told apart by `type`: rendered when the document is built, so it lists
    every type the app's features declared."""

    def object_schema(self, components) -> dict:
        variants = {}
        for name, cls in sorted(DECLARED.items()):
            title = "".join(part.capitalize() for part in re.split(r"[._]", name))
            hints = typing.get_type_hints(cls)
            data = Shape(f"{title}EventData", {f: hint_type(hints[f]) for f in cls._names})
            variants[name] = components.ref(self.extend(f"{title}Event", {"type": const(name), "data": data},
                                                        description=f"The room event {name}."))
        return {"oneOf": list(variants.values()),
                "discriminator": {"propertyName": "type", "mapping": {n: r["$ref"] for n, r in variants.items()}},
                "description": self.description}


ROOM_EVENT = _RoomEventShape("RoomEvent", {"consultation_id": INT, "seq": INT, "type": STR, "at": DATETIME,
                                           "actor": nullable(ACTOR), "data": map_of(ANY)},
                             description="A stored room event; data is the payload its type declares "
                                         "(app/*/event_types.py).")


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
        return ROOM_EVENT.dump({
            "consultation_id": self.consultation_id,
            "seq": self.seq,
            "type": self.type,
            "at": isoformat(self.at),
            "actor": self.actor,
            "data": self.data or {},
        })


def actor_summary(user) -> dict | None:
    if user is None:
        return None
    org = user.organisation
    return ACTOR.dump({"id": user.id, "name": user.name, "constituency": org.constituency if org else None})


class RoomSequence(db.Model):
    """A room's last seq, owned by the spine. Its row is the room's lock: writers of one room
    queue on it (lock_room, next_seq) and nothing else locks it."""
    __tablename__ = "room_sequence"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"),
                                                 primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)


def open_room(consultation_id: int) -> None:
    """Give a new consultation its sequence (seq 0); next_seq would create it too, but a room
    whose row exists can be locked before its first event."""
    db.session.add(RoomSequence(consultation_id=consultation_id, last_seq=0))


_CURRENT_SEQ = select(RoomSequence.last_seq).where(RoomSequence.consultation_id == bindparam("cid"))


def current_seq(consultation_id: int) -> int:
    """The room's last seq as committed (0 before its first event)."""
    return db.session.scalar(_CURRENT_SEQ, {"cid": consultation_id}) or 0


def lock_room(consultation_id: int) -> None:
    """Take the room's row lock until this transaction ends (writers of one room queue here).
    Under a hold (app.core.pg: the transaction waits in C) it must never wait for the lock, so
    it tries SKIP LOCKED first and, if another transaction has the room, waits cooperatively."""
    from app.core import pg

    room = select(RoomSequence.consultation_id).where(RoomSequence.consultation_id == consultation_id)
    if pg.is_held(db.session):
        if db.session.execute(room.with_for_update(skip_locked=True)).first() is not None:
            return
        pg.release_hold(db.session)
        _lock(consultation_id, room)
        pg.hold_until_commit(db.session)
        return
    _lock(consultation_id, room)


def _lock(consultation_id: int, room) -> None:
    if db.session.execute(room.with_for_update()).first() is None:
        # a room made without open_room (demo, benchmarks): its row appears now
        db.session.execute(_insert().values(consultation_id=consultation_id, last_seq=0).on_conflict_do_nothing())
        db.session.execute(room.with_for_update())


def _insert():
    return (pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert)(RoomSequence)


def next_seq(consultation_id: int) -> int:
    """The room's next seq, from one atomic upsert; the room stays locked until this
    transaction ends."""
    from app.core import pg

    if pg.is_held(db.session):
        lock_room(consultation_id)
    stmt = _insert().values(consultation_id=consultation_id, last_seq=1).on_conflict_do_update(
        index_elements=[RoomSequence.consultation_id], set_={"last_seq": RoomSequence.last_seq + 1})
    return db.session.execute(stmt.returning(RoomSequence.last_seq),
                              execution_options={"synchronize_session": False}).scalar_one()


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
