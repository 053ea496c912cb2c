"""Shared JSON API plumbing: the /api/v1 blueprint, the route decorator that also documents."""
import re
from collections.abc import Callable

from flask import Blueprint, g, request

from app.api.openapi import registry
from app.core.errors import BadRequest

bp = Blueprint("api", __name__, url_prefix="/api/v1")
_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# Endpoints declared auth=False (e.g. POST /auth/token): the caller proves who they are in the
# body, never with the cookie, so the cookie-write CSRF check (app.api.auth) leaves them alone.
public_endpoints: set[str] = set()


def route(rule: str, methods=("GET",), *, summary: str, body: dict | None = None,
          query: dict | None = None, auth: bool = True, status: int = 200,
          tag: str = "misc", responses: dict | None = None) -> Callable:
    """Register a JSON endpoint on the API blueprint and describe it in the OpenAPI document.

    body and query are validation specs (app.core.validation.Field), so what is documented is
    exactly what is checked."""
    def deco(fn: Callable) -> Callable:
        endpoint = f"{fn.__module__.split('.')[-2]}_{fn.__name__}"
        bp.add_url_rule(rule, endpoint=endpoint, view_func=fn, methods=list(methods))
        if not auth:
            public_endpoints.add(f"{bp.name}.{endpoint}")
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)
        params = [(m.group(2), m.group(1) or "string") for m in _PARAM.finditer(rule)]
        for method in methods:
            registry.add(method.lower(), path, summary=summary, tag=tag, body=body, query=query,
                         auth=auth, status=status, params=params, responses=responses)
        return fn
    return deco


def json_body(optional: bool = False) -> dict:
    """The request's JSON object; 400 when the body is not a JSON object."""
    if optional and not request.get_data(cache=True):
        return {}
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise BadRequest("The request body must be a JSON object.")
    return data


def query_args(spec: dict) -> dict:
    """Read query parameters against a spec; integers are converted first."""
    from app.core.validation import Field, parse
    raw = {}
    for name, fspec in spec.items():
        if name not in request.args:
            continue
        value = request.args.get(name)
        if isinstance(fspec, Field) and fspec.kind is int:
            try:
                value = int(value)
            except ValueError:
                from flask_babel import lazy_gettext

                from app.core.errors import Invalid
                raise Invalid(lazy_gettext("%(name)s must be an integer.", name=name),
                              {name: "must be an integer"}) from None
        raw[name] = value
    return parse(raw, spec)


def page(items: list, next_cursor) -> dict:
    return {"items": items, "next": str(next_cursor) if next_cursor is not None else None}


def actor():
    """The signed-in user of this API request (bearer token or browser session), or 401."""
    from app.api.auth import require_actor
    return require_actor()


__all__ = ["bp", "route", "json_body", "query_args", "page", "actor", "g"]
