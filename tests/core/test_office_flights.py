"""app.core.office.render: the same file asked for while it is being made is made once (the
delegates of a consultation download the circulated minutes at the same moment); different
files, and the same file asked for later, are each made; a failure reaches every asker and is
not kept."""
import threading
import time

import pytest

from app.core import offload, office


@pytest.fixture
def worker(monkeypatch):
    """offload.run replaced by a slow stand-in that counts what it was asked to make."""
    made = []

    def run(fn, *args, budget=None):
        made.append(args)
        time.sleep(0.3)
        if args[0] == "<broken>":
            raise offload.OffloadFailed("ValueError: broken")
        return ("%PDF " + args[0]).encode()
    monkeypatch.setattr(offload, "run", run)
    return made


def _at_once(*calls):
    out = [None] * len(calls)

    def one(i, html):
        try:
            out[i] = office.render("pdf", html, "css")
        except Exception as err:  # noqa: BLE001 - what each asker got is the assertion
            out[i] = err
    threads = [threading.Thread(target=one, args=(i, html)) for i, html in enumerate(calls)]
    for t in threads:
        t.start()
        time.sleep(0.02)  # the first is in the worker when the others ask
    for t in threads:
        t.join(10)
    return out


def test_five_askers_of_the_same_file_share_one_render(worker):
    got = _at_once(*["<minutes>"] * 5)
    assert got == [b"%PDF <minutes>"] * 5
    assert worker == [("<minutes>", "css")]


def test_different_files_are_each_made_and_nothing_is_kept_afterwards(worker):
    got = _at_once("<minutes fr>", "<minutes ar>")
    assert got == [b"%PDF <minutes fr>", b"%PDF <minutes ar>"]
    assert office.render("pdf", "<minutes fr>", "css") == b"%PDF <minutes fr>"
    assert len(worker) == 3  # asked again once the first was answered: made again
    assert office._flights == {}


def test_a_failure_reaches_every_asker_and_the_next_ask_tries_again(worker):
    got = _at_once("<broken>", "<broken>")
    assert all(isinstance(g, offload.OffloadFailed) for g in got), got
    assert len(worker) == 1
    with pytest.raises(offload.OffloadFailed):
        office.render("pdf", "<broken>", "css")
    assert len(worker) == 2


def test_an_asker_waiting_for_the_same_file_lets_others_write_on_sqlite(app, worker):
    """On SQLite a request's first query takes the one write lock; an asker that waited for
    another's render with it held kept the room's chat from being written for the whole render
    (3.8 s in bench/heavy_mix.py). It ends its idle transaction first, as offload.run does."""
    import sqlite3

    from sqlalchemy import select

    from app.extensions import db
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the one write lock is SQLite's")
    path = db.engine.url.database
    waiting = threading.Event()

    def asker():
        with app.app_context():
            db.session.execute(select(1))  # a request that has read: BEGIN IMMEDIATE holds the lock
            waiting.set()
            office.render("pdf", "<minutes>", "css")
            db.session.remove()

    first = threading.Thread(target=lambda: office.render("pdf", "<minutes>", "css"))
    first.start()
    time.sleep(0.05)
    second = threading.Thread(target=asker)
    second.start()
    waiting.wait(5)
    time.sleep(0.05)  # the asker is waiting for the first one's render now
    other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a chat message's write: not locked out
    other.execute("ROLLBACK")
    other.close()
    first.join(10)
    second.join(10)
    assert len(worker) == 1
