"""The production entry points freeze start-up objects and set the young-generation threshold
(a full collection over them stopped a live room for ~100 ms; see app/core/gc_tuning.py)."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core import gc_tuning

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", ["wsgi", "tests.rooms.live_app"])
def test_server_entry_points_tune_the_collector(module, tmp_path):
    code = f"import gc, {module}; print(gc.get_freeze_count(), *gc.get_threshold())"
    env = dict(os.environ, BARAZA_INSTANCE_PATH=str(tmp_path), BARAZA_SECRET_KEY="x" * 32,
               BARAZA_DATABASE_URL=f"sqlite:///{tmp_path / 'gc.db'}", BARAZA_NOTIFICATIONS_WORKER="external")
    env.pop("BARAZA_REDIS_URL", None)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    frozen, *thresholds = map(int, out)
    assert frozen > 50_000  # Flask, SQLAlchemy, the catalogues: start-up leaves far more than this
    assert tuple(thresholds) == gc_tuning.THRESHOLDS
