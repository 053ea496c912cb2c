"""app.core.batching.Batcher: callers who arrive while a batch is being served are served
together in the next one, each gets its own outcome, one caller's refusal is its own, and a
caller alone is served at once."""
import threading
import time

import pytest

from app.core.batching import Batcher


class Held:
    """A run that holds its first batch until released, and records every batch it got."""

    def __init__(self, answer=lambda item: item * 10):
        self.batches, self.answer = [], answer
        self.started, self.release = threading.Event(), threading.Event()

    def __call__(self, items):
        self.batches.append(list(items))
        if len(self.batches) == 1:
            self.started.set()
            assert self.release.wait(5)
        return [self.answer(item) for item in items]


def _submit_all(batcher, items):
    results, errors = {}, {}

    def one(item):
        try:
            results[item] = batcher.submit(item)
        except Exception as err:  # noqa: BLE001 - recorded for the assertions
            errors[item] = err
    threads = [threading.Thread(target=one, args=(item,)) for item in items]
    return threads, results, errors


def test_callers_that_wait_meanwhile_are_served_in_one_batch_each_with_its_own_answer():
    run = Held()
    batcher = Batcher(run)
    first, results, _errors = _submit_all(batcher, [1])
    first[0].start()
    assert run.started.wait(5)
    others, results2, _ = _submit_all(batcher, list(range(2, 22)))
    for t in others:
        t.start()
    deadline = time.monotonic() + 5
    while len(batcher._pending) < 20 and time.monotonic() < deadline:
        time.sleep(0.005)
    run.release.set()
    for t in first + others:
        t.join(5)
    assert results == {1: 10}
    assert results2 == {i: i * 10 for i in range(2, 22)}
    assert run.batches[0] == [1]
    assert sorted(run.batches[1]) == list(range(2, 22))  # the twenty who waited: one batch
    assert (batcher.batches, batcher.items) == (2, 21)


def test_a_refusal_is_raised_in_its_own_caller_only():
    def answer(item):
        return ValueError(f"no {item}") if item % 2 else item

    run = Held(answer)
    batcher = Batcher(run)
    first, _r, _e = _submit_all(batcher, [0])
    first[0].start()
    assert run.started.wait(5)
    others, results, errors = _submit_all(batcher, [1, 2, 3, 4])
    for t in others:
        t.start()
    while len(batcher._pending) < 4:
        time.sleep(0.005)
    run.release.set()
    for t in first + others:
        t.join(5)
    assert results == {2: 2, 4: 4}
    assert {k: str(v) for k, v in errors.items()} == {1: "no 1", 3: "no 3"}


def test_a_run_that_fails_fails_every_caller_of_its_batch_and_the_next_batch_is_served():
    calls = []

    def run(items):
        calls.append(list(items))
        if len(calls) == 1:
            raise RuntimeError("database gone")
        return items

    batcher = Batcher(run)
    with pytest.raises(RuntimeError, match="database gone"):
        batcher.submit("a")
    assert batcher.submit("b") == "b"
    assert batcher.submit("c") == "c"


def test_a_run_that_answers_the_wrong_number_of_items_is_an_error_not_a_wrong_answer():
    batcher = Batcher(lambda items: [])
    with pytest.raises(RuntimeError, match="answered 0 of 1"):
        batcher.submit("x")


def test_a_caller_alone_is_served_at_once_without_waiting_for_company():
    batcher = Batcher(lambda items: [len(items)] * len(items))
    assert batcher.submit("x") == 1
    assert batcher.submit("y") == 1
    assert not batcher._busy and batcher._pending == []


def test_a_leader_stopped_mid_batch_answers_its_callers_and_passes_the_lead_on():
    class Stop(BaseException):
        pass

    def run(items):
        if "stop" in items:
            raise Stop()
        return items

    batcher = Batcher(run)
    with pytest.raises(Stop):
        batcher.submit("stop")
    assert not batcher._busy and batcher._pending == []
    assert batcher.submit("next") == "next"  # nobody waits for the leader that is gone
