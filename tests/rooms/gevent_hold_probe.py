"""Run by test_gevent_pg.py in its own process (gevent must patch before anything imports).

A greenlet takes a room's lock cooperatively and keeps it 0.5 s; meanwhile a chat transaction
under a hold (app.core.pg) needs the same room. It must wait cooperatively, not in C: waiting in
C would freeze the process, the first greenlet included, for ever. Prints seqs, finish times and
the longest stall of a 10 ms ticker, as JSON."""
from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import gevent  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

base = sys.argv[1]
schema = f"hold_{uuid.uuid4().hex[:10]}"
admin = create_engine(base)
with admin.begin() as conn:
    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
try:
    os.environ["BARAZA_DATABASE_URL"] = f"{base}?options=-csearch_path%3D{schema}"
    os.environ["BARAZA_NOTIFICATIONS_WORKER"] = "external"
    from app import create_app  # noqa: E402
    from app.consultations.models import Consultation  # noqa: E402
    from app.core import pg  # noqa: E402
    from app.core.realtime import next_seq  # noqa: E402
    from app.extensions import db  # noqa: E402
    from config import Config  # noqa: E402

    app = create_app(Config.load())
    with app.app_context():
        db.create_all()
        c = Consultation(title="Hold probe", level="continental", status="live")
        db.session.add(c)
        db.session.commit()
        cid = c.id
        db.session.remove()

    t0 = time.monotonic()
    out = {"seqs": {}, "finished": {}, "max_gap_ms": 0.0}

    def holder():
        with app.app_context():
            out["seqs"]["holder"] = next_seq(cid)
            gevent.sleep(0.5)
            db.session.commit()
            out["finished"]["holder"] = time.monotonic() - t0
            db.session.remove()

    def chat():
        gevent.sleep(0.1)
        with app.app_context():
            out["held"] = pg.hold_until_commit(db.session)
            out["seqs"]["chat"] = next_seq(cid)
            db.session.commit()
            out["finished"]["chat"] = time.monotonic() - t0
            db.session.remove()

    def ticker():
        last = time.monotonic()
        while time.monotonic() - t0 < 1.0:
            gevent.sleep(0.01)
            now = time.monotonic()
            out["max_gap_ms"] = max(out["max_gap_ms"], (now - last) * 1000)
            last = now

    gevent.joinall([gevent.spawn(holder), gevent.spawn(chat), gevent.spawn(ticker)], timeout=10)
    print(json.dumps(out))
finally:
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
