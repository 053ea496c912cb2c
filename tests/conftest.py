"""Fixtures: an app per test on SQLite (default) or PostgreSQL (BARAZA_DATABASE_URL), factories,
signed-in clients and API tokens. On PostgreSQL each run gets its own schema, so parallel runs
on one database do not meet; tables are emptied between tests."""
import os
import re
import shutil
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from app.accounts.services import use_fast_hashing
from config import TestConfig

use_fast_hashing()


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogues():
    from tests.i18n.conftest import compile_if_stale
    compile_if_stale()

pytest_plugins = ["tests.browser.fixtures"]
PASSWORD = "correct-horse-battery"
PG_URL = os.environ.get("BARAZA_DATABASE_URL", "")
USE_PG = PG_URL.startswith("postgres")


def _pg_url(schema: str) -> str:
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith("postgresql://") else PG_URL
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def database(tmp_path_factory):
    """Create the schema once; yield (url, reset) where reset() empties every table."""
    from app import create_app
    from app.extensions import db

    if USE_PG:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(_pg_url("public"))
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _pg_url(schema)
    else:
        base = tmp_path_factory.mktemp("db")
        url = f"sqlite:///{base / 'template.db'}"
    cfg = _config(url, tmp_path_factory.mktemp("inst"))
    app = create_app(cfg)
    with app.app_context():
        db.create_all()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        db.engine.dispose()
    try:
        yield url, tables
    finally:
        if USE_PG:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


def _config(url: str, instance: Path):
    cfg = TestConfig()
    cfg.SECRET_KEY = "test-secret-key-" + uuid.uuid4().hex
    cfg.SQLALCHEMY_DATABASE_URI = url
    cfg.INSTANCE_DIR = instance
    cfg.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}} if url.startswith("sqlite") else {"pool_size": 20, "max_overflow": 20}
    cfg.SOCKETIO_CHANNEL = f"baraza-test-{uuid.uuid4().hex[:8]}"
    # With BARAZA_REDIS_URL set (CI's second run), rate limits count in Redis under a prefix of
    # this app's own. In-process test apps deliver Socket.IO events locally; the multi-process
    # tests start real servers that share the Redis message queue.
    cfg.RATELIMIT_KEY_PREFIX = f"baraza-test-{uuid.uuid4().hex[:8]}"
    cfg.SOCKETIO_MESSAGE_QUEUE = None
    return cfg


@pytest.fixture
def db_url(database, tmp_path):
    url, tables = database
    if USE_PG:
        yield url
        # A socket's disconnect hooks run in the background after a test has ended its sockets
        # (sign-out, removal): the TRUNCATE can meet their last write and lose a deadlock.
        # Try again once they are done, so the next test never starts on this one's rows.
        from sqlalchemy.exc import OperationalError
        eng = create_engine(url)
        truncate = text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
        for attempt in range(10):
            try:
                with eng.begin() as conn:
                    conn.execute(truncate)
                break
            except OperationalError:
                if attempt == 9:
                    raise
                time.sleep(0.2)
        eng.dispose()
    else:
        template = Path(url.removeprefix("sqlite:///"))
        target = tmp_path / "baraza.db"
        shutil.copy(template, target)
        yield f"sqlite:///{target}"


@pytest.fixture
def config(db_url, tmp_path):
    return _config(db_url, tmp_path)


@pytest.fixture
def app(config):
    from app import create_app
    from app.core.sockets import TokenBucket
    from app.extensions import db

    TokenBucket.reset_all()  # chat and event limits are per process: a test starts with none used
    application = create_app(config)
    ctx = application.app_context()
    ctx.push()
    yield application
    db.session.remove()
    db.engine.dispose()
    ctx.pop()


@pytest.fixture
def client(app):
    return app.test_client()


def upgrade_with_old_rows(tmp_path, revision, write_old, read_new):
    """A migration's effect on data: an SQLite database migrated up to `revision`, rows written as
    they were then by write_old(sqlite3 connection), then upgraded to the head; returns the app
    and read_new(SQLAlchemy connection)."""
    import sqlite3

    from flask_migrate import upgrade

    from app import create_app, enable_migrations
    from app.extensions import db
    app = create_app(_config(f"sqlite:///{tmp_path / 'old.db'}", tmp_path))
    enable_migrations(app)
    migrations = str(Path(__file__).parents[1] / "migrations")
    with app.app_context():
        upgrade(directory=migrations, revision=revision)
        db.engine.dispose()
        conn = sqlite3.connect(tmp_path / "old.db")
        write_old(conn)
        conn.commit()
        conn.close()
        upgrade(directory=migrations)
        with db.engine.connect() as conn:
            out = read_new(conn)
        db.engine.dispose()
    return app, out


class Factory:
    """Builds records through the services, the way the secretariat would."""

    def __init__(self, app):
        from app.accounts.models import Organisation, User
        from app.accounts.services import hash_password
        from app.extensions import db
        self.db = db
        org = Organisation(name="Secretariat", constituency="secretariat")
        db.session.add(org)
        db.session.flush()
        self.secretariat = User(email="sec@example.org", name="Secretariat officer", role="secretariat",
                                organisation_id=org.id, password_hash=hash_password(PASSWORD))
        db.session.add(self.secretariat)
        db.session.commit()
        self._n = 0

    def _next(self) -> int:
        self._n += 1
        return self._n

    def org(self, constituency="government", name=None, country="KE", rec=None):
        from app.accounts.services import create_organisation
        o = create_organisation(self.secretariat, name or f"{constituency.title()} org {self._next()}",
                                constituency, country, rec)
        self.db.session.commit()
        return o

    def user(self, role="delegate", constituency="government", org=None, email=None, name=None):
        from app.accounts.services import create_user
        org = org or self.org(constituency)
        n = self._next()
        u = create_user(self.secretariat, email or f"user{n}@example.org", name or f"Person {n}", role, org.id, PASSWORD)
        self.db.session.commit()
        return u

    def consultation(self, status="scheduled", level="rec", rec="ECOWAS", country=None, title=None, **extra):
        from app.consultations import services
        data = {"title": title or f"Consultation {self._next()}", "level": level, "rec": rec, "country": country}
        data.update(extra)
        c = services.create_consultation(self.secretariat, data)
        path = {"draft": [], "scheduled": ["scheduled"], "live": ["scheduled", "live"],
                "closed": ["scheduled", "live", "closed"], "archived": ["scheduled", "live", "closed", "archived"]}[status]
        for s in path:
            services.change_status(self.secretariat, c, s)
        self.db.session.commit()
        return c

    def participant(self, consultation, user=None, role=None, credentials="accepted", constituency="government"):
        from app.consultations import participants as consultation_participants
        user = user or self.user("delegate", constituency)
        (p,) = consultation_participants.invite(self.secretariat, consultation, user_id=user.id, role=role)
        if credentials != "pending":
            consultation_participants.update_participant(self.secretariat, consultation, p.id, credentials=credentials)
        self.db.session.commit()
        return p

    def bulk_delegates(self, consultation, n, password_hash=None):
        """n accepted delegates spread over the three groups, inserted directly (no hashing per
        person: pass an existing hash when they must sign in). Returns the users."""
        from app.accounts.models import User
        from app.consultations.models import Participant
        groups = ("government", "employers", "workers")
        orgs = {g: self.org(g) for g in groups}
        users = []
        for i in range(n):
            org = orgs[groups[i % 3]]
            u = User(email=f"bulk{i}@example.org", name=f"Bulk delegate {i}", role="delegate",
                     organisation_id=org.id, password_hash=password_hash)
            self.db.session.add(u)
            users.append(u)
        self.db.session.flush()
        self.db.session.add_all(Participant(consultation_id=consultation.id, user_id=u.id, organisation_id=u.organisation_id,
                                            role="delegate", credentials="accepted") for u in users)
        self.db.session.commit()
        return users

    def tripartite(self, consultation, country="GH"):
        """One accepted delegate per constituency (government, employers, workers)."""
        out = {}
        for constituency in ("government", "employers", "workers"):
            org = self.org(constituency, country=country)
            u = self.user("delegate", org=org)
            self.participant(consultation, u)
            out[constituency] = u
        return out

    def live_room(self):
        """A live consultation with its tripartite delegates, an adviser (of the government's
        organisation), an observer, an outsider (not a participant) and the secretariat."""
        c = self.consultation(status="live")
        people = self.tripartite(c)
        people["adviser"] = self.user("adviser", org=people["government"].organisation)
        self.participant(c, people["adviser"], role="adviser")
        people["observer"] = self.user("observer", "observer")
        self.participant(c, people["observer"], role="observer")
        people["outsider"] = self.user("delegate", "workers")
        people["secretariat"] = self.secretariat
        return c, people


@pytest.fixture
def factory(app):
    return Factory(app)


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def page_csrf_token(c) -> str:
    """The CSRF token a signed-in page hands its scripts (the csrf-token meta tag)."""
    page = c.get("/", follow_redirects=True).get_data(as_text=True)
    match = CSRF_META.search(page)
    assert match, "no csrf-token meta tag on the page"
    return match.group(1)


@pytest.fixture
def login(client):
    """login(user) signs the test client in through the real form; from then on the client
    sends the page's CSRF token in X-CSRFToken, as Baraza's own scripts do for API writes."""
    def _login(user, password=PASSWORD, c=None):
        c = c or client
        c.environ_base.pop("HTTP_X_CSRFTOKEN", None)
        resp = c.post("/login", data={"email": user.email, "password": password})
        assert resp.status_code == 302, resp.data[:500]
        c.environ_base["HTTP_X_CSRFTOKEN"] = page_csrf_token(c)
        return c
    return _login


def user_api(client, token, default_path: str):
    """api(user, method="GET", path=default_path, **kw) -> the response, as that user (one bearer
    token per user); a feature's conftest makes its `api` fixture of it."""
    tokens = {}

    def _call(user, method="GET", path=default_path, **kw):
        if user.id not in tokens:
            tokens[user.id] = token(user)
        return client.open(path, method=method, headers=tokens[user.id], **kw)
    return _call


@pytest.fixture
def offloaded(monkeypatch):
    """The names of the functions sent to an offload worker during the test (each still runs
    there for real): a spy on app.core.offload.run."""
    from app.core import offload
    calls = []
    real = offload.run

    def counting(fn, *args, **kw):
        calls.append(fn.__qualname__)
        return real(fn, *args, **kw)
    monkeypatch.setattr(offload, "run", counting)
    return calls


@pytest.fixture
def token(client):
    """token(user) -> Authorization headers for the API."""
    def _token(user, password=PASSWORD):
        resp = client.post("/api/v1/auth/token", json={"email": user.email, "password": password})
        assert resp.status_code == 200, resp.json
        return {"Authorization": f"Bearer {resp.json['token']}"}
    return _token
