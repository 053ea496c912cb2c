"""psycopg 3 cooperates with gevent: five 1-second queries overlap, other greenlets keep running."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

URL = os.environ.get("BARAZA_DATABASE_URL", "")
URL = URL.replace("postgresql+psycopg://", "postgresql://") if URL.startswith("postgres") else \
    "postgresql://127.0.0.1:5432/test"


@pytest.mark.live
def test_slow_query_does_not_block_other_greenlets():
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(URL, connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server")
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("gevent_pg_probe.py")), URL],
                         capture_output=True, text=True, timeout=30, check=True)
    res = json.loads(out.stdout)
    # Bounds that tell the two behaviours apart on a loaded machine too: run one after the other,
    # the five 1-second queries would end after 5 s, and a blocked hub would show a 1 s gap.
    assert len(res["finished"]) == 5 and max(res["finished"]) < 3.0, res   # overlapped, not 5 s
    assert res["max_gap_ms"] < 500, res                                   # the hub was never blocked


@pytest.mark.live
def test_a_held_chat_transaction_waits_for_a_busy_room_without_freezing_the_process():
    """Chat transactions wait for PostgreSQL in C (app.core.pg); when another greenlet of the
    same process has the room, the chat must wait cooperatively, or the process never wakes."""
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(URL, connect_timeout=2).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server")
    sa_url = URL.replace("postgresql://", "postgresql+psycopg://")
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("gevent_hold_probe.py")), sa_url],
                         capture_output=True, text=True, timeout=60, check=True, cwd=root,
                         env=dict(os.environ, PYTHONPATH=str(root)))
    res = json.loads(out.stdout.strip().splitlines()[-1])
    assert res["held"] is True, res
    assert res["seqs"] == {"holder": 1, "chat": 2}, res
    # it waited for the holder's commit (the two finish together: the lock goes at COMMIT)
    assert res["finished"]["chat"] >= 0.5 and res["finished"]["holder"] >= 0.5, res
    assert res["max_gap_ms"] < 500, res                # and the process ran on (a blocked one: 500+)
