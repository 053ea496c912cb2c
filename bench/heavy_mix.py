"""Heavy mix (issue 19): a room of 200 members chatting while five 50-page minutes PDFs, a
300-paragraph diff and a search over 50,000 records are asked for at the same moment.

Per run, each engine of app.core.offload.run in turn, the same server otherwise
(bench/heavy_mix_app.py: gunicorn, gevent worker, one process, SQLite):
  loop   the heavy work on the event loop (as before offload existed)
  pipes  app.core.offload's pipe workers (what Baraza runs)
  huey   Huey with SQLite storage (bench/huey_offload.py), `huey-redis` with Redis storage
The database is a copy of bench/make_archive.py's archive (5,000 consultations, 50,000 search
entries) plus the bench room, its 200 members, a 300-paragraph document with two versions and
minutes of about 50 pages. The members join; 10 of them chat at --rate messages/s; after
--before seconds of chat alone the secretariat sends the seven requests at once (threads), and
the chat goes on until they are all answered.

Reported per engine (median of the runs): chat delivery p99 before the mix and during it, the
longest time the event loop was held (a probe greenlet ticking every 5 ms: how late it woke;
this does not depend on how busy the machine is the way wall-clock p99 does), the slowest
request and statuses. Raw runs are appended to --json.

    .venv/bin/python bench/make_archive.py --url sqlite:////tmp/baraza-bench.db
    .venv/bin/python bench/heavy_mix.py --runs 3 --json bench/results/heavy_mix.json
"""
import json
import queue
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests
from documents_bench import edit_body, make_body
from fanout import ROOT, Server, prepare_baraza, room_arguments
from markdown_storm import add_document, start_chat
from timing import report

PDFS = 5
QUERY = "migration"


def minutes_body(rng: random.Random) -> str:
    """About 50 printed pages (20,000 words, under the 200,000-character limit): 25 sections of
    14 paragraphs of 50-60 words."""
    from documents_bench import sentence
    blocks = []
    for s in range(25):
        blocks.append(f"## {s + 1}. {sentence(rng, 5)[:-1]}")
        blocks += [" ".join(sentence(rng, rng.randint(12, 16)) for _ in range(4)) for _ in range(14)]
    return "\n\n".join(blocks) + "\n"


def heavy_document(prepared: dict, workdir: Path) -> dict:
    """The 300-paragraph document with a second, edited version, and the room's minutes."""
    from app.core import markdown
    markdown.budget_for = lambda body: markdown.MAX_BUDGET * 10  # setup on a busy machine: no refusal
    rng = random.Random(11)
    body = make_body(rng)
    made = {}

    def then(doc):
        from sqlalchemy import select

        from app.accounts.models import User
        from app.consultations.models import Consultation
        from app.documents.services import publish_version
        from app.extensions import db
        from app.minutes.services import draft_minutes, update_minutes
        sec = db.session.scalar(select(User).where(User.email == "bench-secretariat@example.org"))
        publish_version(sec, doc.id, edit_body(rng, body), "Second draft")
        m = draft_minutes(sec, db.session.get(Consultation, doc.consultation_id))
        update_minutes(sec, m, minutes_body(rng))
        made["minutes"] = m.id
        db.session.commit()
        # The version's notifications to 200 members are sent now, not by the server's
        # notification worker in the middle of the measured chat (it holds the loop ~1 s).
        from app.notifications.jobs import run_once
        while run_once()["events"]:
            db.session.commit()
        db.session.commit()
    out = add_document(prepared, workdir, body=body, then=then)
    return {**out, **made}


def mix(url: str, extra: dict, languages: list[str] | None = None) -> list[dict]:
    """The seven requests at once; each one's seconds, status and size. With `languages`, the
    k-th PDF asks for the k-th of them in turn ("" = the original): five different files, where
    five of the same one are made once (app.core.office.render)."""
    auth = {"Authorization": f"Bearer {extra['sec_token']}"}
    langs = languages or [""]
    calls = [(f"minutes pdf {k + 1}", f"/api/v1/minutes/{extra['minutes']}/export?format=pdf"
              + (f"&language={langs[k % len(langs)]}" if langs[k % len(langs)] else "")) for k in range(PDFS)]
    calls += [("diff 300 paragraphs", f"/api/v1/documents/{extra['doc']}/diff?from=1&to=2"),
              ("search 50,000 records", f"/api/v1/search?q={QUERY}")]
    out: list[dict] = []

    def one(name, path):
        t = time.monotonic()
        try:
            r = requests.get(url + path, headers=auth, timeout=300)
            status, size = r.status_code, len(r.content)
        except requests.RequestException as exc:  # the server's worker was killed under it
            status, size = type(exc).__name__, 0
        out.append({"request": name, "status": status, "bytes": size, "seconds": round(time.monotonic() - t, 3)})
    threads = [threading.Thread(target=one, args=c) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(out, key=lambda r: r["request"])


def held(path: Path, kind: str, start: float, end: float) -> list[tuple[float, str]]:
    """(ms, greenlet) of the `slice` or `lag` lines written between start and end."""
    if not path.exists():
        return []
    found = []
    for line in path.read_text().splitlines():
        at, what, ms, name = line.split(" ", 3)
        if what == kind and start <= float(at) <= end:
            found.append((float(ms), name))
    return found


def bench_once(args, mode: str, workdir: Path) -> dict:
    shutil.copy(args.archive, workdir / "bench.db")
    prepared = prepare_baraza("sqlite", args.clients + 1, workdir)
    extra = heavy_document(prepared, workdir)
    lag_file = workdir / "lag.txt"
    engine = "huey" if mode.startswith("huey") else mode
    env = {"BARAZA_SOCKETIO_CHANNEL": f"bench-{uuid.uuid4().hex[:8]}", "BARAZA_DATABASE_URL": prepared["url"],
           "BARAZA_SECRET_KEY": prepared["secret"], "BARAZA_INSTANCE_PATH": str(workdir),
           "BARAZA_RATELIMIT_ENABLED": "false", "ROOMS_HEARTBEAT": "15", "BENCH_OFFLOAD": engine,
           "BENCH_LAG_FILE": str(lag_file), "BENCH_HUEY_QUEUE": f"bench-{uuid.uuid4().hex[:8]}",
           "PYTHONPATH": ":".join([str(ROOT), str(ROOT / "bench")] + args.path)}
    if mode == "huey-redis":
        env["BARAZA_REDIS_URL"] = args.redis
    server = Server("heavy_mix_app:app", env, workdir / "baraza.log")
    try:
        chat, out, stop = start_chat(server.url, prepared, args.rate)
        chat_from = time.time()
        time.sleep(args.before)
        mix_start = time.time()
        answers = mix(server.url, extra, args.pdf_languages.split(",") if args.pdf_languages else None)
        mix_end = time.time()
        time.sleep(1)
        stop.set()
        try:
            res = out.get(timeout=120)
        except queue.Empty:  # the clients lost the server (its worker was killed)
            res = {"latencies": [], "expected": 0, "sent": 0}
        chat.join(30)
        if chat.is_alive():
            chat.terminate()
    finally:
        server.stop()
        (workdir / "bench.db").unlink(missing_ok=True)
    killed = (workdir / "baraza.log").read_text(errors="replace").count("WORKER TIMEOUT")
    before = sorted(lat for sent, lat in res["latencies"] if chat_from + 0.5 <= sent < mix_start)
    during = sorted(lat for sent, lat in res["latencies"] if mix_start <= sent <= mix_end)

    def pct(values, q):
        return round(values[min(len(values) - 1, int(q * len(values)))] * 1000, 1) if values else None
    window = {"before": (chat_from + 0.5, mix_start), "during": (mix_start, mix_end)}
    out = {"mode": mode, "chat_sent": res["sent"], "lost": res["expected"] - len(res["latencies"]),
           "p50_before_ms": pct(before, .5), "p99_before_ms": pct(before, .99),
           "p50_during_ms": pct(during, .5), "p99_during_ms": pct(during, .99), "max_during_ms": pct(during, 1.0)}
    for name, (start, end) in window.items():
        slices = held(lag_file, "slice", start, end)
        out[f"loop_held_cpu_max_{name}_ms"] = max((ms for ms, _ in slices), default=0.0)
        out[f"loop_lag_max_{name}_ms"] = max((ms for ms, _ in held(lag_file, "lag", start, end)), default=0.0)
    slices = sorted(held(lag_file, "slice", mix_start, mix_end), reverse=True)
    # The notification worker's pass (greenlet run_loop) runs every 5 s whatever the engine.
    out["loop_held_cpu_max_during_not_notifications_ms"] = max(
        (ms for ms, name in slices if name != "run_loop"), default=0.0)
    out["loop_held_cpu_over_50ms_during"] = sum(ms > 50 for ms, _ in slices)
    out["longest_holds_during"] = slices[:5]
    return {**out, "worker_killed_by_gunicorn": killed,
            "mix_s": round(mix_end - mix_start, 2), "slowest_request_s": max(a["seconds"] for a in answers),
            "unexpected": sum(a["status"] != 200 for a in answers), "requests": answers}


# Raw runs go to --json one line each ({"run": n, ...}); the summary line ({"median": ...}) last.


def main() -> None:
    ap = room_arguments(__doc__, 200)
    ap.add_argument("--modes", default="loop,pipes,huey", help="comma-separated: loop, pipes, huey, huey-redis")
    ap.add_argument("--archive", default="/tmp/baraza-bench.db", help="bench/make_archive.py's SQLite file")
    ap.add_argument("--before", type=float, default=5.0, help="seconds of chat alone before the mix")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--path", action="append", default=[], help="extra PYTHONPATH entry (e.g. where huey is)")
    ap.add_argument("--json", help="append the result as a JSON line to this file")
    ap.add_argument("--pdf-languages", default="",
                    help="comma-separated languages the five PDFs ask for in turn ('' = the original), "
                         "e.g. ',fr,pt,ar,en' for five different files; default: five of the same")
    ap.add_argument("--keep", help="keep each run's directory (server log with gevent's blocking reports) here")
    args = ap.parse_args()
    if args.db != "sqlite":
        raise SystemExit("the heavy mix runs on SQLite, the embedded default (the archive is a SQLite file)")
    modes = args.modes.split(",")
    runs: dict[str, list] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory(prefix="baraza-mix-") as scratch:
        tmp = args.keep or scratch
        for run in range(args.runs):
            for mode in modes:  # side by side: the engines alternate within each run
                workdir = Path(tmp) / f"run-{run}-{mode}"
                workdir.mkdir(parents=True)
                row = bench_once(args, mode, workdir)
                runs[mode].append(row)
                if args.json:  # each raw run as soon as it is measured
                    with open(args.json, "a") as fh:
                        fh.write(json.dumps({"run": run + 1, **row}) + "\n")
                print(f"run {run + 1} {mode}:", json.dumps({k: v for k, v in row.items()
                                                            if k not in ("requests", "longest_holds_during")}),
                      flush=True)
    keys = [k for k in runs[modes[0]][0] if isinstance(runs[modes[0]][0][k], (int, float))]
    median = {m: {k: statistics.median([r[k] for r in rows if r.get(k) is not None] or [0]) for k in keys}
              for m, rows in runs.items()}
    report({"args": vars(args), "at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load_average": Path("/proc/loadavg").read_text().split()[:3], "median": median, "runs": runs},
           args.json)


if __name__ == "__main__":
    main()
