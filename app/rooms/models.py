"""Live room state kept in the database beside the events: who is connected to which room,
the speaking queue, the floor, chat messages (for client_id dedup) and chat mutes/removals.

State is scoped to the current sitting: rows written before the latest session.status event
(whose seq is stored on each row) no longer count, so opening or closing the live session
clears the queue, the floor, mutes and removals without a job."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import utcnow
from app.extensions import db


class RoomMember(db.Model):
    """One socket joined to one room; a user is present while they have at least one."""

    __tablename__ = "room_member"
    __table_args__ = (UniqueConstraint("sid", "consultation_id"),
                      Index("ix_room_member_room_user", "consultation_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    sid: Mapped[str] = mapped_column(ForeignKey("socket_connection.sid", ondelete="CASCADE"))
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoomPresence(db.Model):
    """A person the room was last told is present (presence.joined / presence.changed): the
    presence tick compares these rows with the sockets (RoomMember) and announces the difference."""

    __tablename__ = "room_presence"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)


class HandRaise(db.Model):
    """A raised hand on the speakers' list of one agenda item (None: no item set). A list is the
    item's raised hands of the sitting in `position` order (points of order first; the chair
    may reorder). One hand per person per item: the room lock serialises writers, and the
    unique constraint holds wherever an item is set."""

    __tablename__ = "hand_raise"
    __table_args__ = (UniqueConstraint("consultation_id", "agenda_item_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default="speak")
    position: Mapped[int] = mapped_column(default=0)
    seq: Mapped[int]
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoomFloor(db.Model):
    """Who has the floor in a room, since when, for how long at most (user_id None: nobody;
    limit_s None: no limit)."""

    __tablename__ = "room_floor"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"),
                                                 primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    seq: Mapped[int] = mapped_column(default=0)
    since: Mapped[datetime] = mapped_column(default=utcnow)
    limit_s: Mapped[int | None]


class ChatMessage(db.Model):
    __tablename__ = "chat_message"
    __table_args__ = (UniqueConstraint("consultation_id", "user_id", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    client_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    seq: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoomRestriction(db.Model):
    """A chair's measure against one participant for the sitting: kind mute | removed."""

    __tablename__ = "room_restriction"
    __table_args__ = (UniqueConstraint("consultation_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    seq: Mapped[int]
    at: Mapped[datetime] = mapped_column(default=utcnow)
