"""The consultation page follows its status live: consultation:watch joins a watch room (not the
live room: nobody is checked in), and each status change is sent there after commit."""
from app.extensions import socketio

from tests.rooms.conftest import Plain


def test_watchers_hear_status_changes_and_outsiders_are_refused(app, client, factory):
    c, people = factory.live_room()
    c, gov, outsider = Plain(c), Plain(people["government"]), Plain(people["outsider"])
    tokens = {}
    for u in (gov, outsider):
        tokens[u.id] = client.post("/api/v1/auth/token", json={"email": u.email, "password": "correct-horse-battery"}).json
    sc = socketio.test_client(app, auth={"token": tokens[gov.id]["token"]})
    ack = sc.emit("consultation:watch", {"consultation_id": c.id}, callback=True)
    assert ack == {"ok": True, "status": "live"}
    out = socketio.test_client(app, auth={"token": tokens[outsider.id]["token"]})
    refused = out.emit("consultation:watch", {"consultation_id": c.id}, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "not_found"
    presence = client.get(f"/api/v1/consultations/{c.id}/attendance",
                          headers={"Authorization": f"Bearer {tokens[gov.id]['token']}"}).json
    assert presence["present_count"] == 0  # watching is not being in the room
    sec = client.post("/api/v1/auth/token", json={"email": "sec@example.org", "password": "correct-horse-battery"}).json
    r = client.patch(f"/api/v1/consultations/{c.id}", json={"status": "closed"},
                     headers={"Authorization": f"Bearer {sec['token']}"})
    assert r.status_code == 200, r.json
    got = [m["args"][0] for m in sc.get_received() if m["name"] == "consultation:status"]
    assert got == [{"consultation_id": c.id, "status": "closed", "previous": "live"}]
    assert not [m for m in out.get_received() if m["name"] == "consultation:status"]
    sc.disconnect()
    out.disconnect()
