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


_nav: list[Callable] = []
_scripts: list[str] = []


def register_nav(fn: Callable) -> None:
    """fn(user or None when signed out) returns {"url", "label"}, a list of them, or None:
    links in every page's header."""
    if fn not in _nav:
        _nav.append(fn)


def register_script(path: str) -> None:
    """A static file (e.g. "js/notifications.js") every signed-in page loads."""
    if path not in _scripts:
        _scripts.append(path)


def nav_items(user) -> list[dict]:
    out = []
    for fn in _nav:
        item = fn(user)
        if isinstance(item, list):
            out.extend(item)
        elif item:
            out.append(item)
    return out


def page_scripts() -> list[str]:
    return list(_scripts)


def init_app(app) -> None:
    @app.context_processor
    def _feature_context():
        from flask import has_request_context
        from flask_login import current_user
        if not has_request_context():
            return {}
        user = current_user if current_user and current_user.is_authenticated else None
        return {"extra_nav": nav_items(user), "extra_scripts": page_scripts() if user else []}
