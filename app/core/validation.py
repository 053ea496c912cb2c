"""Reads JSON payloads against a small field spec; wrong values raise Invalid (422).

Text fields are single-line unless declared multiline: a single-line field (title, name,
option, e-mail) refuses every control character (Unicode Cc: U+0000-001F, U+007F-009F) and the
line and paragraph separators U+2028/2029, because its value ends up in places where a line
break changes meaning (.ics properties, mail headers, CSV cells, one-line headings). A
multi-line field (bodies, descriptions, rationales) keeps line feeds, carriage returns and
tabs and refuses the other control characters. secret=True (passwords) applies neither rule:
a secret is never shown or written anywhere else. The same rules are WTForms validators (SingleLine, MultiLine) for pages."""
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_babel.speaklater import LazyString

from app.core.errors import BadRequest, Invalid

MISSING = object()


@dataclass
class Field:
    kind: type | str = str
    required: bool = False
    max_len: int | None = None
    min_len: int = 0
    choices: tuple | list | None = None
    nullable: bool = False
    item_max: int = 50
    strip: bool = True
    multiline: bool = False
    secret: bool = False
    extra: dict = field(default_factory=dict)


def _one_of(choices) -> LazyString:
    """The allowed values as a list in the reader's language ("a, b or c")."""
    return LazyString(lambda: format_list([str(c) for c in choices], style="or",
                                          locale=get_locale() or "en"))


def check_text(value: str) -> str:
    if "\x00" in value:
        raise BadRequest(_l("Text may not contain NUL bytes."))
    return value


_LINE_BAD = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BLOCK_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_problem(value: str, multiline: bool = False):
    """None when value may be stored in a field of this kind, else the message to show."""
    if multiline:
        if _BLOCK_BAD.search(value):
            return _l("It may not contain control characters (line breaks and tabs are allowed).")
        return None
    if _LINE_BAD.search(value):
        return _l("It must be one line, without line breaks or other control characters.")
    return None


def check_line(name: str, value: str, multiline: bool = False) -> str:
    """Invalid (422, naming the field) when value breaks the single-/multi-line rule."""
    problem = control_problem(value, multiline)
    if problem is not None:
        raise Invalid(_l("%(name)s: %(problem)s", name=name, problem=problem),
                      {name: "control characters" if multiline else "must be a single line"})
    return value


class _LineRule:
    multiline = False

    def __call__(self, form, field) -> None:
        from wtforms.validators import StopValidation
        if isinstance(field.data, str):
            problem = control_problem(field.data if self.multiline else field.data.strip(), self.multiline)
            if problem is not None:
                raise StopValidation(str(problem))


class SingleLine(_LineRule):
    """WTForms validator: the single-line rule of Field (no control characters, no U+2028/9)."""


class MultiLine(_LineRule):
    """WTForms validator: the multi-line rule of Field (line feeds, carriage returns, tabs only)."""
    multiline = True


def _require(ok: bool, name: str, message, problem: str) -> None:
    """Invalid (422) naming the field and its problem, unless ok."""
    if not ok:
        raise Invalid(message, {name: problem})


def _one(name: str, spec: Field, value: Any) -> Any:
    if value is None:
        _require(spec.nullable, name, _l("%(name)s may not be null.", name=name), "may not be null")
        return None
    kind = spec.kind
    if kind is str:
        _require(isinstance(value, str), name, _l("%(name)s must be a string.", name=name), "must be a string")
        value = check_text(value)
        if spec.strip:
            value = value.strip()
        if not spec.secret:
            check_line(name, value, spec.multiline)
        _require(len(value) >= max(spec.min_len, 1 if spec.required else 0), name,
                 _l("%(name)s may not be empty.", name=name), "may not be empty")
        _require(spec.max_len is None or len(value) <= spec.max_len, name,
                 lazy_ngettext("%(name)s is longer than %(num)d character.",
                               "%(name)s is longer than %(num)d characters.", spec.max_len or 0, name=name),
                 f"at most {spec.max_len} characters")
        _require(spec.choices is None or value in spec.choices, name,
                 _l("%(name)s must be one of: %(choices)s.", name=name, choices=_one_of(spec.choices or ())),
                 "not an allowed value")
        return value
    if kind is int:
        _require(isinstance(value, int) and not isinstance(value, bool), name,
                 _l("%(name)s must be an integer.", name=name), "must be an integer")
        _require(-(2**31) < value < 2**31, name, _l("%(name)s is out of range.", name=name), "out of range")
        return value
    if kind is bool:
        _require(isinstance(value, bool), name, _l("%(name)s must be true or false.", name=name), "must be a boolean")
        return value
    if kind is datetime:
        return parse_datetime(name, value)
    if kind == "str_list":
        _require(isinstance(value, list) and len(value) <= spec.item_max, name,
                 _l("%(name)s must be a list of strings.", name=name), "must be a list of strings")
        out = []
        for item in value:
            _require(isinstance(item, str), name, _l("%(name)s must be a list of strings.", name=name),
                     "must be a list of strings")
            item = check_line(name, check_text(item).strip())
            _require(spec.choices is None or item in spec.choices, name,
                     _l("%(name)s has a value that is not allowed: %(value)s.", name=name, value=item[:40]),
                     "not an allowed value")
            out.append(item)
        return out
    if kind == "int_list":
        _require(isinstance(value, list) and len(value) <= spec.item_max and not any(
                 isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < 2**31 for v in value),
                 name, _l("%(name)s must be a list of integers.", name=name), "must be a list of integers")
        return value
    if kind is dict:
        _require(isinstance(value, dict), name, _l("%(name)s must be an object.", name=name), "must be an object")
        return value
    raise TypeError(kind)


def parse_datetime(name: str, value: Any) -> datetime:
    _require(isinstance(value, str), name, _l("%(name)s must be an ISO 8601 date-time.", name=name),
             "must be a date-time")
    try:
        parsed = datetime.fromisoformat(check_text(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(_l("%(name)s must be an ISO 8601 date-time.", name=name), {name: "must be a date-time"}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    _require(1970 <= parsed.year <= 9000, name, _l("%(name)s is out of range.", name=name), "out of range")
    return parsed.astimezone(UTC)


def parse(data: Any, spec: dict[str, Field], partial: bool = False) -> dict:
    """Return the declared fields present in data, checked; unknown keys are ignored.

    With partial=True (PATCH), required fields may be absent but not null."""
    if not isinstance(data, dict):
        raise BadRequest(_l("The request body must be a JSON object."))
    out = {}
    for name, fspec in spec.items():
        value = data.get(name, MISSING)
        if value is MISSING:
            if fspec.required and not partial:
                raise Invalid(_l("%(name)s is required.", name=name), {name: "required"})
            continue
        if value is None and fspec.required:
            raise Invalid(_l("%(name)s may not be null.", name=name), {name: "required"})
        out[name] = _one(name, fspec, value)
    return out
