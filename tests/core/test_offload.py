"""app.core.offload: a function runs in a worker process, within its memory limit and time budget,
and the event loop serves other greenlets meanwhile."""
import math
import time

import gevent
import pytest

from app.core import offload
from tests.greenlets import ticks_during


def test_a_function_runs_in_a_worker_and_answers():
    assert offload.run(math.factorial, 30) == math.factorial(30)


def test_an_error_in_the_worker_comes_back_as_offload_failed():
    with pytest.raises(offload.OffloadFailed, match="ValueError"):
        offload.run(math.factorial, -1)


def test_memory_beyond_the_worker_limit_fails_in_the_worker():
    with pytest.raises(offload.OffloadFailed, match="MemoryError"):
        offload.run(bytearray, offload.WORKER_MEMORY + 1)
    assert offload.run(math.factorial, 5) == 120  # the worker serves on


def test_a_call_over_its_budget_is_stopped_and_the_next_call_is_served():
    with pytest.raises(TimeoutError):
        offload.run(time.sleep, 30, budget=0.5)
    assert offload.run(math.factorial, 6) == 720


def test_other_greenlets_run_while_a_worker_computes():
    total, ticks = ticks_during(lambda: offload.run(sum, range(20_000_000)))
    assert total == sum(range(20_000_000)) and ticks > 0


def test_a_quick_call_does_not_wait_behind_the_heavy_lane():
    """A search or a diff (the quick lane) is answered while the heavy lane's every worker is busy
    with long work (five PDFs made the diff and search wait 5-7 s in bench/heavy_mix.py)."""
    assert offload.run(math.factorial, 3, lane="quick") == 6   # its worker is started and warm
    done = []

    def heavy():
        offload.run(time.sleep, 4)
        done.append("heavy")

    def quick():
        done.append(("quick", offload.run(math.factorial, 10, lane="quick")))

    busy = [gevent.spawn(heavy) for _ in range(offload.WORKERS)]
    gevent.sleep(0.1)
    gevent.joinall(busy + [gevent.spawn(quick)], timeout=120)
    assert done[0] == ("quick", math.factorial(10)) and done.count("heavy") == offload.WORKERS, done
    with pytest.raises(ValueError):
        offload.run(math.factorial, 3, lane="slow")


def _open_fds(pid: int) -> set[int]:
    import os
    return {int(fd) for fd in os.listdir(f"/proc/{pid}/fd")}


@pytest.mark.parametrize("make", ["offload", "markdown"])
def test_a_worker_keeps_no_descriptor_of_the_server_and_starts_where_it_should(make):
    """Workers are started with posix_spawn (no fork of the server's memory), so they close what
    they inherited themselves: a socket or file the server holds must not stay open in them."""
    import os
    import socket

    from app.core import markdown
    leak = socket.socket()
    os.set_inheritable(leak.fileno(), True)
    try:
        worker = offload._Worker() if make == "offload" else markdown._Worker()
        try:
            if make == "offload":
                assert worker.call(__import__("pickle").dumps(("math", "factorial", (5,))), 30)
                cwd = offload._ROOT
            else:
                assert b'"html"' in worker.call(b'{"body": "*x*", "toc": false, "cpu": 5, "text": false}\n', 30)
                cwd = "/"
            assert _open_fds(worker.proc.pid) <= {0, 1, 2}
            assert os.readlink(f"/proc/{worker.proc.pid}/cwd") == cwd
        finally:
            worker.kill()
        assert worker.proc.returncode is not None  # reaped: no zombie left behind
        assert not os.path.exists(f"/proc/{worker.proc.pid}/status") or \
            "zombie" not in open(f"/proc/{worker.proc.pid}/status").read()
    finally:
        leak.close()
