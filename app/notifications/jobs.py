"""Time-based work of the notifications worker: vote closing reminders and daily digests.

Neither decides anything: a vote is closed when its closes_at passes whatever runs here, and a
reminder only announces the time. One pass of everything is run_once(); the worker loops it."""
import logging
from datetime import datetime, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from app.accounts.models import User
from app.consultations.models import Consultation
from app.consultations.services import can_view
from app.core.db import isoformat, utcnow
from app.extensions import db
from app.notifications import delivery
from app.notifications.dispatch import dispatch_pending, eligible_voters, retry_failed_events
from app.notifications.links import absolute
from app.notifications.mailer import send_due
from app.notifications.models import MotionReminder, Notification, NotificationSetting
from app.notifications.texts import zone

log = logging.getLogger(__name__)
REMINDERS = (("sent_day_at", timedelta(hours=24)), ("sent_hour_at", timedelta(hours=1)))
DIGEST_HOUR = 7  # local time of the reader


def send_reminders(now: datetime | None = None) -> int:
    """Before an open asynchronous vote closes (24 h and 1 h before), remind eligible voters.
    A stage is skipped when the vote opened inside it (the opening notice said as much), and
    only the latest due stage is sent when the worker was down for a while."""
    now = now or utcnow()
    told = 0
    rows = list(db.session.scalars(select(MotionReminder).where(
        MotionReminder.closed_at.is_(None), MotionReminder.closes_at > now,
        MotionReminder.closes_at <= now + REMINDERS[0][1])))
    for row in rows:
        due = [(attr, lead) for attr, lead in REMINDERS
               if getattr(row, attr) is None and row.closes_at - lead <= now]
        if not due:
            continue
        for attr, _lead in due:
            setattr(row, attr, now)
        attr, lead = due[-1]
        if row.opened_at > row.closes_at - lead:
            continue
        c = db.session.get(Consultation, row.consultation_id)
        if c is None:
            continue
        for u in eligible_voters(c):
            if can_view(u, c):
                delivery.notify(u, c, "motion.reminder",
                                {"title": c.title, "motion_id": row.motion_id, "question": row.question,
                                 "closes_at": isoformat(row.closes_at)}, f"/consultations/{c.id}")
                told += 1
    db.session.commit()
    return told


def _digest_due(s: NotificationSetting, user: User, now: datetime) -> bool:
    tz = zone(user.timezone)
    local = now.astimezone(tz)
    if local.hour < DIGEST_HOUR:
        return False
    return s.last_digest_at is None or s.last_digest_at.astimezone(tz).date() < local.date()


def send_digests(now: datetime | None = None) -> int:
    """Once a day (from 07:00 in the reader's zone), one mail listing the notices since the last
    digest; notices about consultations the reader can no longer see are left out."""
    now = now or utcnow()
    sent = 0
    user_ids = set(db.session.scalars(select(Notification.user_id).where(Notification.digest_pending.is_(True))))
    for uid in sorted(user_ids):
        user = db.session.get(User, uid)
        s = delivery.setting_for(user)
        if s.email_mode != "digest":
            _clear(uid)
            continue
        if not _digest_due(s, user, now):
            continue
        items = list(db.session.scalars(select(Notification).where(
            Notification.user_id == uid, Notification.digest_pending.is_(True)).order_by(Notification.id)))
        visible = []
        for n in items:
            n.digest_pending = False
            c = db.session.get(Consultation, n.consultation_id) if n.consultation_id else None
            if c is not None and can_view(user, c):
                visible.append({"text": delivery.text_of(n, user), "link": absolute(n.link)})
        s.last_digest_at = now
        if visible and user.is_active:
            with force_locale(user.language or "en"):
                subject = _("[Baraza] Your daily digest: %(n)s notices", n=len(visible))
            delivery.queue(user, subject, "digest", kind="digest", items=visible,
                           settings_url=absolute("/notifications/settings"),
                           unsubscribe_url=delivery.unsubscribe_url(user))
            sent += 1
    db.session.commit()
    return sent


def _clear(user_id: int) -> None:
    for n in db.session.scalars(select(Notification).where(
            Notification.user_id == user_id, Notification.digest_pending.is_(True))):
        n.digest_pending = False


def run_once(now: datetime | None = None) -> dict:
    """One pass of the worker: dispatch new events, retry failed ones that are due, reminders,
    digests, then send due mail."""
    out = {"events": dispatch_pending(now=now), "retried": retry_failed_events(now),
           "reminders": send_reminders(now),
           "digests": send_digests(now)}
    out.update(send_due(now))
    return out
