"""The OpenAPI 3.1 document, built from the same specs the endpoints validate with (checked by
openapi-spec-validator in tests/test_openapi.py)."""
from datetime import datetime


class Registry:
    def __init__(self) -> None:
        self.paths: dict[str, dict] = {}

    def add(self, method, path, *, summary, tag, body, query, auth, status, params, responses, upload=None):
        op = {
            "summary": summary,
            "tags": [tag],
            "operationId": f"{method}_{path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
            "responses": {str(status): {"description": "Success", "content": {"application/json": {"schema": {"type": "object"}}}}},
        }
        for code, text in (("400", "Invalid request"), ("401", "Unauthenticated"), ("403", "Forbidden"),
                           ("404", "Not found"), ("409", "Conflict"), ("413", "Too large"),
                           ("422", "Invalid field values"), ("429", "Rate limited")):
            op["responses"][code] = {"description": text, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        if responses:
            op["responses"].update(responses)
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
        return {
            "openapi": "3.1.0",
            "info": {"title": "Baraza API", "version": "1.0.0",
                     "description": "Tripartite policy consultations: consultations, live rooms, documents, votes, minutes."},
            "servers": [{"url": "/api/v1"}],
            "paths": dict(sorted(self.paths.items())),
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                "schemas": {"Error": {
                    "type": "object", "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["code", "message"],
                                             "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}},
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
