"""Markdown storm: the adversarial Markdown corpus posted over HTTP while 200 room members chat.

Starts Baraza as `make serve` runs it (bench/fanout.py: gunicorn, gevent worker, one process,
rate limits off, a fresh SQLite file or PostgreSQL schema), seeded with one live consultation,
N delegates with a token each, a secretariat user and an open document. N Socket.IO clients
(python-socketio AsyncClient over websocket, in one client process) join the room; 10 of them
chat at a steady rate for as long as the storm lasts. Meanwhile the main process posts every bomb
of tests/security/markdown_corpus.py, one after another and at the largest size each field
allows, as a comment (20 KB), an amendment (50 KB), a position (50 KB) and, for the bombs that
stay slow after the pre-scan, a document version (200 KB). Reported: chat delivery latency
p50/p99/max over every delivery during the storm (bar: p99 < 100 ms), and each hostile post's
answer time and outcome (bar: under 1 s; versions above 50 KB have a proportional budget,
app/core/markdown.py). See bench/README.md.

    .venv/bin/python bench/markdown_storm.py --runs 3
    .venv/bin/python bench/markdown_storm.py --runs 3 --db postgresql+psycopg://127.0.0.1:5432/test
"""
import asyncio
import json
import multiprocessing as mp
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from timing import report

import requests
from fanout import Server, drain_then_disconnect, prepare_baraza, room_arguments, settle_then_wait

from tests.security.markdown_corpus import BOMBS, realistic_document

SLOW = ("emphasis_alternating", "emphasis_mixed", "table_long", "footnote_chain", "definition_list_chain",
        "abbreviations", "backslashes", "headings_duplicate", "reference_open")
DOORS = {  # door -> (method, path, payload for a body, size)
    "comment": ("post", "/documents/{doc}/comments", lambda b: {"body": b}, 20 * 1024),
    "amendment": ("post", "/documents/{doc}/amendments", lambda b: {"anchor": "p1", "text": b, "rationale": "x"},
                  50 * 1024),
    "position": ("put", "/documents/{doc}/positions/mine", lambda b: {"stance": "oppose", "body": b}, 50 * 1024),
    "version": ("post", "/documents/{doc}/versions", lambda b: {"body": b}, 200 * 1024),
}


def add_document(prepared: dict, workdir: Path, body: str | None = None, then=None) -> dict:
    """A secretariat user, its token, and an open document in the prepared consultation (then:
    fn(document), run in the same app context, e.g. to add comments)."""
    from app import create_app
    from app.accounts.models import Organisation, User
    from app.accounts.services import issue_token
    from app.documents.services import create_document
    from app.extensions import db as sdb
    from config import Config
    cfg = Config.load()
    cfg.SQLALCHEMY_DATABASE_URI, cfg.SECRET_KEY, cfg.INSTANCE_DIR = prepared["url"], prepared["secret"], workdir
    app = create_app(cfg)
    with app.app_context():
        org = Organisation(name="Bench secretariat", constituency="secretariat", country="KE")
        sdb.session.add(org)
        sdb.session.flush()
        sec = User(email="bench-secretariat@example.org", name="Bench secretariat", role="secretariat",
                   organisation_id=org.id)
        sdb.session.add(sec)
        sdb.session.flush()
        doc = create_document(sec, prepared["consultation_id"], {"title": "Draft protocol", "status": "open",
                                                                 "body": body or realistic_document(5000)})
        if then is not None:
            then(doc)
        out = {"doc": doc.id, "sec_token": issue_token(prepared["secret"], sec, 86400)[0]}
        sdb.session.commit()
        sdb.engine.dispose()
    return out


async def _chat_main(url, tokens, cid, rate, ready, go, stop, out):
    import socketio
    received, last_event = [], [time.time()]

    def handler(ev):
        now = time.time()
        last_event[0] = now
        if ev.get("type") == "chat.message" and ev["data"]["text"].startswith("b|"):
            sent = float(ev["data"]["text"].split("|")[2])
            received.append((sent, now - sent))

    sem = asyncio.Semaphore(50)

    async def connect(token):
        c = socketio.AsyncClient(reconnection=False)
        c.on("room:event", handler)
        async with sem:
            await c.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=60)
            assert (await c.call("room:join", {"consultation_id": cid}, timeout=60)).get("ok")
        return c

    clients = list(await asyncio.gather(*[connect(t) for t in tokens]))
    await settle_then_wait(last_event, ready, go)
    senders, k, start = clients[:10], 0, time.time()
    while not stop.is_set():
        delay = start + k / rate - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await senders[k % len(senders)].emit("chat:send", {"consultation_id": cid, "text": f"b|{k}|{time.time():.6f}"})
        k += 1
    expected = k * len(clients)
    await drain_then_disconnect(received, expected, time.time() + 20, clients)
    out.put({"latencies": received, "expected": expected, "sent": k})


def _chat_proc(*args):
    asyncio.run(_chat_main(*args))


def start_chat(url: str, prepared: dict, rate: float):
    """The room's members, in a client process, joined and chatting at `rate` (all but the first
    delegate): (process, its result queue, its stop event), once every client has joined."""
    ctx = mp.get_context("spawn")
    out, ready, go, stop = ctx.Queue(), ctx.Event(), ctx.Event(), ctx.Event()
    chat = ctx.Process(target=_chat_proc, args=(url, prepared["tokens"][1:], prepared["consultation_id"],
                                                rate, ready, go, stop, out))
    chat.start()
    if not ready.wait(300):
        raise RuntimeError("clients did not connect in time")
    go.set()
    return chat, out, stop


def storm(url: str, doc: int, delegate_token: str, sec_token: str) -> list[dict]:
    posts = []
    for door, (method, path, payload, size) in DOORS.items():
        names = SLOW if door == "version" else list(BOMBS)
        token = sec_token if door == "version" else delegate_token
        for name in names:
            body = BOMBS[name](size)
            t, started = time.monotonic(), time.time()
            r = getattr(requests, method)(f"{url}/api/v1{path.format(doc=doc)}", json=payload(body), timeout=120,
                                          headers={"Authorization": f"Bearer {token}"})
            took = time.monotonic() - t
            code = r.json().get("error", {}).get("code") if r.status_code >= 400 else None
            posts.append({"door": door, "bomb": name, "size": len(body), "status": r.status_code, "code": code,
                          "seconds": round(took, 3), "at": started})
    return posts


def bench_once(args, workdir: Path, document=add_document, posts_of=None) -> dict:
    """One run: the chat of args.clients members while posts_of(url, doc, delegate token,
    secretariat token) sends its requests (default: the Markdown corpus)."""
    prepared = prepare_baraza(args.db, args.clients + 1, workdir)
    extra = document(prepared, workdir)
    env = {"BARAZA_SOCKETIO_CHANNEL": f"bench-{uuid.uuid4().hex[:8]}", "BARAZA_DATABASE_URL": prepared["url"],
           "BARAZA_SECRET_KEY": prepared["secret"], "BARAZA_INSTANCE_PATH": str(workdir),
           "BARAZA_RATELIMIT_ENABLED": "false", "ROOMS_HEARTBEAT": "15"}
    server = Server("tests.rooms.live_app:app", env, workdir / "baraza.log")
    try:
        chat, out, stop = start_chat(server.url, prepared, args.rate)
        time.sleep(2)  # chat alone first: the baseline is inside the measured window too
        if args.calm:  # the same chat with no hostile post: what the machine gives anyway
            time.sleep(args.calm)
            posts = [{"door": "none", "bomb": "none", "size": 0, "status": 200, "code": None, "seconds": 0.0}]
        else:
            posts = (posts_of or storm)(server.url, extra["doc"], prepared["tokens"][0], extra["sec_token"])
        time.sleep(1)
        stop.set()
        res = out.get(timeout=600)
        chat.join(30)
    finally:
        server.stop()
        if prepared["cleanup"]:
            prepared["cleanup"]()
    lat = sorted(latency for _, latency in res["latencies"])
    for p in posts:  # the worst chat delivery sent while this post was being answered
        window = [latency for sent, latency in res["latencies"]
                  if p.get("at", 0) <= sent <= p.get("at", 0) + p["seconds"]]
        p["chat_max_ms"] = round(max(window) * 1000, 1) if window else None
        p.pop("at", None)

    def pct(q):
        return round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1) if lat else None
    participant = [p["seconds"] for p in posts if p["door"] != "version"]
    versions = [p["seconds"] for p in posts if p["door"] == "version"] or [0.0]
    bad = [p for p in posts if p["status"] not in (200, 201) and p["code"] != "too_complex"]
    return {"chat_sent": res["sent"], "deliveries": len(lat), "lost": res["expected"] - len(lat),
            "p50_ms": pct(.5), "p99_ms": pct(.99), "max_ms": pct(1.0),
            "posts": len(posts), "refused": sum(p["code"] == "too_complex" for p in posts),
            "post_max_s": max(participant), "post_median_s": statistics.median(participant),
            "version_max_s": max(versions), "unexpected": len(bad), "detail": posts}


def main(doc=__doc__, document=add_document, posts_of=None):
    """The command line of this storm, and of others built on it (bench/office_storm.py)."""
    ap = room_arguments(doc, 200)
    ap.add_argument("--calm", type=float, default=0, help="post nothing; chat for this many seconds (baseline)")
    ap.add_argument("--json", help="append the result as a JSON line to this file")
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="baraza-storm-") as tmp:
        for run in range(args.runs):
            workdir = Path(tmp) / f"run-{run}"
            workdir.mkdir()
            row = bench_once(args, workdir, document, posts_of)
            rows.append(row)
            print(f"run {run + 1}:", json.dumps({k: v for k, v in row.items() if k != "detail"}), flush=True)
    keys = [k for k in rows[0] if isinstance(rows[0][k], (int, float))]
    median = {k: statistics.median(r[k] for r in rows) for k in keys}
    slowest = {}
    for r in rows:
        for p in r["detail"]:
            key = f'{p["door"]}:{p["bomb"]}'
            slowest[key] = max(slowest.get(key, (0, None))[0], p["seconds"]), p["code"] or p["status"]
    hot = sorted((p for r in rows for p in r["detail"] if p.get("chat_max_ms")), key=lambda p: -p["chat_max_ms"])
    worst_chat = [(f'{p["door"]}:{p["bomb"]}', p["chat_max_ms"], p["seconds"], p["code"] or p["status"]) for p in hot[:10]]
    result = {"args": vars(args), "median": median, "worst_chat_during": worst_chat, "slowest_posts": dict(sorted(slowest.items(), key=lambda kv: -kv[1][0])[:12]),
              "runs": rows}
    report(result, args.json)


if __name__ == "__main__":
    main()
