"""Domain errors raised by services, and their one JSON shape {"error": {"code", "message"}}.

Messages are written in English and translated when they are read (`err.message`), in the
language of the request or socket event: pass a literal string (pybabel extracts the first
argument of every DomainError class, see scripts/i18n.sh) or `lazy_gettext("... %(name)s ...",
name=...)`. An f-string cannot be translated. The `code` never changes: it is the contract."""
from contextlib import contextmanager

from flask_babel import gettext, lazy_gettext

from app.core.shapes import INT, STR, Shape, list_of, map_of


def N_(message: str) -> str:
    """Marks a message for extraction only; it is translated where it is shown."""
    return message


# Messages the app-wide handlers (app/__init__.py, app/core/sockets.py) pass as plain strings;
# listed here so they are extracted, and error_body() translates them.
HANDLER_MESSAGES = (
    N_("That conflicts with an existing record."),
    N_("The form expired or its security token is missing; please try again."),
    N_("Too many requests; please wait a moment and try again."),
    N_("The request is too large."),
    N_("Something went wrong."),
    N_("Something went wrong; the error was logged."),
    N_("Sign in or send a valid token."),
    N_("The payload must be an object."),
    N_("The method is not allowed for the requested URL."),
    N_("The requested URL was not found on the server. If you entered the URL manually please "
       "check your spelling and try again."),
)


def translate(message) -> str:
    """The message in the current language: a lazy string renders itself, a plain string is
    looked up as a msgid (and comes back unchanged when the catalogue does not know it)."""
    if isinstance(message, str):
        return gettext(message) if message else message
    return str(message)


class DomainError(Exception):
    """A refusal a service raises. A subclass states its HTTP status, contract code and default
    message in its class line: `class Gone(DomainError, status=410, code="gone", default=...)`."""
    status = 400
    code = "invalid"
    default_message = lazy_gettext("The request could not be read.")

    def __init_subclass__(cls, status: int | None = None, code: str | None = None, default=None, **kw):
        super().__init_subclass__(**kw)
        if status is not None:
            cls.status = status
        if code is not None:
            cls.code = code
        if default is not None:
            cls.default_message = default

    def __init__(self, message="", **details):
        self._message = message or self.default_message
        super().__init__(self._message)
        self.details = details

    @property
    def message(self) -> str:
        return translate(self._message)

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        body.update(self.details)
        return {"error": body}


class BadRequest(DomainError, status=400, code="invalid",
                 default=lazy_gettext("The request could not be read.")):
    """The payload could not be read at all (not JSON, not an object)."""


class Unauthenticated(DomainError, status=401, code="unauthenticated",
                      default=lazy_gettext("Sign in first.")):
    """No valid session or token."""


class Forbidden(DomainError, status=403, code="forbidden",
                default=lazy_gettext("You may not do that.")):
    """Signed in, but this person may not do this."""


class NotFound(DomainError, status=404, code="not_found",
               default=lazy_gettext("Not found.")):
    """Missing, or hidden from this person: the two answer alike."""


@contextmanager
def not_found_as(message: str):
    """Inside, any NotFound becomes NotFound(message): a door that reaches an object through its
    document, minutes or consultation answers a hidden parent exactly as a missing object, so
    the answer never says which of the two it was (pass a message already extracted)."""
    try:
        yield
    except NotFound:
        raise NotFound(message) from None


class Conflict(DomainError, status=409, code="conflict",
               default=lazy_gettext("That cannot be done in the current state.")):
    """Allowed in general, but not in the object's current state."""


class TooLarge(DomainError, status=413, code="too_large",
               default=lazy_gettext("The request is too large.")):
    """A body or file over its size limit."""


class Invalid(DomainError, status=422, code="invalid",
              default=lazy_gettext("Some field values are not valid.")):
    """Field values at fault; `fields` names each with its problem."""

    def __init__(self, message="", fields: dict | None = None):
        super().__init__(message)
        if fields:
            self.details["fields"] = fields


class TooComplex(DomainError, status=422, code="too_complex",
                 default=lazy_gettext("This text is too complex to display; simplify its formatting "
                                      "(nesting, brackets, headings) and try again.")):
    """Markdown whose structure or rendering time is out of bounds (app.core.markdown)."""


class RateLimited(DomainError, status=429, code="rate_limited",
                  default=lazy_gettext("Too many requests; slow down.")):
    """Too many requests from one person or address."""


ERROR = Shape("Error", {"error": Shape("ErrorDetail", {"code": STR, "message": STR}, optional={
    "fields": map_of(STR),
    "placeholders": list_of(Shape("Placeholder", {"text": STR, "count": INT}))})},
    description="Every refusal: a stable code, a message in the reader's language, and for 422 `invalid` the "
    "fields at fault with their problem (409 `placeholders_left`: the draft's placeholders left in the minutes).")


def error_body(code: str, message) -> dict:
    return {"error": {"code": code, "message": translate(message)}}
