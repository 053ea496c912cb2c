"""Class 5 of the hardening issue: behind BARAZA_TRUSTED_PROXIES reverse proxies, Baraza sees
each client's own address, and the per-address sign-in limit counts FAILED attempts only, so a
delegation signing in behind one address is never limited while a password guesser is.

The limit is 120 failures a minute per address (app/core/ratelimit.py), shared by the form
(/login) and the API (/api/v1/auth/token); every account also has its own limit (10 a minute),
so the guesser below tries a different unknown e-mail each time."""
import time

import pytest
from flask import request

from app.core.ratelimit import ADDRESS_FAILURE_LIMIT
from tests.conftest import PASSWORD

FAILURES = int(ADDRESS_FAILURE_LIMIT.split()[0])
GUESSER, DELEGATION = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def config(config, request):
    """BARAZA_TRUSTED_PROXIES=1 unless a test asks for another value (indirect parametrize)."""
    config.TRUSTED_PROXIES = getattr(request, "param", 1)
    return config


def _fail(client, i, headers):
    """One wrong sign-in, alternating between the API and the form."""
    email = f"nobody{i}@example.org"
    if i % 2:
        return client.post("/api/v1/auth/token", json={"email": email, "password": "wrong-guess"},
                           headers=headers).status_code
    return client.post("/login", data={"email": email, "password": "wrong-guess"}, headers=headers).status_code


def _sign_in(client, user, headers=None, form=False):
    if form:
        return client.post("/login", data={"email": user.email, "password": PASSWORD}, headers=headers).status_code
    return client.post("/api/v1/auth/token", json={"email": user.email, "password": PASSWORD},
                       headers=headers).status_code


def test_failures_are_limited_per_forwarded_address(factory, client):
    user = factory.user()
    from_guesser = {"X-Forwarded-For": GUESSER}
    codes = [_fail(client, i, from_guesser) for i in range(FAILURES)]
    assert codes == [401] * FAILURES
    assert _fail(client, FAILURES, from_guesser) == 429
    assert _sign_in(client, user, from_guesser) == 429  # the guesser's address is held back
    # The delegation behind another address signs in, through both doors.
    from_delegation = {"X-Forwarded-For": DELEGATION}
    assert _sign_in(client, user, from_delegation) == 200
    assert _sign_in(client, user, from_delegation, form=True) == 302
    # nginx appends the address it saw: a client-supplied X-Forwarded-For in front is ignored.
    spoofed = {"X-Forwarded-For": f"{DELEGATION}, {GUESSER}"}
    assert _fail(client, FAILURES + 1, spoofed) == 429


@pytest.mark.parametrize("config", [0], indirect=True)
def test_without_trusted_proxies_the_header_is_ignored(factory, client):
    """A guesser cannot escape the limit by inventing an X-Forwarded-For for each attempt."""
    user = factory.user()
    codes = [_fail(client, i, {"X-Forwarded-For": f"192.0.2.{i % 250 + 1}"}) for i in range(FAILURES)]
    assert codes == [401] * FAILURES
    assert _fail(client, FAILURES, {"X-Forwarded-For": "192.0.2.251"}) == 429
    assert _sign_in(client, user, {"X-Forwarded-For": DELEGATION}) == 429


@pytest.mark.parametrize("config", [0, 1], indirect=True)
def test_successful_sign_ins_from_one_address_are_never_limited(factory, client, config):
    """150 people of one delegation sign in within a minute from one address (a ministry's NAT)."""
    people = [factory.user() for _ in range(25)]
    headers = {"X-Forwarded-For": DELEGATION} if config.TRUSTED_PROXIES else None
    started = time.monotonic()
    codes = []
    for round_ in range(6):  # 6 sign-ins per account stay under the per-account limit
        for n, person in enumerate(people):
            form = (round_ + n) % 2 == 0
            c = client.application.test_client() if form else client
            codes.append(_sign_in(c, person, headers, form=form))
    assert time.monotonic() - started < 60  # all inside one limit window
    assert len(codes) == 150 and set(codes) <= {200, 302}, sorted(set(codes))
    # ... and the address's failure allowance is untouched: a typo is told it is wrong, not to wait.
    assert _fail(client, 0, headers) == 401


@pytest.fixture
def probe(app):
    """A page that shows what the application believes about the request."""
    app.add_url_rule("/_probe", "probe", lambda: {"addr": request.remote_addr, "scheme": request.scheme,
                                                  "host": request.host, "secure": request.is_secure})
    return app


PROXY_HEADERS = {"X-Forwarded-For": GUESSER, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "baraza.example"}


def test_trusted_proxy_headers_give_address_scheme_and_host(probe, client):
    seen = client.get("/_probe", headers=PROXY_HEADERS)
    assert seen.json == {"addr": GUESSER, "scheme": "https", "host": "baraza.example", "secure": True}
    assert "Strict-Transport-Security" in seen.headers  # sent over https only
    assert client.get("/_probe").json["addr"] == "127.0.0.1"  # no proxy header: the peer itself


@pytest.mark.parametrize("config", [0], indirect=True)
def test_untrusted_proxy_headers_change_nothing(probe, client):
    seen = client.get("/_probe", headers=PROXY_HEADERS)
    assert seen.json == {"addr": "127.0.0.1", "scheme": "http", "host": "localhost", "secure": False}
    assert "Strict-Transport-Security" not in seen.headers


def test_socket_io_handshake_sees_the_client_address(app, client, monkeypatch):
    """ProxyFix wraps the Socket.IO middleware, so Engine.IO (origin check, connect handler)
    gets the same corrected environ as the pages."""
    from app.extensions import socketio
    seen = {}

    def handle_request(environ, start_response):
        seen.update(addr=environ["REMOTE_ADDR"], scheme=environ["wsgi.url_scheme"], host=environ["HTTP_HOST"])
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    monkeypatch.setattr(socketio.server, "handle_request", handle_request)
    assert client.get("/socket.io/?EIO=4&transport=polling", headers=PROXY_HEADERS).status_code == 200
    assert seen == {"addr": GUESSER, "scheme": "https", "host": "baraza.example"}
