"""The server's CPU per join, in one process, without the network: a fresh SQLite file (or
PostgreSQL schema) seeded like bench/join_storm.py's, `--members` delegates joined, then
`--clients` others connect with their token and send `room:join` with `since`, one after the
other, through Flask-SocketIO's test client (threading mode; a presence tick every
`--tick-every` joins, as a 0.25 s tick would see them). CPU time (time.process_time) of the
connects and joins, divided by `--clients`; `--profile FILE` writes a cProfile of that phase
(read it with `python -m pstats FILE` or `--top`).

It measures the server's own work per join (the test client's share is estimated by running
the same loop against the bare server's handlers; broadcasts are encoded, not decoded); it is a steady companion to the storm's
figures, not a replacement: no websocket, no concurrency, no gevent.

    .venv/bin/python bench/join_cost.py --clients 500 [--db $PG] [--profile FILE --top 30]
"""
import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("BARAZA_ASYNC_MODE", "threading")

from fanout import prepare_baraza  # noqa: E402


def quiet_broadcasts(server) -> None:
    """The test client decodes every packet for every client it holds: keep the server's work
    (encoding a broadcast once) and drop the clients' (decoding room:event 550 times)."""
    send = server._send_eio_packet
    if getattr(send, "quiet", False):
        return

    def send_eio(eio_sid, eio_pkt):
        if isinstance(eio_pkt.data, str) and eio_pkt.data.startswith("2"):
            return None
        return send(eio_sid, eio_pkt)
    send_eio.quiet = True
    server._send_eio_packet = send_eio


def bare_cost(n: int) -> float:
    """CPU seconds of n connects and joins of the test client against bench/bare_server.py's
    handlers (the same client loop: what is not the server's)."""
    os.environ["BARE_ASYNC_MODE"] = "threading"
    from bench.bare_server import app, socketio
    clients = []
    t = time.process_time()
    for _ in range(n):
        sc = socketio.test_client(app)
        quiet_broadcasts(socketio.server)
        sc.emit("join", {}, callback=True)
        clients.append(sc)
    return time.process_time() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=500)
    ap.add_argument("--members", type=int, default=50)
    ap.add_argument("--tick-every", type=int, default=25, help="joins between two presence ticks")
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--profile", help="write a cProfile of the storm phase to this file")
    ap.add_argument("--top", type=int, default=0, help="print the top entries of the profile")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="baraza-joincost-") as tmp:
        prepared = prepare_baraza(args.db, args.clients + args.members, Path(tmp))
        try:
            run(args, prepared)
        finally:
            if prepared["cleanup"]:
                prepared["cleanup"]()


def run(args, prepared):
    from app import create_app
    from app.extensions import db, socketio
    from app.rooms import presence
    from config import Config
    cfg = Config.load()
    cfg.SQLALCHEMY_DATABASE_URI, cfg.SECRET_KEY = prepared["url"], prepared["secret"]
    cfg.RATELIMIT_ENABLED, cfg.SOCKETIO_HEARTBEAT, cfg.TESTING = False, 0, True  # testing: no ticker thread
    cfg.ROOMS_PRESENCE_TICK = 0.25
    app = create_app(cfg)
    tokens, cid = prepared["tokens"], prepared["consultation_id"]
    members, storm = tokens[:args.members], tokens[args.members:]
    held = []
    with app.app_context():
        seq = 0
        for token in members:
            sc = socketio.test_client(app, auth={"token": token})
            quiet_broadcasts(socketio.server)
            seq = max(seq, sc.emit("room:join", {"consultation_id": cid}, callback=True)["seq"])
            held.append(sc)
        presence.flush_presence()
        prof = cProfile.Profile() if args.profile else None
        if prof:
            prof.enable()
        t, w = time.process_time(), time.perf_counter()
        for i, token in enumerate(storm):
            sc = socketio.test_client(app, auth={"token": token})
            quiet_broadcasts(socketio.server)
            res = sc.emit("room:join", {"consultation_id": cid, "since": seq}, callback=True)
            assert res and res["ok"], res
            held.append(sc)
            if (i + 1) % args.tick_every == 0:
                presence.flush_presence()
        presence.flush_presence()
        cpu, wall = time.process_time() - t, time.perf_counter() - w
        if prof:
            prof.disable()
            prof.dump_stats(args.profile)
        answer = len(str(res))
        db.session.remove()
    client = bare_cost(len(storm))
    n = len(storm)
    print(f"joins: {n} (after {len(members)} members), db: {args.db.split('://')[0]}")
    print(f"baraza CPU {cpu:.2f} s ({cpu * 1000 / n:.2f} ms per join; wall {wall:.2f} s); "
          f"bare loop {client:.2f} s ({client * 1000 / n:.2f} ms); "
          f"server's share {(cpu - client) * 1000 / n:.2f} ms per join; last answer {answer} chars")
    if args.profile and args.top:
        pstats.Stats(args.profile).sort_stats("tottime").print_stats(args.top)
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(args.top)


if __name__ == "__main__":
    main()
