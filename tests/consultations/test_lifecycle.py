"""Consultation lifecycle, scope rules and the secretariat's changes."""
import pytest

from app.consultations.models import STATUSES, TRANSITIONS

ALLOWED = {("draft", "scheduled"), ("scheduled", "live"), ("live", "closed"), ("closed", "live"), ("closed", "archived")}


@pytest.mark.parametrize("start", STATUSES)
@pytest.mark.parametrize("target", STATUSES)
def test_only_lifecycle_transitions(factory, client, token, start, target):
    if start == target:
        return
    c = factory.consultation(status=start)
    resp = client.patch(f"/api/v1/consultations/{c.id}", headers=token(factory.secretariat), json={"status": target})
    if (start, target) in ALLOWED:
        assert resp.status_code == 200 and resp.json["status"] == target
    else:
        assert resp.status_code == 409 and resp.json["error"]["code"] == "conflict"
        assert client.get(f"/api/v1/consultations/{c.id}", headers=token(factory.secretariat)).json["status"] == start


def test_transition_table_matches_the_rule():
    assert {(a, b) for a, nexts in TRANSITIONS.items() for b in nexts} == ALLOWED


def test_status_change_is_a_room_event(factory):
    from app.core.realtime import events_since
    c = factory.consultation(status="live")
    types = [(e.seq, e.type, e.data["status"]) for e in events_since(c.id, 0)]
    assert types == [(1, "session.status", "scheduled"), (2, "session.status", "live")]


def test_chair_opens_and_closes_the_live_session_but_nothing_else(factory, client, token):
    c = factory.consultation(status="live")
    chair = factory.participant(c, role="chair").user
    h = token(chair)
    assert client.patch(f"/api/v1/consultations/{c.id}", headers=h, json={"status": "closed"}).status_code == 403
    from app.consultations import services
    from app.extensions import db
    services.change_status(chair, c, "closed")
    services.change_status(chair, c, "live")
    db.session.commit()
    with pytest.raises(Exception) as err:
        services.change_status(chair, c, "closed")
        services.change_status(chair, c, "archived")
    assert getattr(err.value, "status", None) == 403


def test_delegate_cannot_edit(factory, client, token):
    c = factory.consultation()
    p = factory.participant(c)
    resp = client.patch(f"/api/v1/consultations/{c.id}", headers=token(p.user), json={"title": "Mine now"})
    assert resp.status_code == 403


@pytest.mark.parametrize("body,field", [
    ({"title": "T", "level": "national"}, "country"),
    ({"title": "T", "level": "national", "country": "XX"}, "country"),
    ({"title": "T", "level": "rec"}, "rec"),
    ({"title": "T", "level": "rec", "rec": "EU"}, "rec"),
    ({"title": "T", "level": "galactic"}, "level"),
    ({"title": "T", "level": "continental", "themes": ["no-such-theme"]}, "themes"),
    ({"title": "T", "level": "continental", "voting_constituencies": ["bankers"]}, "voting_constituencies"),
    ({"title": "T", "level": "continental", "starts_at": "tomorrow"}, "starts_at"),
    ({"title": "T", "level": "continental", "starts_at": "2027-01-02T10:00:00Z", "ends_at": "2027-01-01T10:00:00Z"}, "ends_at"),
    ({"level": "continental"}, "title"),
])
def test_create_validation(factory, client, token, body, field):
    resp = client.post("/api/v1/consultations", headers=token(factory.secretariat), json=body)
    assert resp.status_code == 422, resp.json
    assert field in resp.json["error"]["fields"]


def test_create_with_scope_themes_and_voters(factory, client, token):
    from app.consultations.models import Theme
    from app.demo import THEMES
    from app.extensions import db
    for slug, name in THEMES:
        db.session.add(Theme(slug=slug, name=name))
    db.session.commit()
    resp = client.post("/api/v1/consultations", headers=token(factory.secretariat), json={
        "title": "SADC advisory committee on portability", "level": "rec", "rec": "SADC", "country": "ZA",
        "themes": ["social-security-portability"], "starts_at": "2027-03-01T08:00:00+02:00",
        "voting_constituencies": ["government", "employers", "workers", "stakeholder"]})
    assert resp.status_code == 201
    body = resp.json
    assert body["status"] == "draft" and body["rec"] == "SADC" and body["country"] is None
    assert body["themes"] == ["social-security-portability"]
    assert body["starts_at"] == "2027-03-01T06:00:00Z"
    assert body["voting_constituencies"] == ["government", "employers", "workers", "stakeholder"]
    listed = client.get("/api/v1/themes", headers=token(factory.secretariat)).json["items"]
    assert len(listed) == 8


def test_default_voters(factory):
    c = factory.consultation()
    assert c.voting_constituencies == ["government", "employers", "workers"]


def test_invite_organisation_and_user_then_credentials(factory, client, token):
    c = factory.consultation()
    org = factory.org("workers")
    a, b = factory.user(org=org), factory.user(org=org)
    adviser = factory.user("adviser", org=org)
    h = token(factory.secretariat)
    resp = client.post(f"/api/v1/consultations/{c.id}/participants", headers=h, json={"organisation_id": org.id})
    assert resp.status_code == 201
    made = {p["user_id"]: p for p in resp.json["items"]}
    assert set(made) == {a.id, b.id, adviser.id}
    assert made[adviser.id]["role"] == "adviser" and made[a.id]["credentials"] == "pending"
    again = client.post(f"/api/v1/consultations/{c.id}/participants", headers=h, json={"user_id": a.id})
    assert again.status_code == 201 and again.json["items"] == []
    pid = made[a.id]["id"]
    resp = client.patch(f"/api/v1/consultations/{c.id}/participants/{pid}", headers=h,
                        json={"credentials": "accepted", "role": "chair"})
    assert resp.json["credentials"] == "accepted" and resp.json["role"] == "chair"
    assert client.patch(f"/api/v1/consultations/{c.id}/participants/{pid}", headers=h,
                        json={"credentials": "maybe"}).status_code == 422
    assert client.patch(f"/api/v1/consultations/{c.id}/participants/99999", headers=h,
                        json={"credentials": "accepted"}).status_code == 404
    # a participant may not decide credentials
    assert client.patch(f"/api/v1/consultations/{c.id}/participants/{pid}", headers=token(b),
                        json={"credentials": "rejected"}).status_code == 403
    detail = client.get(f"/api/v1/consultations/{c.id}", headers=token(a)).json
    assert {p["user_id"] for p in detail["participants"]} == {a.id, b.id, adviser.id}


def test_invite_needs_exactly_one_target(factory, client, token):
    c = factory.consultation()
    h = token(factory.secretariat)
    assert client.post(f"/api/v1/consultations/{c.id}/participants", headers=h, json={}).status_code == 422
    assert client.post(f"/api/v1/consultations/{c.id}/participants", headers=h, json={"user_id": 424242}).status_code == 422


def test_removed_participant_loses_access(factory, client, token):
    c = factory.consultation()
    p = factory.participant(c)
    h = token(p.user)
    assert client.get(f"/api/v1/consultations/{c.id}", headers=h).status_code == 200
    assert client.delete(f"/api/v1/consultations/{c.id}/participants/{p.id}", headers=token(factory.secretariat)).status_code == 200
    assert client.get(f"/api/v1/consultations/{c.id}", headers=h).status_code == 404


def test_agenda_is_ordered_and_secretariat_only(factory, client, token):
    c = factory.consultation()
    p = factory.participant(c)
    h = token(factory.secretariat)
    for title in ("Opening", "Draft framework", "Any other business"):
        assert client.post(f"/api/v1/consultations/{c.id}/agenda", headers=h, json={"title": title}).status_code == 201
    agenda = client.get(f"/api/v1/consultations/{c.id}", headers=h).json["agenda"]
    assert [(i["position"], i["title"]) for i in agenda] == [(1, "Opening"), (2, "Draft framework"), (3, "Any other business")]
    assert client.post(f"/api/v1/consultations/{c.id}/agenda", headers=token(p.user), json={"title": "Mine"}).status_code == 403
    assert client.post(f"/api/v1/consultations/{c.id}/agenda", headers=h, json={"title": ""}).status_code == 422


def test_list_filters_and_pagination(factory, client, token):
    h = token(factory.secretariat)
    factory.consultation(level="national", country="KE", rec=None, title="Kenya review")
    factory.consultation(level="rec", rec="SADC", title="SADC portability")
    factory.consultation(level="continental", rec=None, title="AU skills", status="live")
    def titles(query):
        return {c["title"] for c in client.get("/api/v1/consultations" + query, headers=h).json["items"]}
    assert titles("?level=national") == {"Kenya review"}
    assert titles("?rec=SADC") == {"SADC portability"}
    assert titles("?country=ke") == {"Kenya review"}
    assert titles("?status=live") == {"AU skills"}
    assert titles("?q=portab") == {"SADC portability"}
    first = client.get("/api/v1/consultations?limit=2", headers=h).json
    assert len(first["items"]) == 2 and first["next"]
    second = client.get(f"/api/v1/consultations?limit=2&cursor={first['next']}", headers=h).json
    assert len(second["items"]) == 1 and second["next"] is None
    assert client.get("/api/v1/consultations?level=planet", headers=h).status_code == 422
    assert client.get("/api/v1/consultations?cursor=abc", headers=h).status_code == 422


def test_pages_create_and_move_status(factory, client, login):
    login(factory.secretariat)
    resp = client.post("/consultations/new", data={"title": "IGAD free movement protocol", "level": "rec", "rec": "IGAD",
                                                   "country": "", "description": "", "voting_constituencies": ["government", "employers", "workers"]})
    assert resp.status_code == 302
    url = resp.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "IGAD free movement protocol" in page and "Schedule" in page
    cid = int(url.rstrip("/").split("/")[-1])
    assert client.post(f"/consultations/{cid}/status", data={"status": "live"}).status_code == 302
    assert "cannot go from draft to live" in client.get(url).get_data(as_text=True)
    client.post(f"/consultations/{cid}/status", data={"status": "scheduled"})
    assert "Open the live session" in client.get(url).get_data(as_text=True)
    client.post(f"/consultations/{cid}/agenda", data={"title": "Opening"})
    assert "Opening" in client.get(url).get_data(as_text=True)


def test_delegate_cannot_use_secretariat_pages(factory, client, login):
    c = factory.consultation()
    p = factory.participant(c)
    login(p.user)
    assert client.get("/consultations/new").status_code == 403
    assert client.get(f"/consultations/{c.id}/edit").status_code == 403
    assert client.post(f"/consultations/{c.id}/status", data={"status": "live"}).status_code == 403
    assert client.post(f"/consultations/{c.id}/agenda", data={"title": "x"}).status_code == 403
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert "Open the live session" not in page
