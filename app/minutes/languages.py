"""Language versions of minutes: the same minutes in the consultation's other working languages
(every consultation works in English, French, Portuguese and Arabic), written by the secretariat,
read side by side and exported in each.

The minutes record is the original, in the language it was drafted in; corrections and adoption
apply to it alone. A language version is never edited in place: writing it again adds a newer row
and the newest is shown. Each row keeps a digest of the original's text it translates, so its
status is computed from data: `current` while the original is unchanged, `outdated` once the
original's text differs (an accepted correction, an edit), `missing` when none was written. A
reader asking for a missing language gets the original, labelled as a fallback. A version is
plain Markdown (statement markers are the original's: they are not interpreted here)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from app.consultations import services as consultations
from app.consultations.models import Consultation
from app.core.db import isoformat, utcnow
from app.core.errors import Forbidden, Invalid, NotFound, TooLarge
from app.core.languages import LANGUAGES
from app.core.markdown import render
from app.core.shapes import BOOL, DATETIME, INT, STR, Shape, enum, list_of, nullable
from app.extensions import db
from app.minutes import statements
from app.minutes.models import Minutes

MAX_BODY = 200_000
STATES = ("original", "current", "outdated", "missing")
LANGUAGE_STATUS = Shape("MinutesLanguageStatus", {
    "language": enum(*LANGUAGES), "status": enum(*STATES), "updated_at": nullable(DATETIME),
    "author_id": nullable(INT)})
LANGUAGE_STATUSES = Shape("MinutesLanguages", {"minutes_id": INT, "original_language": enum(*LANGUAGES),
                                               "languages": list_of(LANGUAGE_STATUS)})
MINUTES_TEXT = Shape("MinutesText", {
    "minutes_id": INT, "language": enum(*LANGUAGES), "requested_language": enum(*LANGUAGES),
    "status": enum(*STATES), "fallback": BOOL, "body": STR, "html": STR, "updated_at": nullable(DATETIME)},
    description="Minutes in one working language. fallback: the language asked for has no version yet, and "
                "this is the original (its language in `language`).")


class MinutesLanguageVersion(db.Model):
    __tablename__ = "minutes_language_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    minutes_id: Mapped[int] = mapped_column(ForeignKey("minutes.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text)
    # sha256 of the original's body this version translates
    source_digest: Mapped[str] = mapped_column(String(64))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def digest(text: str) -> str:
    return hashlib.sha256((text or "").encode()).hexdigest()


def original_language(m: Minutes) -> str:
    return m.language if m.language in LANGUAGES else "en"


def _language(language) -> str:
    if language not in LANGUAGES:
        raise Invalid(_l("language must be one of: %(choices)s.", choices=", ".join(LANGUAGES)),
                      {"language": "not an allowed value"})
    return language


def newest(m: Minutes) -> dict[str, MinutesLanguageVersion]:
    """The newest version of each language written for these minutes."""
    rows = db.session.scalars(select(MinutesLanguageVersion).where(MinutesLanguageVersion.minutes_id == m.id)
                              .order_by(MinutesLanguageVersion.id))
    return {row.language: row for row in rows}


def state(m: Minutes, language: str, version: MinutesLanguageVersion | None) -> str:
    if language == original_language(m):
        return "original"
    if version is None:
        return "missing"
    return "current" if version.source_digest == digest(m.body) else "outdated"


def statuses(m: Minutes) -> list[dict]:
    """Each working language with its translation status, the original first."""
    versions = newest(m)
    order = [original_language(m)] + [lang for lang in LANGUAGES if lang != original_language(m)]
    out = []
    for lang in order:
        v = versions.get(lang)
        out.append(LANGUAGE_STATUS.dump({
            "language": lang, "status": state(m, lang, v),
            "updated_at": isoformat(m.updated_at if lang == original_language(m) else (v.created_at if v else None)),
            "author_id": v.author_id if v else None}))
    return out


@dataclass
class Text:
    minutes: Minutes
    language: str  # the language of the text returned
    requested: str
    status: str
    fallback: bool
    body: str
    version: MinutesLanguageVersion | None

    @property
    def is_original(self) -> bool:
        return self.version is None

    def to_dict(self) -> dict:
        return MINUTES_TEXT.dump({
            "minutes_id": self.minutes.id, "language": self.language, "requested_language": self.requested,
            "status": self.status, "fallback": self.fallback, "body": self.body,
            "html": str(render(self.body)) if self.version else str(statements.to_html(
                statements.strip_markers(self.body))),
            "updated_at": isoformat(self.version.created_at if self.version else self.minutes.updated_at)})


def text_in(m: Minutes, language: str | None) -> Text:
    """The minutes in `language` (None: the original). A language with no version yet gives the
    original with fallback=True; an outdated version is given, with its status saying so."""
    orig = original_language(m)
    language = _language(language) if language is not None else orig
    v = newest(m).get(language) if language != orig else None
    if v is None:
        return Text(m, orig, language, "original" if language == orig else "missing", language != orig, m.body, None)
    return Text(m, language, language, state(m, language, v), False, v.body, v)


def write_version(actor, m: Minutes, language, body) -> MinutesLanguageVersion:
    """Secretariat only: these minutes in another working language. Raises Forbidden,
    Invalid (unknown language, the original's own language, empty body), TooLarge."""
    c = db.session.get(Consultation, m.consultation_id)
    if not consultations.can_manage(actor, c):
        raise Forbidden("Only the secretariat writes the language versions of minutes.")
    language = _language(language)
    if language == original_language(m):
        raise Invalid(_l("This is the language the minutes were drafted in; edit the minutes instead."),
                      {"language": "original language"})
    if not isinstance(body, str) or not body.strip():
        raise Invalid(_l("%(name)s may not be empty.", name="body"), {"body": "may not be empty"})
    if len(body) > MAX_BODY:
        raise TooLarge(_l("The minutes are longer than %(n)s characters.", n=MAX_BODY))
    v = MinutesLanguageVersion(minutes_id=m.id, language=language, body=body.replace("\r\n", "\n"),
                               source_digest=digest(m.body), author_id=actor.id, created_at=utcnow())
    db.session.add(v)
    db.session.flush()
    return v


def starting_text(m: Minutes, language: str) -> str:
    """What the secretariat's form starts from: the newest version, else the original's text
    without its statement markers (to be translated)."""
    v = newest(m).get(_language(language))
    return v.body if v is not None else statements.strip_markers(m.body)


def require_version(m: Minutes, language: str) -> MinutesLanguageVersion:
    v = newest(m).get(_language(language))
    if v is None:
        raise NotFound("No such language version.")
    return v
