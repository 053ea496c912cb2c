"""Markdown rendering (python-markdown, raw HTML off, then nh3) whose cost is bounded.

Threat: python-markdown is quadratic or worse on some inputs (unclosed reference-link brackets
`[a][`, nested brackets, deep blockquotes, runs of headings or rules in one block, abbreviations),
and a render never yields to gevent, so one 20 KB comment once held the whole server for 21 s.
Three layers bound the cost (docs/security.md, "Pathological Markdown"):

1. `check_shape` is a linear pre-scan that refuses, with TooComplex (422 too_complex), structures
   no real document has: bracket or parenthesis nesting deeper than MAX_NESTING within one
   paragraph, blockquotes nested deeper than MAX_QUOTE_DEPTH, more than MAX_BLOCK_BREAKERS
   heading or rule lines in one block, more than MAX_HEADINGS headings in all.
2. A body that is small and has little markup (`_cheap`: at most INLINE_MAX characters, 16
   lines, 8 brackets, ...) renders in-process: its measured worst case is about 10 ms, and
   every ordinary chat line takes this path.
3. Anything else renders in a worker process (app/core/markdown_engine.py), at the lowest CPU
   priority, with a budget of CPU time; the caller's greenlet waits on the pipe, so the event
   loop keeps serving. A render that spends its budget stops and is refused as TooComplex (the
   worker keeps serving); one that overruns WALL_FACTOR times its budget in wall-clock time (a
   starved or stuck worker) is killed (a process can be killed, a thread cannot) and refused.
   On SQLite, a transaction that has written nothing yet is ended first, so the one write
   lock is not held while the worker renders (app.core.db.release_idle_write_lock).

Callers render before they write anything, so a refusal leaves nothing half-written."""
import copy
import hashlib
import json
import logging
import os
import re
import sys
import threading
import time
from collections import OrderedDict
from pathlib import Path

from markupsafe import Markup

from app.core.db import release_idle_write_lock
from app.core.errors import TooComplex
from app.core.offload import PipeWorker
from app.core.pacing import turn_aside
from app.core.markdown_engine import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, convert, sanitise, text_of  # noqa: F401

log = logging.getLogger(__name__)

MAX_NESTING = 16            # unclosed [ or ( inside one paragraph
MAX_QUOTE_DEPTH = 16        # > > > ...
MAX_BLOCK_BREAKERS = 64     # heading / rule lines inside one block (no blank line between)
MAX_HEADINGS = 1000         # in a whole body (the table of contents' unique ids are quadratic)
INLINE_MAX = 2000           # characters; = rooms.services.CHAT_MAX
BUDGET = 0.4                # seconds of CPU time for a body up to BUDGET_BYTES (a real 50 KB
                            # document takes 0.13 s: bench/README.md) ...
BUDGET_BYTES = 50 * 1024    # ... and proportionally more above (secretariat documents, minutes)
MAX_BUDGET = 1.6            # seconds, whatever the size (a 200 KB body; the anchored rendering
                            # of a document version adds a marker paragraph per block)
WALL_FACTOR = 2.0           # wall-clock deadline = this x the CPU budget: a participant's post
                            # (up to 50 KB) is answered within a second however hostile
WORKERS = 2                 # render processes per server process
STARTUP = 30.0              # seconds a new worker may take to import python-markdown and nh3
WORKER_MEMORY = 1024 * 1024 * 1024   # address space of a render process, bytes

_ENGINE = str(Path(__file__).with_name("markdown_engine.py"))
_NOT_SQUARE = bytes(b for b in range(256) if b not in b"[]")   # bytes.translate deletes these
_NOT_ROUND = bytes(b for b in range(256) if b not in b"()")
_BLANK = re.compile(r"\n[ \t]*\n")
_BLANK_BYTES = re.compile(rb"\n[ \t]*\n")
# Line patterns start with a literal newline (the body is scanned as "\n" + body): the regex
# engine then jumps from newline to newline, and every repetition is bounded, so each scan is
# linear and fast in C.
_DEEP_QUOTE = re.compile(r"\n {0,3}(?:>[ \t]?){%d}>" % MAX_QUOTE_DEPTH)
_HEADING = re.compile(r"\n {0,3}#")
_BREAKER = re.compile(r"\n {0,3}(?:#|\*[ \t]*\*[ \t]*\*|-[ \t]*-[ \t]*-|_[ \t]*_[ \t]*_)")
_CHEAP_LIMITS = (("[", 8), ("\n", 16), ("*", 64), ("_", 64), ("`", 32), ("|", 32), ("\\", 64),
                 ("{", 8), (">", 32), (":", 32))


def check_shape(body: str) -> None:
    """Refuse (TooComplex) structures that no real document has; linear in the length."""
    if body.count("[") > MAX_NESTING or body.count("(") > MAX_NESTING:
        # In UTF-8 no byte of a multi-byte character is a bracket, so bytes are safe and fast.
        for paragraph in _BLANK_BYTES.split(body.encode("utf-8", "surrogatepass")):
            _check_nesting(paragraph.translate(None, _NOT_SQUARE), b"[]")
            _check_nesting(paragraph.translate(None, _NOT_ROUND), b"()")
    lines = "\n" + body
    if _DEEP_QUOTE.search(lines) or len(_HEADING.findall(lines)) > MAX_HEADINGS:
        raise TooComplex()
    if len(_BREAKER.findall(lines)) > MAX_BLOCK_BREAKERS:
        for block in _BLANK.split(body):
            if len(_BREAKER.findall("\n" + block)) > MAX_BLOCK_BREAKERS:
                raise TooComplex()


def _check_nesting(brackets: bytes, pair: bytes) -> None:
    """`brackets` holds only the paragraph's brackets. Removing matched pairs takes one pass per
    level of nesting, so more than MAX_NESTING passes means nesting too deep; what is left is
    closers then openers, and more than MAX_NESTING openers are never closed."""
    if len(brackets) <= MAX_NESTING:
        return
    for _ in range(MAX_NESTING):
        reduced = brackets.replace(pair, b"")
        if reduced == brackets:
            break
        brackets = reduced
    else:
        if pair in brackets:
            raise TooComplex()
    if brackets.count(pair[:1]) > MAX_NESTING:
        raise TooComplex()


def _cheap(body: str) -> bool:
    """Small enough, and with little enough markup, that python-markdown's worst case on it is
    a few milliseconds (tests/security/test_markdown_bombs.py measures it)."""
    return len(body) <= INLINE_MAX and all(body.count(c) <= n for c, n in _CHEAP_LIMITS)


def budget_for(body: str) -> float:
    size = len(body.encode("utf-8", "surrogatepass"))
    return min(MAX_BUDGET, BUDGET * max(1.0, size / BUDGET_BYTES))


# --- the worker processes ----------------------------------------------------------------------

class _Worker(PipeWorker):
    """One render process, spoken to with one JSON line each way; killed when over budget."""

    def __init__(self):
        super().__init__([sys.executable, "-I", _ENGINE], WORKER_MEMORY)
        self.buf = b""

    def poll_ready(self) -> bool:
        """Whether the start-up line has arrived, without waiting."""
        if not self.ready:
            try:
                chunk = os.read(self.inp, 1 << 16)
            except BlockingIOError:
                return False
            self.buf += chunk
            if not chunk:  # it exited while starting: the caller's _read_line says so
                return False
            if b"\n" in self.buf:
                self.buf = self.buf.split(b"\n", 1)[1]
                self.ready = True
        return self.ready

    def call(self, payload: bytes, budget: float) -> bytes:
        """Send one request line, return the answer line; TimeoutError past the budget, which
        starts once the worker is ready."""
        if not self.poll_ready():
            try:
                self._read_line(time.monotonic() + STARTUP)
            except TimeoutError:
                raise EOFError("the render worker did not start") from None
            self.ready = True
        deadline = time.monotonic() + budget
        self.write_all(payload, deadline)
        return self._read_line(deadline)

    def _read_line(self, deadline: float) -> bytes:
        chunks, self.buf = [self.buf], b""
        while True:
            chunk = self.read_some(deadline, 1 << 16)
            if not chunk:
                raise EOFError("the render worker exited")
            chunks.append(chunk)
            if chunk.endswith(b"\n"):
                return b"".join(chunks)


class _Pool:
    """Idle workers of this process (a forked child builds its own), at most WORKERS busy, and
    one spare started ahead: a killed worker's replacement imports python-markdown while the
    spare serves, so start-up is rarely waited for."""

    def __init__(self, size: int):
        self.pid = os.getpid()
        self.idle: list[_Worker] = []
        self.slots = threading.BoundedSemaphore(size)

    def render(self, body: str, with_toc: bool, budget: float, text: bool = False) -> dict:
        """The worker's answer; `budget` is CPU seconds, enforced by the worker itself, with a
        wall-clock deadline of WALL_FACTOR times it enforced here by killing the worker."""
        payload = json.dumps({"body": body, "toc": with_toc, "cpu": budget, "text": text}
                             ).encode("utf-8", "surrogatepass") + b"\n"
        with turn_aside(), self.slots:
            worker = self._take()
            try:
                answer = json.loads(worker.call(payload, budget * WALL_FACTOR))
            except TimeoutError:
                worker.kill()
                self.idle.insert(0, _Worker())  # warms up behind the ready ones
                raise TooComplex() from None
            except BaseException:
                worker.kill()
                raise
            self.idle.append(worker)
            while len(self.idle) > WORKERS:
                self.idle.pop(0).kill()
        return answer

    def _take(self) -> _Worker:
        """A ready worker if there is one (else the oldest started), leaving a spare behind."""
        ready = [w for w in self.idle if w.poll_ready()]
        worker = ready[-1] if ready else (self.idle[-1] if self.idle else _Worker())
        if worker in self.idle:
            self.idle.remove(worker)
        if not self.idle:
            self.idle.append(_Worker())
        return worker

    def close(self) -> None:
        while self.idle:
            self.idle.pop().kill()


_pool: _Pool | None = None
_pool_lock = threading.Lock()


def _get_pool() -> _Pool:
    global _pool
    if _pool is None or _pool.pid != os.getpid():
        with _pool_lock:
            if _pool is None or _pool.pid != os.getpid():
                _pool = _Pool(WORKERS)
    return _pool


# The last few long renders, by digest: minutes are rendered when written, again in the answer
# and on every read. Refusals are not remembered (one may come from a busy moment).
_recent: OrderedDict[tuple[bytes, bool], tuple[str, list, str | None]] = OrderedDict()
RECENT = 16


def _render(body: str, with_toc: bool, text: bool = False) -> tuple[str, list, str | None]:
    """(html, toc tokens, the words when `text` is asked, else None)."""
    body = body or ""
    check_shape(body)
    if _cheap(body):
        try:
            html, toc = convert(body, with_toc)
        except RecursionError:
            raise TooComplex() from None
        return html, toc, (text_of(html) if text else None)
    key = (hashlib.blake2b(body.encode("utf-8", "surrogatepass"), digest_size=20).digest(), with_toc)
    if key in _recent:
        _recent.move_to_end(key)
        html, toc, words = _recent[key]
        return html, copy.deepcopy(toc), words
    release_idle_write_lock()  # SQLite: others write while this greenlet waits for the worker
    # A plain render always brings the words back too (render_text asks only for plain ones):
    # what is posted is indexed for search next, and finds them here instead of asking again.
    answer = _get_pool().render(body, with_toc, budget_for(body), not with_toc)
    if "error" in answer:
        if answer["error"] != "too_complex":
            log.error("markdown render failed: %s", answer.get("detail"))
        raise TooComplex()
    _recent[key] = (answer["html"], answer["toc"], answer.get("text"))
    while len(_recent) > RECENT:
        _recent.popitem(last=False)
    return _recent[key]


def render(body: str) -> str:
    """Sanitised HTML for a Markdown body. Raises TooComplex (422) for a body whose structure or
    render time is out of bounds; call it before writing anything."""
    return _render(body, False)[0]


def render_with_toc(body: str) -> tuple[str, list[dict]]:
    """Sanitised HTML and the table of contents tokens (level, id, name, children); TooComplex
    as render()."""
    return _render(body, True)[:2]


def render_text(body: str) -> str:
    """The words of a Markdown body without markup (HTML entities decoded); TooComplex as
    render(). A long body's words are taken in the worker with its HTML, not in this process."""
    return _render(body, False, True)[2]


_ID = re.compile(r'(\sid=")([^"]+")')
_FRAGMENT = re.compile(r'(\shref="#)([^"]+")')


def prefix_ids(html: str, prefix: str) -> Markup:
    """Rendered Markdown with its ids (heading anchors, footnotes) and the in-page links to them
    prefixed: a page showing two renderings of one text (two versions or two languages side by
    side) would otherwise carry every id twice, which HTML forbids and which sends a footnote
    link to the wrong column."""
    out = _ID.sub(lambda m: m.group(1) + prefix + m.group(2), str(html))
    return Markup(_FRAGMENT.sub(lambda m: m.group(1) + prefix + m.group(2), out))


def init_app(app) -> None:
    app.add_template_filter(prefix_ids, "prefix_ids")
