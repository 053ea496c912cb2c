"""Join storm: N distinct delegates connect and join one room at once while chat flows.

Starts the servers itself (bench/fanout.py: gunicorn, gevent worker, rate limits off, a fresh
SQLite file or PostgreSQL schema seeded with one live consultation and a token per delegate),
Baraza and the bare Flask-SocketIO server (bench/bare_server.py) alternately, so a change in the
machine's load weighs on both. Per run:

1. `--members` clients (default 50) connect and join; the room settles.
2. The storm: `--clients` other delegates connect (websocket) and send `room:join` (with
   `since` = the seq the members joined at, as a reconnecting page does) all at once, from
   `--client-procs` processes; the storm time is from the start signal until the last join is
   acknowledged.
3. Meanwhile 10 of the members chat at `--rate` messages/s, from the start signal until the
   storm is over plus one second; every member times every delivery and counts each message
   id it receives: chat p50/p99/max, lost (an expected delivery never seen) and duplicated.
   `--rate 0`: no chat, so the server's CPU is the joins' alone.
4. Server CPU per join: the server processes' CPU time (/proc) from the start signal until
   every join is acknowledged plus 0.6 s (the last presence tick), divided by `--clients`.
   Unlike the wall times it hardly depends on what else the machine is doing.
5. The benchmark's own clients' CPU (`clients_cpu_s`: the members' and storm processes') and how
   busy the whole machine was (`machine_busy_pct`, all cores) from the start signal until the
   last join was acknowledged: clients and server share the cores, so a server that sends more
   per join (Baraza's answer lists everyone present) also costs its clients more here.
   `--client lean` (bench/fanout.py's LeanClient) has the storm's joiners read every frame but
   decode none, as phones that decode on their own CPU; the members stay python-socketio's.

With `--procs 2` each server runs two processes on Redis (`BARAZA_REDIS_URL`), clients spread
over both, as deployed. See bench/README.md.

    .venv/bin/python bench/join_storm.py --clients 1000 --runs 3 [--client lean]
    .venv/bin/python bench/join_storm.py --clients 1000 --runs 3 --procs 2 \\
        --db postgresql+psycopg://127.0.0.1:5432/test
"""
import asyncio
import json
import contextlib
import multiprocessing as mp
import os
import tempfile
import time
import uuid
from pathlib import Path

from timing import compare, report

from fanout import (CLIENT_HELP, CLIENTS, Server, client_session, cpu_seconds, disconnect_all, median_row, new_client,
                    prepare_baraza, recorded_args, room_arguments, send_chat)


STORM_SETTLE = 0.6  # seconds after the last join's ack: more than two presence ticks


def _pct(values, q):
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1) if values else None


async def _members_main(kind, urls, tokens, cid, rate, ready, go, storm_over, out):
    import socketio
    clients, seen, lat = [], {}, []

    def handler_for(i):
        def on_text(text):
            if text and text.startswith("s|"):
                _, mid, sent = text.split("|")
                lat.append(time.time() - float(sent))
                seen[(i, int(mid))] = seen.get((i, int(mid)), 0) + 1

        if kind == "baraza":
            return lambda ev: on_text(ev["data"]["text"]) if ev.get("type") == "chat.message" else None
        return lambda ev: on_text(ev.get("text"))

    seq = 0
    for i, token in enumerate(tokens):
        c = socketio.AsyncClient(reconnection=False)
        c.on("room:event" if kind == "baraza" else "msg", handler_for(i))
        await c.connect(urls[i % len(urls)], auth={"token": token}, transports=["websocket"], wait_timeout=60)
        res = await c.call("room:join" if kind == "baraza" else "join",
                           {"consultation_id": cid} if kind == "baraza" else {}, timeout=60)
        assert res.get("ok"), res
        seq = max(seq, res.get("seq") or 0)
        clients.append(c)
    await asyncio.sleep(1.5)  # the members' own presence settles
    ready.put(seq)
    while not go.is_set():
        await asyncio.sleep(0.005)
    senders = clients[:10]
    k, start = 0, time.time()
    while not storm_over.is_set() or time.time() < storm_over_at(storm_over, start):
        if not rate:  # --rate 0: no chat; the members stay until the storm is over
            await asyncio.sleep(0.05)
            continue
        delay = start + k / rate - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        await send_chat(senders, kind, cid, k, "s")
        k += 1
    expected = k * len(clients)
    deadline = time.time() + 20
    while len(seen) < expected and time.time() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    await disconnect_all(clients)
    out.put({"sent": k, "lat": lat, "lost": expected - len(seen),
             "duplicated": sum(n - 1 for n in seen.values())})


_over_at: dict = {}


def storm_over_at(event, start) -> float:
    """One second after the storm was seen to be over (the chat goes on that long)."""
    if event.is_set() and "t" not in _over_at:
        _over_at["t"] = time.time() + 1.0
    return _over_at.get("t", float("inf"))


async def _storm_main(client, kind, urls, tokens, cid, since, go, out):
    import logging
    logging.disable(logging.WARNING)  # the client logs every socket it closes at the end
    session = client_session(client)
    event = "room:join" if kind == "baraza" else "join"
    payload = {"consultation_id": cid, "since": since} if kind == "baraza" else {}
    while not go.is_set():
        await asyncio.sleep(0.005)
    t0 = time.time()
    times, errors = [], 0
    sem = asyncio.Semaphore(100)  # the same client-side bound for both servers

    async def join(c, url, token) -> bool:
        if session is not None:
            return await c.join(event, payload, 120)
        await c.connect(url, auth={"token": token}, transports=["websocket"], wait_timeout=120)
        return bool((await c.call(event, payload, timeout=120)).get("ok"))

    async def one(i, token):
        nonlocal errors
        url = urls[i % len(urls)]
        c = new_client(client, session, url, token)
        async with sem:
            t = time.time()
            try:
                if not await join(c, url, token):
                    errors += 1
            except Exception:
                errors += 1
            times.append(time.time() - t)
        return c

    clients = await asyncio.gather(*[one(i, t) for i, t in enumerate(tokens)])
    done = time.time()
    out.put({"start": t0, "done": done, "times": times, "errors": errors})
    await asyncio.sleep(3)
    await disconnect_all(clients)
    if session is not None:
        await session.close()


def _members_proc(*args):
    asyncio.run(_members_main(*args))


def _storm_proc(*args):
    asyncio.run(_storm_main(*args))


def _machine() -> tuple[int, int]:
    """(busy, all) jiffies of every core (/proc/stat), to tell whether the machine was saturated."""
    vals = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return sum(vals) - vals[3] - vals[4], sum(vals)


def run_storm(kind, urls, member_tokens, storm_tokens, cid, args, servers):
    ctx = mp.get_context("spawn")
    ready, out_m, out_s = ctx.Queue(), ctx.Queue(), ctx.Queue()
    go, over = ctx.Event(), ctx.Event()
    members = ctx.Process(daemon=True, target=_members_proc, args=(kind, urls, member_tokens, cid, args.rate, ready, go, over, out_m))
    members.start()
    since = ready.get(timeout=300)
    chunks = [storm_tokens[i::args.client_procs] for i in range(args.client_procs)]
    storms = [ctx.Process(daemon=True, target=_storm_proc,
                          args=(args.client, kind, urls, chunk, cid, since, go, out_s)) for chunk in chunks]
    for p in storms:
        p.start()
    time.sleep(2.0)  # the storm processes import their client
    spies = []
    if args.profile and kind == "baraza":  # py-spy on each worker for the storm (BENCH_PYSPY=path)
        import subprocess
        for i, s in enumerate(servers):
            for pid in s.pids()[1:]:
                spies.append(subprocess.Popen([os.environ.get("BENCH_PYSPY", "py-spy"), "record", "-p", str(pid),
                                               "-o", f"{args.profile}-{i}-{pid}.txt", "-f", "raw", "-r", "200"],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(1.0)
    cpu0 = sum(s.usage()[0] for s in servers)
    clients_cpu0 = sum(cpu_seconds(p.pid) for p in [members, *storms])
    machine0 = _machine()
    t_go = time.time()
    go.set()
    parts = [out_s.get(timeout=600) for _ in storms]
    # The clients' CPU and the machine's until every join is acknowledged: they share the 2 cores
    # with the server, and what a server sends per join the clients must decode.
    clients_cpu = sum(cpu_seconds(p.pid) for p in [members, *storms]) - clients_cpu0
    machine1 = _machine()
    over.set()
    # The joins' CPU: from the start signal until every join is acknowledged and the presence
    # tick after the last one has run (the storm clients stay connected 3 s longer). With
    # `--rate 0` nothing else runs meanwhile; otherwise it includes the chat of those seconds.
    time.sleep(STORM_SETTLE)
    cpu_storm = sum(s.usage()[0] for s in servers) - cpu0
    for spy in spies:
        spy.send_signal(2)
    rss = sum(s.usage()[1] for s in servers)
    chat = out_m.get(timeout=120)
    cpu1 = sum(s.usage()[0] for s in servers)
    for p in [members, *storms]:
        p.join(30)
    wall = max(p["done"] for p in parts) - t_go
    times = [t for p in parts for t in p["times"]]
    return {"storm_clients": len(storm_tokens), "members": len(member_tokens),
            "all_acked_s": round(wall, 2), "join_p50_ms": _pct(times, .5), "join_p99_ms": _pct(times, .99),
            "join_errors": sum(p["errors"] for p in parts),
            "chat_sent": chat["sent"], "chat_p50_ms": _pct(chat["lat"], .5), "chat_p99_ms": _pct(chat["lat"], .99),
            "chat_max_ms": _pct(chat["lat"], 1.0), "chat_lost": chat["lost"], "chat_duplicated": chat["duplicated"],
            "server_cpu_s": round(cpu1 - cpu0, 1), "server_rss_mib": round(rss, 1),
            "storm_cpu_s": round(cpu_storm, 2),
            "cpu_per_join_ms": round(cpu_storm * 1000 / len(storm_tokens), 2),
            "clients_cpu_s": round(clients_cpu, 2),
            "machine_busy_pct": round(100 * (machine1[0] - machine0[0]) / max(1, machine1[1] - machine0[1]), 1),
            "load_avg_1m": os.getloadavg()[0]}


def bench_once(kind, args, workdir):
    n = args.clients + args.members
    channel = f"storm-{uuid.uuid4().hex[:8]}"
    env = {"BARAZA_SOCKETIO_CHANNEL": channel}
    if args.procs > 1:
        env["BARAZA_REDIS_URL"] = args.redis
    servers, prepared = [], None
    try:
        if kind == "baraza":
            prepared = prepare_baraza(args.db, n, workdir)
            env.update(BARAZA_DATABASE_URL=prepared["url"], BARAZA_SECRET_KEY=prepared["secret"],
                       BARAZA_INSTANCE_PATH=str(workdir), BARAZA_RATELIMIT_ENABLED="false", ROOMS_HEARTBEAT="15")
            if args.tick is not None:
                env["BARAZA_PRESENCE_TICK"] = str(args.tick)
            tokens, cid = prepared["tokens"], prepared["consultation_id"]
            module = "tests.rooms.live_app:app"
        else:
            tokens, cid, module = ["-"] * n, 0, "bench.bare_server:app"
        for i in range(args.procs):
            servers.append(Server(module, env, workdir / f"{kind}-{i}.log"))
        return run_storm(kind, [s.url for s in servers], tokens[:args.members], tokens[args.members:], cid,
                         args, servers)
    finally:
        for s in servers:
            s.stop()
        if prepared and prepared["cleanup"]:
            prepared["cleanup"]()


def main():
    ap = room_arguments(__doc__, 1000)
    ap.add_argument("--members", type=int, default=50, help="clients already in the room (10 of them chat)")
    ap.add_argument("--procs", type=int, default=1, help="server processes (more than 1 uses Redis)")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--client-procs", type=int, default=2, help="client processes sharing the storm")
    ap.add_argument("--client", choices=CLIENTS, default="socketio",
                    help="the joiners' client (the members chatting stay python-socketio's): " + CLIENT_HELP)
    ap.add_argument("--tick", type=float, default=None, help="BARAZA_PRESENCE_TICK for Baraza (0: per join)")
    ap.add_argument("--profile", help="py-spy raw profiles of the Baraza workers during the storm: path prefix")
    ap.add_argument("--json", help="append the result as a JSON line to this file")
    ap.add_argument("--keep", help="keep the servers' logs in this directory (e.g. with gevent's blocking "
                                   "monitor: GEVENT_MONITOR_THREAD_ENABLE=true GEVENT_MAX_BLOCKING_TIME=0.1)")
    args = ap.parse_args()
    result = {"args": recorded_args(args), "runs": {"baraza": [], "bare": []}}
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
    with (contextlib.nullcontext(args.keep) if args.keep else tempfile.TemporaryDirectory(prefix="baraza-storm-")) as tmp:
        for run in range(args.runs):
            for kind in ("baraza", "bare"):
                workdir = Path(tmp) / f"{kind}-{run}"
                workdir.mkdir()
                row = bench_once(kind, args, workdir)
                print(kind, f"run {run + 1}:", json.dumps(row), flush=True)
                result["runs"][kind].append(row)
    for kind in ("baraza", "bare"):
        result[kind] = median_row(result["runs"][kind])
    compare(result, "baraza", "bare", "all_acked_s", "ratio_all_acked", "ratios_per_run")
    compare(result, "baraza", "bare", "cpu_per_join_ms", "ratio_cpu_per_join", "cpu_ratios_per_run")
    report(result, args.json)


if __name__ == "__main__":
    main()
