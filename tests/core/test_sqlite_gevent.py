"""SQLite under gevent: a writer waiting for the lock yields to the greenlet that holds it."""
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    from gevent import monkey; monkey.patch_all()
    import sys, time, gevent
    from config import TestConfig
    from app import create_app
    from app.extensions import db
    from sqlalchemy import text
    cfg = TestConfig(); cfg.SECRET_KEY = "x" * 32; cfg.SQLALCHEMY_DATABASE_URI = "sqlite:///" + sys.argv[1]
    app = create_app(cfg)
    with app.app_context():
        with db.engine.begin() as c:
            c.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    order = []
    def holder():
        with app.app_context():
            with db.engine.begin() as c:
                c.exec_driver_sql("INSERT INTO t VALUES (1)")
                order.append("holder has the lock")
                gevent.sleep(0.5)          # yields while holding the write lock
                order.append("holder commits")
    def writer():
        gevent.sleep(0.05)
        with app.app_context():
            start = time.monotonic()
            with db.engine.begin() as c:
                c.exec_driver_sql("INSERT INTO t VALUES (2)")
            order.append("writer wrote after %.1f s" % (time.monotonic() - start))
    gevent.joinall([gevent.spawn(holder), gevent.spawn(writer)], timeout=20)
    print("|".join(order))
""")


def test_a_waiting_writer_does_not_freeze_the_process(tmp_path):
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path / "g.db")], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 0, run.stderr[-2000:]
    steps = run.stdout.strip().split("|")
    assert steps[:2] == ["holder has the lock", "holder commits"], steps
    assert steps[2].startswith("writer wrote after 0.") or steps[2].startswith("writer wrote after 1."), steps
