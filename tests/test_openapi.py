"""The OpenAPI document describes every /api/v1 route, and the contract's names exist."""
import re

import pytest


def test_every_api_route_is_documented(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule == "/api/v1/openapi.json":
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)


def test_the_document_is_valid_openapi_3_1(client):
    from openapi_spec_validator import OpenAPIV31SpecValidator
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"] == "3.1.0"
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
              for e in OpenAPIV31SpecValidator(doc).iter_errors()]
    assert errors == [], "\n".join(errors[:20])


def test_foundation_contract_paths(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path, method in [("/auth/token", "post"), ("/me", "get"), ("/organisations", "post"), ("/users", "post"),
                         ("/consultations", "get"), ("/consultations", "post"), ("/themes", "get"),
                         ("/consultations/{consultation_id}", "get"), ("/consultations/{consultation_id}", "patch"),
                         ("/consultations/{consultation_id}/participants", "post"),
                         ("/consultations/{consultation_id}/participants/{participant_id}", "patch"),
                         ("/consultations/{consultation_id}/agenda", "post")]:
        assert method in paths[path], (path, method)


def test_unknown_api_path_and_method_use_the_error_shape(client):
    resp = client.get("/api/v1/nothing-here")
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"
    resp = client.put("/api/v1/me")
    assert resp.status_code == 405 and resp.json["error"]["code"] == "method_not_allowed"


def test_every_success_response_has_a_real_schema(client):
    """A client can be generated: every 2xx answer names its shape (never a bare object), and
    every shape is closed, so the suite's response check catches an undeclared key."""
    doc = client.get("/api/v1/openapi.json").json
    missing = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            ok = [code for code in op["responses"] if code.startswith("2")]
            assert ok, (method, path)
            for code in ok:
                for mime, media in op["responses"][code].get("content", {}).items():
                    schema = media.get("schema")
                    if mime == "application/json" and (not schema or schema == {"type": "object"}):
                        missing.append(f"{method.upper()} {path} {code}")
    assert missing == [], "\n".join(missing)
    for name, schema in doc["components"]["schemas"].items():
        if schema.get("type") == "object" and "properties" in schema:
            assert schema.get("additionalProperties") is False, name


def test_a_serialiser_that_drifts_from_its_shape_is_caught_where_it_builds_the_dict(app):
    from app.core.shapes import INT, Shape
    assert app.config["CHECK_API_RESPONSES"]
    with pytest.raises(AssertionError, match="undeclared keys"), app.app_context():
        Shape("Probe", {"id": INT}).dump({"id": 1, "extra": 2})
    with pytest.raises(AssertionError, match="missing keys"), app.app_context():
        Shape("Probe", {"id": INT}).dump({})


def test_an_answer_that_does_not_match_its_documented_schema_fails_the_request(app, client, factory, token):
    """TestConfig.CHECK_API_RESPONSES: each answer is validated against the document; here
    the documented /me schema is made stricter than what the server sends."""
    from app.api.openapi import document_of
    headers = token(factory.user())
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    me = document_of(app).document()["paths"]["/me"]["get"]["responses"]["200"]["content"]["application/json"]
    me["schema"] = {"$ref": "#/components/schemas/Organisation"}
    app.extensions.pop("baraza.response_validators", None)
    with pytest.raises(AssertionError) as caught:
        client.get("/api/v1/me", headers=headers)
    text = str(caught.value)
    assert "GET /api/v1/me answered 200" in text and "Additional properties" in text
    resp = client.get("/api/v1/consultations/999999", headers=headers)  # a refusal: the Error schema
    assert resp.status_code == 404 and resp.json["error"]["code"] == "not_found"
