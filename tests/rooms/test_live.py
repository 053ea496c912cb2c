"""Real servers and real python-socketio clients: websocket and polling, replay across a
server restart, concurrent senders, oversized frames, and two processes sharing one room
through the Redis message queue, and a client offering websocket compression as browsers do."""
import json
import socket as socketlib
import threading
import time
import uuid
from urllib.parse import urlparse

import pytest
import requests
import socketio as sio_client
from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, Request, TextMessage
from wsproto.extensions import PerMessageDeflate

from app.extensions import db
from tests.rooms.servers import Server

pytestmark = pytest.mark.live
REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def server_factory(config, tmp_path):
    started = []

    def make(**env) -> Server:
        db.session.remove()
        s = Server(config.SQLALCHEMY_DATABASE_URI, config.SECRET_KEY, tmp_path, **env)
        started.append(s)
        return s.start()
    yield make
    for s in started:
        s.stop()


class Peer:
    """A python-socketio client that records room events and acks."""

    def __init__(self, url, token, transports=("websocket",)):
        self.events = []
        self.disconnected = threading.Event()
        self.c = sio_client.Client(reconnection=False)
        self.c.on("room:event", self.events.append)
        self.c.on("disconnect", lambda *a: self.disconnected.set())
        self.c.connect(url, auth={"token": token}, transports=list(transports), wait_timeout=10)

    def call(self, event, payload, timeout=10):
        return self.c.call(event, payload, timeout=timeout)

    def wait_for(self, pred, timeout=8.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pred(self.events):
                return True
            time.sleep(0.02)
        return pred(self.events)

    def close(self):
        if self.c.connected:
            self.c.disconnect()


@pytest.fixture
def peers():
    made = []

    def make(*a, **kw):
        db.session.remove()  # SQLite: never hold the write lock while a server works
        p = Peer(*a, **kw)
        made.append(p)
        return p
    yield make
    for p in made:
        p.close()


def _chat_seqs(events, text_prefix=""):
    return [e["seq"] for e in events if e["type"] == "chat.message" and e["data"]["text"].startswith(text_prefix)]


def test_real_clients_websocket_and_polling(server_factory, peers, live, bearer):
    c, p = live
    srv = server_factory()
    a = peers(srv.url, bearer(p["government"]))
    b = peers(srv.url, bearer(p["workers"]), transports=("polling",))
    assert a.call("room:join", {"consultation_id": c.id})["ok"]
    jb = b.call("room:join", {"consultation_id": c.id})
    assert jb["ok"] and {x["user_id"] for x in jb["presence"]} == {p["government"].id, p["workers"].id}
    r = b.call("chat:send", {"consultation_id": c.id, "text": "over polling", "client_id": "p1"})
    assert r["ok"]
    assert b.call("chat:send", {"consultation_id": c.id, "text": "over polling", "client_id": "p1"})["seq"] == r["seq"]
    assert a.wait_for(lambda evs: r["seq"] in _chat_seqs(evs))
    assert _chat_seqs(a.events).count(r["seq"]) == 1
    refused = sio_client.Client(reconnection=False)
    with pytest.raises(sio_client.exceptions.ConnectionError):
        refused.connect(srv.url, auth={"token": "nope"}, transports=["websocket"], wait_timeout=5)


def test_handshake_origins_and_oversized_frames(server_factory, peers, live, bearer):
    c, p = live
    srv = server_factory()
    poll = srv.url + "/socket.io/?EIO=4&transport=polling"
    evil = requests.get(poll, headers={"Origin": "http://evil.example"}, timeout=5)
    assert evil.status_code == 400
    own = requests.get(poll, headers={"Origin": srv.url}, timeout=5)
    assert own.status_code == 200 and own.headers.get("Access-Control-Allow-Origin") != "*"
    a = peers(srv.url, bearer(p["government"]))
    big = peers(srv.url, bearer(p["employers"]))
    assert a.call("room:join", {"consultation_id": c.id})["ok"]
    assert big.call("room:join", {"consultation_id": c.id})["ok"]
    big.c.emit("chat:send", {"consultation_id": c.id, "text": "x" * 200_000})
    assert big.disconnected.wait(5), "an oversized frame closes the sender's connection"
    r = a.call("chat:send", {"consultation_id": c.id, "text": "still here"})
    assert r["ok"] and a.c.connected


def test_concurrent_senders_get_gapless_seq(server_factory, peers, live, bearer):
    c, p = live
    srv = server_factory(BARAZA_RATELIMIT_ENABLED="false")
    senders = [peers(srv.url, bearer(p[k])) for k in ("government", "employers", "workers", "adviser", "chair")]
    watcher = peers(srv.url, bearer(p["observer"]))
    start = watcher.call("room:join", {"consultation_id": c.id})["seq"]
    for s in senders:
        assert s.call("room:join", {"consultation_id": c.id})["ok"]
    acks, errors = [], []

    def send(peer, n):
        for i in range(n):
            r = peer.call("chat:send", {"consultation_id": c.id, "text": f"load {i}", "client_id": uuid.uuid4().hex})
            (acks if r.get("ok") else errors).append(r.get("seq", r))
    threads = [threading.Thread(target=send, args=(s, 20)) for s in senders]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and len(acks) == 100 and len(set(acks)) == 100
    assert watcher.wait_for(lambda evs: len(_chat_seqs(evs, "load")) == 100)
    # Broadcasts of concurrent writers may arrive out of order (each is sent after its own
    # commit); clients order by seq. What was sent has no gaps and no duplicates...
    seqs = [e["seq"] for e in watcher.events if e["seq"] > start]
    assert len(seqs) == len(set(seqs)) and sorted(seqs) == list(range(start + 1, start + 1 + len(seqs)))
    assert sorted(acks) == sorted(_chat_seqs(watcher.events, "load"))
    # ...and the stored record, replayed, is strictly increasing by one.
    replay = watcher.call("room:join", {"consultation_id": c.id, "since": start})["events"]
    assert [e["seq"] for e in replay] == list(range(start + 1, start + 1 + len(replay)))
    assert sorted(acks) == _chat_seqs(replay, "load")


def test_acknowledged_events_survive_a_restart(server_factory, peers, live, bearer, tmp_path, config):
    c, p = live
    srv = server_factory()
    a = peers(srv.url, bearer(p["government"]))
    assert a.call("room:join", {"consultation_id": c.id})["ok"]
    acked = [a.call("chat:send", {"consultation_id": c.id, "text": f"before {i}"})["seq"] for i in range(5)]
    assert all(acked)
    srv.kill()
    assert a.disconnected.wait(5)
    srv2 = Server(config.SQLALCHEMY_DATABASE_URI, config.SECRET_KEY, tmp_path, port=srv.port).start()
    try:
        b = peers(srv2.url, bearer(p["government"]))
        res = b.call("room:join", {"consultation_id": c.id, "since": 0})
        replayed = _chat_seqs(res["events"], "before")
        assert replayed == acked
        seqs = [e["seq"] for e in res["events"]]
        assert seqs == list(range(1, res["seq"] + 1))
        nxt = b.call("chat:send", {"consultation_id": c.id, "text": "after"})
        assert nxt["seq"] == res["seq"] + 1
    finally:
        srv2.stop()


def test_two_processes_share_one_room_through_redis(server_factory, peers, live, bearer):
    c, p = live
    channel = f"baraza-test-{uuid.uuid4().hex[:10]}"
    one = server_factory(BARAZA_REDIS_URL=REDIS_URL, BARAZA_SOCKETIO_CHANNEL=channel)
    two = server_factory(BARAZA_REDIS_URL=REDIS_URL, BARAZA_SOCKETIO_CHANNEL=channel)
    a = peers(one.url, bearer(p["government"]))
    b = peers(two.url, bearer(p["workers"]))
    gone = peers(two.url, bearer(p["employers"]))
    for peer in (a, b, gone):
        assert peer.call("room:join", {"consultation_id": c.id})["ok"]
    r = b.call("chat:send", {"consultation_id": c.id, "text": "from process two"})
    assert a.wait_for(lambda evs: r["seq"] in _chat_seqs(evs))
    r2 = a.call("chat:send", {"consultation_id": c.id, "text": "from process one"})
    assert b.wait_for(lambda evs: r2["seq"] in _chat_seqs(evs))
    # signing out through process one ends the socket held by process two
    tok = bearer(p["employers"])
    g2 = peers(two.url, tok)
    assert g2.call("room:join", {"consultation_id": c.id})["ok"]
    out = requests.delete(one.url + "/api/v1/auth/token", headers={"Authorization": f"Bearer {tok}"}, timeout=5)
    assert out.status_code in (200, 204)
    assert g2.disconnected.wait(5)
    assert gone.c.connected
    r3 = a.call("chat:send", {"consultation_id": c.id, "text": "after sign-out"})
    assert gone.wait_for(lambda evs: r3["seq"] in _chat_seqs(evs))
    assert not any(r3["seq"] == e["seq"] for e in g2.events)


def test_a_browser_like_client_with_compression_reads_small_plain_and_large_compressed(server_factory, live, bearer):
    """A client offering permessage-deflate, as every browser does: the server compresses the
    messages of 1 KB or more and sends the smaller ones as they are, and the client reads all
    of them (a chat long enough to compress, then short ones after it on the same context)."""
    c, p = live
    srv = server_factory()
    token = bearer(p["government"])
    db.session.remove()
    u = urlparse(srv.url)
    sock = socketlib.create_connection((u.hostname, u.port), timeout=10)
    ws = WSConnection(ConnectionType.CLIENT)
    wire = bytearray()
    texts: list[str] = []

    def pump(until, timeout=10.0):
        deadline = time.monotonic() + timeout
        while not until() and time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                break
            assert data, "the server closed the connection"
            wire.extend(data)
            ws.receive_data(data)
            for ev in ws.events():
                if isinstance(ev, AcceptConnection):
                    texts.append("<accepted %s>" % [e.name for e in ev.extensions])
                elif isinstance(ev, TextMessage):
                    texts.append(ev.data)
                    if ev.data == "2":  # engine.io ping
                        sock.sendall(ws.send(TextMessage(data="3")))
        assert until(), "\n".join(t[:160] for t in texts)

    def send(text):
        sock.sendall(ws.send(TextMessage(data=text)))

    try:
        sock.sendall(ws.send(Request(host=u.netloc, target="/socket.io/?EIO=4&transport=websocket",
                                     extensions=[PerMessageDeflate()])))
        pump(lambda: any(t.startswith("0{") for t in texts))
        assert "permessage-deflate" in texts[0]
        send("40" + json.dumps({"token": token}))
        pump(lambda: any(t.startswith("40{") for t in texts))
        send('421["room:join",%s]' % json.dumps({"consultation_id": c.id}))
        pump(lambda: any(t.startswith("431[") for t in texts))
        long_text = "Portability of social security entitlements across the community. " * 22  # < 2,000
        short_text = "Paragraph four, please."
        send('422["chat:send",%s]' % json.dumps({"consultation_id": c.id, "text": long_text}))
        send('423["chat:send",%s]' % json.dumps({"consultation_id": c.id, "text": short_text}))
        pump(lambda: any(t.startswith("433[") for t in texts))
        pump(lambda: sum(t.startswith('42["room:event"') and "chat.message" in t for t in texts) == 2)
    finally:
        sock.close()
    events = [json.loads(t[2:])[1] for t in texts if t.startswith('42["room:event"')]
    chats = [e["data"]["text"] for e in events if e["type"] == "chat.message"]
    assert chats == [long_text.strip(), short_text]
    assert short_text.encode() in wire  # sent as it is
    assert long_text[:200].encode() not in wire  # compressed on the wire, read whole by the client
