"""Typed room events: every event type is a payload class declared by the feature that records it.

A feature declares its events in its own `event_types` module with `@declare("type.name")`;
`app.core.realtime.record_event` takes an instance, so a producer cannot invent a type or a
field, and the stored and broadcast `data` is exactly the declared fields. Consumers subscribe by
class: in-transaction ones (search) on the app's `EventBus`, readers of stored events (minutes,
notifications) by the declared `type`. `tests/core/test_event_declarations.py` proves that every
consumed type has a producer and that stored payloads match their declarations.
"""
import dataclasses
import functools
import types
import typing
from collections.abc import Callable
from typing import Any, ClassVar

DECLARED: dict[str, type["Event"]] = {}


@dataclasses.dataclass(frozen=True)
class Searchable:
    """What a search index may hold of the record an event is about. It travels with the event
    to in-transaction consumers only: it is neither stored nor broadcast."""
    kind: str
    ref_id: int
    title: str
    body: str
    language: str = "en"
    publishable: bool = False  # may appear on the public archive once the consultation publishes it
    replaces: tuple[int, ...] = ()  # earlier records of the same kind this one supersedes


def local(default: Any = None) -> Any:
    """A payload field for in-process consumers only (not stored, not sent to the room)."""
    return dataclasses.field(default=default, repr=False, compare=False, metadata={"stored": False})


class Event:
    """Base of every payload class; `type` is set by @declare."""
    type: ClassVar[str] = ""
    _names: ClassVar[tuple[str, ...]] = ()

    def data(self) -> dict:
        return {name: getattr(self, name) for name in self._names}


def declare(name: str, *, rendered: bool = True) -> Callable[[type], type]:
    """Make cls a frozen keyword-only dataclass for event type `name` and register it.
    `rendered`: the live room shows it (room.js must handle it); False for bookkeeping events."""
    def wrap(cls: type) -> type:
        cls = dataclasses.dataclass(frozen=True, kw_only=True)(cls)
        existing = DECLARED.get(name)
        if existing is not None and existing.__qualname__ != cls.__qualname__:
            raise ValueError(f"event type {name} is declared twice ({existing.__qualname__}, {cls.__qualname__})")
        cls.type = name
        cls.rendered = rendered
        cls._names = tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("stored", True))
        DECLARED[name] = cls
        return cls
    return wrap


def _matches(value: Any, hint: Any) -> bool:
    if hint is Any:
        return True
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return any(_matches(value, h) for h in typing.get_args(hint))
    if hint is type(None):
        return value is None
    if origin is list:
        (item,) = typing.get_args(hint) or (Any,)
        return isinstance(value, list) and all(_matches(v, item) for v in value)
    if origin is dict:
        return isinstance(value, dict)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    return isinstance(value, hint)


@functools.cache
def _hints(cls: type) -> dict:
    return typing.get_type_hints(cls)


def mismatches(type_: str, data: dict) -> list[str]:
    """What in a stored event's data differs from its declaration (empty when it matches)."""
    cls = DECLARED.get(type_)
    if cls is None:
        return [f"{type_}: not declared"]
    hints = _hints(cls)
    problems = [f"{type_}.{k}: not declared" for k in data if k not in cls._names]
    for name in cls._names:
        if name not in data:
            problems.append(f"{type_}.{name}: missing")
        elif not _matches(data[name], hints[name]):
            problems.append(f"{type_}.{name}: {data[name]!r} is not {hints[name]}")
    return problems


def searchable_events() -> list[type[Event]]:
    """The declared event types that carry a `searchable` (what search and the theme pages keep)."""
    return [cls for cls in DECLARED.values() if any(f.name == "searchable" for f in dataclasses.fields(cls))]


class EventBus:
    """In-transaction consumers, per app (app.extensions["baraza.events"]): a handler runs inside
    record_event, in the producer's transaction, so what it writes commits or rolls back with
    the event."""

    def __init__(self) -> None:
        self._handlers: dict[type[Event], list[Callable]] = {}

    def subscribe(self, event_cls: type[Event], handler: Callable) -> None:
        handlers = self._handlers.setdefault(event_cls, [])
        if handler not in handlers:
            handlers.append(handler)

    def subscribed(self) -> set[type[Event]]:
        return set(self._handlers)

    def publish(self, consultation_id: int, event: Event, actor) -> None:
        for handler in self._handlers.get(type(event), ()):
            handler(consultation_id, event, actor)


def bus(app) -> EventBus:
    return app.extensions["baraza.events"]


def init_app(app) -> None:
    app.extensions["baraza.events"] = EventBus()
