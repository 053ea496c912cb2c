"""With CHECK_API_RESPONSES (TestConfig), every answer of an /api/v1 route is checked against
the OpenAPI document: a JSON body against the schema documented for its status (the
operation's shape for 2xx, Error for 4xx), any other body by its media type. A mismatch raises
AssertionError naming the path, status and the validation error, so the test that made the
request fails. jsonschema (Draft 2020-12) resolves $refs against the document's components."""
from flask import current_app, request

from app.api.openapi import document_of


def _path(rule: str) -> str:
    from app.api import _PARAM
    return _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule).removeprefix("/api/v1")


def _validator(doc: dict, schema: dict):
    from jsonschema import Draft202012Validator
    return Draft202012Validator({**schema, "components": doc["components"]})


def check_response(response):
    """after_request of every ApiBlueprint; returns the response unchanged."""
    if not current_app.config.get("CHECK_API_RESPONSES") or request.url_rule is None or response.status_code >= 500:
        return response
    if response.status_code == 304 or request.method in ("HEAD", "OPTIONS"):
        return response
    registry = document_of(current_app)
    doc = registry.document()
    path, method, status = _path(request.url_rule.rule), request.method.lower(), str(response.status_code)
    where = f"{request.method} {request.path} answered {status}"
    op = doc["paths"].get(path, {}).get(method)
    if op is None:
        return response  # not a documented operation (the document itself)
    documented = op["responses"].get(status)
    assert documented is not None, f"{where}, a status the OpenAPI document does not list for {path}"
    mime = response.mimetype
    content = documented.get("content", {})
    assert mime in content, f"{where} as {mime}; the document lists {sorted(content)}"
    if mime != "application/json":
        return response
    cache = current_app.extensions.setdefault("baraza.response_validators", {})
    key = (id(doc), path, method, status)
    if key not in cache:
        cache[key] = _validator(doc, content[mime]["schema"])
    errors = sorted(cache[key].iter_errors(response.get_json()), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in errors[:10]]
        raise AssertionError(f"{where}; the body does not match the documented schema:\n" + "\n".join(lines))
    return response
