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
    assert len(res["finished"]) == 5 and max(res["finished"]) < 1.8, res   # overlapped, not 5 s
    assert res["max_gap_ms"] < 200, res                                   # the hub was never blocked
