"""A server process's memory right after start: RSS once gevent has patched the standard library
and `wsgi:app` is imported, as gunicorn's gevent worker starts it (no request served yet).

Each run is a fresh process on a fresh migrated SQLite file; reported: RSS per run, the median,
and which of the libraries a server process does not need at start were imported anyway.

    .venv/bin/python bench/start_memory.py --runs 5
    .venv/bin/python bench/start_memory.py --runs 5 --tree /path/to/an/older/checkout   # before/after
    BENCH_SERVER_VENV=.venv-runtime .venv/bin/python bench/start_memory.py --runs 5      # as deployed

By default the process runs in .venv, which holds the test tools too (requirements-dev.txt);
BENCH_SERVER_VENV (`make bench-venv`: requirements.txt only) runs it as a deployment installs it.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.test_start_imports import RARE as LAZY  # noqa: E402 - the libraries the test keeps out of start
PROBE = """
from gevent import monkey
monkey.patch_all()
import json, sys
import wsgi  # noqa: F401
rss = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
print(json.dumps({"rss_mib": round(rss / 1024, 1), "loaded": [m for m in %r if m in sys.modules]}))
""" % (LAZY,)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--tree", default=str(ROOT), help="the checkout whose app is measured")
    args = ap.parse_args()
    tree = Path(args.tree).resolve()
    venv = Path(os.environ.get("BENCH_SERVER_VENV") or ROOT / ".venv").resolve()
    python, flask = str(venv / "bin" / "python"), str(venv / "bin" / "flask")
    rows = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            env = dict(os.environ, PYTHONPATH=str(tree), BARAZA_SECRET_KEY="bench", BARAZA_INSTANCE_PATH=tmp,
                       BARAZA_DATABASE_URL=f"sqlite:///{tmp}/bench.db")
            env.pop("BARAZA_REDIS_URL", None)
            subprocess.run([flask, "--app", "wsgi", "db", "upgrade"], cwd=tree, env=env, check=True,
                           capture_output=True)
            out = subprocess.run([python, "-c", PROBE], cwd=tree, env=env, check=True, capture_output=True,
                                 text=True).stdout
            rows.append(json.loads(out.strip().splitlines()[-1]))
    rss = [r["rss_mib"] for r in rows]
    print(json.dumps({"tree": str(tree), "venv": str(venv), "runs_rss_mib": rss, "median_rss_mib": statistics.median(rss),
                      "loaded_at_start": rows[-1]["loaded"]}))


if __name__ == "__main__":
    sys.exit(main())
