"""The language minutes are drafted in. In a request it is the reader's (the secretariat who
drafts); outside one (seed-demo, a job) `drafting_in(language)` sets it, so a draft made by the
CLI reads in its drafter's language as a draft made from the page does, and matches the
`Minutes.language` stored with it. With neither, plain English."""
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context
from flask_babel import force_locale, get_locale, gettext

_LANGUAGE: ContextVar[str | None] = ContextVar("minutes_drafting_language", default=None)


@contextmanager
def drafting_in(language: str) -> Iterator[None]:
    """Draft (gettext, labels, dates) in `language` until the block ends."""
    token = _LANGUAGE.set(language)
    try:
        with force_locale(language):
            yield
    finally:
        _LANGUAGE.reset(token)


def is_worded() -> bool:
    return _LANGUAGE.get() is not None or has_request_context()


def locale() -> str:
    """The locale dates are written in: the drafting language, else the request's, else en."""
    if _LANGUAGE.get() is not None:
        return _LANGUAGE.get()
    return str(get_locale() or "en") if has_request_context() else "en"


def _(text: str, **values) -> str:
    """gettext in the drafting language; plain English when none is set."""
    if is_worded():
        return gettext(text, **values)
    return text % values if values else text
