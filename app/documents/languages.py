"""Language versions of a document version: the same draft (say version 3) in English and in
French, read side by side. A language version belongs to one version number, is written by the
secretariat, and is never edited in place: publishing it again for the same version and language
adds a newer row, and the newest is shown. User content is shown as written, never machine
translated."""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.accounts.models import User
from app.core.db import isoformat, utcnow
from app.core.errors import Forbidden, Invalid
from app.core.languages import LANGUAGES
from app.core.markdown import render
from app.core.shapes import BOOL, DATETIME, INT, STR, Shape, enum, nullable
from app.documents import services
from app.extensions import db

MAX_BYTES = 200 * 1024
LANGUAGE_VERSION = Shape("LanguageVersion", {
    "document_id": INT, "version_number": INT, "language": enum(*LANGUAGES), "body": STR, "html": STR,
    "author_id": nullable(INT), "created_at": DATETIME})
TEXT_IN = Shape("VersionText", {"language": enum(*LANGUAGES), "body": STR, "html": STR, "original": BOOL},
                description="A version's text in one working language; original: the language it was written in.")


class LanguageVersion(db.Model):
    __tablename__ = "document_language_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def to_dict(self) -> dict:
        return LANGUAGE_VERSION.dump({"document_id": self.document_id, "version_number": self.version_number,
                                      "language": self.language, "body": self.body, "html": self.html,
                                      "author_id": self.author_id, "created_at": isoformat(self.created_at)})


def original_language(doc) -> str:
    return doc.language or "en"


def _check_language(language) -> str:
    if language not in LANGUAGES:
        raise Invalid(_l("language must be one of: %(choices)s.", choices=", ".join(LANGUAGES)),
                      {"language": "not an allowed value"})
    return language


def publish(actor: User, document_id: int, number: int, language, body) -> LanguageVersion:
    """Secretariat only: the text of version `number` in another working language."""
    a = services.access(actor, document_id)
    if not actor.is_secretariat:
        raise Forbidden("Only the secretariat publishes language versions.")
    v = services.get_version(a.document, number)
    language = _check_language(language)
    if language == original_language(a.document):
        raise Invalid(_l("This is the document's own language; publish a new version instead."),
                      {"language": "original language"})
    if not isinstance(body, str) or not body.strip():
        raise Invalid(_l("%(name)s may not be empty.", name="body"), {"body": "may not be empty"})
    if len(body.encode()) > MAX_BYTES:
        from app.core.errors import TooLarge
        raise TooLarge(_l("%(name)s is larger than %(n)s KB.", name="body", n=MAX_BYTES // 1024))
    lv = LanguageVersion(document_id=a.document.id, version_number=v.number, language=language, body=body,
                         html=render(body), author_id=actor.id, created_at=utcnow())
    db.session.add(lv)
    db.session.flush()
    return lv


def available(doc, number: int) -> dict[str, LanguageVersion]:
    """The newest language version of each language for one version number."""
    rows = db.session.scalars(select(LanguageVersion).where(
        LanguageVersion.document_id == doc.id, LanguageVersion.version_number == number)
        .order_by(LanguageVersion.id))
    return {row.language: row for row in rows}


def text_in(actor: User, document_id: int, number: int, language) -> dict:
    """{"language", "html", "body", "original"} for version `number` in `language`; the original
    language comes from the version itself. NotFound when no such language version exists."""
    a = services.access(actor, document_id)
    v = services.get_version(a.document, number)
    language = _check_language(language)
    if language == original_language(a.document):
        return TEXT_IN.dump({"language": language, "body": v.body, "html": v.html, "original": True})
    lv = available(a.document, v.number).get(language)
    if lv is None:
        from app.core.errors import NotFound
        raise NotFound("No such language version.")
    return TEXT_IN.dump({"language": language, "body": lv.body, "html": lv.html, "original": False})
