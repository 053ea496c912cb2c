"""After a burst of socket work (a reconnect storm), a worker gives the free memory inside its C
heap back to the system once the burst is over, not during it and not after ordinary traffic
(app/core/heap.py)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import heap

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_count():
    with heap._lock:  # start each test from nothing noted
        heap._served = 0
    yield
    with heap._lock:
        heap._served = 0


def test_the_heap_is_trimmed_once_a_burst_is_over():
    before = heap.releases
    heap.note(heap.BURST)
    trimmed, seen = heap.release_if_quiet(0)  # the burst was still arriving at the last look
    assert not trimmed and seen == heap.BURST
    trimmed, seen = heap.release_if_quiet(seen)  # nothing more since: over
    assert trimmed and seen == 0
    assert heap.releases == before + (1 if heap._trim else 0)
    assert heap.release_if_quiet(0) == (False, 0)  # once, not again and again


def test_no_trim_while_the_burst_lasts_nor_after_a_few_events():
    heap.note(heap.BURST)
    trimmed, seen = heap.release_if_quiet(0)
    heap.note(50)  # still coming
    trimmed, seen = heap.release_if_quiet(seen)
    assert not trimmed and seen == heap.BURST + 50
    with heap._lock:
        heap._served = 0
    heap.note(heap.BURST - 1)  # ordinary traffic
    seen = heap.release_if_quiet(0)[1]
    assert heap.release_if_quiet(seen) == (False, heap.BURST - 1)


@pytest.mark.skipif(heap._trim is None, reason="the C library is not glibc: release() does nothing")
def test_release_gives_the_free_pages_back_to_the_system():
    """In a fresh process: big blocks freed among small ones that stay (as a storm's answers among
    its sockets) leave the RSS high until release()."""
    code = """
import random
from app.core import heap
def rss():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024
random.seed(7)
keep, gone = [], []
for _ in range(20000):
    gone.append(bytearray(random.choice([2000, 8000, 30000])))
    keep.append(bytearray(700))
del gone
before = rss()
heap.release()
print(before, rss())
"""
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         check=True, env=dict(os.environ, PYTHONPATH=str(ROOT))).stdout.split()
    before, after = map(float, out)
    assert before - after > 50  # MiB: the freed blocks' pages went back
