"""Minutes of a consultation, with their lifecycle draft -> circulated -> adopted, and the
corrections participants submit to the passages reporting their own statements."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import PERSON_REF, User
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict
from app.core.shapes import BOOL, DATETIME, INT, STR, Shape, enum, nullable
from app.extensions import db

STATUSES = ("draft", "circulated", "adopted")
CORRECTION_STATUSES = ("pending", "accepted", "rejected")

# The JSON shapes of to_dict() below (app/core/shapes.py)
CORRECTION = Shape("Correction", {
    "id": INT, "minutes_id": INT, "anchor": STR, "statement": STR, "text": STR,
    "status": enum(*CORRECTION_STATUSES), "reason": STR, "author": PERSON_REF, "created_at": DATETIME,
    "decided_at": nullable(DATETIME)})
PUBLICATION = Shape("Publication", {
    "consultation_id": INT, "include_minutes": BOOL, "include_documents": BOOL, "include_positions": BOOL,
    "include_results": BOOL, "note": STR, "published_at": DATETIME, "published_by_id": nullable(INT), "url": STR})


class Minutes(db.Model):
    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    # A corrigendum is its own minutes record, adopted separately, pointing at the original.
    corrigendum_of_id: Mapped[int | None] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    correction_deadline: Mapped[datetime | None]
    drafted_through_seq: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    circulated_at: Mapped[datetime | None]
    adopted_at: Mapped[datetime | None]
    adopted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    adopted_by: Mapped[User | None] = relationship(foreign_keys=[adopted_by_id])
    corrigendum_of: Mapped["Minutes | None"] = relationship(remote_side=[id], back_populates="corrigenda")
    corrigenda: Mapped[list["Minutes"]] = relationship(back_populates="corrigendum_of", order_by="Minutes.id")
    corrections: Mapped[list["Correction"]] = relationship(back_populates="minutes", order_by="Correction.id",
                                                           cascade="all, delete-orphan")

    @property
    def is_adopted(self) -> bool:
        return self.status == "adopted"

    def deadline_passed(self, now: datetime | None = None) -> bool:
        """The correction period is over once the deadline is past (computed, not set by a job)."""
        return self.correction_deadline is not None and (now or utcnow()) >= self.correction_deadline

    def require_status(self, *allowed: str, action: str = "do this") -> None:
        if self.status not in allowed:
            raise Conflict(_l("Minutes that are %(status)s cannot %(action)s.", status=self.status, action=action))

    def circulate(self, deadline: datetime | None) -> None:
        self.require_status("draft", action="be circulated")
        self.status = "circulated"
        self.circulated_at = utcnow()
        self.correction_deadline = deadline

    def adopt(self, user: User) -> None:
        self.require_status("circulated", action="be adopted")
        self.status = "adopted"
        self.adopted_at = utcnow()
        self.adopted_by_id = user.id


class Correction(db.Model):
    __tablename__ = "minutes_correction"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    # What the participant pointed at: a statement anchor ("st-42") or a quoted passage.
    anchor: Mapped[str] = mapped_column(String(1000))
    # The statement the anchor resolved to when submitted.
    statement: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    minutes: Mapped[Minutes] = relationship(back_populates="corrections")
    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined")

    def to_dict(self) -> dict:
        return CORRECTION.dump({
            "id": self.id, "minutes_id": self.minutes_id, "anchor": self.anchor, "statement": self.statement,
            "text": self.text, "status": self.status, "reason": self.reason,
            "author": {"id": self.author_id, "name": self.author.name},
            "created_at": isoformat(self.created_at), "decided_at": isoformat(self.decided_at)})


class Publication(db.Model):
    """The secretariat's decision to show a closed consultation's material on the public
    transparency page. One per consultation; the flags say which kinds of record it covers."""

    __tablename__ = "publication"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), unique=True)
    include_minutes: Mapped[bool] = mapped_column(default=True)
    include_documents: Mapped[bool] = mapped_column(default=True)
    include_positions: Mapped[bool] = mapped_column(default=True)
    include_results: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    def kinds(self) -> set[str]:
        """The search kinds this publication makes public."""
        out = {"consultation"}
        for flag, kind in (("include_minutes", "minutes"), ("include_documents", "document"),
                           ("include_positions", "position"), ("include_results", "decision")):
            if getattr(self, flag):
                out.add(kind)
        return out

    def to_dict(self) -> dict:
        return PUBLICATION.dump({
            "consultation_id": self.consultation_id, "include_minutes": self.include_minutes,
            "include_documents": self.include_documents, "include_positions": self.include_positions,
            "include_results": self.include_results, "note": self.note,
            "published_at": isoformat(self.published_at), "published_by_id": self.published_by_id,
            "url": f"/public/consultations/{self.consultation_id}"})
