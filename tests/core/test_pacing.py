"""app.core.pacing's turns: heavy requests' in-process parts run one at a time, a request that
waits for a worker lets the others take the turn meanwhile, and a turn is never waited for
longer than TURN_WAIT (it cannot deadlock two requests)."""
import threading
import time

from app.core import pacing


def _run(*targets):
    threads = [threading.Thread(target=t) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)


def test_heavy_parts_take_turns_and_never_overlap():
    spans = []

    def heavy(name):
        def body():
            with pacing.turn():
                start = time.monotonic()
                time.sleep(0.05)  # stands for ~50 ms of CPU in one piece
                spans.append((name, start, time.monotonic()))
        return body

    _run(heavy("a"), heavy("b"), heavy("c"))
    spans.sort(key=lambda s: s[1])
    assert len(spans) == 3
    for (_n1, _s1, end1), (_n2, start2, _e2) in zip(spans, spans[1:], strict=False):
        assert start2 >= end1  # one after the other


def test_waiting_for_a_worker_gives_the_turn_to_others():
    order = []
    a_waits, b_done = threading.Event(), threading.Event()

    def a():
        with pacing.turn():
            order.append("a starts")
            with pacing.turn_aside():  # e.g. offload.run waiting for its worker
                a_waits.set()
                assert b_done.wait(5)
            order.append("a ends")

    def b():
        assert a_waits.wait(5)
        with pacing.turn():
            order.append("b")
        b_done.set()

    _run(a, b)
    assert order == ["a starts", "b", "a ends"]


def test_a_turn_is_not_waited_for_longer_than_turn_wait(monkeypatch):
    monkeypatch.setattr(pacing, "TURN_WAIT", 0.1)
    held, got_in = threading.Event(), []

    def hog():
        with pacing.turn():
            held.set()
            time.sleep(0.6)

    def other():
        assert held.wait(5)
        start = time.monotonic()
        with pacing.turn():
            got_in.append(time.monotonic() - start)

    _run(hog, other)
    assert got_in and got_in[0] < 0.5  # went on without the turn rather than waiting it out


def test_a_turn_inside_a_turn_is_the_same_turn_and_is_given_back_once():
    done = []
    with pacing.turn():
        with pacing.turn():
            done.append(1)
        with pacing.turn_aside():
            done.append(2)
        lock = pacing._state()[0]
        assert not lock.acquire(blocking=False)  # still this block's turn
    assert lock.acquire(blocking=False)  # given back at the end of the outer block
    lock.release()
    assert done == [1, 2]
