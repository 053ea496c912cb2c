"""Class 4 of the hardening issue: a cookie-authenticated write under /api/ must come from one
of Baraza's own pages (CSRF token in X-CSRFToken, this origin); bearer-token calls need neither.

The test client is "localhost" (origin http://localhost); the attacker's page is served from
another port of the same host, http://localhost:8000: same-site, but not same-origin."""
import pytest

from tests.conftest import PASSWORD, page_csrf_token

ATTACKER = "http://localhost:8000"


@pytest.fixture
def draft_motion(factory, token, client):
    """A live consultation with a drafted (not yet open) motion; returns (motion id, bearer headers)."""
    c = factory.consultation(status="live")
    factory.tripartite(c)
    headers = token(factory.secretariat)
    r = client.post(f"/api/v1/consultations/{c.id}/motions", headers=headers,
                    json={"question": "Adopt the recommendation?", "ballot": "roll_call", "rule": "simple"})
    assert r.status_code == 201, r.json
    return r.json["id"], headers


def _status(client, motion_id, headers) -> str:
    return client.get(f"/api/v1/motions/{motion_id}", headers=headers).json["status"]


def _cookie_only(client):
    """The browser as another site's page drives it: the cookie goes along, the token does not."""
    client.environ_base.pop("HTTP_X_CSRFTOKEN", None)
    return client


def _refused(resp):
    assert resp.status_code == 403, (resp.status_code, resp.get_data(as_text=True)[:300])
    assert resp.json["error"]["code"] == "forbidden"
    return True


def test_signed_in_pages_carry_the_token_for_scripts(factory, client, login):
    login(factory.user())
    assert page_csrf_token(client)


def test_form_post_from_another_port_is_refused_and_changes_nothing(factory, client, login, draft_motion):
    motion_id, bearer = draft_motion
    login(factory.secretariat)
    browser = _cookie_only(client)
    # What a <form method=post action="http://localhost/api/v1/motions/N/open"> on :8000 sends.
    for action in ("open", "close"):
        resp = browser.post(f"/api/v1/motions/{motion_id}/{action}", data={},
                            headers={"Origin": ATTACKER, "Sec-Fetch-Site": "same-site",
                                     "Sec-Fetch-Mode": "navigate"})
        assert _refused(resp)
    assert _status(client, motion_id, bearer) == "draft"


def test_cookie_write_without_token_is_refused(factory, client, login, draft_motion):
    motion_id, bearer = draft_motion
    login(factory.secretariat)
    browser = _cookie_only(client)
    # An old browser that sends no Origin nor Sec-Fetch-Site: the token alone decides.
    assert _refused(browser.post(f"/api/v1/motions/{motion_id}/open"))
    assert _refused(browser.post(f"/api/v1/motions/{motion_id}/open", headers={"X-CSRFToken": "forged"}))
    assert _status(client, motion_id, bearer) == "draft"


def test_token_of_another_session_is_refused(factory, client, login, draft_motion, app):
    motion_id, bearer = draft_motion
    other = login(factory.user(), c=app.test_client())
    stolen = other.environ_base["HTTP_X_CSRFTOKEN"]
    login(factory.secretariat)
    resp = _cookie_only(client).post(f"/api/v1/motions/{motion_id}/open", headers={"X-CSRFToken": stolen})
    assert _refused(resp)
    assert _status(client, motion_id, bearer) == "draft"


@pytest.mark.parametrize("method,path,body", [
    ("PATCH", "/api/v1/me", {"language": "fr"}),
    ("POST", "/api/v1/organisations", {"name": "Forged organisation", "constituency": "workers"}),
])
def test_every_write_method_needs_the_token(factory, client, login, method, path, body):
    login(factory.secretariat)
    token = client.environ_base["HTTP_X_CSRFTOKEN"]
    browser = _cookie_only(client)
    assert _refused(browser.open(path, method=method, json=body))
    assert client.get("/api/v1/me").json["language"] != "fr"
    assert "Forged organisation" not in client.get("/api/v1/organisations").get_data(as_text=True)
    ok = browser.open(path, method=method, json=body, headers={"X-CSRFToken": token})
    assert ok.status_code in (200, 201), ok.json


def test_delete_needs_the_token(factory, client, login):
    c = factory.consultation()
    p = factory.participant(c)
    login(factory.secretariat)
    token = client.environ_base["HTTP_X_CSRFTOKEN"]
    browser = _cookie_only(client)
    path = f"/api/v1/consultations/{c.id}/participants/{p.id}"
    assert _refused(browser.delete(path))
    ids = [x["id"] for x in client.get(f"/api/v1/consultations/{c.id}/participants").json["items"]]
    assert p.id in ids
    assert browser.delete(path, headers={"X-CSRFToken": token}).status_code in (200, 204)


def test_own_page_with_token_is_accepted(factory, client, login, draft_motion):
    motion_id, bearer = draft_motion
    login(factory.secretariat)  # the client now sends the page's token, as the site's scripts do
    resp = client.post(f"/api/v1/motions/{motion_id}/open",
                       headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert resp.status_code == 200, resp.json
    assert _status(client, motion_id, bearer) == "open"
    resp = client.post(f"/api/v1/motions/{motion_id}/close")  # no Origin/Sec-Fetch-*: token suffices
    assert resp.status_code == 200, resp.json
    assert _status(client, motion_id, bearer) == "closed"


@pytest.mark.parametrize("headers", [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},
    {"Origin": ATTACKER},
    {"Origin": "https://localhost"},  # another scheme is another origin
    {"Origin": "null"},
    {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"},
])
def test_other_sites_are_refused_even_with_the_token(factory, client, login, draft_motion, headers):
    motion_id, bearer = draft_motion
    login(factory.secretariat)
    assert _refused(client.post(f"/api/v1/motions/{motion_id}/open", headers=headers))
    assert _status(client, motion_id, bearer) == "draft"


def test_bearer_token_needs_no_csrf_token(factory, client, login, draft_motion):
    motion_id, bearer = draft_motion
    login(factory.secretariat)
    browser = _cookie_only(client)  # the cookie is there too; the Authorization header wins
    resp = browser.post(f"/api/v1/motions/{motion_id}/open", headers={**bearer, "Origin": ATTACKER})
    assert resp.status_code == 200, resp.json
    assert _status(client, motion_id, bearer) == "open"


def test_a_forged_authorization_header_does_not_fall_back_to_the_cookie(factory, client, login, draft_motion):
    motion_id, bearer = draft_motion
    login(factory.secretariat)
    browser = _cookie_only(client)
    for header in ("Bearer forged", "Basic c2VjOnB3", "Bearer "):
        resp = browser.post(f"/api/v1/motions/{motion_id}/open", headers={"Authorization": header})
        assert resp.status_code == 401
    assert _status(client, motion_id, bearer) == "draft"


def test_signing_in_for_a_token_needs_no_csrf_token(factory, client, login):
    user = factory.user()
    login(user)
    resp = _cookie_only(client).post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 200 and resp.json["token"]


def test_allowed_origins_and_the_proxy_origin_are_accepted(app, factory, client, login, draft_motion):
    motion_id, bearer = draft_motion
    app.config["CORS_ORIGINS"] = [ATTACKER]  # BARAZA_ALLOWED_ORIGINS: the operator trusts it
    login(factory.secretariat)
    assert client.post(f"/api/v1/motions/{motion_id}/open",
                       headers={"Origin": ATTACKER, "Sec-Fetch-Site": "same-site"}).status_code == 200
    # Behind a TLS proxy the browser's origin is the one the proxy forwards.
    resp = client.post(f"/api/v1/motions/{motion_id}/close",
                       headers={"Origin": "https://baraza.example", "X-Forwarded-Proto": "https",
                                "X-Forwarded-Host": "baraza.example", "Sec-Fetch-Site": "same-origin"})
    assert resp.status_code == 200, resp.json
    assert _status(client, motion_id, bearer) == "closed"
