"""Giving a burst's memory back to the system once the burst is over.

At a reconnect storm a worker builds, fifty joiners at a time, answers that list everyone present
(up to 160 KB at 1,000 people, and several copies of each on its way to the socket), while the
same moments create the new sockets' long-lived state. glibc's malloc places those long-lived
blocks among the freed answers, and its heap only ever shrinks from the top, so the answers'
memory stays in the process, free but not returned: 5-8 MiB of each worker's RSS at 1,000
delegates over two workers (bench/memory_at_load.py: `malloc_free_mib`, against 0.4 MiB for the
bare Flask-SocketIO server). malloc_trim(0) hands the free pages inside the heap back (madvise),
which glibc's own trimming never does.

So socket batches (app.core.sockets) count what they served with note(); once BURST items have
been served and a whole QUIET period passes with no more, the process's tick (app.core.ticker)
trims once (release()), on the event loop: measured at 0.2-0.6 ms on a worker's 45 MiB heap
(bench/README.md, "Memory at load"). Nothing is trimmed while a storm lasts, nor after ordinary
traffic. Where the C library is not glibc, release() does nothing.
"""
import ctypes
import logging
import threading
import time

from flask import current_app, has_app_context

from app.core.ticker import Ticker

log = logging.getLogger(__name__)

BURST = 100  # socket events served (joins, batched actions) that make a burst worth trimming after
QUIET = 2.0  # seconds with no more of them before the trim

_lock = threading.Lock()
_served = 0  # items noted since the last trim
_seen = 0  # what the last tick saw of it
releases = 0  # how many trims this process made (tests, benchmarks)


def _malloc_trim():
    try:  # glibc's soname: not ctypes.util.find_library, which runs ldconfig in a subprocess
        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return None


_trim = _malloc_trim()


def note(items: int) -> None:
    """`items` socket events were just served together: part of a burst, perhaps."""
    global _served
    with _lock:
        _served += items
    if has_app_context():
        _ticker.ensure(current_app._get_current_object(), QUIET)


def release_if_quiet(seen: int) -> tuple[bool, int]:
    """The check the background loop makes every QUIET seconds: `seen` is the count it saw last
    time. Trims when a burst (at least BURST items) is over, i.e. nothing was served since.
    Returns (trimmed, the count now)."""
    global _served
    with _lock:
        now = _served
        over = now >= BURST and now == seen
        if over:
            _served = 0
    if over:
        release()
        return True, 0
    return False, now


def release() -> float:
    """Give the free pages of the C heap back to the system now; returns the seconds it took."""
    global releases
    if _trim is None:
        return 0.0
    started = time.perf_counter()
    _trim(0)
    took = time.perf_counter() - started
    releases += 1
    log.debug("heap released after a burst in %.2f ms", took * 1000)
    return took


def _tick() -> None:
    global _seen
    _trimmed, _seen = release_if_quiet(_seen)


_ticker = Ticker(_tick)
