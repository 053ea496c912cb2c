"""Signing in and out, tokens, and the security base around them."""
import re

import pytest

from tests.conftest import PASSWORD


def test_sign_in_and_dashboard_split(factory, client, login):
    live = factory.consultation(status="live", title="Live one")
    upcoming = factory.consultation(status="scheduled", title="Upcoming one")
    past = factory.consultation(status="closed", title="Past one")
    factory.consultation(status="scheduled", title="Not mine")
    user = factory.user()
    for c in (live, upcoming, past):
        factory.participant(c, user)
    login(user)
    page = client.get("/dashboard").get_data(as_text=True)
    live_part = page.split('id="h-live"')[1].split('id="h-upcoming"')[0]
    upcoming_part = page.split('id="h-upcoming"')[1].split('id="h-past"')[0]
    past_part = page.split('id="h-past"')[1]
    assert "Live one" in live_part and "Upcoming one" in upcoming_part and "Past one" in past_part
    assert "Not mine" not in page


def test_wrong_password_and_unknown_email_get_the_same_generic_answer(factory, client):
    user = factory.user()
    wrong = client.post("/login", data={"email": user.email, "password": "not-the-password"})
    unknown = client.post("/login", data={"email": "nobody@example.org", "password": "whatever-pass"})
    assert wrong.status_code == unknown.status_code == 401
    assert b"Wrong e-mail or password." in wrong.data and b"Wrong e-mail or password." in unknown.data
    assert client.get("/dashboard").status_code == 302


def test_sign_out_revokes_the_session_server_side(factory, client, login):
    user = factory.user()
    login(user)
    cookie = client.get_cookie("baraza_session").value
    assert client.get("/dashboard").status_code == 200
    assert client.post("/logout").status_code == 302
    client.set_cookie("baraza_session", cookie)  # replay the old cookie
    resp = client.get("/dashboard")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_deactivated_user_is_signed_out_and_cannot_sign_in(factory, client, login, token):
    from app.accounts.services import update_user
    from app.extensions import db
    user = factory.user()
    headers = token(user)
    login(user)
    update_user(factory.secretariat, user, is_active=False)
    db.session.commit()
    assert client.get("/dashboard").status_code == 302
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD}).status_code == 401


@pytest.mark.parametrize("target,expected", [
    ("/consultations/", "/consultations/"),
    ("https://evil.example/", "/dashboard"),
    ("//evil.example/x", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
    ("javascript:alert(1)", "/dashboard"),
])
def test_no_open_redirect_after_login(factory, client, target, expected):
    user = factory.user()
    resp = client.post("/login?next=" + target, data={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 302
    assert resp.headers["Location"] == expected


def test_token_lifecycle(factory, client, token):
    user = factory.user()
    headers = token(user)
    me = client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200 and me.json["email"] == user.email
    assert me.json["constituency"] == "government" and me.json["organisation"]["id"] == user.organisation_id
    assert client.delete("/api/v1/auth/token", headers=headers).json == {"ok": True}
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_expired_and_forged_tokens_are_refused(app, factory, client, token):
    user = factory.user()
    headers = token(user)
    app.config["TOKEN_MAX_AGE"] = -1
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    app.config["TOKEN_MAX_AGE"] = 3600
    forged = headers["Authorization"][:-4] + "AAAA"
    resp = client.get("/api/v1/me", headers={"Authorization": forged})
    assert resp.status_code == 401 and resp.json["error"]["code"] == "unauthenticated"


def test_token_endpoint_bad_credentials_and_bad_input(factory, client):
    user = factory.user()
    bad = client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong-password"})
    assert bad.status_code == 401 and bad.json["error"]["message"] == "Wrong e-mail or password."
    assert client.post("/api/v1/auth/token", data="not json", content_type="application/json").status_code == 400
    missing = client.post("/api/v1/auth/token", json={"email": user.email})
    assert missing.status_code == 422 and missing.json["error"]["code"] == "invalid"
    assert client.post("/api/v1/auth/token", json={"email": 5, "password": []}).status_code == 422


def test_login_rate_limited_per_account(factory, client):
    user = factory.user()
    codes = [client.post("/api/v1/auth/token", json={"email": user.email, "password": "wrong-password"}).status_code
             for _ in range(12)]
    assert codes[:10] == [401] * 10
    assert codes[-1] == 429
    resp = client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    assert resp.status_code == 429 and resp.json["error"]["code"] == "rate_limited"
    # another account from the same address (a delegation behind one NAT) is not blocked
    other = factory.user()
    assert client.post("/api/v1/auth/token", json={"email": other.email, "password": PASSWORD}).status_code == 200


def test_login_form_rate_limited(factory, client):
    user = factory.user()
    codes = [client.post("/login", data={"email": user.email, "password": "wrong-password"}).status_code
             for _ in range(11)]
    assert codes[-1] == 429


def test_security_headers(client):
    resp = client.get("/login")
    csp = resp.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("path,kwargs", [
    ("/api/v1/auth/token", {"data": b'{"email": "a\\u0000b@x.org", "password": "x"}', "content_type": "application/json"}),
    ("/api/v1/auth/token", {"data": b'{"email": "\xff\xfe", "password": "x"}', "content_type": "application/json"}),
    ("/login", {"data": b"email=a%00b&password=x", "content_type": "application/x-www-form-urlencoded"}),
    ("/login", {"data": b"email=%ff%fe&password=x", "content_type": "application/x-www-form-urlencoded"}),
])
def test_nul_and_invalid_utf8_are_400(client, path, kwargs):
    resp = client.post(path, **kwargs)
    assert resp.status_code == 400


def test_nul_in_query_is_400(factory, client, token):
    headers = token(factory.user())
    resp = client.get("/api/v1/consultations?q=a%00b", headers=headers)
    assert resp.status_code == 400 and resp.json["error"]["code"] == "invalid"


def test_oversized_request_is_413(factory, client, token):
    headers = token(factory.secretariat)
    resp = client.post("/api/v1/consultations", headers=headers, data=b'{"title": "' + b"x" * (3 * 1024 * 1024) + b'"}',
                       content_type="application/json")
    assert resp.status_code == 413 and resp.json["error"]["code"] == "too_large"


def test_csrf_required_on_forms(config, factory):
    from app import create_app
    config.WTF_CSRF_ENABLED = True
    app = create_app(config)
    c = app.test_client()
    user = factory.user()
    assert c.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 400
    page = c.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf}).status_code == 302
    # cookie-authenticated API writes need the token too; bearer-token writes do not
    resp = c.post("/api/v1/organisations", json={"name": "X", "constituency": "workers"})
    assert resp.status_code in (400, 403)


def test_unauthenticated_api_is_401(client):
    resp = client.get("/api/v1/consultations")
    assert resp.status_code == 401 and resp.json == {"error": {"code": "unauthenticated", "message": "Sign in or send a valid bearer token."}}
