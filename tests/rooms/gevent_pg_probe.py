"""Run in its own process: does a slow PostgreSQL query block other greenlets under gevent?
Prints JSON {wait, finished: [s, ...], max_gap_ms}."""
from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402
import psycopg  # noqa: E402
import psycopg.waiting  # noqa: E402

url = sys.argv[1]
ticks, done = [], []
t0 = time.monotonic()


def ticker():
    while time.monotonic() - t0 < 1.6:
        ticks.append(time.monotonic())
        gevent.sleep(0.01)


def slow():
    with psycopg.connect(url) as conn:
        conn.execute("select pg_sleep(1)")
    done.append(round(time.monotonic() - t0, 3))


gevent.joinall([gevent.spawn(ticker)] + [gevent.spawn(slow) for _ in range(5)])
gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
print(json.dumps({"wait": psycopg.waiting.wait.__name__, "finished": done,
                  "max_gap_ms": round(max(gaps) * 1000, 1)}))
