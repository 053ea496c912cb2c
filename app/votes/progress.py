"""Coalesced motion.progress events: turnout only, at most one per PROGRESS_INTERVAL per motion.

A ballot records a motion.progress event only when it wins a conditional UPDATE on the motion's
MotionProgress row (`last_at` older than the interval, or never set). The UPDATE is atomic in
the database, so the limit holds across server processes: in a burst of 500 ballots in a 500-
person room, about two events a second go out instead of 500 (25,000 deliveries a second).

The ballots that lose schedule one trailing flush per motion and process (a background task
that sleeps for the interval and then records the turnout, retrying a few times), so the
turnout a room sees catches up after a burst ends. Closing a motion always records a final
motion.progress before motion.closed. The trailing flush is off under TESTING unless
VOTES_PROGRESS_TRAILING is set, so no task outlives a test's database.
"""
import logging
import threading
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, update

from app.core.db import utcnow
from app.core.realtime import record_event
from app.extensions import db, socketio
from app.votes.event_types import MotionProgress as MotionProgressEvent
from app.votes.models import Motion, MotionProgress

log = logging.getLogger(__name__)
DEFAULT_INTERVAL = 0.5
_scheduled: set[int] = set()
_lock = threading.Lock()


def interval() -> float:
    return float(current_app.config.get("VOTES_PROGRESS_INTERVAL", DEFAULT_INTERVAL))


def record_progress(m: Motion) -> None:
    """Record a motion.progress event with the current turnout (never choices)."""
    from app.votes.results import turnout
    t = turnout(m)
    record_event(m.consultation_id, MotionProgressEvent(motion_id=m.id, turnout=t["turnout"], voted=t["voted"],
                                                 eligible=t["eligible"]))


def _claim(motion_id: int) -> bool:
    now = utcnow()
    res = db.session.execute(
        update(MotionProgress)
        .where(MotionProgress.motion_id == motion_id,
               or_(MotionProgress.last_at.is_(None), MotionProgress.last_at <= now - timedelta(seconds=interval())))
        .values(last_at=now), execution_options={"synchronize_session": False})
    return res.rowcount == 1


def ensure_row(m: Motion) -> None:
    if db.session.get(MotionProgress, m.id) is None:
        db.session.add(MotionProgress(motion_id=m.id, last_at=None))
        db.session.flush()


def after_ballot(m: Motion) -> bool:
    """Called in the ballot's transaction; returns True when a progress event was recorded."""
    if _claim(m.id):
        record_progress(m)
        return True
    _schedule_trailing(m.id)
    return False


def _trailing_enabled(app) -> bool:
    return bool(app.config.get("VOTES_PROGRESS_TRAILING", not app.testing))


def _schedule_trailing(motion_id: int) -> None:
    app = current_app._get_current_object()
    if not _trailing_enabled(app):
        return
    with _lock:
        if motion_id in _scheduled:
            return
        _scheduled.add(motion_id)
    socketio.start_background_task(_flush, app, motion_id)


def _flush(app, motion_id: int, tries: int = 6) -> None:
    try:
        with app.app_context():
            wait = float(app.config.get("VOTES_PROGRESS_INTERVAL", DEFAULT_INTERVAL))
            for _ in range(tries):
                socketio.sleep(wait)
                with _lock:
                    _scheduled.discard(motion_id)
                try:
                    m = db.session.get(Motion, motion_id)
                    if m is None or m.effective_status() != "open":
                        db.session.rollback()
                        return
                    if _claim(motion_id):
                        record_progress(m)
                        db.session.commit()
                        return
                    db.session.rollback()
                finally:
                    db.session.remove()
    except Exception:
        log.exception("trailing progress for motion %s failed", motion_id)
    finally:
        with _lock:
            _scheduled.discard(motion_id)
