"""Languages and time zones: who sees which language, dates and numbers in the viewer's zone and locale."""
from contextlib import contextmanager
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, available_timezones

from babel.dates import get_timezone_location
from flask import g, has_request_context, request, session
from flask_babel import (Babel, force_locale, format_date, format_datetime, format_decimal, format_time,
                         get_locale, get_timezone, gettext)
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from app.core.languages import LANGUAGE_NAMES, LANGUAGES, language
from app.core.signin import current_actor, resolvers

babel = Babel()


def _viewer():
    """The signed-in user behind this request, API call (session or bearer token) or socket
    event, or None."""
    if not has_request_context():
        return None
    sid = getattr(request, "sid", None)
    if sid is not None:
        from app.core.connections import connection_session_id
        ls = resolvers().session(connection_session_id(sid))
        return ls.user if ls is not None else None
    if request.path.startswith("/api/"):
        return current_actor()
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user
    return None


def choose_language() -> str:
    """The account's language; before sign-in the switcher's choice, else Accept-Language."""
    user = _viewer()
    if user is not None and user.language in LANGUAGES:
        return user.language
    return language_without_account()


def language_without_account() -> str:
    """choose_language() for someone whose account names no language: the switcher's choice,
    else Accept-Language, else English."""
    chosen = session.get("lang") if has_request_context() else None
    if chosen in LANGUAGES:
        return chosen
    if has_request_context():
        return request.accept_languages.best_match(LANGUAGES) or "en"
    return "en"


def language_of(user, fallback: str) -> str:
    """choose_language() for a known user: their account's language, else `fallback`."""
    return user.language if user is not None and user.language in LANGUAGES else fallback


@contextmanager
def speaking(code: str):
    """Messages in this block are in the language `code` (a batch of socket events answers
    each person in their own language, in one request context)."""
    with force_locale(language(code).locale or code):
        yield


def select_locale() -> str:
    return language(choose_language()).locale or choose_language()


def select_timezone() -> str:
    user = _viewer()
    tz = getattr(user, "timezone", None) or "UTC"
    return tz if tz in _zones() else "UTC"


def current_language() -> str:
    """The two-letter code of the language in use (en, fr, pt, ar)."""
    loc = get_locale()
    return loc.language if loc is not None else "en"


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(app.root_path + "/translations"))

    # Flask-Babel caches the locale and zone on g. g belongs to the app context, which the
    # test client's requests (and socket events run inside it) may share: start and end each
    # request, and each socket event (it runs in a request context), without a cached choice.
    @app.before_request
    def _fresh_locale():
        g.pop("_flask_babel", None)

    @app.teardown_request
    def _forget_locale(_exc=None):
        g.pop("_flask_babel", None)

    for name, fn in (("when", when), ("when_time", when_time), ("when_date", when_date),
                     ("number", number), ("iso", iso), ("bdi", bdi)):
        app.add_template_filter(fn, name)
    app.add_template_global(zone_label)
    app.add_template_filter(text_direction, "text_dir")

    @app.context_processor
    def _lang():
        lang = current_language()
        return {"current_lang": lang, "text_dir": language(lang).direction,
                "LANGUAGES": LANGUAGES, "LANGUAGE_NAMES": LANGUAGE_NAMES}


def zone_label(dt: datetime) -> str:
    """The viewer's zone as people read it: "Nairobi, GMT+03:00" (localised), or "UTC"."""
    tz = get_timezone()
    if str(tz) in ("UTC", "Etc/UTC"):
        return "UTC"
    loc = get_locale()
    city = get_timezone_location(tz, locale=loc, return_city=True)
    return gettext("%(city)s, %(offset)s", city=city, offset=format_datetime(dt, "ZZZZ"))


def when(dt: datetime | None) -> str:
    """A date and time in the viewer's time zone and language, with the zone named."""
    if dt is None:
        return ""
    pattern = get_locale().datetime_formats["medium"]
    date = format_date(dt, language(current_language()).date_format)
    text = pattern.replace("{1}", date).replace("{0}", format_time(dt, "short"))
    return gettext("%(datetime)s (%(zone)s)", datetime=text, zone=zone_label(dt))


def when_time(dt: datetime | None) -> str:
    """The time of day only, in the viewer's zone (for lists within one day)."""
    return format_time(dt, "short") if dt is not None else ""


def when_date(dt: datetime | None) -> str:
    return format_date(dt, language(current_language()).date_format) if dt is not None else ""


def iso(dt) -> str:
    """A time for a machine (`<time datetime>`, data attributes): ISO 8601 in UTC with at most
    milliseconds, as HTML allows (isoformat() wrote microseconds, which the HTML checker refuses)."""
    if dt is None:
        return ""
    if isinstance(dt, str):  # an event's stored time
        try:
            dt = datetime.fromisoformat(dt.replace("Z", "+00:00"))
        except ValueError:
            return dt
    if dt.tzinfo is not None:
        dt = dt.astimezone(UTC)
    return dt.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def text_direction(text: str | None) -> str:
    """"rtl" or "ltr" from the first strongly directional letter (as dir="auto" decides), "auto" when none."""
    import unicodedata
    for ch in text or "":
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def bdi(value) -> Markup:
    """User text (a name, a title) isolated inside a sentence: `{{ _("by %(name)s", name=u.name|bdi) }}`,
    so an Arabic name in a French sentence (or the reverse) keeps its own direction. The direction
    is decided here, not left to dir="auto", because WeasyPrint (the PDFs) does not resolve "auto"."""
    text = "" if value is None else str(value)
    return Markup('<bdi dir="{}">{}</bdi>').format(text_direction(text), text)


def number(value) -> str:
    return format_decimal(value) if value is not None else ""


def _zones() -> frozenset[str]:
    if not hasattr(_zones, "cache"):
        _zones.cache = frozenset(available_timezones() | {"UTC"})
    return _zones.cache


def timezone_choices() -> dict:
    """African zones first (by city), then UTC and the rest of the world, grouped for a select."""
    now = datetime.now(UTC)
    loc = get_locale()

    def label(name: str) -> str:
        offset = format_datetime(now.astimezone(ZoneInfo(name)), "ZZZZ", rebase=False)
        city = get_timezone_location(name, locale=loc, return_city=True)
        return f"{city} · {offset} ({name})"

    african = sorted((z for z in _zones() if z.startswith("Africa/")), key=label)
    rest = sorted(z for z in _zones() if not z.startswith("Africa/") and "/" in z
                  and not z.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Chile/",
                                        "Mexico/")))
    return {str(_l("Africa")): [(z, label(z)) for z in african],
            str(_l("Universal time")): [("UTC", "UTC")],
            str(_l("Other time zones")): [(z, z) for z in rest]}


def local_to_utc(value: str | None, zone: str | None, field: str, message):
    """A date and time typed in a form (an HTML datetime-local value, in the reader's time zone
    `zone` unless it names its own offset) as UTC; None when empty. Invalid (422, naming
    `field`, saying `message`) when it is not a date and time."""
    from app.core.errors import Invalid
    if not value:
        return None
    try:
        naive = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(message, {field: "invalid"}) from None
    if naive.tzinfo is not None:
        return naive.astimezone(UTC)
    try:
        tz = ZoneInfo(zone or "UTC")
    except Exception:  # an unknown or retired zone name: read the time as UTC
        tz = ZoneInfo("UTC")
    return naive.replace(tzinfo=tz).astimezone(UTC)
