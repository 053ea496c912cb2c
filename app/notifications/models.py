"""Notifications, per-user settings, the mail outbox, invitations and the dispatcher's cursor."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import User
from app.consultations.models import OnePerConsultationAndUser
from app.core.db import utcnow
from app.extensions import db

EMAIL_MODES = ("immediate", "digest", "off")
OUTBOX_STATUSES = ("queued", "sent", "failed")
# Why a delivery failed, as the secretariat's page and the API name it.
FAILURE_REASONS = ("invalid_message", "recipient_refused", "smtp_rejected", "smtp_unavailable",
                   "handler_error", "error")


class DispatchCursor(db.Model):
    """How far the dispatcher has read the room event log (RoomEvent.id), one row per reader."""

    __tablename__ = "notification_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_event_id: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NotificationSetting(db.Model):
    """A user's choices: how notifications reach them by e-mail, and their calendar feed token."""

    __tablename__ = "notification_setting"

    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    email_mode: Mapped[str] = mapped_column(String(10), default="immediate")
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    last_digest_at: Mapped[datetime | None]


class Notification(db.Model):
    """One in-app notice; text is rendered from kind + params in the reader's language and zone."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(500), default="/")
    event_id: Mapped[int | None] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Set while a daily-digest reader has not had this notice in a digest yet.
    digest_pending: Mapped[bool] = mapped_column(default=False, index=True)

    user: Mapped[User] = relationship()


class Outbox(db.Model):
    """A message to send; written in the transaction that decided it, sent later with retries."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    to_addr: Mapped[str] = mapped_column(String(254))
    to_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text, default="")
    kind: Mapped[str] = mapped_column(String(40), default="notification")
    ics: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A sender claims a row by setting this; a crashed sender's claim simply expires.
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(500))
    # One of FAILURE_REASONS for the last failed attempt (None once sent).
    failure_reason: Mapped[str | None] = mapped_column(String(30))
    failed_at: Mapped[datetime | None]


class DispatchFailure(db.Model):
    """A room event whose notifications could not be produced: the cursor moved past it (so the
    events after it are not held up), and this row keeps it for retries with back-off until it
    succeeds (the row is then deleted) or is given up on (status failed, shown to the secretariat)."""

    __tablename__ = "dispatch_failure"
    __table_args__ = (Index("ix_dispatch_failure_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(unique=True)
    event_type: Mapped[str] = mapped_column(String(40))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10), default="retrying")
    attempts: Mapped[int] = mapped_column(default=1)
    reason: Mapped[str] = mapped_column(String(30), default="handler_error")
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    failed_at: Mapped[datetime | None]


class Invitation(OnePerConsultationAndUser, db.Model):
    """The invitation of one user to one consultation: when it was mailed, when it was accepted."""

    __tablename__ = "invitation"

    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    mailed_at: Mapped[datetime | None]
    accepted_at: Mapped[datetime | None]


class MotionReminder(db.Model):
    """An asynchronous vote seen by the dispatcher (motion.opened with closes_at), so a periodic
    job can remind voters before it closes; closed_at is set when motion.closed arrives."""

    __tablename__ = "motion_reminder"
    __table_args__ = (UniqueConstraint("consultation_id", "motion_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    motion_id: Mapped[int]
    question: Mapped[str] = mapped_column(String(500), default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None]
    sent_day_at: Mapped[datetime | None]
    sent_hour_at: Mapped[datetime | None]
