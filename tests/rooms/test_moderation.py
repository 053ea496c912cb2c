"""A chat message the secretariat hides: the room is told (content.hidden) and replays it without text."""
from app.consultations.models import HiddenContent
from app.extensions import db, socketio

from tests.rooms.conftest import room_events


def test_hidden_chat_is_announced_and_replayed_without_text(app, client, token, bearer, live):
    c, p = live
    sent = client.post(f"/api/v1/consultations/{c.id}/chat", json={"text": "Something insulting"},
                       headers=token(p["government"])).json
    mid = sent["message_id"]
    sc = socketio.test_client(app, auth={"token": bearer(p["employers"])})
    assert sc.emit("room:join", {"consultation_id": c.id}, callback=True)["ok"]
    sc.get_received()
    for who in ("chair", "government", "observer"):
        r = client.post(f"/api/v1/content/chat/{mid}/hide", json={"reason": "Insult"}, headers=token(p[who]))
        assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = client.post(f"/api/v1/content/chat/{mid}/hide", json={"reason": "Insult"}, headers=token(p["secretariat"]))
    assert r.status_code == 201
    (ev,) = room_events(sc, {"content.hidden"})
    assert ev["data"] == {"kind": "chat", "ref_id": mid}
    sc.disconnect()
    replay = client.get(f"/api/v1/consultations/{c.id}/events?since=0", headers=token(p["workers"])).json["items"]
    msg = next(e for e in replay if e["type"] == "chat.message" and e["data"]["message_id"] == mid)
    assert msg["data"]["text"] == "" and msg["data"]["html"] == ""
    assert db.session.query(HiddenContent).one().reason == "Insult"
