"""Shared JSON API plumbing: the /api/v1 blueprint, the route decorator that also documents."""
import re
from collections.abc import Callable

from flask import Blueprint, g, request

from app.core.errors import BadRequest

_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _check_cookie_write() -> None:
    from app.api.auth import refuse_cross_site_cookie_writes
    refuse_cross_site_cookie_writes()


def _check_response(response):
    from app.api.checking import check_response
    return check_response(response)


class ApiBlueprint(Blueprint):
    """One feature's JSON endpoints under /api/v1. Each route is also described for the OpenAPI
    document; register_api() adds the blueprint and its descriptions to an app."""

    def __init__(self, feature: str, import_name: str) -> None:
        super().__init__(f"{feature}_api", import_name, url_prefix="/api/v1")
        self.operations: list[tuple[str, str, dict]] = []
        # Endpoints declared auth=False (e.g. POST /auth/token): the caller proves who they are
        # in the body, never with the cookie, so the cookie-write CSRF check leaves them alone.
        self.public: set[str] = set()
        self.before_request(_check_cookie_write)
        self.after_request(_check_response)

    def operation(self, rule: str, methods=("GET",), *, summary: str, body: dict | None = None,
                  query: dict | None = None, auth: bool = True, status: int = 200,
                  tag: str = "misc", returns=None, upload: dict | None = None) -> Callable:
        """Route a JSON endpoint and describe it. body and query are validation specs
        (app.core.validation.Field), so what is documented is exactly what is checked; returns
        is the success answer's shape (app.core.shapes: a Shape, a Media for non-JSON bodies, or
        {status: shape} for a route that answers two statuses), the one its serialiser builds;
        upload (a spec of the form fields besides `file`) documents a multipart/form-data alternative."""
        def deco(fn: Callable) -> Callable:
            self.add_url_rule(rule, endpoint=fn.__name__, view_func=fn, methods=list(methods))
            if not auth:
                self.public.add(f"{self.name}.{fn.__name__}")
            path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule)
            params = [(m.group(2), m.group(1) or "string") for m in _PARAM.finditer(rule)]
            for method in methods:
                self.operations.append((method.lower(), path, {
                    "summary": summary, "tag": tag, "body": body, "query": query, "auth": auth,
                    "status": status, "params": params, "returns": returns, "upload": upload}))
            return fn
        return deco


def register_api(app, bp: ApiBlueprint) -> None:
    """Serve a feature's API on this app and add it to the app's OpenAPI document. Flask-WTF's
    form check does not apply: cookie-authenticated writes pass the API's own check
    (app.api.auth.refuse_cross_site_cookie_writes), which bearer-token calls do not need."""
    from app.api.openapi import document_of
    from app.extensions import csrf
    csrf.exempt(bp)
    app.register_blueprint(bp)
    doc = document_of(app)
    for method, path, spec in bp.operations:
        doc.add(method, path, **spec)


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


__all__ = ["ApiBlueprint", "register_api", "json_body", "query_args", "page", "actor", "g"]
