"""Huey as the engine of app.core.offload.run, for the heavy-mix comparison (bench/heavy_mix.py).

`run(fn, *args, budget=...)` has offload.run's signature and contract: fn(*args) computed by a
Huey consumer's process worker (address-space limit WORKER_MEMORY, niced, Huey's task timeout as
the budget), the calling greenlet waiting without blocking the loop: the SQLite storage is polled
with gevent's sleep; Redis (BARAZA_REDIS_URL) answers through BLPOP on a gevent socket
(notify_result). The web process starts its own consumer the first time, as offload starts its
pipe workers, so nothing is started by hand. Storage: a SQLite file in the instance directory, or
Redis when BARAZA_REDIS_URL is set (the queue named by BENCH_HUEY_QUEUE, one per bench run)."""
import importlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.exceptions import ResultTimeout, TaskException

from app.core import offload

_NAME = os.environ.get("BENCH_HUEY_QUEUE", "baraza-jobs")
_REDIS = os.environ.get("BARAZA_REDIS_URL")
_FILE = Path(os.environ.get("BARAZA_INSTANCE_PATH", "instance")) / "jobs.db"
huey = (RedisHuey(_NAME, url=_REDIS, notify_result=True) if _REDIS else
        SqliteHuey(_NAME, filename=str(_FILE)))


@huey.on_startup()
def _limits() -> None:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (offload.WORKER_MEMORY, offload.WORKER_MEMORY))
    os.nice(offload.WORKER_NICE)


@huey.task()
def call(module: str, qualname: str, args: tuple):
    fn = importlib.import_module(module)
    for part in qualname.split("."):
        fn = getattr(fn, part)
    return fn(*args)


_consumer: dict[int, subprocess.Popen] = {}
_lock = threading.Lock()


def _ensure_consumer() -> None:
    with _lock:
        proc = _consumer.get(os.getpid())
        if proc is not None and proc.poll() is None:
            return
        here = Path(__file__).resolve().parent
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(here.parent), str(here), os.environ.get("PYTHONPATH", "")]))
        _consumer[os.getpid()] = subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "huey_offload.huey", "-k", "process",
             "-w", str(offload.WORKERS), "-d", "0.005", "-m", "0.05", "-b", "1.5", "-n", "-q"],
            cwd=str(here.parent), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run(fn, *args, budget: float = offload.BUDGET, lane: str = "heavy"):
    """offload.run through Huey: TimeoutError past budget, OffloadFailed when fn raised."""
    from app.core.db import release_idle_write_lock
    release_idle_write_lock()
    _ensure_consumer()
    result = huey.enqueue(call.s(fn.__module__, fn.__qualname__, args, timeout=budget))
    deadline = time.monotonic() + budget + offload.STARTUP
    while True:  # one-second waits: a BLPOP of several seconds came back empty at 5 s here
        try:
            return result.get(blocking=True, timeout=1.0, backoff=1.3, max_delay=0.05)
        except ResultTimeout:
            if time.monotonic() > deadline:
                result.revoke()
                raise TimeoutError("over budget") from None
        except TaskException as exc:
            raise offload.OffloadFailed(str(exc)) from None
