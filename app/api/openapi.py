"""The OpenAPI 3.1 document, built from the same specs the endpoints validate with and the
response shapes their serialisers produce through (app/core/shapes.py); checked by
openapi-spec-validator in tests/test_openapi.py, and every answer the test suite receives is
checked against it (app/api/checking.py)."""
from datetime import datetime

from app.core.errors import ERROR
from app.core.shapes import Components, Media, Type

ERRORS = (("400", "Invalid request"), ("401", "Unauthenticated"), ("403", "Forbidden"), ("404", "Not found"),
          ("409", "Conflict"), ("413", "Too large"), ("422", "Invalid field values"), ("429", "Rate limited"))


class Registry:
    """The operations the app's API blueprints declare. add() only notes each one: the document
    (some 0.9 MiB of dicts) is built at its first reading, not in every server process at start."""

    def __init__(self) -> None:
        self.paths: dict[str, dict] = {}
        self._answers: list[tuple[dict, dict]] = []  # (operation, {status: shape}), rendered by _build
        self._noted: list[tuple[str, str, dict]] = []  # add()'s calls not yet turned into operations
        self._document: dict | None = None

    @staticmethod
    def _content(returns: Type | Media | None, components: Components) -> dict:
        if returns is None:  # undeclared: tests/test_openapi.py refuses it
            return {"application/json": {"schema": {"type": "object"}}}
        if isinstance(returns, Media):
            return {mime: {"schema": t.schema(components)} for mime, t in returns.types.items()}
        return {"application/json": {"schema": returns.schema(components)}}

    def _responses(self, components: Components) -> None:
        """Every operation's answers, rendered when the document is built (so a shape may list
        what every feature declared, e.g. the room event types)."""
        error = {"application/json": {"schema": ERROR.schema(components)}}
        for op, by_status in self._answers:
            op["responses"] = {str(code): {"description": getattr(shape, "summary", "") or "Success",
                                           "content": self._content(shape, components)}
                               for code, shape in sorted(by_status.items())}
            for code, text in ERRORS:
                op["responses"][code] = {"description": text, "content": error}

    def add(self, method, path, **spec) -> None:
        self._noted.append((method, path, spec))
        self._document = None

    def _operation(self, method, path, *, summary, tag, body, query, auth, status, params, returns, upload=None):
        op = {
            "summary": summary,
            "tags": [tag],
            "operationId": f"{method}_{path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
            "responses": {},
        }
        self._answers.append((op, returns if isinstance(returns, dict) else {status: returns}))
        parameters = [{"name": n, "in": "path", "required": True,
                       "schema": {"type": "integer"} if kind == "int" else {"type": "string"}} for n, kind in params]
        for name, spec in (query or {}).items():
            parameters.append({"name": name, "in": "query", "required": False, "schema": field_schema(spec)})
        if parameters:
            op["parameters"] = parameters
        if body is not None:
            op["requestBody"] = {"required": True, "content": {"application/json": {"schema": spec_schema(body)}}}
        if upload is not None:
            form = spec_schema(upload)
            form["properties"]["file"] = {"type": "string", "contentMediaType": "application/octet-stream"}
            form["required"] = ["file"]
            op.setdefault("requestBody", {"required": True, "content": {}})["content"]["multipart/form-data"] = {
                "schema": form, "encoding": {"file": {"contentType": "application/octet-stream"}}}
        if not auth:
            op["security"] = []
        self.paths.setdefault(path, {})[method] = op

    def document(self) -> dict:
        """The document (built once per change; callers must not modify it)."""
        if self._document is None:
            self._document = self._build()
        return self._document

    def _build(self) -> dict:
        noted, self._noted = self._noted, []
        for method, path, spec in noted:
            self._operation(method, path, **spec)
        components = Components()
        self._responses(components)
        return {
            "openapi": "3.1.0",
            "info": {"title": "Baraza API", "version": "1.0.0",
                     "description": "Tripartite policy consultations: consultations, live rooms, documents, votes, minutes."},
            "servers": [{"url": "/api/v1"}],
            "paths": dict(sorted(self.paths.items())),
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                "schemas": dict(sorted(components.schemas.items())),
            },
            "security": [{"bearer": []}],
        }


def field_schema(spec) -> dict:
    kind = spec.kind
    if kind is str:
        s = {"type": "string"}
        if spec.max_len:
            s["maxLength"] = spec.max_len
        if spec.choices:
            s["enum"] = list(spec.choices)
    elif kind is int:
        s = {"type": "integer"}
    elif kind is bool:
        s = {"type": "boolean"}
    elif kind is datetime:
        s = {"type": "string", "format": "date-time"}
    elif kind == "str_list":
        item = {"type": "string"}
        if spec.choices:
            item["enum"] = list(spec.choices)
        s = {"type": "array", "items": item}
    elif kind == "int_list":
        s = {"type": "array", "items": {"type": "integer", "minimum": 0}, "maxItems": spec.item_max}
    else:
        s = {"type": "object"}
    if spec.nullable:  # JSON Schema 2020-12, as OpenAPI 3.1 uses it
        s["type"] = [s["type"], "null"]
        if "enum" in s:
            s["enum"] = [*s["enum"], None]
    return s


def spec_schema(spec: dict) -> dict:
    schema = {"type": "object", "properties": {name: field_schema(f) for name, f in spec.items()}}
    required = [name for name, f in spec.items() if f.required]
    if required:
        schema["required"] = required
    return schema


def document_of(app) -> Registry:
    """The app's OpenAPI registry (one per app: tests build many apps)."""
    return app.extensions.setdefault("baraza.openapi", Registry())
