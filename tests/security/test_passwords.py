"""Passwords (issue 13, class 6): changing or resetting a password ends the person's other
sign-ins; the current password is checked, and the check is rate-limited like a sign-in; the
policy (NIST SP 800-63B) refuses common passwords and ones built from the person's name or
e-mail address, at every door that sets one."""
import re
import secrets
import string
import time

import pytest

from app.core.errors import Invalid
from tests.conftest import PASSWORD

NEW = "amber-violin-telescope-41"
ME_PASSWORD = "/api/v1/me/password"


def _signed_in_elsewhere(app, login, user):
    """A second browser and an API token of the user, both working."""
    other = login(user, c=app.test_client())
    assert other.get("/dashboard").status_code == 200
    resp = app.test_client().post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD})
    old_token = {"Authorization": f"Bearer {resp.json['token']}"}
    return other, old_token


def _signed_out(c) -> bool:
    resp = c.get("/dashboard")
    return resp.status_code == 302 and "/login" in resp.headers["Location"]


def _can_sign_in(client, user, password) -> bool:
    return client.post("/api/v1/auth/token", json={"email": user.email, "password": password}).status_code == 200


# --- self-service change --------------------------------------------------------------------

def test_api_change_ends_other_sessions_and_tokens_and_keeps_the_callers(app, factory, client, login, token):
    user = factory.user()
    other, old_token = _signed_in_elsewhere(app, login, user)
    mine = token(user)
    resp = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": NEW}, headers=mine)
    assert resp.status_code == 200, resp.json
    assert client.get("/api/v1/me", headers=mine).status_code == 200  # the calling token stays
    assert client.get("/api/v1/me", headers=old_token).status_code == 401
    assert _signed_out(other)
    assert not _can_sign_in(client, user, PASSWORD) and _can_sign_in(client, user, NEW)


def test_change_disconnects_the_sockets_of_the_other_sign_ins(app, factory, client, token):
    from app.extensions import socketio
    user = factory.user()
    old = socketio.test_client(app, auth={"token": token(user)["Authorization"].split()[1]})
    mine_header = token(user)
    mine = socketio.test_client(app, auth={"token": mine_header["Authorization"].split()[1]})
    assert old.is_connected() and mine.is_connected()
    resp = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": NEW}, headers=mine_header)
    assert resp.status_code == 200
    assert not old.is_connected()
    assert mine.is_connected()
    mine.disconnect()


def test_page_change_keeps_this_browser_and_ends_the_others(app, factory, client, login):
    user = factory.user()
    other, old_token = _signed_in_elsewhere(app, login, user)
    login(user)
    settings = client.get("/settings").get_data(as_text=True)
    assert 'href="/settings/password"' in settings
    page = client.get("/settings/password").get_data(as_text=True)
    for field_id, label in (("current_password", "Current password"), ("new_password", "New password"),
                            ("confirm", "The new password again")):
        assert f'<label for="{field_id}">{label}</label>' in page
    assert 'autocomplete="current-password"' in page and 'autocomplete="new-password"' in page
    resp = client.post("/settings/password", data={"current_password": PASSWORD, "new_password": NEW,
                                                   "confirm": NEW})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/settings")
    assert client.get("/dashboard").status_code == 200  # still signed in here
    assert _signed_out(other)
    assert client.get("/api/v1/me", headers=old_token).status_code == 401
    assert _can_sign_in(client, user, NEW)


def test_page_confirmation_must_match(factory, client, login):
    user = factory.user()
    login(user)
    resp = client.post("/settings/password", data={"current_password": PASSWORD, "new_password": NEW,
                                                   "confirm": NEW + "x"})
    assert resp.status_code == 422 and "The two passwords differ." in resp.get_data(as_text=True)
    assert _can_sign_in(client, user, PASSWORD)


def test_page_needs_the_csrf_token(config, factory, login):
    from app import create_app
    config.WTF_CSRF_ENABLED = True
    c = create_app(config).test_client()
    user = factory.user()
    page = c.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf}).status_code == 302
    data = {"current_password": PASSWORD, "new_password": NEW, "confirm": NEW}
    assert c.post("/settings/password", data=data).status_code == 400
    page = c.get("/settings/password").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert c.post("/settings/password", data={**data, "csrf_token": csrf}).status_code == 302


def test_wrong_current_password_is_refused_and_changes_nothing(app, factory, client, login, token):
    user = factory.user()
    other, old_token = _signed_in_elsewhere(app, login, user)
    mine = token(user)
    resp = client.put(ME_PASSWORD, json={"current_password": "not-my-password", "new_password": NEW}, headers=mine)
    assert resp.status_code == 403 and resp.json["error"] == {"code": "forbidden",
                                                              "message": "The current password is wrong."}
    login(user)
    page = client.post("/settings/password", data={"current_password": "not-my-password", "new_password": NEW,
                                                   "confirm": NEW})
    assert page.status_code == 403 and 'id="current_password-err"' in page.get_data(as_text=True)
    assert client.get("/api/v1/me", headers=old_token).status_code == 200
    assert other.get("/dashboard").status_code == 200
    assert _can_sign_in(client, user, PASSWORD) and not _can_sign_in(client, user, NEW)


def test_current_password_guesses_are_rate_limited_per_account(app, factory, client, login, token):
    """Page and API share one per-account bucket at the sign-in rate (10 a minute): a stolen
    session cannot guess the password faster than the sign-in form allows."""
    user = factory.user()
    mine = token(user)
    login(user)
    codes = [client.post("/settings/password", data={"current_password": f"guess-number-{i}", "new_password": NEW,
                                                     "confirm": NEW}).status_code for i in range(5)]
    codes += [client.put(ME_PASSWORD, json={"current_password": f"guess-number-{i}", "new_password": NEW},
                         headers=mine).status_code for i in range(5)]
    assert codes == [403] * 10
    right = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": NEW}, headers=mine)
    assert right.status_code == 429 and right.json["error"]["code"] == "rate_limited"
    assert _can_sign_in(client, user, PASSWORD)
    # another person's change is not held back by it
    other = factory.user()
    resp = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": NEW}, headers=token(other))
    assert resp.status_code == 200


def test_change_needs_a_sign_in(client):
    resp = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": NEW})
    assert resp.status_code == 401
    assert client.get("/settings/password").status_code == 302


@pytest.mark.parametrize("body", [{}, {"current_password": PASSWORD}, {"new_password": NEW},
                                  {"current_password": 5, "new_password": NEW},
                                  {"current_password": PASSWORD, "new_password": ["x"]}])
def test_malformed_change_is_422(factory, client, token, body):
    user = factory.user()
    resp = client.put(ME_PASSWORD, json=body, headers=token(user))
    assert resp.status_code == 422 and resp.json["error"]["code"] == "invalid"
    assert _can_sign_in(client, user, PASSWORD)


# --- the secretariat's reset ----------------------------------------------------------------

def test_secretariat_reset_through_the_api_ends_every_session_and_token(app, factory, client, login, token):
    user = factory.user()
    other, old_token = _signed_in_elsewhere(app, login, user)
    resp = client.patch(f"/api/v1/users/{user.id}", json={"password": NEW}, headers=token(factory.secretariat))
    assert resp.status_code == 200, resp.json
    assert _signed_out(other)
    assert client.get("/api/v1/me", headers=old_token).status_code == 401
    assert not _can_sign_in(client, user, PASSWORD) and _can_sign_in(client, user, NEW)


def test_secretariat_reset_through_the_page_ends_every_session_and_token(app, factory, client, login):
    user = factory.user()
    other, old_token = _signed_in_elsewhere(app, login, user)
    login(factory.secretariat)
    resp = client.post(f"/admin/users/{user.id}", data={"name": user.name, "role": user.role,
                                                        "organisation_id": user.organisation_id,
                                                        "is_active": "y", "password": NEW})
    assert resp.status_code == 302
    assert _signed_out(other)
    assert client.get("/api/v1/me", headers=old_token).status_code == 401
    assert _can_sign_in(client, user, NEW)


def test_edit_without_a_password_keeps_the_sessions(app, factory, client, token, login):
    user = factory.user()
    other, old_token = _signed_in_elsewhere(app, login, user)
    resp = client.patch(f"/api/v1/users/{user.id}", json={"name": "Renamed Person"}, headers=token(factory.secretariat))
    assert resp.status_code == 200
    assert other.get("/dashboard").status_code == 200
    assert client.get("/api/v1/me", headers=old_token).status_code == 200


def test_others_cannot_reset_a_password(app, factory, client, login, token):
    user = factory.user()
    intruder = factory.user("delegate", org=user.organisation)
    other, old_token = _signed_in_elsewhere(app, login, user)
    resp = client.patch(f"/api/v1/users/{user.id}", json={"password": NEW}, headers=token(intruder))
    assert resp.status_code == 403
    login(intruder)
    page = client.post(f"/admin/users/{user.id}", data={"name": user.name, "role": user.role,
                                                        "organisation_id": user.organisation_id,
                                                        "is_active": "y", "password": NEW})
    assert page.status_code == 403
    assert _can_sign_in(client, user, PASSWORD) and not _can_sign_in(client, user, NEW)
    assert other.get("/dashboard").status_code == 200
    assert client.get("/api/v1/me", headers=old_token).status_code == 200


# --- the policy, at every door ----------------------------------------------------------------

NAME, EMAIL = "Tendaji Mbeleko", "tendaji.mbeleko@ministry.example"
_MESSAGE = {"too common": "one of the most commonly used", "too easy to guess": "too easy to guess",
            "too short": "at least 10 characters", "too long": "at most 128 characters",
            "contains name or e-mail": "must not contain your name"}
_REFUSED_BY_REASON = {
    "too common": ["password1234", "qwertyuiop12", "iloveyou2024"],
    "too easy to guess": ["aaaaaaaaaaaaaaaa", "abcdefghijklmn"],
    "too short": ["short-one"],
    "too long": ["x" * 129],
    "contains name or e-mail": ["Tendaji-garden-rivers-9", "rivers!mbeleko!garden", "t3nd4ji-wind-harbour",
                                "tendaji.mbeleko2026", "ministry-of-sunlight", "baraza-meeting-2026"],
}
REFUSED = [(password, reason, _MESSAGE[reason]) for reason, passwords in _REFUSED_BY_REASON.items()
           for password in passwords]


@pytest.fixture
def named_user(factory):
    from app.extensions import db
    org = factory.org()
    from app.accounts.services import create_user
    user = create_user(factory.secretariat, EMAIL, NAME, "delegate", org.id, PASSWORD)
    db.session.commit()
    return user


def _api(resp):
    err = resp.json.get("error", {})
    return resp.status_code, err.get("fields", {}), err.get("message", "")


def _door(door, factory, client, token, login, user, password):
    """Set `password` through one door; return (status, field -> reason, message)."""
    if door == "self-api":
        resp = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": password},
                          headers=token(user))
        return _api(resp)
    if door == "reset-api":
        resp = client.patch(f"/api/v1/users/{user.id}", json={"password": password},
                            headers=token(factory.secretariat))
        return _api(resp)
    if door == "create-api":
        resp = client.post("/api/v1/users", headers=token(factory.secretariat),
                           json={"email": "new." + EMAIL, "name": NAME, "role": "delegate",
                                 "organisation_id": user.organisation_id, "password": password})
        return _api(resp)
    if door == "self-page":
        login(user)
        resp = client.post("/settings/password", data={"current_password": PASSWORD, "new_password": password,
                                                       "confirm": password})
        return resp.status_code, {}, resp.get_data(as_text=True)
    if door == "reset-page":
        login(factory.secretariat)
        resp = client.post(f"/admin/users/{user.id}", data={"name": user.name, "role": user.role,
                                                            "organisation_id": user.organisation_id,
                                                            "is_active": "y", "password": password})
        return resp.status_code, {}, resp.get_data(as_text=True)
    raise AssertionError(door)


DOORS = ["self-api", "reset-api", "create-api", "self-page", "reset-page"]


@pytest.mark.parametrize("door", DOORS)
@pytest.mark.parametrize("password,reason,message", REFUSED, ids=[r[1] + ":" + r[0][:24] for r in REFUSED])
def test_policy_refuses_at_every_door(factory, client, token, login, named_user, door, password, reason, message):
    if door == "reset-page" and reason == "too short":
        pytest.skip("the page's own form check refuses it before the policy (tested below)")
    status, fields, text = _door(door, factory, client, token, login, named_user, password)
    assert status == 422, text[:300]
    assert message in text
    if door.endswith("-api"):
        assert fields == {("new_password" if door == "self-api" else "password"): reason}
    assert _can_sign_in(client, named_user, PASSWORD)


@pytest.mark.parametrize("door", DOORS)
def test_policy_accepts_a_strong_password_at_every_door(factory, client, token, login, named_user, door):
    status, _, text = _door(door, factory, client, token, login, named_user, NEW)
    assert status in (200, 201, 302), text[:300]


def test_reset_page_refuses_a_short_password_under_its_field(factory, client, login, named_user):
    login(factory.secretariat)
    resp = client.post(f"/admin/users/{named_user.id}", data={"name": NAME, "role": "delegate",
                                                              "organisation_id": named_user.organisation_id,
                                                              "is_active": "y", "password": "short-one"})
    assert resp.status_code == 422 and 'id="password-err"' in resp.get_data(as_text=True)


def test_create_page_shows_the_refusal_under_the_password_field(factory, client, login, named_user):
    login(factory.secretariat)
    resp = client.post("/admin/users", data={"email": "x.y@example.org", "name": "New Person", "role": "delegate",
                                             "organisation_id": named_user.organisation_id,
                                             "password": "password1234"})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert re.search(r'id="password-err">This password is one of the most commonly used', page)


def test_refusal_is_in_the_readers_language(factory, client, token, named_user):
    headers = token(named_user)
    assert client.patch("/api/v1/me", json={"language": "fr"}, headers=headers).status_code == 200
    resp = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": "password1234"},
                      headers=headers)
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"new_password": "too common"}
    assert "mot de passe" in resp.json["error"]["message"]
    wrong = client.put(ME_PASSWORD, json={"current_password": "not-my-password", "new_password": NEW},
                       headers=headers)
    assert wrong.status_code == 403 and "mot de passe" in wrong.json["error"]["message"]


def test_sign_up_through_an_invitation_applies_the_policy(factory, client):
    from app.accounts.services import create_user
    from app.extensions import db
    from app.notifications.welcome import welcome_token
    org = factory.org()
    newcomer = create_user(factory.secretariat, EMAIL, NAME, "delegate", org.id, None)
    db.session.commit()
    path = f"/welcome/{welcome_token(newcomer)}"
    for weak, message in (("password1234", "one of the most commonly used"),
                          ("mbeleko-harbour-wind", "must not contain your name")):
        resp = client.post(path, data={"password": weak, "confirm": weak})
        assert resp.status_code == 422 and message in resp.get_data(as_text=True)
    done = client.post(path, data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert _can_sign_in(client, newcomer, NEW)


def test_seed_demo_refuses_a_weak_operator_password_and_takes_a_good_one(app):
    runner = app.test_cli_runner()
    weak = runner.invoke(args=["seed-demo", "--password", "password1234"])
    assert weak.exit_code != 0 and "most commonly used" in weak.output
    good = runner.invoke(args=["seed-demo", "--password", PASSWORD])
    assert good.exit_code == 0, good.output


def test_the_test_password_and_the_documented_demo_password_pass():
    from app.accounts.passwords import check_new_password
    check_new_password(PASSWORD, name="Person 1", email="user1@example.org")
    check_new_password("choose-a-password")  # README's seed-demo example


L33T = "4@8({[<3&69!|1i7+%2$5"  # every character zxcvbn tries as a letter
L33T_WORST = "[<1(|"  # the 5 (the most read in full) with the most readings


def _random(alphabet: str, n: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(n))


def test_long_passwords_are_accepted_and_their_check_is_bounded(factory, client, token):
    """NIST: at least 64 characters allowed (here 128). zxcvbn reads only the first 32 (16 when
    they hold many l33t characters): on 64 l33t characters it would take seconds."""
    from app.accounts.passwords import check_new_password
    worst = 0.0
    for alphabet in (L33T, L33T_WORST, string.ascii_letters + string.digits + string.punctuation):
        for _ in range(3):
            pw = _random(alphabet, 128)
            start = time.thread_time()   # CPU time: the same on a loaded machine
            try:
                check_new_password(pw, name=NAME, email=EMAIL)
            except Invalid:
                pass  # five characters repeated may read as a pattern: refused, and that is fine
            worst = max(worst, time.thread_time() - start)
    assert worst < 1.0  # about 0.1 s of CPU
    user = factory.user()
    long_one = _random(string.ascii_letters + string.digits + string.punctuation, 128)
    resp = client.put(ME_PASSWORD, json={"current_password": PASSWORD, "new_password": long_one},
                      headers=token(user))
    assert resp.status_code == 200 and _can_sign_in(client, user, long_one)
    # the person's words are looked for beyond what zxcvbn reads
    with pytest.raises(Invalid) as refused:
        check_new_password(_random(string.ascii_letters, 60) + "mbeleko", name=NAME, email=EMAIL)
    assert refused.value.details["fields"] == {"password": "contains name or e-mail"}


def test_under_gevent_the_check_leaves_the_event_loop_free(monkeypatch):
    """With gevent (the server), zxcvbn runs in a worker thread: a greenlet ticking every 5 ms
    keeps ticking during a check instead of waiting for its end. The check is made slow on
    purpose (every l33t character twice, read in full: about 0.7 s) so the two are told apart;
    a random draw of 40 l33t characters took anywhere from 0.03 s to 1 s, too short at times."""
    import gevent

    from app.accounts import passwords
    monkeypatch.setattr(passwords, "_gevent_patched", lambda: True)
    monkeypatch.setattr(passwords, "ANALYSED", 64)
    monkeypatch.setattr(passwords, "ANALYSED_L33T", 64)
    ticks: list[float] = []
    done = []

    def ticker():
        while not done:
            ticks.append(time.perf_counter())
            gevent.sleep(0.005)

    def check():
        start = time.perf_counter()
        passwords.check_new_password((L33T * 2)[:40], name=NAME, email=EMAIL)
        done.append(time.perf_counter() - start)

    gevent.joinall([gevent.spawn(ticker), gevent.spawn(check)], timeout=30)
    took = done[0]
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) > 5 and max(gaps) < took / 2, (took, max(gaps), len(ticks))
