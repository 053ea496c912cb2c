"""Search on SQLite runs in an offload worker: the same hits as in the web process, what the
request itself wrote is still found, and other greenlets run while the worker reads."""
import pytest

from app.core import db as core_db
from app.extensions import db
from app.search import services

QUERIES = [("pension", None), ("pension", {"year": 2025}), ("pension", {"kind": "document"}),
           ("pension", {"status": "draft"}), ("pension", {"level": "national", "country": "ke"}), ("pension", {"theme": "social-security-portability"}),
           ('"migrant workers"', None), ("droits", None), ("nothing-matches-this", None)]


@pytest.fixture
def sqlite_only():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL searches in the database server; the web process only waits")


def _everything(corpus):
    actors = [corpus["sec"], corpus["member"], corpus["outsider"], None]
    return [services.search(actor, q, f, limit=3, cursor=c)
            for actor in actors for q, f in QUERIES for c in (None, "3")]


def test_the_worker_finds_what_the_web_process_finds(corpus, sqlite_only, offloaded, monkeypatch):
    in_worker = _everything(corpus)
    assert offloaded and set(offloaded) == {"read"}
    offloaded.clear()
    monkeypatch.setattr(core_db, "session_has_written", lambda: True)  # keeps the query in this process
    in_process = _everything(corpus)
    assert not offloaded
    assert in_worker == in_process
    assert any(items for items, _ in in_worker)


def test_a_search_after_an_uncommitted_write_sees_it(corpus, sqlite_only, offloaded):
    services.index_entry("document", 99, corpus["mine"].id, "Seasonal work", "Seasonal agriculture visas.", "en")
    items, _ = services.search(corpus["sec"], "seasonal")
    assert [(i["kind"], i["ref_id"]) for i in items] == [("document", 99)]
    assert not offloaded
    db.session.commit()
    assert [(i["kind"], i["ref_id"]) for i in services.search(corpus["sec"], "seasonal")[0]] == [("document", 99)]
    assert offloaded


def test_other_greenlets_run_while_a_slow_read_runs_in_the_worker(corpus, sqlite_only):
    """A query that keeps SQLite busy (as ranking a large archive does) leaves the loop free."""
    from sqlalchemy import text

    from app.core import sqlite_read
    from tests.greenlets import ticks_during
    slow = text("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < :n) "
                "SELECT count(*) AS n FROM c").bindparams(n=3_000_000)
    found, ticks = ticks_during(lambda: sqlite_read.rows(slow))
    assert found[0].n == 3_000_000 and ticks > 0
