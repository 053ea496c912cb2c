"""The OpenAPI document describes every /api/v1 route, and the contract's names exist."""
import re


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
