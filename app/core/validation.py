"""Reads JSON payloads against a small field spec; wrong values raise Invalid (422)."""
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
    extra: dict = field(default_factory=dict)


def check_text(value: str) -> str:
    if "\x00" in value:
        raise BadRequest("Text may not contain NUL bytes.")
    return value


def _one(name: str, spec: Field, value: Any) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise Invalid(f"{name} may not be null.", {name: "may not be null"})
    kind = spec.kind
    if kind is str:
        if not isinstance(value, str):
            raise Invalid(f"{name} must be a string.", {name: "must be a string"})
        value = check_text(value)
        if spec.strip:
            value = value.strip()
        if len(value) < max(spec.min_len, 1 if spec.required else 0):
            raise Invalid(f"{name} may not be empty.", {name: "may not be empty"})
        if spec.max_len is not None and len(value) > spec.max_len:
            raise Invalid(f"{name} is longer than {spec.max_len} characters.",
                          {name: f"at most {spec.max_len} characters"})
        if spec.choices is not None and value not in spec.choices:
            raise Invalid(f"{name} must be one of: {', '.join(map(str, spec.choices))}.",
                          {name: "not an allowed value"})
        return value
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(f"{name} must be an integer.", {name: "must be an integer"})
        if not (-(2**31) < value < 2**31):
            raise Invalid(f"{name} is out of range.", {name: "out of range"})
        return value
    if kind is bool:
        if not isinstance(value, bool):
            raise Invalid(f"{name} must be true or false.", {name: "must be a boolean"})
        return value
    if kind is datetime:
        return parse_datetime(name, value)
    if kind == "str_list":
        if not isinstance(value, list) or len(value) > spec.item_max:
            raise Invalid(f"{name} must be a list of strings.", {name: "must be a list of strings"})
        out = []
        for item in value:
            if not isinstance(item, str):
                raise Invalid(f"{name} must be a list of strings.", {name: "must be a list of strings"})
            item = check_text(item).strip()
            if spec.choices is not None and item not in spec.choices:
                raise Invalid(f"{name} has a value that is not allowed: {item[:40]}.",
                              {name: "not an allowed value"})
            out.append(item)
        return out
    if kind is dict:
        if not isinstance(value, dict):
            raise Invalid(f"{name} must be an object.", {name: "must be an object"})
        return value
    raise TypeError(kind)


def parse_datetime(name: str, value: Any) -> datetime:
    if not isinstance(value, str):
        raise Invalid(f"{name} must be an ISO 8601 date-time.", {name: "must be a date-time"})
    try:
        parsed = datetime.fromisoformat(check_text(value).strip().replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{name} must be an ISO 8601 date-time.", {name: "must be a date-time"}) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not (1970 <= parsed.year <= 9000):
        raise Invalid(f"{name} is out of range.", {name: "out of range"})
    return parsed.astimezone(UTC)


def parse(data: Any, spec: dict[str, Field], partial: bool = False) -> dict:
    """Return the declared fields present in data, checked; unknown keys are ignored.

    With partial=True (PATCH), required fields may be absent but not null."""
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    out = {}
    for name, fspec in spec.items():
        value = data.get(name, MISSING)
        if value is MISSING:
            if fspec.required and not partial:
                raise Invalid(f"{name} is required.", {name: "required"})
            continue
        if value is None and fspec.required:
            raise Invalid(f"{name} may not be null.", {name: "required"})
        out[name] = _one(name, fspec, value)
    return out
