"""Application factory: extensions, blueprints, socket handlers and error handlers."""
import logging
from pathlib import Path

import click

from flask import Flask, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from config import Config, config_dict

from app.core.errors import DomainError, error_body, translate
from app.extensions import compress, csrf, db, limiter, login_manager, socketio

log = logging.getLogger(__name__)
HTTP_CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found",
              405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "invalid",
              422: "invalid", 429: "rate_limited"}


class BoundedIntConverter(IntegerConverter):
    """<int:...> in URLs: ids beyond a 32-bit integer are simply not found (404), never a crash."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _socket_async_mode(app: Flask) -> str:
    configured = app.config.get("SOCKETIO_ASYNC_MODE")
    if configured:
        return configured
    try:
        from gevent import monkey
        if monkey.is_module_patched("socket"):
            return "gevent"
    except ImportError:
        pass
    return "threading"


def create_app(config: object | None = None) -> Flask:
    cfg = config if config is not None else Config.load()
    app = Flask(__name__, template_folder="../templates", static_folder="../static",
                instance_path=str(cfg.INSTANCE_DIR))
    app.config.update(config_dict(cfg))
    from app.core.jsonsafe import SafeJSONProvider, SocketJSON, SocketPacket
    app.json = SafeJSONProvider(app)
    app.json.sort_keys = False
    app.url_map.converters["int"] = BoundedIntConverter

    db.init_app(app)
    if click.get_current_context(silent=True) is not None:  # loaded by the `flask` command line
        enable_migrations(app)
    csrf.init_app(app)
    app.config.setdefault("COMPRESS_STREAMS", False)  # downloads stream as they are made
    compress.init_app(app)
    _compress_static_files(app)
    # Flask-Limiter keeps the first app's key prefix; each app (tests make many) sets its own.
    limiter._key_prefix = app.config.get("RATELIMIT_KEY_PREFIX", "")
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = None
    socketio.init_app(
        app,
        async_mode=_socket_async_mode(app),
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        channel=app.config.get("SOCKETIO_CHANNEL", "baraza-socketio"),
        cors_allowed_origins=app.config.get("CORS_ORIGINS") or None,
        max_http_buffer_size=app.config["SOCKETIO_MAX_BUFFER"],
        ping_interval=app.config.get("SOCKETIO_PING_INTERVAL", 20),
        ping_timeout=app.config.get("SOCKETIO_PING_TIMEOUT", 20),
        manage_session=False,
        serializer=SocketPacket,
        json=SocketJSON,
        logger=False,
        engineio_logger=False,
    )

    from app.core import events, features, i18n, labels, markdown, security, sockets, wsdeflate
    wsdeflate.install()  # websocket messages under 1 KB are not compressed (app/core/wsdeflate.py)
    events.init_app(app)
    markdown.init_app(app)
    labels.init_app(app)
    features.init_app(app)
    security.init_security(app)
    i18n.init_app(app)
    sockets.init_app(app)
    uri = app.config.get("SQLALCHEMY_DATABASE_URI", "")
    if uri.startswith("sqlite"):
        with app.app_context():
            _configure_sqlite(db.engine)
    elif uri.startswith("postgresql"):
        from app.core import pg
        with app.app_context():
            pg.install(db.engine)

    @app.before_request
    def _fresh_request_state():
        # g belongs to the app context, which tests share across requests: never let one
        # request see the user resolved by an earlier one.
        # Flask-WTF caches the signed CSRF token in g.csrf_token.
        for key in ("_login_user", "api_actor", "api_session_id", "csrf_token", "csrf_valid"):
            g.pop(key, None)

    _register_features(app)
    _register_errors(app)
    from app import cli
    cli.init_app(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Behind BARAZA_TRUSTED_PROXIES reverse proxies, take the client address, scheme and host
    from their X-Forwarded-* headers. Wrapped outside the Socket.IO middleware (installed by
    socketio.init_app), so the Engine.IO handshake sees the same address and scheme."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


SQLITE_LOCK_WAIT = 30.0


def enable_migrations(app: Flask) -> None:
    """Flask-Migrate (Alembic) on this app, for the `flask db` commands and the tests that
    migrate. A server process never migrates, and Alembic is 12 MB of its memory, so the app
    gets it only when the command line loads it (or a caller asks)."""
    if "migrate" in app.extensions:
        return
    from flask_migrate import Migrate
    Migrate(app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True,
            compare_type=True)


def _configure_sqlite(engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE so concurrent writers queue instead of failing.

    Waiting for the write lock happens in Python, not in SQLite's busy handler: that handler
    sleeps inside C, which under gevent freezes the whole process, including the greenlet that
    holds the lock, until the timeout ("database is locked"). time.sleep is cooperative once
    gevent has patched it, and a plain sleep in threads."""
    import threading
    import time

    from sqlalchemy import event
    from sqlalchemy.exc import OperationalError

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=20")
        cur.close()

    # Writers of this process queue on one lock before BEGIN IMMEDIATE, in order, each woken as
    # soon as the one before it ends; polling alone left a join storm's transactions sleeping up
    # to 50 ms each while the file lock was free (bench/join_storm.py). Other processes still
    # meet at the file lock, below.
    queue = threading.Lock()

    def _release(info) -> None:
        if info.pop("baraza_write_queue", None):
            queue.release()

    for name in ("commit", "rollback"):
        event.listen(engine, name, lambda conn: _release(conn.info))
    # each with its event's own signature: a legacy one is adapted, with a warning, at every call
    event.listen(engine.pool, "reset", lambda _dbapi, record, _state: _release(record.info))
    event.listen(engine.pool, "checkin", lambda _dbapi, record: _release(record.info))
    event.listen(engine.pool, "invalidate", lambda _dbapi, record, _exc: _release(record.info))
    event.listen(engine.pool, "close", lambda _dbapi, record: _release(record.info))

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        deadline = time.monotonic() + SQLITE_LOCK_WAIT
        if not conn.info.get("baraza_write_queue") and queue.acquire(timeout=SQLITE_LOCK_WAIT):
            conn.info["baraza_write_queue"] = True
        delay = 0.002
        while True:
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as exc:
                if "locked" not in str(exc.orig) or time.monotonic() > deadline:
                    _release(conn.info)
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


def _register_features(app: Flask) -> None:
    """Every feature, in dependency order; each registers its own blueprints, API, page sections,
    socket handlers, event subscriptions and demo content on this app."""
    from app import accounts, bodies, consultations, documents, minutes, notifications, rooms, search, votes
    from app.api import register_api
    from app.api import routes as api_routes

    for feature in (accounts, consultations, rooms, documents, votes, minutes, search, notifications, bodies):
        feature.init_app(app)
    register_api(app, api_routes.api)


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _error_response(status: int, code: str, message: str, extra: dict | None = None):
    message = translate(message)
    if _wants_json():
        body = error_body(code, message)
        if extra:
            body["error"].update(extra)
        return jsonify(body), status
    return render_template("error.html", status=status, message=message), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        db.session.rollback()
        return _error_response(err.status, err.code, err.message, err.details)

    @app.errorhandler(IntegrityError)
    def _integrity(err: IntegrityError):
        # A uniqueness race the service's own check could not see (e.g. two requests at once).
        db.session.rollback()
        log.info("integrity error on %s %s: %s", request.method, request.path, err.orig)
        return _error_response(409, "conflict", "That conflicts with an existing record.")

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return _error_response(400, "invalid", "The form expired or its security token is missing; please try again.")

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        if status == 429:
            message = "Too many requests; please wait a moment and try again."
        elif status == 413:
            message = "The request is too large."
        else:
            message = err.description if status < 500 else "Something went wrong."
        return _error_response(status, HTTP_CODES.get(status, "error"), message)

    @app.errorhandler(Exception)
    def _crash(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        db.session.rollback()
        return _error_response(500, "internal", "Something went wrong; the error was logged.")


def _compress_static_files(app) -> None:
    """Static files are sent as file streams, which Flask-Compress leaves alone; read them into
    the response instead (they are small: the largest a room loads is the 47 KB Socket.IO client,
    about 14 KB compressed) so they go out compressed too. Conditional requests still answer 304."""
    serve = app.view_functions["static"]

    def static(filename):
        resp = serve(filename=filename)
        if resp.status_code == 200:
            resp.direct_passthrough = False
            resp.set_data(resp.get_data())
        return resp
    app.view_functions["static"] = static
