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


def test_an_asker_waiting_for_the_same_file_lets_others_write_on_sqlite(app, monkeypatch):
    """On SQLite a request's first query takes the one write lock; an asker that waited for
    another's render with it held kept the room's chat from being written for the whole render
    (3.8 s in bench/heavy_mix.py). It ends its idle transaction first, as offload.run does.

    Ordered by events, not sleeps (a loaded CI machine outran a 50 ms sleep): the first render
    holds until the test has tried to write; the asker is known to be waiting once it has asked
    for the same file and found it in flight."""
    import sqlite3

    from sqlalchemy import select

    from app.core import db as core_db
    from app.extensions import db
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the one write lock is SQLite's")
    path = db.engine.url.database
    rendering, finish, asker_waits = threading.Event(), threading.Event(), threading.Event()
    made = []

    def run(fn, *args, budget=None):
        made.append(args)
        rendering.set()
        finish.wait(10)  # the render lasts until the test has written
        return b"%PDF"
    monkeypatch.setattr(offload, "run", run)
    real_release = core_db.release_idle_write_lock

    def release():
        ended = real_release()
        asker_waits.set()  # from here the asker waits for the first render
        return ended
    monkeypatch.setattr(core_db, "release_idle_write_lock", release)

    def asker():
        with app.app_context():
            db.session.execute(select(1))  # a request that has read: BEGIN IMMEDIATE holds the lock
            office.render("pdf", "<minutes>", "css")
            db.session.remove()

    first = threading.Thread(target=lambda: office.render("pdf", "<minutes>", "css"))
    first.start()
    second = threading.Thread(target=asker)
    try:
        assert rendering.wait(10)
        second.start()
        assert asker_waits.wait(10), "the asker did not wait for the render in flight"
        other = sqlite3.connect(path, timeout=0.5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # a chat message's write: not locked out
            other.execute("ROLLBACK")
        finally:
            other.close()
    finally:
        finish.set()
        first.join(10)
        if second.ident:  # started
            second.join(10)
    assert made == [("<minutes>", "css")]  # one render for both askers
