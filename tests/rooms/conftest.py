"""Room fixtures: a live consultation with a delegate per constituency, an adviser, an
observer and a chair; socket(user) opens a Flask-SocketIO test client signed in with a token."""
from contextlib import contextmanager

import pytest

from app.extensions import socketio


@pytest.fixture
def room(factory):
    c, people = factory.live_room()
    people["chair"] = factory.user("delegate", "stakeholder")
    factory.participant(c, people["chair"], role="chair")
    return c, people


@pytest.fixture(params=[("government", 200), ("adviser", 200), ("observer", 200), ("chair", 200),
                        ("secretariat", 200), ("outsider", 404)], ids=lambda p: p[0])
def who_opens(request):
    """(who, status): each kind of member of a live room, its chair and the secretariat open its
    pages (200); an outsider is answered as if the consultation did not exist (404)."""
    return request.param


@pytest.fixture
def bearer(client):
    def _bearer(user):
        resp = client.post("/api/v1/auth/token", json={"email": user.email, "password": "correct-horse-battery"})
        assert resp.status_code == 200, resp.json
        return resp.json["token"]
    return _bearer


@pytest.fixture
def socket(app, bearer):
    opened = []

    def _socket(user, **kw):
        sc = socketio.test_client(app, auth={"token": bearer(user)}, **kw)
        assert sc.is_connected()
        opened.append(sc)
        return sc
    yield _socket
    for sc in opened:
        if sc.is_connected():
            sc.disconnect()


@contextmanager
def ticking(app, setting: str, tick):
    """The storm configuration: `setting` (a tick period) at 0.25 s. No loop runs under tests, so
    tick() is the tick: it runs before and after, and wherever the test calls it."""
    before = app.config.get(setting)
    app.config[setting] = 0.25
    tick()
    yield
    tick()
    app.config[setting] = before


def room_events(sc, types=None):
    """The room:event payloads a test client has received since the last call."""
    out = [m["args"][0] for m in sc.get_received() if m["name"] == "room:event"]
    return [e for e in out if types is None or e["type"] in types]


class Plain:
    """A detached copy of a record's plain fields: socket handlers end the test's session."""

    def __init__(self, obj):
        for name in ("id", "name", "email", "organisation_id", "title"):
            if hasattr(obj, name):
                setattr(self, name, getattr(obj, name))
        org = getattr(obj, "organisation", None)
        self.org_name = org.name if org is not None else None


@pytest.fixture
def live(room):
    """The room fixture as plain values, safe to use across socket events."""
    c, p = room
    return Plain(c), {k: Plain(u) for k, u in p.items()}
