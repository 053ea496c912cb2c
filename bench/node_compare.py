"""Baraza as deployed against a bare Node socket.io 4 server, 1,000 clients at 20 msg/s.

Three servers, measured in the same run with the same client (bench/fanout.py: python-socketio
AsyncClient over websocket, 10 senders, every client times every delivery), alternating:

- **baraza**: two gunicorn gevent processes on one Redis message queue (README, Deployment),
  PostgreSQL (or SQLite) seeded with one live consultation and a token per delegate, the
  clients spread over both processes;
- **node**: bench/node_reference/server.js, socket.io 4 (pinned in package-lock.json, installed
  with `npm ci`), one process, the same broadcast as bench/bare_server.py;
- **bare**: bench/bare_server.py, Flask-SocketIO on the same worker model and the same number of
  processes and Redis as baraza (for the memory comparison).

Reported: delivery p50/p99/max, lost, server CPU and RSS (all processes of each server: gunicorn
masters included) at N clients; ratios baraza/node (p99) and baraza/bare (RSS).

    (cd bench/node_reference && npm ci)
    .venv/bin/python bench/node_compare.py --clients 1000 --runs 3 --db postgresql+psycopg://127.0.0.1:5432/test
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import tempfile
import uuid
from pathlib import Path

from timing import compare, report, wait_until_up

from fanout import CLIENT_HELP, CLIENTS, ROOT, Server, bench_once, free_port, median_row, recorded_args, room_arguments, run_clients

NODE = shutil.which("node") or "/usr/bin/node"


class NodeServer(Server):
    """bench/node_reference/server.js, one process."""

    def __init__(self, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(log, "ab")
        self.proc = subprocess.Popen([NODE, "server.js"], cwd=ROOT / "bench" / "node_reference",
                                     env=dict(os.environ, PORT=str(self.port)), stdout=self.log,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait_until_up(self.url, "node", f"{log} (run `npm ci` in bench/node_reference)")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(10)
        self.log.close()


def node_once(args, workdir):
    plan = {"messages": args.messages, "rate": args.rate, "client": args.client}
    server = NodeServer(workdir / "node.log")
    try:
        return run_clients("bare", [server.url], ["-"] * args.clients, 0, plan, args.client_procs, [server])
    finally:
        server.stop()


def main():
    ap = room_arguments(__doc__, 1000)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--procs", type=int, default=2, help="processes of baraza and of the bare Flask-SocketIO server")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--client-procs", type=int, default=2)
    ap.add_argument("--client", choices=CLIENTS, default="socketio", help=CLIENT_HELP)
    ap.add_argument("--json", help="append the result as a JSON line to this file")
    args = ap.parse_args()
    # the options bench/fanout.py's bench_once reads
    fan = argparse.Namespace(**vars(args), burst=False, baraza_module="tests.rooms.live_app:app")
    kinds = ("baraza", "node", "bare")
    result = {"args": recorded_args(args), "runs": {k: [] for k in kinds}}
    with tempfile.TemporaryDirectory(prefix="baraza-node-") as tmp:
        for run in range(args.runs):
            for kind in kinds:
                workdir = Path(tmp) / f"{kind}-{run}-{uuid.uuid4().hex[:4]}"
                workdir.mkdir()
                row = node_once(args, workdir) if kind == "node" else bench_once(kind, fan, workdir)
                print(kind, f"run {run + 1}:", json.dumps(row), flush=True)
                result["runs"][kind].append(row)
    for kind in kinds:
        result[kind] = median_row(result["runs"][kind])
    compare(result, "baraza", "node", "p99_ms", "ratio_p99_baraza_node", "ratios_p99_per_run")
    compare(result, "baraza", "bare", "server_rss_mib", "ratio_rss_baraza_bare")
    report(result, args.json)


if __name__ == "__main__":
    main()
