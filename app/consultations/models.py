"""Consultation with its lifecycle, participants, agenda items and policy themes."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from app.accounts.models import CONSTITUENCIES, ORG_REF, RECS, Organisation, User
from app.core.db import RecordRef, isoformat, utcnow
from app.core.errors import Conflict
from app.core.shapes import ANY, BOOL, DATETIME, INT, STR, Shape, any_of, enum, list_of, map_of, nullable
from app.extensions import db

LEVELS = ("national", "rec", "continental")
STATUSES = ("draft", "scheduled", "live", "closed", "archived")
# closed -> live reopens the live session for a further sitting (live rooms issue).
TRANSITIONS = {
    "draft": ("scheduled",),
    "scheduled": ("live",),
    "live": ("closed",),
    "closed": ("live", "archived"),
    "archived": (),
}
PARTICIPANT_ROLES = ("delegate", "adviser", "observer", "chair")
CREDENTIALS = ("pending", "accepted", "rejected")
DEFAULT_VOTERS = ["government", "employers", "workers"]
VOTING_CONSTITUENCIES = ("government", "employers", "workers", "stakeholder")
MEETING_URL_MAX = 500

# The JSON shapes of to_dict() below and of services.serialize() (app/core/shapes.py)
THEME = Shape("Theme", {"id": INT, "slug": STR, "name": STR, "description": STR})
AGENDA_ITEM = Shape("AgendaItem", {"id": INT, "position": INT, "title": STR, "starts_at": nullable(DATETIME)})
PARTICIPANT = Shape("Participant", {
    "id": INT, "consultation_id": INT, "user_id": INT, "name": STR, "organisation": ORG_REF,
    "constituency": enum(*CONSTITUENCIES), "role": enum(*PARTICIPANT_ROLES), "credentials": enum(*CREDENTIALS),
    "deputy_of_id": nullable(INT)})
CONSULTATION = Shape("Consultation", {
    "id": INT, "title": STR, "description": STR, "level": enum(*LEVELS), "country": nullable(STR),
    "rec": nullable(enum(*RECS)), "status": enum(*STATUSES), "starts_at": nullable(DATETIME),
    "ends_at": nullable(DATETIME), "is_public": BOOL, "themes": list_of(STR),
    "voting_constituencies": list_of(enum(*VOTING_CONSTITUENCIES)),
    # the default rule of procedure of its motions: a preset name or a rule object (GET /rules), or null
    "rule": nullable(any_of(STR, map_of(ANY)))})
CONSULTATION_DETAIL = CONSULTATION.extend("ConsultationDetail", {
    "agenda": list_of(AGENDA_ITEM), "participants": list_of(PARTICIPANT), "current_agenda_item_id": nullable(INT),
    "last_seq": INT,
    # the video or phone bridge of a hybrid sitting; null for a reader who does not take part
    "meeting_url": nullable(STR), "speaking_time_s": nullable(INT)})  # services.serialize(c, detail=True)

consultation_theme = Table(
    "consultation_theme",
    db.metadata,
    Column("consultation_id", ForeignKey("consultation.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class Theme(db.Model):
    __tablename__ = "theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")

    def to_dict(self) -> dict:
        return THEME.dump({"id": self.id, "slug": self.slug, "name": self.name, "description": self.description})


class Consultation(db.Model):
    __tablename__ = "consultation"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    level: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    rec: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    is_public: Mapped[bool] = mapped_column(default=False)
    voting_constituencies: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_VOTERS))
    # The rule of procedure a motion takes when it names none (a preset name or a rule object);
    # a standing body's session takes the body's rule.
    default_rule: Mapped[str | dict | None] = mapped_column(JSON)
    # The video or phone bridge of a hybrid sitting (http or https), for participants only.
    meeting_url: Mapped[str | None] = mapped_column(String(MEETING_URL_MAX))
    # The default time limit of a turn on the floor, in seconds (None: no limit).
    speaking_time_s: Mapped[int | None]
    current_agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", use_alter=True, ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    themes: Mapped[list[Theme]] = relationship(secondary=consultation_theme, order_by=Theme.id)
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="consultation", order_by="AgendaItem.position",
        foreign_keys="AgendaItem.consultation_id", cascade="all, delete-orphan")
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="Participant.id")
    current_agenda_item: Mapped["AgendaItem | None"] = relationship(
        foreign_keys=[current_agenda_item_id], post_update=True)

    def move_to(self, status: str) -> None:
        """The only way status changes: refuses anything but the lifecycle's next steps."""
        if status not in TRANSITIONS.get(self.status, ()):
            raise Conflict(_l("A consultation cannot go from %(current)s to %(target)s.", current=self.status, target=status))
        self.status = status


class AgendaItem(db.Model):
    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime | None]  # when the item is taken up (the secretariat's timetable)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation: Mapped[Consultation] = relationship(back_populates="agenda", foreign_keys=[consultation_id])

    def to_dict(self) -> dict:
        return AGENDA_ITEM.dump({"id": self.id, "position": self.position, "title": self.title,
                                 "starts_at": isoformat(self.starts_at)})


class OnePerConsultationAndUser:
    """Columns of a record kept once per consultation and user (a participant, an invitation):
    removed with either."""

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        return (UniqueConstraint("consultation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class Participant(OnePerConsultationAndUser, db.Model):
    __tablename__ = "participant"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="delegate")
    credentials: Mapped[str] = mapped_column(String(20), default="pending")
    # An adviser named deputy speaks and votes in this delegate's place (votes issue).
    deputy_of_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    consultation: Mapped[Consultation] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(foreign_keys="Participant.user_id", lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def constituency(self) -> str:
        return self.organisation.constituency

    def to_dict(self) -> dict:
        return PARTICIPANT.dump({
            "id": self.id, "consultation_id": self.consultation_id, "user_id": self.user_id,
            "name": self.user.name, "organisation": {"id": self.organisation_id, "name": self.organisation.name},
            "constituency": self.constituency, "role": self.role, "credentials": self.credentials,
            "deputy_of_id": self.deputy_of_id,
        })


MODERATED_KINDS = ("comment", "amendment", "chat")
REPORT_STATUSES = ("open", "hidden", "dismissed")


class HiddenContent(RecordRef, db.Model):
    """Written content the secretariat hid (app.consultations.moderation): the record itself is
    kept, readers see a placeholder; the reason stays here for the record and the audit."""

    __tablename__ = "hidden_content"
    __table_args__ = (UniqueConstraint("kind", "ref_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    hidden_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContentReport(RecordRef, db.Model):
    """A participant's request that the secretariat review a comment, chat message or amendment."""

    __tablename__ = "content_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]

    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])
