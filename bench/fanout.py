"""Fan-out benchmark: N real Socket.IO clients (websocket) in one room, chat at a steady rate.

Starts the servers itself: Baraza as `make serve` runs it (gunicorn, gevent worker, one
process; rate limits off; seeded users and tokens in a fresh SQLite file or PostgreSQL schema),
then the bare reference server (bench/bare_server.py) with the same worker model, and reports
both side by side: connect time, delivery latency p50/p95/p99/max, deliveries/s, lost
deliveries, server CPU and memory. `--client lean`: LeanClient (below) instead of python-socketio's
client, for both servers. See bench/README.md.

    .venv/bin/python bench/fanout.py --clients 500 --rate 20 --messages 100 --runs 3
    .venv/bin/python bench/fanout.py --clients 1000 --burst --db postgresql+psycopg://127.0.0.1:5432/test
"""
import argparse
import asyncio
import contextlib
import gc
import json
import multiprocessing as mp
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from timing import wait_until_up


ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The servers' virtualenv: this one by default (requirements-dev.txt: the test tools' libraries
# too, so aiohttp, requests and websocket-client, which python-socketio and python-engineio import
# at start when they are installed, 13-15 MiB a process); BENCH_SERVER_VENV=.venv-runtime
# (`make bench-venv`: requirements.txt only) runs them as a deployment installs them.
SERVER_VENV = os.environ.get("BENCH_SERVER_VENV") or str(Path(sys.executable).parent.parent)
GUNICORN = str(Path(SERVER_VENV).resolve() / "bin" / "gunicorn")
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one process so far (/proc); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def recorded_args(args) -> dict:
    """A run's options as its JSON result keeps them, with the servers' virtualenv."""
    return {**{k: v for k, v in vars(args).items() if k != "json"}, "server_venv": SERVER_VENV}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- database and users -------------------------------------------------------------------

def prepare_baraza(db: str, n: int, workdir: Path):
    """A fresh database with one live consultation, n participants and a token each."""
    from sqlalchemy import create_engine, text

    secret = secrets.token_hex(32)
    cleanup = None
    if db == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
    else:
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(db)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in db else "?"
        url = f"{db}{sep}options=-csearch_path%3D{schema}"

        def cleanup():
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
    os.environ.update(BARAZA_DATABASE_URL=url, BARAZA_SECRET_KEY=secret, BARAZA_INSTANCE_PATH=str(workdir))
    from app import create_app
    from app.accounts.models import Organisation, User
    from app.accounts.services import issue_token
    from app.consultations.models import Consultation, Participant
    from app.extensions import db as sdb
    from config import Config
    cfg = Config.load()
    cfg.SQLALCHEMY_DATABASE_URI, cfg.SECRET_KEY, cfg.INSTANCE_DIR = url, secret, workdir
    cfg.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {}
    app = create_app(cfg)
    tokens = []
    with app.app_context():
        sdb.create_all()
        orgs = [Organisation(name=f"Bench {k}", constituency=k, country="KE")
                for k in ("government", "employers", "workers")]
        sdb.session.add_all(orgs)
        sdb.session.flush()
        c = Consultation(title="Bench room", level="continental", status="live")
        sdb.session.add(c)
        sdb.session.flush()
        users = [User(email=f"bench{i}@example.org", name=f"Bench delegate {i}", role="delegate",
                      organisation_id=orgs[i % 3].id) for i in range(n)]
        sdb.session.add_all(users)
        sdb.session.flush()
        sdb.session.add_all([Participant(consultation_id=c.id, user_id=u.id, organisation_id=u.organisation_id,
                                         role="delegate", credentials="accepted") for u in users])
        for u in users:
            tokens.append(issue_token(secret, u, 86400)[0])
        sdb.session.commit()
        cid = c.id
        sdb.engine.dispose()
    return {"url": url, "secret": secret, "tokens": tokens, "consultation_id": cid, "cleanup": cleanup}


# --- servers ----------------------------------------------------------------------------

class Server:
    def __init__(self, module: str, env: dict, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [GUNICORN, "--worker-class", "gevent", "--workers", "1", "--worker-connections", "4000",
               "--bind", f"127.0.0.1:{self.port}", "--graceful-timeout", "2", module]
        self.log = open(log, "ab")
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_up(self.url, module, log)

    def pids(self) -> list[int]:
        out = [self.proc.pid]
        try:
            out += [int(p) for p in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        except OSError:
            pass
        return out

    def usage(self) -> tuple[float, float]:
        """(CPU seconds, RSS MiB) summed over the master and its worker."""
        cpu = rss = 0.0
        for pid in self.pids():
            cpu += cpu_seconds(pid)
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        rss += int(line.split()[1]) / 1024
            except OSError:
                pass
        return cpu, rss

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
        self.log.close()


# --- clients (one asyncio loop per client process) -------------------------------------------



# A lean client, as a device: engine.io over a websocket (aiohttp, as python-socketio's client
# uses), every frame read but none decoded unless asked. The join's acknowledgement is checked by
# its head (`431[{"ok": true`); a chat delivery is found in the raw frame by its stamp. A real
# delegate's phone decodes the presence list and each event on its own CPU; here python-socketio's
# client did it on the two cores the server under test has, and charged the server with it (stop
# 29: the storm's clients took 5.6-7.2 s of CPU for the server's 2.4-3.3 s). Both servers are
# measured with the same client.
_ACK_OK = re.compile(r'^431\[\{\s*"ok":\s*true')
_STAMP = re.compile(r'"text":\s*"(b\|\d+\|[\d.]+)"')


class LeanClient:
    """`deflate`: offer permessage-deflate, as browsers and the official socket.io client do (the
    server then sends its larger messages compressed and this client inflates them)."""

    def __init__(self, session, url: str, token: str, on_text=None, deflate: bool = False):
        self.session, self.token, self.on_text = session, token, on_text
        self.compress = 15 if deflate else 0
        self.url = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.ws, self.reader = None, None

    async def _next(self) -> str:
        """The next text message, answering engine.io's pings on the way."""
        import aiohttp
        while True:
            msg = await self.ws.receive()
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise ConnectionError(f"websocket: {msg.type}")
            if msg.data == "2":
                await self.ws.send_str("3")
                continue
            return msg.data

    async def join(self, event: str, payload: dict, timeout: float) -> bool:
        self.ws = await self.session.ws_connect(self.url, max_msg_size=0, timeout=timeout,
                                                 compress=self.compress)
        opening = await asyncio.wait_for(self._next(), timeout)
        assert opening.startswith("0{"), opening[:80]
        await self.ws.send_str("40" + json.dumps({"token": self.token}))
        while not (reply := await asyncio.wait_for(self._next(), timeout)).startswith("40"):
            if reply.startswith("44"):
                return False          # refused at connect
        await self.ws.send_str("421" + json.dumps([event, payload]))
        while not (reply := await asyncio.wait_for(self._next(), timeout)).startswith("431"):
            if self.on_text:          # room events before the acknowledgement: not decoded
                self.on_text(reply)
        self.reader = asyncio.ensure_future(self._drain())
        return bool(_ACK_OK.match(reply))

    async def _drain(self):
        """Read what the room sends until closed, as an open page does (a socket nobody reads
        would block the server's writes)."""
        with contextlib.suppress(Exception):
            while True:
                text = await self._next()
                if self.on_text:
                    self.on_text(text)

    async def emit(self, event: str, payload: dict) -> None:
        """An event without acknowledgement (as send_chat sends)."""
        await self.ws.send_str("42" + json.dumps([event, payload]))

    async def disconnect(self):
        if self.reader:
            self.reader.cancel()
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()


def client_session(client: str):
    """The aiohttp session the lean and browser clients share in one process (None: socketio)."""
    if client == "socketio":
        return None
    import aiohttp
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))


def new_client(client: str, session, url: str, token: str, on_text=None):
    """A client of the kind `client` (CLIENTS) for one socket."""
    if session is None:
        import socketio
        return socketio.AsyncClient(reconnection=False)
    return LeanClient(session, url, token, on_text, deflate=client == "browser")


async def drain_then_disconnect(received: list, expected: int, deadline: float, clients: list) -> None:
    """Wait until every expected delivery has arrived (or the deadline), then disconnect all."""
    while len(received) < expected and time.time() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.2)
    await disconnect_all(clients)


async def send_chat(senders: list, kind: str, cid, k: int, tag: str) -> None:
    """Message k, stamped with its send time, from the k-th sender (round robin); Baraza's
    chat:send or the bare servers' chat."""
    text = f"{tag}|{k}|{time.time():.6f}"
    payload = {"consultation_id": cid, "text": text} if kind == "baraza" else {"text": text}
    await senders[k % len(senders)].emit("chat:send" if kind == "baraza" else "chat", payload)


async def disconnect_all(clients: list) -> None:
    """Disconnect every client, ignoring those already gone."""
    for c in clients:
        try:
            await c.disconnect()
        except Exception:
            pass


async def settle_then_wait(last_event: list, ready, go) -> None:
    """Let the presence storm of the joins settle (no event for a second, at most 60 s), say
    ready, and wait for the signal to start. The client's own garbage collector must not stall
    receipt (its pauses would be charged to the server under test): everything made so far is
    frozen, collection is off while measuring. Every server is measured with the same client."""
    settle_deadline = time.time() + 60
    while time.time() - last_event[0] < 1.0 and time.time() < settle_deadline:
        await asyncio.sleep(0.2)
    gc.collect()
    gc.freeze()
    gc.disable()
    ready.set()
    while not go.is_set():
        await asyncio.sleep(0.01)

async def _client_main(kind, urls, tokens, cid, is_sender, plan, ready, go, out):
    clients, received, connect_times = [], [], []
    last_event = [time.time()]

    def on_chat(text):
        now = time.time()
        last_event[0] = now
        if text and text.startswith("b|"):
            _, mid, sent = text.split("|")
            received.append((now - float(sent), now, int(mid)))

    def make_handler():
        if kind == "baraza":
            def handler(ev):
                last_event[0] = time.time()
                if ev.get("type") == "chat.message":
                    on_chat(ev["data"]["text"])
        else:
            def handler(ev):
                on_chat(ev.get("text"))
        return handler

    sem = asyncio.Semaphore(50)
    session = client_session(plan["client"])

    def on_frame(text):  # a lean client's raw frame: only a chat stamp is looked for
        last_event[0] = time.time()
        if "b|" in text and (stamp := _STAMP.search(text)):
            on_chat(stamp.group(1))

    event = "room:join" if kind == "baraza" else "join"
    payload = {"consultation_id": cid} if kind == "baraza" else {}

    async def join(c, url, token) -> None:
        if session is not None:
            assert await c.join(event, payload, 60), "join refused"
            return
        c.on("room:event" if kind == "baraza" else "msg", make_handler())
        await c.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=60)
        res = await c.call(event, payload, timeout=60)
        assert res.get("ok"), res

    async def connect(i, token):
        url = urls[i % len(urls)]
        c = new_client(plan["client"], session, url, token, on_frame)
        async with sem:
            t0 = time.perf_counter()
            await join(c, url, token)
            connect_times.append(time.perf_counter() - t0)
        return c

    t_all = time.perf_counter()
    clients = list(await asyncio.gather(*[connect(i, t) for i, t in enumerate(tokens)]))
    connect_wall = time.perf_counter() - t_all
    await settle_then_wait(last_event, ready, go)
    sent_at = []
    if is_sender:
        senders = clients[: min(10, len(clients))]
        n, rate = plan["messages"], plan["rate"]
        start = time.time()
        for k in range(n):
            if rate:
                delay = start + k / rate - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            await send_chat(senders, kind, cid, k, "b")
            sent_at.append(time.time())
    expected = plan["messages"] * len(clients)
    deadline = time.time() + plan["messages"] / (plan["rate"] or 1000) + 20
    await drain_then_disconnect(received, expected, deadline, clients)
    if session is not None:
        await session.close()
    out.put({"latencies": [r[0] for r in received], "recv_times": [r[1] for r in received],
             "mids": [r[2] for r in received],
             "expected": expected, "connect": connect_times, "connect_wall": connect_wall,
             "first_send": sent_at[0] if sent_at else None})


def _client_proc(*args):
    asyncio.run(_client_main(*args))


def run_clients(kind, urls, tokens, cid, plan, procs, server_list):
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    go = ctx.Event()
    readies, workers = [], []
    chunks = [tokens[i::procs] for i in range(procs)]
    for i, chunk in enumerate(chunks):
        ready = ctx.Event()
        readies.append(ready)
        w = ctx.Process(target=_client_proc, args=(kind, urls, chunk, cid, i == 0, plan, ready, go, out))
        w.start()
        workers.append(w)
    for r in readies:
        if not r.wait(300):
            raise RuntimeError("clients did not connect in time")
    cpu0 = sum(s.usage()[0] for s in server_list)
    t0 = time.time()
    go.set()
    if os.environ.get("BENCH_GO_FILE"):  # lets a profiler attach for the send phase only
        Path(os.environ["BENCH_GO_FILE"]).touch()
    results = [out.get(timeout=600) for _ in workers]
    wall = time.time() - t0
    cpu1, rss = (sum(x) for x in zip(*(s.usage() for s in server_list), strict=True))
    for w in workers:
        w.join(30)
    lat = sorted(x for r in results for x in r["latencies"])
    recv = [x for r in results for x in r["recv_times"]]
    first_send = min(r["first_send"] for r in results if r["first_send"])
    expected = sum(r["expected"] for r in results)
    conn = sorted(x for r in results for x in r["connect"])

    def pct(values, q):
        return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")
    span = (max(recv) - first_send) if recv else float("nan")
    if os.environ.get("BENCH_TRACE"):  # per message: the slowest delivery, to see where tails come from
        worst: dict[int, float] = {}
        for r in results:
            for mid, lt in zip(r["mids"], r["latencies"], strict=True):
                worst[mid] = max(worst.get(mid, 0.0), lt)
        with open(os.environ["BENCH_TRACE"], "a") as fh:
            fh.write(json.dumps({"kind": kind, "worst_ms": [round(worst.get(k, -1) * 1000, 1)
                                                            for k in range(plan["messages"])]}) + "\n")
    return {
        "clients": len(tokens), "connect_wall_s": round(max(r["connect_wall"] for r in results), 2),
        "connect_p50_ms": round(pct(conn, .5), 1), "connect_p99_ms": round(pct(conn, .99), 1),
        "p50_ms": round(pct(lat, .5), 1), "p95_ms": round(pct(lat, .95), 1), "p99_ms": round(pct(lat, .99), 1),
        "max_ms": round(lat[-1] * 1000, 1) if lat else None, "delivered": len(lat), "lost": expected - len(lat),
        "deliveries_per_s": round(len(lat) / span) if lat else 0,
        "server_cpu_pct": round(100 * (cpu1 - cpu0) / wall, 1), "server_rss_mib": round(rss, 1),
    }


# --- orchestration ----------------------------------------------------------------------

def bench_once(kind, args, workdir):
    n = args.clients
    plan = {"messages": args.messages, "rate": 0 if args.burst else args.rate, "client": args.client}
    channel = f"bench-{uuid.uuid4().hex[:8]}"
    env = {"BARAZA_SOCKETIO_CHANNEL": channel}
    if args.procs > 1:
        env["BARAZA_REDIS_URL"] = args.redis
    servers = []
    prepared = None
    try:
        if kind == "baraza":
            prepared = prepare_baraza(args.db, n, workdir)
            env.update(BARAZA_DATABASE_URL=prepared["url"], BARAZA_SECRET_KEY=prepared["secret"],
                       BARAZA_INSTANCE_PATH=str(workdir), BARAZA_RATELIMIT_ENABLED="false", ROOMS_HEARTBEAT="15")
            module, tokens, cid = args.baraza_module, prepared["tokens"], prepared["consultation_id"]
        else:
            module, tokens, cid = "bench.bare_server:app", ["-"] * n, 0
        for i in range(args.procs):
            servers.append(Server(module, env, workdir / f"{kind}-{i}.log"))
        return run_clients(kind, [s.url for s in servers], tokens, cid, plan, args.client_procs, servers)
    finally:
        for s in servers:
            s.stop()
        if prepared and prepared["cleanup"]:
            prepared["cleanup"]()


def median_row(rows):
    keys = [k for k in rows[0] if isinstance(rows[0][k], (int, float))]
    return {k: statistics.median(r[k] for r in rows) for k in keys}


CLIENT_HELP = ("socketio: python-socketio's AsyncClient, every event decoded on this machine; lean: "
               "LeanClient, frames read, only the chat stamps and the join's answer looked at, as "
               "devices that decode on their own CPU; browser: LeanClient offering permessage-deflate, "
               "as browsers do")
CLIENTS = ("socketio", "lean", "browser")


def room_arguments(doc: str, clients: int) -> argparse.ArgumentParser:
    """The options every room benchmark shares: clients, chat rate, runs, database."""
    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=clients)
    ap.add_argument("--rate", type=float, default=20, help="chat messages per second (all senders together)")
    ap.add_argument("--runs", type=int, default=3, help="runs (of each server); the median is reported")
    ap.add_argument("--db", default="sqlite", help="sqlite, or a PostgreSQL URL (a fresh schema is used)")
    return ap


def main():
    ap = room_arguments(__doc__, 500)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--burst", action="store_true", help="send all messages at once; compare deliveries/s")
    ap.add_argument("--procs", type=int, default=1, help="server processes (more than 1 uses Redis)")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--client-procs", type=int, default=1, help="client processes sharing the N clients")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare reference server")
    ap.add_argument("--client", choices=CLIENTS, default="socketio", help=CLIENT_HELP)
    ap.add_argument("--baraza-module", default="tests.rooms.live_app:app",
                    help="wsgi.py plus a private Socket.IO channel; same app as `make serve`")
    ap.add_argument("--json", help="append the result as a JSON line to this file")
    args = ap.parse_args()
    kinds = ["baraza"] + ([] if args.no_bare else ["bare"])
    result = {"args": recorded_args(args)}
    rows: dict[str, list] = {kind: [] for kind in kinds}
    with tempfile.TemporaryDirectory(prefix="baraza-bench-") as tmp:
        # Runs alternate (baraza, bare, baraza, ...) so a change in the machine's load weighs
        # on both servers alike.
        for run in range(args.runs):
            for kind in kinds:
                workdir = Path(tmp) / f"{kind}-{run}"
                workdir.mkdir()
                row = bench_once(kind, args, workdir)
                print(kind, f"run {run + 1}:", json.dumps(row), flush=True)
                rows[kind].append(row)
    for kind in kinds:
        result[kind] = median_row(rows[kind])
    result["runs"] = rows
    if "bare" in result:
        b, r = result["baraza"], result["bare"]
        result["ratio_p99"] = round(b["p99_ms"] / r["p99_ms"], 2) if r["p99_ms"] else None
        result["ratio_deliveries"] = round(b["deliveries_per_s"] / r["deliveries_per_s"], 2) if r["deliveries_per_s"] else None
    print(json.dumps(result, indent=1))
    if args.json:
        with open(args.json, "a") as fh:
            fh.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
