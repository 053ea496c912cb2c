"""Configuration classes; every value comes from BARAZA_* environment variables."""
import os
import secrets
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = Path(os.environ.get("BARAZA_INSTANCE_PATH", BASE_DIR / "instance"))


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def listen_url(host: str | None, port) -> str:
    """http://<host>:<port> where the server listens: the default start of links in mail and
    calendar files when BARAZA_BASE_URL is unset (an IPv6 address is bracketed)."""
    host = host or "127.0.0.1"
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port or 5000}"


def _secret_key() -> str:
    """BARAZA_SECRET_KEY, else a key generated once into instance/secret_key."""
    key = os.environ.get("BARAZA_SECRET_KEY")
    if key:
        return key
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()


class Config:
    INSTANCE_DIR = INSTANCE_DIR
    SECRET_KEY = None  # filled in by load()
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "BARAZA_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'baraza.db'}"
    )
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    REDIS_URL = os.environ.get("BARAZA_REDIS_URL") or None
    RATELIMIT_ENABLED = _flag("BARAZA_RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_KEY_PREFIX = os.environ.get("BARAZA_RATELIMIT_PREFIX", "baraza")
    # Socket.IO message queue between server processes (None: one process, no queue).
    SOCKETIO_MESSAGE_QUEUE = REDIS_URL
    SOCKETIO_CHANNEL = os.environ.get("BARAZA_SOCKETIO_CHANNEL", "baraza-socketio")
    RATELIMIT_HEADERS_ENABLED = True
    HOST = os.environ.get("BARAZA_HOST", "127.0.0.1")
    PORT = int(os.environ.get("BARAZA_PORT", "5000"))
    # The start of every link in mail and calendar files; unset, it follows HOST and PORT
    # (see listen_url), so a server moved to another port still mails working links.
    BASE_URL = os.environ.get("BARAZA_BASE_URL") or None
    # Origins allowed for the Socket.IO handshake, besides the server's own.
    CORS_ORIGINS = [o for o in os.environ.get("BARAZA_ALLOWED_ORIGINS", "").split(",") if o]
    # How many reverse proxies stand in front: their X-Forwarded-For/-Proto/-Host are believed
    # (Werkzeug's ProxyFix), so per-address limits count real client addresses. 0 believes none.
    TRUSTED_PROXIES = int(os.environ.get("BARAZA_TRUSTED_PROXIES", "0"))

    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    MAX_FORM_PARTS = 200
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("BARAZA_SECURE_COOKIES", False)
    SESSION_COOKIE_NAME = "baraza_session"
    PERMANENT_SESSION_LIFETIME = 60 * 60 * 12
    # The cookie is written only when the session changed: a request that left with an older
    # cookie (a page's scripts or stylesheets, another tab) wrote it back and brought an already
    # shown message back with it. A sign-in's lifetime is kept server-side (LoginSession).
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None
    WTF_CSRF_SSL_STRICT = False
    TOKEN_MAX_AGE = int(os.environ.get("BARAZA_TOKEN_MAX_AGE", str(60 * 60 * 24)))
    SOCKETIO_MAX_BUFFER = int(os.environ.get("BARAZA_SOCKET_MAX_BUFFER", str(64 * 1024)))
    SOCKETIO_ASYNC_MODE = os.environ.get("BARAZA_ASYNC_MODE") or None
    # Seconds over which presence changes are gathered into one announcement per room
    # (app/rooms/presence.py); 0 announces every join and leave in its own transaction.
    ROOMS_PRESENCE_TICK = float(os.environ.get("BARAZA_PRESENCE_TICK", "0.25"))
    # Seconds over which new socket connections' rows are gathered into one write (a socket's
    # first event writes its own); 0 writes each at connect (app/core/sockets.py).
    SOCKETIO_ROWS_TICK = float(os.environ.get("BARAZA_SOCKET_ROWS_TICK", "0.25"))
    TESTING = False

    @classmethod
    def load(cls) -> "Config":
        cfg = cls()
        cfg.SECRET_KEY = _secret_key()
        uri = cfg.SQLALCHEMY_DATABASE_URI
        if uri.startswith("postgres://"):
            uri = "postgresql+psycopg://" + uri[len("postgres://"):]
        elif uri.startswith("postgresql://"):
            uri = "postgresql+psycopg://" + uri[len("postgresql://"):]
        cfg.SQLALCHEMY_DATABASE_URI = uri
        if uri.startswith("sqlite"):
            cfg.SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"timeout": 30}}
        else:
            # No ping before each checkout: it is one more round trip for every socket event
            # (measured in bench/README.md). After a database restart SQLAlchemy discards the
            # whole pool on the first disconnect error, so one request fails, not every one.
            cfg.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": _flag("BARAZA_DB_PRE_PING", False),
                                             "pool_size": 10, "max_overflow": 20}
        return cfg


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    CHECK_EVENT_PAYLOADS = True  # every recorded event is checked against its declaration
    CHECK_API_RESPONSES = True  # every /api/v1 answer is checked against the OpenAPI document
    RATELIMIT_ENABLED = True
    ROOMS_PRESENCE_TICK = 0.0  # tests that coalesce set it and call presence.flush_presence()
    SOCKETIO_ROWS_TICK = 0.0  # tests that defer connection rows set it and call sockets.flush_connections()


def config_dict(cfg: object) -> dict:
    return {k: getattr(cfg, k) for k in dir(cfg) if k.isupper()}
