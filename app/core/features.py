"""Sections other features add to the consultation page, without consultations importing them.

A feature calls register_section(fn) in its init_app; fn(consultation, user) returns a dict
{"title", "template", "context"} or None."""
from collections.abc import Callable

_sections: list[Callable] = []


def register_section(fn: Callable) -> None:
    if fn not in _sections:
        _sections.append(fn)


def detail_sections(consultation, user) -> list[dict]:
    out = []
    for fn in _sections:
        section = fn(consultation, user)
        if section:
            out.append(section)
    return out


_actions: list[Callable] = []


def register_action(fn: Callable) -> None:
    """fn(consultation, user) returns {"url", "label", "cls"?} or None: a button on the page head."""
    if fn not in _actions:
        _actions.append(fn)


def detail_actions(consultation, user) -> list[dict]:
    return [a for a in (fn(consultation, user) for fn in _actions) if a]
