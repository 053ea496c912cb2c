"""Giving the event loop back between the pieces of long background work.

Under gevent, `sleep(0)` is a weak yield: the hub runs callbacks, including ones queued while it
runs them, for up to 50 at a time before it looks at the clock, so a loop of 2 ms pieces each
ending in `sleep(0)` kept the rooms waiting 260 ms at a time (bench/heavy_mix.py, mails sent
one after another). A real timer, however short, puts the next piece behind the sockets and
timers that are ready. Outside gevent (the CLI worker, threads) it is a plain short sleep."""
import threading
import time
from contextlib import contextmanager
from functools import wraps

PAUSE = 0.001  # seconds


def pause() -> None:
    """Let every other ready greenlet (chat, joins, timers) run before going on."""
    time.sleep(PAUSE)


# --- turns: heavy requests' in-process parts one at a time ----------------------------------

TURN_WAIT = 0.5  # seconds at most a request waits for its turn before going on without it
_turns: tuple | None = None


def _state():
    """(the turn's lock, who holds what): made at first use, after gevent has patched threading
    (a gevent lock and a greenlet-local), whenever this module was imported."""
    global _turns
    if _turns is None:
        _turns = (threading.Lock(), threading.local())
    return _turns


@contextmanager
def turn():
    """Run the block (the in-process part of a heavy request: a PDF's HTML, a diff, a search)
    in this process's turn: one such block at a time, each after the loop was given back once.
    Seven heavy requests landing together ran their ~10 ms parts back to back, and a chat
    message that arrived meanwhile waited behind all of them (bench/heavy_mix.py); taking turns
    it waits behind one. While the block waits for a worker process (turn_aside), others take
    the turn. A turn is a courtesy, not a lock: after TURN_WAIT seconds the block goes on
    without it, so two requests can never wait on each other through it."""
    _turn, _holder = _state()
    if getattr(_holder, "depth", 0):
        _holder.depth += 1
        try:
            yield
        finally:
            _holder.depth -= 1
        return
    _holder.depth, _holder.got = 1, _turn.acquire(timeout=TURN_WAIT)
    try:
        pause()
        yield
    finally:
        _holder.depth = 0
        if _holder.got:
            _holder.got = False
            _turn.release()


@contextmanager
def turn_aside():
    """Around a wait for a worker process: the turn, if this greenlet has it, goes to others
    meanwhile and is taken again after."""
    _turn, _holder = _state()
    if not getattr(_holder, "got", False):
        yield
        return
    _holder.got = False
    _turn.release()
    try:
        yield
    finally:
        _holder.got = _turn.acquire(timeout=TURN_WAIT)
        pause()


def takes_turns(view):
    """A view whose work is heavy (a PDF, a diff, a search) runs in its turn (turn())."""
    @wraps(view)
    def in_turn(*args, **kwargs):
        with turn():
            return view(*args, **kwargs)
    return in_turn
