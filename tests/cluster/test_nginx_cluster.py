"""The cluster as documented: nginx with deploy/nginx-baraza.conf (the README's ip_hash
configuration, the same file) in front of two gunicorn gevent processes sharing Redis and
PostgreSQL (this run's own schema).

Client addresses: ip_hash keys on the first three octets of an IPv4 address, so clients bind to
127.0.N.1 (all of 127/8 is loopback on Linux) with N varied; nginx then sees distinct real
addresses, with no header forged by the client. Which process serves each address is read from
nginx's access log ($upstream_addr, a log format of the test's own http block around the file).

Needs nginx (scripts/system-packages.sh installs it), PostgreSQL and Redis: it runs in the
PostgreSQL + Redis pass of .ci/run and is skipped elsewhere."""
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio as sio_client
from requests.adapters import HTTPAdapter

from app.extensions import db
from tests.rooms.servers import ROOT, Server, free_port

pytestmark = pytest.mark.live
CONF = ROOT / "deploy" / "nginx-baraza.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def test_the_readme_and_the_deployment_guide_show_the_file_the_cluster_test_runs():
    conf = CONF.read_text()
    assert "ip_hash;" in conf
    for doc in ("README.md", "docs/deployment.md"):
        assert "```nginx\n" + conf + "```" in (ROOT / doc).read_text(), doc


@pytest.fixture
def cluster(app, config, tmp_path):
    if not config.SQLALCHEMY_DATABASE_URI.startswith("postgresql") or not os.environ.get("BARAZA_REDIS_URL"):
        pytest.skip("the documented cluster runs on PostgreSQL and Redis (the PostgreSQL + Redis pass)")
    if not os.path.exists(NGINX):
        pytest.skip("nginx is not installed (scripts/system-packages.sh)")
    channel = f"baraza-cluster-{uuid.uuid4().hex[:10]}"
    port = free_port()
    # nginx forwards `Host $host`, which has no port: on a port other than 80/443 the browser's
    # origin (with the port) is then listed, as docs/deployment.md says for any other origin.
    env = {"BARAZA_REDIS_URL": os.environ["BARAZA_REDIS_URL"], "BARAZA_SOCKETIO_CHANNEL": channel,
           "BARAZA_TRUSTED_PROXIES": "1", "BARAZA_ALLOWED_ORIGINS": f"http://127.0.0.1:{port}",
           "BARAZA_RATELIMIT_PREFIX": channel}
    db.session.remove()
    servers = [Server(config.SQLALCHEMY_DATABASE_URI, config.SECRET_KEY, tmp_path, **env).start() for _ in range(2)]
    conf = CONF.read_text()
    conf = conf.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("server 127.0.0.1:5001;", f"server 127.0.0.1:{servers[0].port};")
    conf = conf.replace("server 127.0.0.1:5002;", f"server 127.0.0.1:{servers[1].port};")
    conf = conf.replace("alias /srv/baraza/static/;", f"alias {ROOT}/static/;")
    assert f"127.0.0.1:{servers[1].port}" in conf and f"127.0.0.1:{port}" in conf
    (tmp_path / "nginx").mkdir()
    log = tmp_path / "nginx" / "access.log"
    (tmp_path / "nginx" / "nginx.conf").write_text(f"""
daemon off;
pid {tmp_path}/nginx/nginx.pid;
error_log {tmp_path}/nginx/error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {tmp_path}/nginx/body;
    proxy_temp_path {tmp_path}/nginx/proxy;
    fastcgi_temp_path {tmp_path}/nginx/fastcgi;
    uwsgi_temp_path {tmp_path}/nginx/uwsgi;
    scgi_temp_path {tmp_path}/nginx/scgi;
    log_format upstream '$remote_addr $upstream_addr $request_uri';
    access_log {log} upstream;
{conf}
}}
""")
    proc = subprocess.Popen([NGINX, "-p", str(tmp_path / "nginx"), "-c", str(tmp_path / "nginx" / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            if requests.get(url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read().decode()[-2000:]
        time.sleep(0.1)
    yield {"url": url, "servers": servers, "log": log, "tmp": tmp_path, "config": config, "env": env}
    proc.send_signal(signal.SIGTERM)
    proc.wait(10)
    for s in servers:
        s.stop()


class _Bound(HTTPAdapter):
    """Connections from one loopback address (the client's 'own' address for nginx)."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    s = requests.Session()
    s.mount("http://", _Bound(address))
    return s


class Peer:
    """A python-socketio client from its own address, over websocket or long-polling only."""

    def __init__(self, url, token, address, transport):
        self.address, self.transport, self.events = address, transport, []
        self.disconnected = threading.Event()
        extra = {}
        if transport == "websocket":
            host, port = url.split("//")[1].split(":")
            sock = socket.create_connection((host, int(port)), timeout=10, source_address=(address, 0))
            extra = {"socket": sock}
        self.c = sio_client.Client(reconnection=False, http_session=session_from(address),
                                   websocket_extra_options=extra)
        self.c.on("room:event", self.events.append)
        self.c.on("disconnect", lambda *a: self.disconnected.set())
        self.c.connect(url, auth={"token": token}, transports=[transport], wait_timeout=10)

    def call(self, event, payload, timeout=15):
        return self.c.call(event, payload, timeout=timeout)

    def seqs(self, prefix=""):
        return sorted({e["seq"] for e in self.events
                       if e["type"] == "chat.message" and e["data"]["text"].startswith(prefix)})

    def wait_for(self, pred, timeout=10.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not pred():
            time.sleep(0.02)
        return pred()

    def close(self):
        if self.c.connected:
            self.c.disconnect()


def upstream_of(url: str, log: Path, address: str) -> str:
    """The process (host:port) nginx sends this address to: a plain request from it, then its line
    in the access log (a WebSocket's own line is written only when it closes)."""
    probe = f"/api/v1/openapi.json?probe={uuid.uuid4().hex}"
    assert session_from(address).get(url + probe, timeout=10).status_code == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            remote, upstream, uri = line.split()[:3]
            if remote == address and uri == probe:
                return upstream.split(",")[-1].strip()
        time.sleep(0.05)
    raise AssertionError(f"no request from {address} in nginx's log")


def test_two_processes_behind_nginx_share_a_room_and_survive_a_sigkill(cluster, live, bearer):
    c, p = live
    url, servers, log = cluster["url"], cluster["servers"], cluster["log"]
    ports = {f"127.0.0.1:{s.port}": i for i, s in enumerate(servers)}
    people = [p[k] for k in ("government", "employers", "workers", "chair")]
    tokens = {u.email: bearer(u) for u in people}
    db.session.remove()
    # Clients from distinct addresses, half on websocket, half on long-polling, until both
    # processes have both kinds.
    peers, where = [], {}
    for n in range(1, 40):
        address = f"127.0.{n}.1"
        transport = ("websocket", "polling")[(n // 2) % 2]   # not in step with the hash
        who = people[n % len(people)]
        peer = Peer(url, tokens[who.email], address, transport)
        joined = peer.call("room:join", {"consultation_id": c.id})
        assert joined["ok"], (address, transport, joined)
        where[address] = ports[upstream_of(url, log, address)]
        peers.append(peer)
        kinds = {(where[q.address], q.transport) for q in peers}
        if len(kinds) == 4 and len(peers) >= 6:
            break
    assert {(i, t) for i in (0, 1) for t in ("websocket", "polling")} <= {(where[q.address], q.transport) for q in peers}

    # chat crosses processes: everyone receives what anyone on either process sends
    sent = [q.call("chat:send", {"consultation_id": c.id, "text": f"hello {q.address}"})["seq"]
            for q in (peers[0], peers[1])]
    assert all(sent)
    for q in peers:
        assert q.wait_for(lambda q=q: set(sent) <= set(q.seqs("hello"))), (q.address, q.transport)

    # process 0 is SIGKILLed mid-session; the others keep chatting meanwhile
    victims = [q for q in peers if where[q.address] == 0]
    survivors = [q for q in peers if where[q.address] == 1]
    last_seen = {q.address: max(e["seq"] for e in q.events) for q in victims}
    servers[0].kill()
    for q in victims:
        assert q.disconnected.wait(10), q.address
    during = [survivors[0].call("chat:send", {"consultation_id": c.id, "text": f"during {i}"})["seq"] for i in range(5)]
    assert all(during)
    restarted = Server(cluster["config"].SQLALCHEMY_DATABASE_URI, cluster["config"].SECRET_KEY, cluster["tmp"],
                       port=servers[0].port, **cluster["env"]).start()
    servers[0] = restarted
    # the victims come back through nginx, from their own addresses, and rejoin with `since`
    back = []
    for q in victims:
        token = tokens[people[(int(q.address.split(".")[2])) % len(people)].email]
        b = Peer(url, token, q.address, q.transport)
        res = b.call("room:join", {"consultation_id": c.id, "since": last_seen[q.address]})
        assert res["ok"]
        replayed = [e["seq"] for e in res["events"]]
        assert replayed == list(range(last_seen[q.address] + 1, res["seq"] + 1)), "nothing lost, nothing twice"
        assert set(during) <= set(replayed)
        b.events.extend(res["events"])
        back.append(b)
    after = back[0].call("chat:send", {"consultation_id": c.id, "text": "after the restart"})["seq"]
    for q in back + survivors:
        assert q.wait_for(lambda q=q: after in q.seqs("after")), (q.address, q.transport)
    assert {ports[upstream_of(url, log, b.address)] for b in back} <= {0, 1}
    for q in peers + back:
        q.close()


def test_behind_nginx_per_address_limits_see_the_real_client_addresses(cluster):
    """Failed sign-ins are counted per client address (120 a minute, in Redis, shared by both
    processes): behind nginx with BARAZA_TRUSTED_PROXIES=1 each client's own address is counted,
    never nginx's. (Spending the whole allowance would take over a minute of password hashing on
    this machine, and the window is fixed: the counts themselves are read instead.)"""
    import redis
    url, prefix = cluster["url"], cluster["env"]["BARAZA_RATELIMIT_PREFIX"]
    noisy, quiet = session_from("127.0.200.1"), session_from("127.0.201.1")

    def attempt(session, n):  # an unknown account each time: the per-account limit never applies
        return session.post(url + "/api/v1/auth/token", timeout=30,
                            json={"email": f"nobody-{n}@example.org", "password": "wrong-password-1"}).status_code
    assert [attempt(noisy, i) for i in range(5)] == [401] * 5
    assert attempt(quiet, 100) == 401
    r = redis.Redis.from_url(os.environ["BARAZA_REDIS_URL"])
    counts = {}
    for key in r.scan_iter(f"LIMITS:LIMITER/{prefix}/*signin-address*"):
        counts[key.decode().split("/")[2]] = int(r.get(key))
    assert counts == {"127.0.200.1": 5, "127.0.201.1": 1}
