"""Where a server's memory goes with N clients in the room: Baraza and the bare Flask-SocketIO
server (bench/bare_server.py) in the same shape, alternately, the same client.

Per run and server: N clients connect (websocket) and join, spread over `--procs` gunicorn gevent
processes (Redis between them when there are two); then 10 of them send `--messages` chat
messages at 20/s. After the joins and again after the chat, reported: the RSS of every process
(masters included, as bench/fanout.py sums it) and, in each worker (bench/memhook), its RSS as
it is, after gc.collect() and (after the chat only, as a trim lowers every later reading) after
malloc_trim(0): what the garbage collector's thresholds (app/core/gc_tuning.py) and the allocator
keep; and what glibc's malloc and Python's small-object allocator hold, in use and free.

    .venv/bin/python bench/memory_at_load.py --clients 1000 --procs 2 --runs 3 --db postgresql+psycopg://127.0.0.1:5432/test
"""
import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from fanout import ROOT, Server, prepare_baraza, recorded_args

HOOK = ROOT / "bench" / "memhook"
SETTLE = 6  # seconds after the last join before the first reading (Baraza trims 2-4 s after a burst)


def ask_workers(servers, hook: Path | None, n: int, trim: bool = False) -> list[dict]:
    out = []
    if hook is None:  # --no-hook: the totals only
        return out
    for s in servers:
        for pid in s.pids()[1:]:
            (hook / f"ask{n}.{pid}").write_text("trim" if trim else "")
            (hook / f"ask{n}.{pid}").rename(hook / f"go{n}.{pid}")  # whole when the worker sees it
            deadline = time.time() + 60
            while not (hook / f"go{n}.{pid}.done").exists() and time.time() < deadline:
                time.sleep(0.2)
            out.append(json.loads((hook / f"snap{n}.{pid}").read_text()))
    return out


async def session(kind, servers, tokens, cid, messages, hook) -> dict:
    import socketio
    got = [0]

    async def one(i, token, sem):
        c = socketio.AsyncClient(reconnection=False)
        c.on("room:event" if kind == "baraza" else "msg", lambda _ev: got.__setitem__(0, got[0] + 1))
        async with sem:
            await c.connect(servers[i % len(servers)].url, auth={"token": token}, transports=["websocket"],
                            wait_timeout=60)
            if kind == "baraza":
                r = await c.call("room:join", {"consultation_id": cid}, timeout=60)
            else:
                r = await c.call("join", {}, timeout=60)
            assert r.get("ok"), r
        return c
    sem = asyncio.Semaphore(50)
    clients = await asyncio.gather(*[one(i, t, sem) for i, t in enumerate(tokens)])
    await asyncio.sleep(SETTLE)
    joined = {"total_rss_mib": round(sum(s.usage()[1] for s in servers), 1),
              "workers": await asyncio.to_thread(ask_workers, servers, hook, 0)}
    for k in range(messages):
        c = clients[k % 10]
        if kind == "baraza":
            await c.emit("chat:send", {"consultation_id": cid, "text": f"m{k}"})
        else:
            await c.emit("chat", {"text": f"m{k}"})
        await asyncio.sleep(0.05)
    await asyncio.sleep(5)
    chatted = {"total_rss_mib": round(sum(s.usage()[1] for s in servers), 1),
               "workers": await asyncio.to_thread(ask_workers, servers, hook, 1, True), "events_received": got[0]}
    for c in clients:
        await c.disconnect()
    return {"after_joins": joined, "after_chat": chatted}


def once(kind, args, workdir: Path) -> dict:
    hook = workdir / f"hook-{kind}"
    hook.mkdir()
    env = {"MEMHOOK_DIR": "" if args.no_hook else str(hook), "BARAZA_SOCKETIO_CHANNEL": f"mem-{uuid.uuid4().hex[:8]}",
           "PYTHONPATH": f"{HOOK}:{ROOT}"}
    if args.procs > 1:
        env["BARAZA_REDIS_URL"] = args.redis
    prepared = None
    if kind == "baraza":
        prepared = prepare_baraza(args.db, args.clients, workdir)
        env.update(BARAZA_DATABASE_URL=prepared["url"], BARAZA_SECRET_KEY=prepared["secret"],
                   BARAZA_INSTANCE_PATH=str(workdir), BARAZA_RATELIMIT_ENABLED="false", ROOMS_HEARTBEAT="15")
        module, tokens, cid = "tests.rooms.live_app:app", prepared["tokens"], prepared["consultation_id"]
    else:
        module, tokens, cid = "bench.bare_server:app", ["-"] * args.clients, 0
    servers = []
    try:
        for i in range(args.procs):
            servers.append(Server(module, env, workdir / f"{kind}-{i}.log"))
        return asyncio.run(session(kind, servers, tokens, cid, args.messages, None if args.no_hook else hook))
    finally:
        for s in servers:
            s.stop()
        if prepared and prepared["cleanup"]:
            prepared["cleanup"]()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=1000)
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--json", help="append the result here")
    ap.add_argument("--no-hook", action="store_true",
                    help="no hook in the servers: the processes' total RSS only, nothing of the hook's own memory")
    args = ap.parse_args()
    runs = {"baraza": [], "bare": []}
    for r in range(args.runs):
        for kind in ("baraza", "bare"):
            with tempfile.TemporaryDirectory() as d:
                res = once(kind, args, Path(d))
            runs[kind].append(res)
            w = res["after_chat"]["workers"]
            print(f"run {r + 1} {kind}: total RSS after joins {res['after_joins']['total_rss_mib']} MiB, "
                  f"after chat {res['after_chat']['total_rss_mib']} MiB; workers after chat "
                  + ", ".join(f"{x['rss_mib']} (gc {x['after_gc_mib']}, trim {x['after_trim_mib']})" for x in w),
                  flush=True)
    summary = {}
    for phase in ("after_joins", "after_chat"):
        med = {k: statistics.median(x[phase]["total_rss_mib"] for x in v) for k, v in runs.items()}
        summary[phase] = {"baraza_mib": med["baraza"], "bare_mib": med["bare"],
                          "ratio": round(med["baraza"] / med["bare"], 2)}
    print(json.dumps(summary))
    if args.json:
        with open(args.json, "a") as fh:
            fh.write(json.dumps({"args": recorded_args(args), "summary": summary, "runs": runs}) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    main()
