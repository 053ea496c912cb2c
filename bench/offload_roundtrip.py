"""Round trip of one small job (math.factorial(20)) through each engine of offload.run, under
gevent's monkey patching as in the server: app.core.offload's pipes, Huey with SQLite storage,
Huey with Redis storage (bench/huey_offload.py). Median and p90 of --calls calls after a warm-up.

    PYTHONPATH=.:bench:/path/to/huey .venv/bin/python bench/offload_roundtrip.py --json bench/results/offload_roundtrip.json
"""
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import os  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from timing import report  # noqa: E402

CHILD = """
import sys, time, math, json
from gevent import monkey; monkey.patch_all()
engine = sys.argv[1]
if engine == "pipes":
    from app.core.offload import run
else:
    from huey_offload import run
run(math.factorial, 20)
out = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    run(math.factorial, 20)
    out.append((time.perf_counter() - t) * 1000)
print(json.dumps(out))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--json")
    args = ap.parse_args()
    import json
    result = {"args": vars(args), "load_average": open("/proc/loadavg").read().split()[:3]}
    with tempfile.TemporaryDirectory(prefix="baraza-rt-") as tmp:
        for engine, extra in (("pipes", {}), ("huey-sqlite", {}), ("huey-redis", {"BARAZA_REDIS_URL": args.redis})):
            env = {k: v for k, v in os.environ.items() if k != "BARAZA_REDIS_URL"}
            env.update(extra, BARAZA_INSTANCE_PATH=tmp, BENCH_HUEY_QUEUE=f"rt-{uuid.uuid4().hex[:8]}")
            run = subprocess.run([sys.executable, "-c", CHILD, "pipes" if engine == "pipes" else "huey",
                                  str(args.calls)], env=env, capture_output=True, text=True, timeout=300)
            ms = sorted(json.loads(run.stdout.strip().splitlines()[-1]))
            result[engine] = {"median_ms": round(statistics.median(ms), 3),
                              "p90_ms": round(ms[int(len(ms) * 0.9) - 1], 3)}
            time.sleep(0.5)
    report(result, args.json)


if __name__ == "__main__":
    main()
