"""Class 7, Unicode and structure: lone surrogates and deep nesting in JSON (HTTP and Socket.IO)
are a 400, never a 500; names and e-mails are NFKC, free of invisible format characters, and
may not be a confusable look-alike (UTS #39 skeleton) of an existing one."""
import pytest
from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.core.jsonsafe import MAX_DEPTH
from app.extensions import db, socketio
from tests.conftest import PASSWORD
from tests.rooms.conftest import Plain, bearer, live, room, socket  # noqa: F401

SURROGATE = '"x\\ud800y"'  # JSON text of a string holding a lone high surrogate
DEEP = "[" * 100_000


def _raw(client, method, path, text, headers=None):
    return client.open(path, method=method, data=text.encode(), content_type="application/json",
                       headers=headers or {})


def _is_400(resp):
    assert resp.status_code == 400, resp.data[:300]
    assert resp.json["error"]["code"] == "invalid"
    assert resp.json["error"]["message"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# --- JSON structure over HTTP -------------------------------------------------------------

def test_lone_surrogate_in_sign_in_is_400(factory, client):
    for body in ('{"email": %s, "password": "x"}' % SURROGATE,
                 '{"email": "sec@example.org", "password": %s}' % SURROGATE,
                 '{%s: 1, "email": "sec@example.org", "password": "x"}' % SURROGATE):
        _is_400(_raw(client, "POST", "/api/v1/auth/token", body))
    # the real credentials still work, and an escaped surrogate PAIR is an ordinary character
    ok = client.post("/api/v1/auth/token", json={"email": "sec@example.org", "password": PASSWORD})
    assert ok.status_code == 200


def test_deep_nesting_in_sign_in_is_400(client):
    _is_400(_raw(client, "POST", "/api/v1/auth/token", DEEP))
    _is_400(_raw(client, "POST", "/api/v1/auth/token", "{" + '"a":{' * 5000 + "}" * 5001))


def _writes(factory, client, token):
    """(method, path, JSON template with {s} for a string value, model counted) of each main write."""
    c = factory.consultation(status="live")
    factory.tripartite(c)
    org = factory.org("workers")
    doc = client.post(f"/api/v1/consultations/{c.id}/documents", headers=token(factory.secretariat),
                      json={"title": "Draft", "body": "One.\n\nTwo.", "status": "open"}).json
    return [
        ("POST", "/api/v1/organisations", '{"name": %(s)s, "constituency": "workers"}'),
        ("PATCH", f"/api/v1/organisations/{org.id}", '{"name": %(s)s}'),
        ("POST", "/api/v1/users", '{"email": "n@example.org", "name": %(s)s, "role": "delegate", '
                                  f'"organisation_id": {org.id}' + "}"),
        ("POST", "/api/v1/consultations", '{"title": %(s)s, "level": "continental"}'),
        ("PATCH", f"/api/v1/consultations/{c.id}", '{"title": %(s)s}'),
        ("POST", f"/api/v1/consultations/{c.id}/agenda", '{"title": %(s)s}'),
        ("POST", f"/api/v1/consultations/{c.id}/documents", '{"title": "T", "body": %(s)s}'),
        ("POST", f"/api/v1/documents/{doc['id']}/comments", '{"body": %(s)s}'),
        ("POST", f"/api/v1/consultations/{c.id}/motions",
         '{"question": %(s)s, "ballot": "roll_call", "rule": "simple"}'),
        ("POST", f"/api/v1/consultations/{c.id}/motions",
         '{"question": "Q?", "ballot": "roll_call", "rule": "simple", "weights": {"a": [%(s)s]}}'),
        ("POST", f"/api/v1/consultations/{c.id}/chat", '{"text": %(s)s}'),
    ]


def test_lone_surrogate_in_each_main_write_is_400_and_stores_nothing(factory, client, token):
    h = token(factory.secretariat)
    writes = _writes(factory, client, token)
    before = {m: _count(m) for m in (Organisation, User)}
    for method, path, template in writes:
        _is_400(_raw(client, method, path, template % {"s": SURROGATE}, h))
        _is_400(_raw(client, method, path, template % {"s": '"\\udc00"'}, h))
    assert {m: _count(m) for m in (Organisation, User)} == before
    # the same writes with an ordinary string (and a real astral character) succeed
    for method, path, template in writes[:6]:
        resp = _raw(client, method, path, template % {"s": '"Caf\\u00e9 \\ud83d\\ude00 %s"' % method}, h)
        assert resp.status_code in (200, 201), (path, resp.data[:300])


def test_deep_nesting_in_api_bodies_is_400_and_the_limit_is_32(factory, client, token):
    h = token(factory.secretariat)
    _is_400(_raw(client, "POST", "/api/v1/organisations", DEEP, h))
    too_deep = '{"name": "Deep org", "constituency": "workers", "x": %s}' % ("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    _is_400(_raw(client, "POST", "/api/v1/organisations", too_deep, h))
    # brackets inside strings are text, not nesting
    fine = '{"name": "Deep %s org", "constituency": "workers", "x": %s}' % (
        "[" * 100, "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1))
    resp = _raw(client, "POST", "/api/v1/organisations", fine, h)
    assert resp.status_code == 201, resp.data[:300]
    assert resp.json["name"] == "Deep " + "[" * 100 + " org"


# --- JSON structure over Socket.IO --------------------------------------------------------

def _ack(sc, event, payload):
    return sc.emit(event, payload, callback=True)


def _raw_event(sc, text: str):
    """Send one raw Socket.IO EVENT packet with ack id 77; return the ack's payload."""
    sc.acks = None
    socketio.server._handle_eio_message(sc.eio_sid, "277" + text)
    assert sc.acks is not None, "no acknowledgement"
    (res,) = sc.acks["args"]
    return res


def test_lone_surrogate_in_a_socket_payload_is_acked_invalid(socket, live):  # noqa: F811
    c, p = live
    sc = socket(p["government"])
    assert _ack(sc, "room:join", {"consultation_id": c.id})["ok"]
    res = _ack(sc, "chat:send", {"consultation_id": c.id, "text": "hello \ud800"})
    assert res["ok"] is False and res["error"]["code"] == "invalid"
    res = _raw_event(sc, '["chat:send",{"consultation_id":%d,"\\udfff":"x","text":"y"}]' % c.id)
    assert res["ok"] is False and res["error"]["code"] == "invalid"
    # the socket is still connected and an ordinary message (with an emoji) goes through
    assert sc.is_connected()
    assert _ack(sc, "chat:send", {"consultation_id": c.id, "text": "hello \U0001F600"})["ok"]


def test_deep_nesting_in_a_socket_payload_is_acked_invalid(socket, live):  # noqa: F811
    c, p = live
    sc = socket(p["government"])
    assert _ack(sc, "room:join", {"consultation_id": c.id})["ok"]
    res = _raw_event(sc, '["chat:send",' + "[" * 100_000)
    assert res["ok"] is False and res["error"]["code"] == "invalid"
    nested = {"consultation_id": c.id, "text": "x", "extra": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    res = _ack(sc, "chat:send", nested)
    assert res["ok"] is False and res["error"]["code"] == "invalid"
    assert sc.is_connected()
    assert _ack(sc, "chat:send", {"consultation_id": c.id, "text": "still here"})["ok"]


def test_connect_with_a_lone_surrogate_in_auth_is_refused(app):
    sc = socketio.test_client(app, auth={"token": "abc\udc80"})
    assert not sc.is_connected()


# --- names and e-mails --------------------------------------------------------------------

def _org(client, h, name, **extra):
    return client.post("/api/v1/organisations", headers=h, json={"name": name, "constituency": "employers", **extra})


def test_names_and_emails_are_nfkc(factory, client, token):
    h = token(factory.secretariat)
    resp = _org(client, h, "Ｆｕｌｌ\u3000Ｗｉｄｔｈ ﬁsheries Union")
    assert resp.status_code == 201 and resp.json["name"] == "Full Width fisheries Union"
    org_id = resp.json["id"]
    resp = client.post("/api/v1/users", headers=h, json={
        "email": "ＮＦＫＣ.Person@Example.org", "name": "Ｎｆｋｃ Person", "role": "delegate",
        "organisation_id": org_id, "password": PASSWORD})
    assert resp.status_code == 201, resp.json
    assert resp.json["email"] == "nfkc.person@example.org" and resp.json["name"] == "Nfkc Person"
    # signing in with the full-width spelling finds the same account
    assert client.post("/api/v1/auth/token", json={"email": "ｎｆｋｃ.person@example.org",
                                                   "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize("invisible", ["\u200b", "\u200d", "\u202e", "\u2066", "\ufeff", "\u00ad"])
def test_format_characters_are_refused_in_names_and_emails(factory, client, token, invisible):
    h = token(factory.secretariat)
    resp = _org(client, h, f"Workers{invisible} Union")
    assert resp.status_code == 422 and "name" in resp.json["error"]["fields"]
    org = factory.org("workers")
    for field, value in (("name", f"Ama{invisible} Example"), ("email", f"ama{invisible}@example.org")):
        body = {"email": "ama@example.org", "name": "Ama Example", "role": "delegate", "organisation_id": org.id}
        body[field] = value
        resp = client.post("/api/v1/users", headers=h, json=body)
        assert resp.status_code == 422 and field in resp.json["error"]["fields"], (field, resp.json)
    resp = client.patch(f"/api/v1/organisations/{org.id}", headers=h, json={"name": f"Org{invisible}"})
    assert resp.status_code == 422 and "name" in resp.json["error"]["fields"]
    assert _count(User) == 1 and db.session.get(Organisation, org.id).name == org.name


def test_a_cyrillic_look_alike_of_an_existing_organisation_is_refused(factory, client, token):
    h = token(factory.secretariat)
    assert _org(client, h, "Ghana Employers' Federation").status_code == 201
    look_alike = "Ghana Employ\u0435rs' Federation"  # Cyrillic small ie
    resp = _org(client, h, look_alike)
    assert resp.status_code == 422
    assert resp.json["error"]["fields"] == {"name": "confusable with an existing value"}
    assert _org(client, h, "Gh\u0430na Empl\u043eyers' Federation").status_code == 422  # Cyrillic a, o
    assert _org(client, h, "GHANA EMPLOYERS' FEDERATION").status_code == 409  # the same name: conflict
    # a legitimately different name is accepted, and renaming another organisation to the
    # look-alike is refused too
    other = _org(client, h, "Ghana Employers' Association")
    assert other.status_code == 201
    resp = client.patch(f"/api/v1/organisations/{other.json['id']}", headers=h, json={"name": look_alike})
    assert resp.status_code == 422
    assert _count(Organisation) == 3  # secretariat's own and the two accepted


def test_look_alike_refused_on_the_page_too(factory, client, login):
    login(factory.secretariat)
    ok = client.post("/admin/organisations", data={"name": "Kenya Workers Union", "constituency": "workers"})
    assert ok.status_code == 302
    resp = client.post("/admin/organisations", data={"name": "K\u0435nya Workers Union", "constituency": "workers"})
    assert resp.status_code == 422
    assert b"looks the same as an existing one" in resp.data
    assert _count(Organisation) == 2


def test_user_names_and_emails_look_alikes(factory, client, token):
    h = token(factory.secretariat)
    org = factory.org("workers")

    def create(email, name):
        return client.post("/api/v1/users", headers=h, json={"email": email, "name": name, "role": "delegate",
                                                             "organisation_id": org.id})
    assert create("kofi@example.org", "Kofi Example").status_code == 201
    # two people may share exactly the same name
    assert create("kofi.two@example.org", "Kofi Example").status_code == 201
    resp = create("kofi.three@example.org", "K\u043efi Example")  # Cyrillic o
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"name": "confusable with an existing value"}
    resp = create("k\u043efi@example.org", "Someone Else")
    assert resp.status_code == 422 and resp.json["error"]["fields"] == {"email": "confusable with an existing value"}
    assert create("KOFI@example.org", "Someone Else").status_code == 409


@pytest.mark.parametrize("name", ["Fédération des Employeurs du Sénégal (exemple)",
                                  "الاتحاد العام للشغل - مثال",
                                  "Confederação dos Trabalhadores de São Tomé (exemplo)"])
def test_accented_and_arabic_names_are_accepted_unchanged(factory, client, token, name):
    h = token(factory.secretariat)
    resp = _org(client, h, name)
    assert resp.status_code == 201 and resp.json["name"] == name
    person = "فاطمة المثال" if "ا" in name else "Élodie Exemple-Ñandú"
    resp = client.post("/api/v1/users", headers=h, json={"email": "person@example.org", "name": person,
                                                         "role": "delegate", "organisation_id": resp.json["id"]})
    assert resp.status_code == 201 and resp.json["name"] == person
