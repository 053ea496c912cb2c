"""Class 10: every door that takes an id answers a missing object and an object the caller may
not see (in a consultation they do not take part in) with the same status and the same bytes.

The HTTP doors are read from the app's URL map, so a new route with an id is tested without
being listed here; the Socket.IO events that take an id are listed below."""
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.consultations import services as consultations
from app.consultations import agenda as consultation_agenda
from app.core.realtime import record_event
from app.extensions import db, socketio
from app.minutes.models import Correction
from app.rooms.event_types import FloorGiven

MISSING = 987654
SKIP = re.compile(r"^/(static|calendar|welcome)/")
# Parameters that are not ids: the same value on both sides.
SAME = {"number": "1", "language": "fr", "fmt": "csv", "action": "raise"}
JSON = {"choice": "yes", "anchor": "st-1", "text": "Some words here", "body": "A body", "reason": "A reason",
        "title": "A title", "status": "live", "stance": "support", "raised": True, "note": "A note",
        "question": "Adopt it?", "ballot": "secret", "rule": "simple", "include_minutes": True}
FORM = {k: str(v) for k, v in JSON.items()} | {"decision": "accept", "action": "save"}
SOCKET_EVENTS = ("room:join", "room:leave", "chat:send", "hand:raise", "hand:lower", "floor:give",
                 "floor:release", "agenda:set", "chat:mute", "chat:unmute", "participant:remove", "session:set")


@pytest.fixture
def config(config):
    config.RATELIMIT_ENABLED = False  # hundreds of requests by one person, on purpose
    return config


@pytest.fixture
def world(factory, client, token):
    """A consultation the caller takes part in, and a hidden one holding one of everything."""
    sec = factory.secretariat
    h = token(sec)
    mine = factory.consultation(status="live", title="Visible consultation")
    caller = factory.participant(mine, constituency="workers").user
    hidden = factory.consultation(status="live", title="Hidden consultation")
    people = factory.tripartite(hidden)
    gov = people["government"]
    item = consultation_agenda.add_agenda_item(sec, hidden, "Hidden item")
    db.session.commit()
    part = consultations.participant_of(gov, hidden)
    motion = client.post(f"/api/v1/consultations/{hidden.id}/motions", headers=h,
                         json={"question": "Hidden?", "ballot": "secret", "rule": "simple"}).json
    assert client.post(f"/api/v1/motions/{motion['id']}/open", headers=h).status_code == 200
    doc = client.post(f"/api/v1/consultations/{hidden.id}/documents", headers=h,
                      json={"title": "Hidden document", "body": "First paragraph.\n\nSecond paragraph.",
                            "status": "open"}).json
    anchor = doc["current_version"]["paragraphs"][0]["anchor"]
    hg = token(gov)
    comment = client.post(f"/api/v1/documents/{doc['id']}/comments", headers=hg,
                          json={"body": "A comment", "anchor": anchor}).json
    amendment = client.post(f"/api/v1/documents/{doc['id']}/amendments", headers=hg,
                            json={"anchor": anchor, "text": "New words."}).json
    assert "id" in comment and "id" in amendment, (comment, amendment)
    record_event(hidden.id, FloorGiven(user_id=gov.id, name=gov.name, constituency="government", agenda_item_id=item.id, queue=[]), sec)
    db.session.commit()
    minutes = client.post(f"/api/v1/consultations/{hidden.id}/minutes", headers=h).json
    deadline = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    assert client.post(f"/api/v1/minutes/{minutes['id']}/circulate", headers=h,
                       json={"deadline": deadline}).status_code == 200
    st = minutes["statements"][0]["anchor"]
    corr = client.post(f"/api/v1/minutes/{minutes['id']}/corrections", headers=hg,
                       json={"anchor": st, "text": "Better words."}).json
    # a second, adopted set of minutes would need a second consultation: adopt these after
    # deciding the correction (its doors still take its id)
    db.session.get(Correction, corr["id"]).status = "rejected"
    db.session.commit()
    assert client.post(f"/api/v1/minutes/{minutes['id']}/adopt", headers=h, json={"confirm_placeholders": True}).status_code == 200
    ids = {"consultation_id": hidden.id, "motion_id": motion["id"], "document_id": doc["id"],
           "comment_id": comment["id"], "amendment_id": amendment["id"], "minutes_id": minutes["id"],
           "correction_id": corr["id"], "participant_id": part.id, "item_id": item.id, "user_id": gov.id,
           "org_id": gov.organisation_id, "organisation_id": gov.organisation_id, "notification_id": MISSING - 1}
    return {"caller": caller, "mine": mine, "ids": ids}


def _doors(app):
    for rule in app.url_map.iter_rules():
        if not rule.arguments or SKIP.match(rule.rule):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url(rule, values):
    return rule.rule and re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule.rule)


def _normal(resp, url) -> tuple[int, bytes]:
    """Status and body; a page's per-request nonce and form token, and the address it was asked
    for (the language switcher sends you back there), are not about the object."""
    body = resp.get_data().replace(url.encode(), b"URL")
    body = re.sub(rb'nonce="[^"]*"', b'nonce=""', body)
    body = re.sub(rb'<meta name="csrf-token" content="[^"]*">', b"", body)
    body = re.sub(rb'(name="csrf_token"[^>]*value=|value="[^"]*"(?=[^>]*name="csrf_token"))"?[^">]*"?', b"", body)
    return resp.status_code, body


def _call(client, method, url, headers):
    if url.startswith("/api/"):
        kw = {"json": JSON} if method in ("POST", "PUT", "PATCH") else {"query_string": {"from": 1, "to": 1}}
        return client.open(url, method=method, headers=headers, **kw)
    kw = {"data": FORM} if method == "POST" else {}
    return client.open(url, method=method, **kw)


def test_every_http_door_answers_missing_and_hidden_alike(app, client, login, token, world):
    caller = world["caller"]
    headers = token(caller)
    login(caller)
    checked, not_found, differ = 0, 0, []
    for rule, method in _doors(app):
        variants = [({a: SAME.get(a, MISSING) for a in rule.arguments},
                     {a: SAME.get(a, world["ids"].get(a, MISSING)) for a in rule.arguments})]
        if "consultation_id" in rule.arguments and len(rule.arguments - set(SAME)) > 1:
            # a visible consultation, and a child object that is missing or lives elsewhere
            variants.append(tuple(dict(v, consultation_id=world["mine"].id) for v in variants[0]))
        for missing, hidden in variants:
            a = _normal(_call(client, method, _url(rule, missing), headers), _url(rule, missing))
            b = _normal(_call(client, method, _url(rule, hidden), headers), _url(rule, hidden))
            checked += 1
            not_found += a[0] == 404
            if a != b:
                at = next((i for i, (x, y) in enumerate(zip(a[1], b[1], strict=False)) if x != y), 0)
                differ.append((method, rule.rule, a[0], b[0], a[1][max(0, at - 60):at + 60], b[1][max(0, at - 60):at + 60]))
    assert differ == [], "\n".join(map(str, differ))
    assert checked > 100 and not_found > 0.8 * checked, (checked, not_found)


def test_every_socket_event_answers_missing_and_hidden_alike(app, client, login, world):
    caller = world["caller"]
    login(caller)
    sock = socketio.test_client(app, flask_test_client=client)
    assert sock.is_connected()
    payloads = [(e, {"consultation_id": MISSING}, {"consultation_id": world["ids"]["consultation_id"]})
                for e in SOCKET_EVENTS]
    payloads.append(("vote:cast", {"motion_id": MISSING, "choice": "yes"},
                     {"motion_id": world["ids"]["motion_id"], "choice": "yes"}))
    for event, missing, hidden in payloads:
        extra = {"text": "hello", "user_id": world["ids"]["user_id"], "agenda_item_id": world["ids"]["item_id"],
                 "status": "live"}
        a = sock.emit(event, {**extra, **missing}, callback=True)
        b = sock.emit(event, {**extra, **hidden}, callback=True)
        assert a == b, (event, a, b)
        if event != "room:leave":  # leaving a room one is not in is a no-op, the same for both
            assert a.get("error", {}).get("code") == "not_found", (event, a)
    sock.disconnect()


def test_the_ballot_example_of_the_issue(world, client, token):
    """The report: a ballot on a motion of a hidden consultation said "No such consultation."."""
    h = token(world["caller"])
    a = client.post(f"/api/v1/motions/{MISSING}/ballots", json={"choice": "yes"}, headers=h)
    b = client.post(f"/api/v1/motions/{world['ids']['motion_id']}/ballots", json={"choice": "yes"}, headers=h)
    assert a.status_code == b.status_code == 404
    assert a.json == b.json == {"error": {"code": "not_found", "message": "No such motion."}}
