"""Running the dispatcher and the sender: a loop for the CLI, or a greenlet inside the server.

The server (gevent, `make run` / `make serve`) starts one background greenlet per process unless
BARAZA_NOTIFICATIONS_WORKER=external, in which case `flask --app wsgi notifications-worker` runs
beside it. Running both, or several servers, is safe: the cursor row and the outbox claims
serialise the work (see dispatch.py and mailer.py)."""
import logging
import os
import threading
import time

log = logging.getLogger(__name__)
_started: set[int] = set()
_lock = threading.Lock()


def run_loop(app, *, interval: float = 5.0, once: bool = False, step=None, max_passes: int | None = None) -> None:
    """Run step() (default: jobs.run_once) every interval seconds; errors are logged, never fatal."""
    from app.extensions import db
    from app.notifications.jobs import run_once
    step = step or run_once
    passes = 0
    while True:
        with app.app_context():
            try:
                result = step()
                if result and any(result.values()):
                    log.info("notifications pass: %s", result)
            except Exception:
                db.session.rollback()
                log.exception("notifications pass failed")
            finally:
                db.session.remove()
        passes += 1
        if once or (max_passes is not None and passes >= max_passes):
            return
        time.sleep(interval)


def in_process_wanted(app) -> bool:
    if app.config.get("TESTING"):
        return False
    mode = (app.config.get("NOTIFICATIONS_WORKER") or "auto").lower()
    if mode in ("external", "off"):
        return False
    if mode == "inline":
        return True
    try:
        from gevent import monkey
        return monkey.is_module_patched("socket")
    except ImportError:
        return False


def start_in_process(app) -> bool:
    """Start the loop as a background task of this server process (once per process)."""
    if not in_process_wanted(app):
        return False
    with _lock:
        if os.getpid() in _started:
            return False
        _started.add(os.getpid())
    from app.extensions import socketio
    interval = float(app.config.get("NOTIFICATIONS_INTERVAL", 5))
    socketio.start_background_task(run_loop, app, interval=interval)
    log.info("notifications worker running in this server process (every %ss)", interval)
    return True
