"""Organisations (with their constituency), users, and server-side sign-in sessions."""
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.accounts.names import skeleton_key
from app.core.db import utcnow
from app.core.languages import LANGUAGES
from app.core.shapes import BOOL, INT, STR, Shape, enum, nullable
from app.extensions import db

CONSTITUENCIES = ("government", "employers", "workers", "stakeholder", "secretariat", "observer")
USER_ROLES = ("secretariat", "delegate", "adviser", "observer")
RECS = ("AMU", "CEN-SAD", "COMESA", "EAC", "ECCAS", "ECOWAS", "IGAD", "SADC")

# The JSON shapes of to_dict() below (app/core/shapes.py)
ORGANISATION = Shape("Organisation", {"id": INT, "name": STR, "constituency": enum(*CONSTITUENCIES),
                                      "country": nullable(STR), "rec": nullable(enum(*RECS))})
ORG_REF = Shape("OrganisationRef", {"id": INT, "name": STR})
PERSON_REF = Shape("PersonRef", {"id": INT, "name": STR})
USER = Shape("User", {"id": INT, "email": STR, "name": STR, "role": enum(*USER_ROLES),
                      "organisation": nullable(ORGANISATION), "constituency": nullable(enum(*CONSTITUENCIES)),
                      "language": enum(*LANGUAGES), "timezone": STR, "is_active": BOOL})


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    # SHA-256 of the UTS #39 confusable skeleton of the name (app/accounts/names.py)
    name_skeleton: Mapped[str | None] = mapped_column(String(64), index=True)
    constituency: Mapped[str] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    rec: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="organisation", order_by="User.name")

    @validates("name")
    def _keep_skeleton(self, _key, value):
        self.name_skeleton = skeleton_key(value)
        return value

    def to_dict(self) -> dict:
        return ORGANISATION.dump({"id": self.id, "name": self.name, "constituency": self.constituency,
                                  "country": self.country, "rec": self.rec})


class User(db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # SHA-256 of the UTS #39 confusable skeletons of name and e-mail (app/accounts/names.py)
    name_skeleton: Mapped[str | None] = mapped_column(String(64), index=True)
    email_skeleton: Mapped[str | None] = mapped_column(String(64), index=True)
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(5), default="en")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="users", lazy="joined")

    @validates("name", "email")
    def _keep_skeleton(self, key, value):
        setattr(self, f"{key}_skeleton", skeleton_key(value))
        return value

    # Flask-Login protocol; the session id, not the user id, is what the cookie carries.
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"

    @property
    def constituency(self) -> str | None:
        return self.organisation.constituency if self.organisation else None

    def to_dict(self) -> dict:
        return USER.dump({
            "id": self.id, "email": self.email, "name": self.name, "role": self.role,
            "organisation": self.organisation.to_dict() if self.organisation else None,
            "constituency": self.constituency, "language": self.language,
            "timezone": self.timezone, "is_active": self.is_active,
        })

    def public_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "role": self.role,
                "constituency": self.constituency,
                "organisation": {"id": self.organisation_id, "name": self.organisation.name}}


class LoginSession(db.Model):
    """One sign-in: a browser session or an API token. Revoking it ends both at once."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # web | token
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None and self.expires_at > utcnow() and self.user.is_active
