"""Run a CPU-heavy function in a worker process while the calling greenlet waits: `run(fn, *args)`.

Rule: nothing CPU-heavy runs on the gevent event loop. Rendering a PDF, building a .docx or .xlsx
of a large document, and reading an uploaded .docx take seconds of pure CPU that never yield, so a
live room would stall; here they run in a separate process and the greenlet waits on a pipe
(gevent's wait_read), so the loop keeps serving. This mirrors app.core.markdown's render workers,
generalised to any module-level function whose arguments and result pickle.

A worker is a `python -c` process (_BOOT) running this module's serve() that imports what it is asked to run once and
serves calls one at a time, with an address-space limit (WORKER_MEMORY: a decompression bomb fails
there, not in the web process) and a lower CPU priority. A call over its budget kills the worker
(TimeoutError); an exception in the worker comes back as OffloadFailed. Only code of this project
names the function and the parent trusts only its own workers' pickles. When the job library
arrives, this one function is the call site to move.

Why not a library: gipc (gevent-cooperative processes) forks the serving process for each child,
database pools, sockets and gevent hub included; concurrent.futures / loky / pebble wait with
threads and multiprocessing queues that block or deadlock under gevent's monkey-patching. A
long-lived worker spoken to over a pipe, as app.core.markdown does, needs neither."""
import importlib
import os
import pickle
import signal
import struct
import sys
import threading
import time
from pathlib import Path

WORKERS = 2                 # calls at once per server process and lane; more wait their turn
# Two lanes, each with its own workers: a search or a diff (well under a second) does not wait
# behind five PDFs of several seconds each (bench/heavy_mix.py measured 5-7 s of waiting).
LANES = ("heavy", "quick")
IDLE = 1                    # warm workers kept between calls
BUDGET = 60.0               # seconds of wall clock for one call, by default
STARTUP = 30.0
WORKER_MEMORY = 2 * 1024 * 1024 * 1024
WORKER_NICE = 19
_ROOT = str(Path(__file__).resolve().parents[2])
_HEADER = struct.Struct("!Q")

try:
    from gevent.socket import wait_read as _wait_read
    from gevent.socket import wait_write as _wait_write
except ImportError:  # pragma: no cover - gevent is a dependency
    _wait_read = _wait_write = None


class OffloadFailed(RuntimeError):
    """The function raised in the worker (its repr is the message) or the worker died."""


def run(fn, *args, budget: float = BUDGET, lane: str = "heavy"):
    """fn(*args) computed in a worker process; the caller's greenlet waits without blocking the
    event loop. TimeoutError past `budget` seconds, OffloadFailed when fn raised or the worker died.
    `lane`: "heavy" (documents, PDFs, office files) or "quick" (reads and diffs a person waits
    for), each with its own workers."""
    request = pickle.dumps((fn.__module__, fn.__qualname__, args), protocol=pickle.HIGHEST_PROTOCOL)
    # SQLite: a request that has read (and so, beginning IMMEDIATE, holds the one write lock) but
    # written nothing ends its transaction, so the room's chat is written while the worker runs.
    from app.core.db import release_idle_write_lock  # not at the top: this module is also the worker
    from app.core.pacing import turn_aside
    release_idle_write_lock()
    pool = _get_pool(lane)
    with turn_aside(), pool.slots:
        worker = pool.take()
        try:
            status, value = pickle.loads(worker.call(request, budget))
        except BaseException:
            worker.kill()
            raise
        pool.give_back(worker)
    if status == "ok":
        return value
    raise OffloadFailed(value)


class Spawned:
    """A worker process started with os.posix_spawn, its stdin and stdout pipes held here (raw
    descriptors). Not subprocess.Popen: under gevent that forks this process, copying its page
    tables while the event loop waits, about 13 ms for a 250 MB server and every worker started
    (bench/README.md, "Heavy mix"); posix_spawn starts the interpreter without copying anything
    (about 0.2 ms). A worker closes the descriptors it inherited first thing (close_inherited)."""

    def __init__(self, argv: list[str]):
        to_child, self.stdin = os.pipe()
        self.stdout, from_child = os.pipe()
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            self.pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=[
                (os.POSIX_SPAWN_DUP2, to_child, 0), (os.POSIX_SPAWN_DUP2, from_child, 1),
                (os.POSIX_SPAWN_DUP2, devnull, 2)])
        except BaseException:
            os.close(self.stdin)
            os.close(self.stdout)
            raise
        finally:
            for fd in (to_child, from_child, devnull):
                os.close(fd)
        self.returncode: int | None = None
        self._open = True

    def poll(self) -> int | None:
        """The exit code once it has exited (-1 if another waiter reaped it), else None."""
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:  # reaped by a child watcher of gevent's
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def kill(self, wait: float = 5.0) -> None:
        """SIGKILL, reaped (waiting cooperatively up to `wait` seconds), pipes closed."""
        if self.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            deadline = time.monotonic() + wait
            while self.poll() is None and time.monotonic() < deadline:
                time.sleep(0.002)
        if self._open:
            self._open = False
            for fd in (self.stdin, self.stdout):
                try:
                    os.close(fd)
                except OSError:
                    pass


def close_inherited(cwd: str) -> None:
    """A worker's first step: close every descriptor but stdin, stdout and stderr (what
    posix_spawn let through that Popen's close_fds would have closed), and move to `cwd`."""
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.chdir(cwd)


class PipeWorker:
    """A worker process spoken to over its stdin and stdout, both non-blocking: the calling
    greenlet waits for the pipes (gevent's wait_read / wait_write) up to a deadline, so the event
    loop serves others meanwhile. Shared by these workers and app.core.markdown's renderers, each
    started here (Spawned) with its address space capped at `memory` bytes."""

    def __init__(self, argv: list[str], memory: int):
        self.proc = Spawned(argv)
        limit_memory(self.proc.pid, memory)
        self.out, self.inp = self.proc.stdin, self.proc.stdout
        os.set_blocking(self.out, False)
        os.set_blocking(self.inp, False)
        self.ready = False

    def write_all(self, data: bytes, deadline: float) -> None:
        view = memoryview(data)
        while view:
            try:
                view = view[os.write(self.out, view):]
            except BlockingIOError:
                _wait_write(self.out, timeout=time_left(deadline), timeout_exc=TimeoutError())

    def read_some(self, deadline: float, most: int = 1 << 20) -> bytes:
        """What the worker has written (b"" once it exited), waiting for it up to the deadline."""
        while True:
            try:
                return os.read(self.inp, most)
            except BlockingIOError:
                _wait_read(self.inp, timeout=time_left(deadline), timeout_exc=TimeoutError())

    def kill(self) -> None:
        self.proc.kill()


def limit_memory(pid: int, limit: int) -> None:
    """Caps a worker's address space (a decompression bomb fails there, not in the web process)
    from here, before it is sent any work; where the platform has no prlimit (not Linux) the
    worker runs without the cap."""
    try:
        import resource
        resource.prlimit(pid, resource.RLIMIT_AS, (limit, limit))
    except (ImportError, AttributeError, ValueError, OSError):
        pass


# the worker imports this module by its name (not as __main__), from this checkout
_BOOT = ("import sys; root = sys.argv[1]; sys.path[0] = root; from app.core import offload; "
         "offload.close_inherited(root); offload.serve(sys.stdin.buffer, sys.stdout.buffer)")


class _Worker(PipeWorker):
    def __init__(self):
        super().__init__([sys.executable, "-c", _BOOT, _ROOT], WORKER_MEMORY)

    def call(self, request: bytes, budget: float) -> bytes:
        if not self.ready:
            if self._read(1, time.monotonic() + STARTUP) != b"R":
                raise OffloadFailed("the worker did not start")
            self.ready = True
        deadline = time.monotonic() + budget
        self.write_all(_HEADER.pack(len(request)) + request, deadline)
        size = _HEADER.unpack(self._read(_HEADER.size, deadline))[0]
        return self._read(size, deadline)

    def _read(self, n: int, deadline: float) -> bytes:
        chunks, got = [], 0
        while got < n:
            chunk = self.read_some(deadline, min(n - got, 1 << 20))
            if not chunk:
                raise OffloadFailed("the worker exited")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)


def time_left(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("over budget")
    return left


class _Pool:
    def __init__(self):
        self.pid = os.getpid()
        self.slots = threading.BoundedSemaphore(WORKERS)
        self.idle: list[_Worker] = []

    def take(self) -> _Worker:
        while self.idle:
            worker = self.idle.pop()
            if worker.proc.poll() is None:
                return worker
        return _Worker()

    def give_back(self, worker: _Worker) -> None:
        self.idle.append(worker)
        while len(self.idle) > IDLE:
            self.idle.pop(0).kill()


_pools: dict[str, _Pool] = {}
_pool_lock = threading.Lock()


def _get_pool(lane: str = "heavy") -> _Pool:
    if lane not in LANES:
        raise ValueError(f"unknown lane {lane}")
    pool = _pools.get(lane)
    if pool is None or pool.pid != os.getpid():
        with _pool_lock:
            pool = _pools.get(lane)
            if pool is None or pool.pid != os.getpid():
                pool = _pools[lane] = _Pool()
    return pool


def serve(stdin, stdout) -> None:
    """The worker loop: b"R" once started, then one framed answer per framed request."""
    os.nice(WORKER_NICE)
    stdout.write(b"R")
    stdout.flush()
    while True:
        header = stdin.read(_HEADER.size)
        if len(header) < _HEADER.size:
            return
        module, qualname, args = pickle.loads(stdin.read(_HEADER.unpack(header)[0]))
        try:
            fn = importlib.import_module(module)
            for part in qualname.split("."):
                fn = getattr(fn, part)
            answer = ("ok", fn(*args))
        except BaseException as exc:  # noqa: BLE001 - reported to the parent, the worker serves on
            answer = ("error", repr(exc)[:1000])
        try:
            data = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # an answer that does not pickle
            data = pickle.dumps(("error", repr(exc)[:1000]))
        stdout.write(_HEADER.pack(len(data)) + data)
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
