"""Helpers for the standing bodies and themes tests."""
import pytest

from tests.conftest import user_api


@pytest.fixture
def api(client, token):
    """api(user, method, path, **kw) -> response, as that user (bearer token)."""
    return user_api(client, token, "/api/v1/bodies")


@pytest.fixture
def make_body(factory, api):
    def _make(**fields):
        data = {"name": f"Body {factory._next()}", "kind": "tripartite", "level": "continental"}
        data.update(fields)
        resp = api(factory.secretariat, "POST", "/api/v1/bodies", json=data)
        assert resp.status_code == 201, resp.json
        return resp.json
    return _make


@pytest.fixture
def add_member(factory, api):
    def _add(body_id, org, term_start="2020-01-01", term_end=None, seat=None, status=201):
        data = {"organisation_id": org.id, "term_start": term_start, "term_end": term_end}
        if seat is not None:
            data["seat"] = seat
        resp = api(factory.secretariat, "POST", f"/api/v1/bodies/{body_id}/members", json=data)
        assert resp.status_code == status, resp.json
        return resp.json
    return _add
