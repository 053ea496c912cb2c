"""Draft policy documents, their immutable versions, comments, amendments and positions."""
from datetime import datetime

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.accounts.models import Organisation, User
from app.core.db import utcnow
from app.core.errors import Conflict
from app.extensions import db

STATUSES = ("draft", "open", "closed", "final")
# open <-> closed as often as needed; final is the end.
TRANSITIONS = {"draft": ("open",), "open": ("closed", "final"), "closed": ("open", "final"), "final": ()}
STANCES = ("support", "support_with_amendments", "oppose", "abstain")
AMENDMENT_STATUSES = ("proposed", "accepted", "rejected")


class Document(db.Model):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(ForeignKey("agenda_item.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(10), default="draft")
    comments_close_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(5))
    current_version_number: Mapped[int] = mapped_column(default=0)
    # Anchors p1, p2, ... are never reused within a document (see anchoring.py).
    next_anchor: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def move_to(self, status: str) -> None:
        """The only way status changes; Conflict for a step the lifecycle does not allow."""
        if status not in TRANSITIONS.get(self.status, ()):
            raise Conflict(_l("A document cannot go from %(current)s to %(target)s.", current=self.status, target=status))
        self.status = status

    def accepts_input(self, now: datetime) -> bool:
        """Comments and amendments: only while open and before the deadline (a time rule from data)."""
        return self.status == "open" and (self.comments_close_at is None or now < self.comments_close_at)


class DocumentVersion(db.Model):
    """Never changed once written (a before_update hook refuses it)."""

    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    # [{anchor, html, src, blocks, kind}]: rendered once, when the version is written.
    paragraphs: Mapped[list] = mapped_column(JSON)
    toc: Mapped[list] = mapped_column(JSON, default=list)
    typed_note: Mapped[str] = mapped_column("note", String(500), default="")   # as the secretariat typed it
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id", ondelete="SET NULL",
                                                                use_alter=True))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="joined")
    amendment: Mapped["Amendment | None"] = relationship(foreign_keys=[amendment_id], lazy="select")

    @property
    def note(self) -> str:
        """The note a reader sees: what the secretariat typed or, on the version an accepted
        amendment made, who proposed it, in the reader's language (only the amendment's id is
        stored, nothing English)."""
        if self.typed_note or self.amendment_id is None or self.amendment is None:
            return self.typed_note or ""
        return amendment_credit(self.amendment.id, self.amendment.organisation.name, self.amendment.proposer.name)

    @note.setter
    def note(self, value: str) -> None:
        self.typed_note = value or ""


def amendment_credit(number: int, organisation: str, person: str | None = None) -> str:
    """The note on the version an accepted amendment made, in the current language."""
    if person:
        return gettext("Amendment %(n)s by %(organisation)s (%(person)s) accepted", n=number,
                       organisation=organisation, person=person)
    return gettext("Amendment %(n)s by %(organisation)s accepted", n=number, organisation=organisation)


class Comment(db.Model):
    __tablename__ = "document_comment"
    __table_args__ = (
        UniqueConstraint("document_id", "author_id", "client_id"),
        Index("ix_document_comment_doc_anchor", "document_id", "anchor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    version_number: Mapped[int]
    anchor: Mapped[str | None] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("document_comment.id", ondelete="CASCADE"))
    # The first comment of the thread (None for a thread's first comment).
    thread_id: Mapped[int | None] = mapped_column(ForeignKey("document_comment.id", ondelete="CASCADE"),
                                                  index=True)
    amendment_id: Mapped[int | None] = mapped_column(ForeignKey("amendment.id", ondelete="CASCADE"))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    constituency: Mapped[str | None] = mapped_column(String(20))
    client_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    author: Mapped[User] = relationship(foreign_keys=[author_id], lazy="joined", innerjoin=True)
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")

    @property
    def root_id(self) -> int:
        return self.thread_id or self.id


class Amendment(db.Model):
    __tablename__ = "amendment"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    anchor: Mapped[str] = mapped_column(String(20))
    base_version_number: Mapped[int]
    original: Mapped[str] = mapped_column(Text)  # the paragraph's Markdown when proposed
    text: Mapped[str] = mapped_column(Text)
    text_html: Mapped[str] = mapped_column(Text)
    rationale: Mapped[str] = mapped_column(Text, default="")
    rationale_html: Mapped[str] = mapped_column(Text, default="")
    proposer_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    constituency: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="proposed")
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    resulting_version_number: Mapped[int | None]
    # decided by a vote on the floor: the motion, and its result as the reason (a code and its
    # parameters, read in each reader's language by app.consultations.words.reason)
    motion_id: Mapped[int | None]
    reason_code: Mapped[str | None] = mapped_column(String(40))
    reason_params: Mapped[dict | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    proposer: Mapped[User] = relationship(foreign_keys=[proposer_id], lazy="joined", innerjoin=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)


class Position(db.Model):
    """An organisation's stance; a new one is a new row, the latest per organisation is current."""

    __tablename__ = "document_position"
    __table_args__ = (Index("ix_document_position_doc_org", "document_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    constituency: Mapped[str] = mapped_column(String(20))
    stance: Mapped[str] = mapped_column(String(30))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    version_number: Mapped[int]
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User] = relationship(lazy="joined", innerjoin=True)
    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)


@event.listens_for(DocumentVersion, "before_update")
@event.listens_for(Position, "before_update")
def _immutable(mapper, connection, target):
    raise Conflict("Versions and positions are never edited in place.")
