"""Response shapes: the JSON objects the API answers, declared once, next to their serialiser.

A Shape names an object's keys and their types (INT, STR, BOOL, DATETIME, NUMBER, enum(),
nullable(), list_of(), map_of(), another Shape). The OpenAPI document renders each one as
JSON Schema 2020-12 under components/schemas and refers to it with $ref (app/api/openapi.py).
Every object is closed (additionalProperties: false): a key a serialiser adds without declaring
it here fails the check the test suite runs on every /api/v1 answer (TestConfig
CHECK_API_RESPONSES, app/api/checking.py). A serialiser returns `SHAPE.dump({...})`: under the
same flag dump() also checks the keys where the dict is made, so a drift is named at its source.
Keys that only some answers carry are `optional`; everything in `fields` is always present."""
import types
import typing

from flask import current_app, has_app_context

REF = "#/components/schemas/"


class Type:
    """A JSON value's type; schema() renders it, adding the shapes it names to `components`."""

    def schema(self, components: "Components") -> dict:
        raise NotImplementedError


class _Fixed(Type):
    def __init__(self, fragment: dict) -> None:
        self.fragment = fragment

    def schema(self, components) -> dict:
        return dict(self.fragment)


INT = _Fixed({"type": "integer"})
NUMBER = _Fixed({"type": "number"})
STR = _Fixed({"type": "string"})
BOOL = _Fixed({"type": "boolean"})
DATETIME = _Fixed({"type": "string", "format": "date-time"})
ANY = _Fixed({})  # any JSON value (free-form data whose keys depend on the record)


def enum(*values: str) -> Type:
    return _Fixed({"type": "string", "enum": list(values)})


def const(value) -> Type:
    return _Fixed({"const": value})


def described(t: Type, text: str) -> Type:
    class _Described(Type):
        def schema(self, components) -> dict:
            return {**t.schema(components), "description": text}
    return _Described()


class _Nullable(Type):
    def __init__(self, inner: Type) -> None:
        self.inner = inner

    def schema(self, components) -> dict:
        s = self.inner.schema(components)
        if isinstance(s.get("type"), str) and "$ref" not in s:
            s["type"] = [s["type"], "null"]
            if "enum" in s:
                s["enum"] = [*s["enum"], None]
            return s
        return {"anyOf": [s, {"type": "null"}]}


def nullable(t: Type) -> Type:
    return _Nullable(t)


def list_of(t: Type) -> Type:
    class _List(Type):
        def schema(self, components) -> dict:
            return {"type": "array", "items": t.schema(components)}
    return _List()


def map_of(t: Type) -> Type:
    """An object whose keys are data (constituencies, options), every value of type t."""
    class _Map(Type):
        def schema(self, components) -> dict:
            return {"type": "object", "additionalProperties": t.schema(components)}
    return _Map()


def any_of(*ts: Type) -> Type:
    class _AnyOf(Type):
        def schema(self, components) -> dict:
            return {"anyOf": [t.schema(components) for t in ts]}
    return _AnyOf()


def hint_type(hint) -> Type:
    """The Type of a Python annotation (the typed event payloads: int, str, bool, float, dict,
    list[X], X | None, Any)."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        inner = hint_type(args[0]) if len(args) == 1 else any_of(*map(hint_type, args))
        return nullable(inner) if len(args) < len(typing.get_args(hint)) else inner
    if origin is list:
        (item,) = typing.get_args(hint) or (typing.Any,)
        return list_of(hint_type(item))
    if hint is dict or origin is dict:
        return map_of(ANY)
    return {int: INT, str: STR, bool: BOOL, float: NUMBER}.get(hint, ANY)


class Shape(Type):
    """A named, closed JSON object."""

    def __init__(self, name: str, fields: dict[str, Type], optional: dict[str, Type] | None = None,
                 description: str = "") -> None:
        self.name = name
        self.fields = fields
        self.optional = optional or {}
        self.description = description

    def extend(self, name: str, fields: dict[str, Type] | None = None, optional: dict[str, Type] | None = None,
               description: str = "") -> "Shape":
        """A new shape with this one's keys and more."""
        return Shape(name, {**self.fields, **(fields or {})}, {**self.optional, **(optional or {})},
                     description or self.description)

    def object_schema(self, components) -> dict:
        s = {"type": "object",
             "properties": {k: t.schema(components) for k, t in {**self.fields, **self.optional}.items()},
             "additionalProperties": False}
        if self.fields:
            s["required"] = list(self.fields)
        if self.description:
            s["description"] = self.description
        return s

    def schema(self, components) -> dict:
        return components.ref(self)

    def dump(self, data: dict) -> dict:
        """data, unchanged; with CHECK_API_RESPONSES, AssertionError when its keys are not this
        shape's (a required key missing, or a key the shape does not declare)."""
        if has_app_context() and current_app.config.get("CHECK_API_RESPONSES"):
            missing = set(self.fields) - set(data)
            unknown = set(data) - set(self.fields) - set(self.optional)
            if missing or unknown:
                raise AssertionError(f"{self.name}: missing keys {sorted(missing)}, "
                                     f"undeclared keys {sorted(unknown)} (declare them in the shape)")
        return data


_PAGES: dict[str, Shape] = {}


def page_of(item: Shape, extra: dict[str, Type] | None = None, name: str | None = None) -> Shape:
    """{"items": [item, ...], "next": cursor or null} (plus `extra` keys), named <Item>Page."""
    name = name or f"{item.name}Page"
    if name not in _PAGES:
        _PAGES[name] = Shape(name, {"items": list_of(item), "next": nullable(STR), **(extra or {})},
                             description="A page of a list; pass cursor=<next> for the next one (null: the end).")
    return _PAGES[name]


class Components:
    """The schemas a document refers to, by name; two different shapes may not share a name."""

    def __init__(self) -> None:
        self.schemas: dict[str, dict] = {}
        self._owners: dict[str, Shape] = {}

    def ref(self, shape: Shape) -> dict:
        owner = self._owners.get(shape.name)
        if owner is None:
            self._owners[shape.name] = shape
            self.schemas[shape.name] = {}  # reserved first: a shape may refer to itself
            self.schemas[shape.name] = shape.object_schema(self)
        elif owner is not shape:
            raise ValueError(f"two different response shapes are named {shape.name}")
        return {"$ref": REF + shape.name}


class Media:
    """A response in other media types than JSON: {media type: schema of its body}."""

    def __init__(self, types: dict[str, Type], summary: str = "") -> None:
        self.types = types
        self.summary = summary


BINARY = _Fixed({"description": "The file's bytes."})
OK = Shape("Ok", {"ok": const(True)}, description="The action was done.")
