"""Standing bodies, their members over time, the sessions they held, who follows what, and the
theme read model.

A membership is a term (term_start .. term_end, both days included; no term_end: open-ended);
whether it is current is computed from the dates on the day asked about, never stored, so the
history of who sat when is the rows themselves. ThemeRecord is this feature's own copy of what
the spine announces about documents, decisions and positions (filled from events, like search):
the theme pages read it and no other feature's tables.
"""
from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation
from app.core.db import utcnow
from app.extensions import db

KINDS = ("tripartite", "advisory")
RECORD_KINDS = ("document", "decision", "position")


class StandingBody(db.Model):
    __tablename__ = "standing_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    acronym: Mapped[str] = mapped_column(String(20), default="")
    kind: Mapped[str] = mapped_column(String(20))
    level: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    rec: Mapped[str | None] = mapped_column(String(10))
    # The default rule of procedure of its sessions' motions: a preset name or a rule object.
    rule: Mapped[str | dict | None] = mapped_column(JSON)
    # Which members' constituencies vote in its sessions (an advisory body's rule may let
    # stakeholders vote); copied to each new session as its voting_constituencies.
    voting_constituencies: Mapped[list] = mapped_column(JSON, default=lambda: ["government", "employers", "workers"])
    description: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    members: Mapped[list["BodyMember"]] = relationship(
        back_populates="body", cascade="all, delete-orphan",
        order_by="(BodyMember.term_start, BodyMember.id)")


class BodyMember(db.Model):
    """One organisation's term on one seat of a body."""

    __tablename__ = "body_member"
    __table_args__ = (
        CheckConstraint("term_end IS NULL OR term_end >= term_start", name="term_order"),
        Index("ix_body_member_body_seat", "body_id", "seat"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("standing_body.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    seat: Mapped[str] = mapped_column(String(200), default="")
    term_start: Mapped[date]
    term_end: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    body: Mapped[StandingBody] = relationship(back_populates="members")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def sits_on(self, day: date) -> bool:
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class BodySession(db.Model):
    """A consultation held as a session of a standing body (one body per consultation)."""

    __tablename__ = "body_session"

    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True)
    body_id: Mapped[int] = mapped_column(ForeignKey("standing_body.id", ondelete="CASCADE"), index=True)
    # The day whose members were invited and are named in the session's record.
    held_on: Mapped[date]


class Follow(db.Model):
    """A person follows a theme or a body (exactly one of the two)."""

    __tablename__ = "follow"
    __table_args__ = (
        UniqueConstraint("user_id", "theme_id", "body_id"),
        CheckConstraint("(theme_id IS NULL) <> (body_id IS NULL)", name="one_target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("theme.id", ondelete="CASCADE"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("standing_body.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ThemeRecord(db.Model):
    """What the spine said about a document, a decision (closed motion) or a position, kept for
    the theme pages. is_published: publishable and covered by the consultation's publication.
    year, level, rec and country copy the consultation's (kept current by its consultation.scope
    and session.rescheduled events), so a theme page counts without joining consultations."""

    __tablename__ = "theme_record"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index("ix_theme_record_consultation", "consultation_id", "kind"),
        Index("ix_theme_record_latest", "kind", "at"),
        # covers the theme page's one grouped count, in its GROUP BY order (no sort)
        Index("ix_theme_record_tally", "kind", "year", "level", "rec", "constituency", "stance", "outcome",
              "consultation_id", "is_published"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int]
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    year: Mapped[int | None]
    level: Mapped[str | None] = mapped_column(String(20))
    rec: Mapped[str | None] = mapped_column(String(10))
    country: Mapped[str | None] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(300), default="")
    document_id: Mapped[int | None]
    organisation: Mapped[str] = mapped_column(String(200), default="")
    constituency: Mapped[str | None] = mapped_column(String(20))
    stance: Mapped[str | None] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(30))
    is_publishable: Mapped[bool] = mapped_column(default=False)
    is_published: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
