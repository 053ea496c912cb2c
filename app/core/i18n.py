"""Language and time-zone selection (Flask-Babel): the account's choice, else the browser's."""
from flask import request, session
from flask_babel import Babel
from flask_login import current_user

from app.accounts.models import LANGUAGES

babel = Babel()
RTL = {"ar"}


def select_locale() -> str:
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.language
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def select_timezone() -> str:
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user.timezone or "UTC"
    return "UTC"


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories=str(app.root_path + "/translations"))

    app.add_template_filter(when, "when")
    app.add_template_filter(when_time, "when_time")

    @app.context_processor
    def _lang():
        from flask_babel import get_locale
        loc = str(get_locale() or "en")
        return {"current_lang": loc, "text_dir": "rtl" if loc in RTL else "ltr", "LANGUAGES": LANGUAGES}


def _zone_label(dt) -> str:
    from flask_babel import get_timezone
    tz = get_timezone()
    return str(tz) if str(tz) != "UTC" else "UTC"


def when(dt) -> str:
    """A date and time in the viewer's time zone and language, with the zone named."""
    if dt is None:
        return ""
    from flask_babel import format_datetime
    return f"{format_datetime(dt, 'medium')} ({_zone_label(dt)})"


def when_time(dt) -> str:
    if dt is None:
        return ""
    from flask_babel import format_time
    return format_time(dt, "short")
