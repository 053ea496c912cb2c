"""A server process carries only what serving needs: the libraries used for rare work (password
strength, calendar files, migrations, confusable names, word alignment of amendments, and the
PostgreSQL driver on SQLite) are imported at their first use, not when gunicorn loads wsgi:app.
Each is megabytes in every server process (bench/start_memory.py)."""
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RARE = ("zxcvbn", "icalendar", "alembic", "flask_migrate", "psycopg", "icu", "rapidfuzz")
PROBE = """
from gevent import monkey
monkey.patch_all()
import json, sys
import wsgi  # noqa: F401
print(json.dumps(sorted(m for m in %r if m in sys.modules)))
""" % (RARE,)


def test_a_server_process_starts_without_the_libraries_of_rare_work(tmp_path):
    env = dict(os.environ, BARAZA_SECRET_KEY="start-imports", BARAZA_INSTANCE_PATH=str(tmp_path),
               BARAZA_DATABASE_URL=f"sqlite:///{tmp_path}/start.db", BARAZA_NOTIFICATIONS_WORKER="external")
    env.pop("BARAZA_REDIS_URL", None)
    out = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True, timeout=120).stdout
    assert json.loads(out.strip().splitlines()[-1]) == []


def test_the_word_diff_still_finds_its_library_at_first_use():
    from app.documents.diff import word_diff
    out = word_diff("the parties shall cooperate", "the parties shall closely cooperate")
    assert "<ins>" in json.dumps(out) and "closely" in json.dumps(out)
