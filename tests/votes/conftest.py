"""Votes fixtures: a consultation with accepted delegates per constituency, and API helpers."""
import pytest
from sqlalchemy import inspect as sa_inspect

GROUPS = ("government", "employers", "workers")


@pytest.fixture
def voting(factory):
    """voting(status="live", per_group=1, groups=GROUPS, **consultation fields) -> (c, {group: [User]})."""
    def make(status="live", per_group=1, groups=GROUPS, **extra):
        c = factory.consultation(status=status, **extra)
        voters = {g: [factory.participant(c, constituency=g).user for _ in range(per_group)] for g in groups}
        return c, voters
    return make


@pytest.fixture
def api(client, token):
    """api(method, path, user, json=None) -> response, signed in with the user's bearer token."""
    cache = {}

    def call(method, path, user, json=None, **kw):
        uid = sa_inspect(user).identity[0]  # works on an instance a socket handler detached
        if uid not in cache:
            cache[uid] = token(user)
        return client.open("/api/v1" + path, method=method, json=json, headers=cache[uid], **kw)
    return call


@pytest.fixture
def motion(api, factory):
    """motion(c, open=True, **body) -> motion JSON, drafted (and opened) by the secretariat."""
    def make(c, open=True, **body):
        body.setdefault("question", "Adopt the recommendation?")
        body.setdefault("ballot", "roll_call")
        body.setdefault("rule", "simple")
        r = api("POST", f"/consultations/{c.id}/motions", factory.secretariat, body)
        assert r.status_code == 201, r.json
        if open:
            r = api("POST", f"/motions/{r.json['id']}/open", factory.secretariat)
            assert r.status_code == 200, r.json
        return r.json
    return make


def vote(api, user, motion_id, choice):
    return api("POST", f"/motions/{motion_id}/ballots", user, {"choice": choice})
