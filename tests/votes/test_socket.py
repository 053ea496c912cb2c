"""vote:cast over Socket.IO: the same service as the HTTP ballot, with acknowledgements.

A socket handler ends its database session, which detaches the objects a test holds in the
shared app context; the tests therefore keep emails and ids, not ORM objects, across emits."""
from app.core.realtime import room_name
from app.extensions import socketio


def _socket(app, client, email):
    from tests.conftest import PASSWORD
    tok = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD}).json["token"]
    sock = socketio.test_client(app, auth={"token": tok})
    assert sock.is_connected()
    return sock


def _enter_room(sock, consultation_id):
    sid = socketio.server.manager.sid_from_eio_sid(sock.eio_sid, "/")
    socketio.server.enter_room(sid, room_name(consultation_id), namespace="/")


def test_vote_cast_acks_and_counts(app, client, voting, api, factory, motion):
    c, voters = voting()
    m = motion(c, ballot="show_of_hands")
    cid = c.id
    gov = _socket(app, client, voters["government"][0].email)
    _enter_room(gov, cid)
    ack = gov.emit("vote:cast", {"motion_id": m["id"], "choice": "yes"}, callback=True)
    assert ack["ok"] is True and ack["message"] == "Your vote is recorded." and ack["replaced"] is False
    events = [e["args"][0] for e in gov.get_received() if e["name"] == "room:event"]
    progress = [e for e in events if e["type"] == "motion.progress"]
    assert progress and progress[-1]["data"]["voted"] == 1 and "choice" not in progress[-1]["data"]
    assert gov.emit("vote:cast", {"motion_id": m["id"], "choice": "no"}, callback=True)["replaced"] is True
    api("POST", f"/motions/{m['id']}/close", factory.secretariat)
    closed = [e["args"][0] for e in gov.get_received() if e["name"] == "room:event"]
    assert closed[-1]["type"] == "motion.closed" and closed[-1]["data"]["result"]["tallies"]["no"] == 1
    late = gov.emit("vote:cast", {"motion_id": m["id"], "choice": "yes"}, callback=True)
    assert late == {"ok": False, "error": {"code": "conflict", "message": "This motion is not open for voting."}}
    gov.disconnect()


def test_vote_cast_refusals(app, client, voting, factory, motion):
    c, voters = voting()
    m = motion(c)
    observer = factory.participant(c, user=factory.user("observer", "observer"), role="observer").user
    gov_email = voters["government"][0].email
    sock = _socket(app, client, observer.email)
    assert sock.emit("vote:cast", {"motion_id": m["id"], "choice": "yes"}, callback=True)["error"]["code"] == "forbidden"
    sock.disconnect()
    gov = _socket(app, client, gov_email)
    cases = [({"motion_id": m["id"], "choice": "perhaps"}, "invalid"),
             ({"motion_id": 999999, "choice": "yes"}, "not_found"),
             ({"motion_id": "1", "choice": "yes"}, "not_found"),
             ({"choice": "yes"}, "not_found")]
    for payload, code in cases:
        ack = gov.emit("vote:cast", payload, callback=True)
        assert ack["ok"] is False and ack["error"]["code"] == code, payload
    assert gov.emit("vote:cast", "yes", callback=True)["error"]["code"] == "invalid"
    gov.disconnect()


def test_socket_after_login_uses_the_session_cookie(app, client, login, voting, motion):
    c, voters = voting()
    m = motion(c, ballot="secret")
    login(voters["workers"][0])
    sock = socketio.test_client(app, flask_test_client=client)
    assert sock.is_connected()
    assert sock.emit("vote:cast", {"motion_id": m["id"], "choice": "abstain"}, callback=True)["ok"] is True
    again = sock.emit("vote:cast", {"motion_id": m["id"], "choice": "yes"}, callback=True)
    assert again["ok"] is False and again["error"]["code"] == "conflict"
    sock.disconnect()
