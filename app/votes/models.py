"""Motions, ballots and the audit trail of votes.

Who may vote is a *slot*: the participant record of an accredited delegate. A named deputy
(an adviser of the same organisation) votes in the delegate's slot, so the two can never both
count: one ballot per slot per motion, enforced by a unique constraint.

Open ballots (roll_call, show_of_hands) keep one `Ballot` row per slot with the choice; a
change before close overwrites the row (the last counts).

Secret ballots keep who-has-voted apart from what-was-voted:

* `VoterRecord` (motion, slot, who cast it, when) says that someone voted; unique per slot.
* `SecretChoice` (motion, constituency, choice) says what was voted while the motion is open.
  It has no voter id, no timestamp and a random 128-bit primary key (no sequence, so ids do
  not follow the order of voting); on SQLite the table is WITHOUT ROWID, so even the storage
  order is the random key. The constituency is needed until the close: the
  constituency_majority and weighted rules count per group, and whether per-group totals may be
  published depends on the final turnout of every group.
* On close the motion's choices are *sealed*: the SecretChoice rows are deleted and replaced
  by `SecretTally` counts holding only what the published result shows: per (constituency,
  option) when every voting group has at least the secrecy minimum of voters (the result then
  publishes those counts), otherwise one total per option with no group at all (constituency
  ""). So a copy of the tables taken after close holds no row per ballot, nothing ordered by
  time of voting, and no group a small delegation could be read from. A rule that needed the
  groups keeps its frozen decision in `Motion.result`.
* A secret vote cannot be changed. Finding and replacing an earlier secret choice needs a link
  from the voter to that choice; a receipt keyed by a server secret is such a link for whoever
  runs the server, and a receipt held only by the voter is lost with a browser and would keep a
  deputy from replacing a delegate's vote. As with a paper ballot in the box, the first secret
  ballot of a slot is final (409 on a second one).
* Not protected: someone who can watch the database while the motion is open (statement logs,
  row transaction ids, the WAL, two copies taken around one ballot) can pair a voter with a
  choice, and a small group's SecretChoice rows name their group until the close. The design
  protects the published results, the API, exports and copies of the tables taken after close.

Audit rows record every creation, opening, closing and ballot; for a secret ballot only that
the slot voted, for show_of_hands that the slot voted or changed its vote, and the choice only
for roll_call, where it is published anyway.
"""
import secrets
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.core.db import utcnow
from app.extensions import db

BALLOTS = ("roll_call", "show_of_hands", "secret")
MOTION_STATUSES = ("draft", "open", "closed")
DEFAULT_OPTIONS = ["yes", "no", "abstain"]


def random_key() -> str:
    return secrets.token_hex(16)


class Motion(db.Model):
    __tablename__ = "motion"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    options: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_OPTIONS))
    ballot: Mapped[str] = mapped_column(String(20))
    # the preset name the motion was drafted with, or "custom" for a composed rule object
    rule: Mapped[str] = mapped_column(String(30))
    # the rule object applied (app.consultations.procedure), fixed once the motion opens
    procedure: Mapped[dict] = mapped_column(JSON)
    weights: Mapped[dict | None] = mapped_column(JSON)
    # as given when drafted: None, an integer, "half_of_eligible" or a quorum object (also in procedure)
    quorum: Mapped[int | str | dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    # A document version the motion is about; kept as a plain id so votes does not depend on documents.
    document_version_id: Mapped[int | None]
    opened_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    result: Mapped[dict | None] = mapped_column(JSON)
    # the register the result was decided on, frozen with it (app.consultations.decision)
    register: Mapped[dict | None] = mapped_column(JSON)
    # consensus_first: the follow-on vote opened when consensus failed, and the motion it follows
    next_motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id", ondelete="SET NULL"))
    previous_motion_id: Mapped[int | None] = mapped_column(ForeignKey("motion.id", ondelete="SET NULL"))
    # what the motion decides, when another feature's record (an amendment: kind "amendment");
    # plain ids, so votes does not depend on that feature (app.core.features: motion_origins)
    origin_kind: Mapped[str | None] = mapped_column(String(20))
    origin_id: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation = relationship("Consultation")

    def effective_status(self, now: datetime | None = None) -> str:
        """Time rule from data: an open motion whose closes_at has passed is closed."""
        if self.status == "open" and self.closes_at is not None and (now or utcnow()) >= self.closes_at:
            return "closed"
        return self.status

    def is_due(self, now: datetime | None = None) -> bool:
        return self.status == "open" and self.effective_status(now) == "closed"


class _SlotMark:
    """What a ballot and a secret voter record share: one row per motion and voting slot, with who
    cast it for the slot and the slot's constituency."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("motion_id", "slot_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    cast_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    constituency: Mapped[str] = mapped_column(String(20))


class Ballot(_SlotMark, db.Model):
    """An open (roll_call or show_of_hands) ballot: the slot's current choice."""

    __tablename__ = "ballot"

    choice: Mapped[str] = mapped_column(String(100))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[int] = mapped_column(default=0)


class VoterRecord(_SlotMark, db.Model):
    """Secret ballot: that a slot voted (never what)."""

    __tablename__ = "voter_record"

    voted_at: Mapped[datetime] = mapped_column(default=utcnow)


class SecretChoice(db.Model):
    """Secret ballot: what was voted, with no voter, no time and a random key."""

    __tablename__ = "secret_choice"
    __table_args__ = (Index("ix_secret_choice_motion", "motion_id"), {"sqlite_with_rowid": False})

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_key)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    constituency: Mapped[str] = mapped_column(String(20))
    choice: Mapped[str] = mapped_column(String(100))


class SecretTally(db.Model):
    """Secret ballot after close: how many chose an option, per group only where the result
    publishes groups (constituency "" = every group together). No per-ballot row survives."""

    __tablename__ = "secret_tally"
    __table_args__ = ({"sqlite_with_rowid": False},)

    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"), primary_key=True)
    constituency: Mapped[str] = mapped_column(String(20), primary_key=True)
    choice: Mapped[str] = mapped_column(String(100), primary_key=True)
    votes: Mapped[int]


class MotionProgress(db.Model):
    """When the last motion.progress event of a motion was recorded (coalescing, see events)."""

    __tablename__ = "motion_progress"

    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"), primary_key=True)
    last_at: Mapped[datetime | None]


class VoteAudit(db.Model):
    __tablename__ = "vote_audit"
    __table_args__ = (Index("ix_vote_audit_motion", "motion_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(ForeignKey("motion.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
