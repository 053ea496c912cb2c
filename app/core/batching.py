"""Requests that arrive together, served together. At a reconnect storm a thousand sockets
connect and join at once; each did the same few statements in its own transaction (the sign-in,
the connection row, the room). A Batcher serves whoever is waiting in one call: the first caller
to find it idle leads, runs `run` over every item queued by then (its own first), hands each
waiting caller its answer, and passes the lead to the first caller that queued meanwhile. No
caller waits for a timer when callers are few: alone, a caller is served at once, as before.
Under gevent a batch that does not wait for the network (SQLite) holds the loop, so nobody else
could queue while it ran and every batch would be of one: a leader that comes within BUSY
seconds of the last batch first gives the loop back once (app.core.pacing.pause, 1 ms), and the
events already read from the sockets queue behind it.

`run(items)` returns one outcome per item, in order: a value, or an exception instance, which
is raised in that caller's own greenlet or thread. If `run` itself raises, every caller of that
batch gets the exception."""
import threading
import time
from collections.abc import Callable

from app.core.pacing import pause

BUSY = 0.05  # seconds


class _Slot:
    __slots__ = ("item", "outcome", "done", "lead", "ready")

    def __init__(self, item) -> None:
        self.item, self.outcome, self.done, self.lead = item, None, False, False
        self.ready = threading.Event()  # a gevent event under the gevent worker (monkey-patched)


class Batcher:
    def __init__(self, run: Callable[[list], list], limit: int = 200) -> None:
        self.run, self.limit = run, limit
        self._pending: list[_Slot] = []
        self._busy = False
        self._lock = threading.Lock()
        self.batches = 0  # how many runs served how many items (tests, benchmarks)
        self.items = 0
        self._last = float("-inf")  # when the last batch ended (time.monotonic)

    def submit(self, item):
        slot = _Slot(item)
        with self._lock:
            self._pending.append(slot)
            slot.lead = not self._busy
            self._busy = True
        if not slot.lead:
            slot.ready.wait()
            if slot.done:
                return _unwrap(slot.outcome)
        self._serve(slot)
        return _unwrap(slot.outcome)

    def _serve(self, leader: _Slot) -> None:
        batch: list[_Slot] = []
        try:
            if time.monotonic() - self._last < BUSY:
                pause()
            with self._lock:
                batch, self._pending = self._pending[:self.limit], self._pending[self.limit:]
            try:
                outcomes = self.run([s.item for s in batch])
                if len(outcomes) != len(batch):
                    raise RuntimeError("a batch answered %d of %d items" % (len(outcomes), len(batch)))
            except Exception as err:  # noqa: BLE001 - each caller raises it in its own context
                outcomes = [err] * len(batch)
        except BaseException:
            # the leader itself was stopped (GreenletExit at shutdown): its batch is answered with
            # an error and the lead still passes on, so nobody waits for a leader that is gone
            with self._lock:
                if leader in self._pending:
                    self._pending.remove(leader)
            self._hand_off(batch, [RuntimeError("the batch was stopped")] * len(batch))
            raise
        self._hand_off(batch, outcomes)

    def _hand_off(self, batch: list[_Slot], outcomes: list) -> None:
        """Answer the batch's callers and wake the first caller that queued meanwhile to lead."""
        self.batches += 1
        self.items += len(batch)
        for slot, outcome in zip(batch, outcomes, strict=True):
            slot.outcome, slot.done = outcome, True
        self._last = time.monotonic()
        with self._lock:
            nxt = self._pending[0] if self._pending else None
            if nxt is None:
                self._busy = False
            else:
                nxt.lead = True
        for slot in batch:
            slot.ready.set()
        if nxt is not None:
            nxt.ready.set()


def _unwrap(outcome):
    if isinstance(outcome, BaseException):
        raise outcome
    return outcome
