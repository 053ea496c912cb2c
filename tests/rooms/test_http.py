"""HTTP doors of the room: the same rules and the same events as the socket events; the page."""

from app.extensions import socketio
from tests.rooms.conftest import room_events


def test_http_chat_emits_the_same_event_to_sockets(app, client, token, bearer, live):
    c, p = live
    sc = socketio.test_client(app, auth={"token": bearer(p["employers"])})
    assert sc.emit("room:join", {"consultation_id": c.id}, callback=True)["ok"]
    sc.get_received()
    h = token(p["government"])
    r = client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "via *HTTP*", "client_id": "h1"}, headers=h)
    assert r.status_code == 201 and r.json["duplicate"] is False
    again = client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "via *HTTP*", "client_id": "h1"}, headers=h)
    assert again.status_code == 200 and again.json["seq"] == r.json["seq"]
    (ev,) = room_events(sc)
    assert ev["type"] == "chat.message" and ev["seq"] == r.json["seq"] and ev["data"]["html"] == "<p>via <em>HTTP</em></p>"
    sc.disconnect()


def test_http_refusals_have_the_error_shape(client, token, live):
    c, p = live
    out = client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "hi"}, headers=token(p["outsider"]))
    assert out.status_code == 404 and out.json == {"error": {"code": "not_found", "message": "No such consultation."}}
    obs = client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "hi"}, headers=token(p["observer"]))
    assert obs.status_code == 403 and obs.json["error"]["code"] == "forbidden"
    h = token(p["government"])
    big = client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "x" * 2001}, headers=h)
    assert big.status_code == 413 and big.json["error"]["code"] == "too_large"
    bad = client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": 5}, headers=h)
    assert bad.status_code == 422 and bad.json["error"]["code"] == "invalid"
    assert client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "x"}).status_code == 401
    floor = client.post(f"/api/v1/consultations/{c.id}/floor", json={"user_id": p["government"].id}, headers=h)
    assert floor.status_code == 403
    assert client.post(f"/api/v1/consultations/{c.id}/hand", headers=h).status_code == 200
    assert client.post(f"/api/v1/consultations/{c.id}/hand", headers=h).status_code == 409


def test_http_chair_flow_and_replay(client, token, live, factory):
    c, p = live
    chair, gov = token(p["chair"]), token(p["government"])
    assert client.post(f"/api/v1/consultations/{c.id}/hand", json={"raised": True}, headers=gov).status_code == 200
    r = client.post(f"/api/v1/consultations/{c.id}/floor", json={"user_id": p["government"].id}, headers=chair)
    assert r.status_code == 200
    state = client.get(f"/api/v1/consultations/{c.id}/room", headers=gov).json
    assert state["floor"]["user_id"] == p["government"].id and state["queue"] == []
    assert client.delete(f"/api/v1/consultations/{c.id}/floor", headers=gov).status_code == 200
    assert client.post(f"/api/v1/consultations/{c.id}/mutes", json={"user_id": p["workers"].id}, headers=chair).status_code == 200
    assert client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "x"}, headers=token(p["workers"])).status_code == 403
    assert client.delete(f"/api/v1/consultations/{c.id}/mutes/{p['workers'].id}", headers=chair).status_code == 200
    assert client.post(f"/api/v1/consultations/{c.id}/removals", json={"user_id": p["workers"].id}, headers=chair).status_code == 200
    assert client.post(f"/api/v1/consultations/{c.id}/agenda/current", json={"agenda_item_id": 1}, headers=chair).status_code == 405
    assert client.put(f"/api/v1/consultations/{c.id}/agenda/current", json={"agenda_item_id": 99999}, headers=chair).status_code == 404
    assert client.post(f"/api/v1/consultations/{c.id}/session", json={"status": "closed"}, headers=chair).status_code == 200
    assert client.post(f"/api/v1/consultations/{c.id}/session", json={"status": "closed"}, headers=chair).status_code == 409
    ev = client.get(f"/api/v1/consultations/{c.id}/events?since=0&limit=3", headers=gov).json
    assert [e["seq"] for e in ev["items"]] == [1, 2, 3] and ev["next"] == "3"
    rest = client.get(f"/api/v1/consultations/{c.id}/events?since=3", headers=gov).json
    # invitations are events too (notifications); the room's own actions follow them in order
    room_types = [e["type"] for e in rest["items"] if e["type"] != "participant.invited"]
    assert room_types[-6:] == ["floor.given", "floor.released", "chat.muted", "chat.unmuted",
                               "participant.removed", "session.status"]
    assert [e["seq"] for e in rest["items"]] == list(range(4, 4 + len(rest["items"])))
    assert rest["items"][-1]["type"] == "session.status" and rest["next"] is None
    assert client.get(f"/api/v1/consultations/{c.id}/events?since=x", headers=gov).status_code == 422


def test_openapi_documents_room_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/consultations/{consultation_id}/chat", "/consultations/{consultation_id}/events",
                 "/consultations/{consultation_id}/floor", "/consultations/{consultation_id}/room"):
        assert path in paths


def test_room_page_access(client, login, room, who_opens):
    (c, p), (who, status) = room, who_opens
    login(p[who])
    r = client.get(f"/consultations/{c.id}/room")
    assert r.status_code == status
    if status == 200:
        html = r.get_data(as_text=True)
        assert 'id="votes"' in html and "js/room.js" in html and "<script>" not in html
        assert ('id="h-chair"' in html) == (who in ("chair", "secretariat"))
        assert ('id="chat-form"' in html) == (who != "observer")


def test_room_page_link_and_no_js_fallback(client, login, room):
    c, p = room
    login(p["government"])
    detail = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert f"/consultations/{c.id}/room" in detail
    r = client.post(f"/consultations/{c.id}/room/chat", data={"text": "no script here"})
    assert r.status_code == 302
    page = client.get(f"/consultations/{c.id}/room").get_data(as_text=True)
    assert "no script here" in page
    r = client.post(f"/consultations/{c.id}/room/give", data={"user_id": str(p["government"].id)}, follow_redirects=True)
    assert "Only the secretariat or the chair" in r.get_data(as_text=True)
