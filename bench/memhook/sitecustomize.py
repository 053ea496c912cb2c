"""Loaded only by bench/memory_at_load.py's servers (PYTHONPATH=bench/memhook): in each forked
worker a thread waits for a request file `go<n>.<pid>` in $MEMHOOK_DIR and answers in
`snap<n>.<pid>` with the worker's RSS as it is, after gc.collect() and after malloc_trim(0),
and the number of live objects and greenlets."""
import os
import threading
import time

_DIR = os.environ.get("MEMHOOK_DIR")


def _rss() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _watch() -> None:
    import ctypes
    import gc
    import json
    n = 0
    while True:
        time.sleep(0.3)
        ask = os.path.join(_DIR, f"go{n}.{os.getpid()}")
        if not os.path.exists(ask):
            continue
        as_is = _rss()
        gc.collect()
        collected = _rss()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        trimmed = _rss()
        import greenlet
        objects = gc.get_objects()
        answer = {"pid": os.getpid(), "rss_mib": round(as_is, 1), "after_gc_mib": round(collected, 1),
                  "after_trim_mib": round(trimmed, 1), "objects": len(objects), "frozen": gc.get_freeze_count(),
                  "greenlets": sum(1 for o in objects if isinstance(o, greenlet.greenlet))}
        del objects
        with open(os.path.join(_DIR, f"snap{n}.{os.getpid()}"), "w") as fh:
            json.dump(answer, fh)
        os.rename(ask, ask + ".done")
        n += 1


if _DIR:
    os.register_at_fork(after_in_child=lambda: threading.Thread(target=_watch, daemon=True).start())
