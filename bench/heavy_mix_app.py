"""The WSGI module of bench/heavy_mix.py: the live-test app (tests/rooms/live_app.py) with
offload.run's engine chosen by BENCH_OFFLOAD and a loop-lag probe.

BENCH_OFFLOAD: `loop` runs the heavy functions on the event loop (the behaviour before offload),
`pipes` keeps app.core.offload's pipe workers, `huey` uses bench/huey_offload.py.
Two figures, written to BENCH_LAG_FILE as "unix_time kind ms name" lines:
- `slice`: a greenlet switch tracer reads the thread's CPU clock at every switch; a slice is the
  CPU one greenlet (the hub included) used before it switched away, that is, how long it held
  the loop. CPU time, so a machine busy with other work does not inflate it. Slices over
  SLICE_FLOOR are written with the greenlet's function name.
- `lag`: a probe greenlet sleeps TICK seconds at a time and notes how late it woke (wall clock:
  it also grows when the machine gives the process no CPU)."""
import os
import time

import gevent
import greenlet

from app.core import offload
from tests.rooms.live_app import app  # noqa: F401 - the WSGI app gunicorn serves

TICK = 0.005
LAG_FLOOR = 0.005
SLICE_FLOOR = 0.005
MODE = os.environ.get("BENCH_OFFLOAD", "pipes")

if MODE == "loop":
    def _on_the_loop(fn, *args, budget=offload.BUDGET, lane="heavy"):
        return fn(*args)
    offload.run = _on_the_loop
elif MODE == "huey":
    import huey_offload
    offload.run = huey_offload.run


_slices: list[str] = []
_last = [time.thread_time()]


def _name(g) -> str:
    run = getattr(g, "_run", None) or getattr(g, "run", None)
    name = getattr(run, "__qualname__", None) or type(g).__name__
    args = getattr(g, "args", None)
    if name.endswith("_handle_event_internal") and args and len(args) > 3 and args[3]:
        name += ":" + str(args[3][0])  # the Socket.IO event
    return name


def _trace(event, args) -> None:
    if event not in ("switch", "throw"):
        return
    now = time.thread_time()
    spent = now - _last[0]
    _last[0] = now
    if spent > SLICE_FLOOR:
        _slices.append(f"{time.time():.4f} slice {spent * 1000:.1f} {_name(args[0])}\n")


def _probe(path: str) -> None:
    with open(path, "a", buffering=1) as fh:
        while True:
            start = time.perf_counter()
            gevent.sleep(TICK)
            lag = time.perf_counter() - start - TICK
            if lag > LAG_FLOOR:
                fh.write(f"{time.time():.4f} lag {lag * 1000:.1f} -\n")
            while _slices:
                fh.write(_slices.pop(0))


if os.environ.get("BENCH_LAG_FILE"):
    greenlet.settrace(_trace)
    gevent.spawn(_probe, os.environ["BENCH_LAG_FILE"])
