"""Delivering one notice: the in-app row, the live update, and the e-mail the reader chose."""
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.accounts.models import User
from app.consultations.models import Consultation
from app.consultations.services import meeting_url_for
from app.core.db import isoformat, utcnow
from app.core.realtime import emit_on_commit, user_room
from app.core.shapes import ANY, DATETIME, INT, STR, Shape, map_of, nullable
from app.extensions import db
from app.notifications.calendar import consultation_ics
from app.notifications.links import absolute, base_url
from app.notifications.models import Invitation, Notification, NotificationSetting, Outbox
from app.notifications.safetext import header_text
from app.notifications.texts import describe, scope, when
from app.notifications.unsubscribe import unsubscribe_path
from app.notifications.welcome import welcome_token


def setting_for(user: User) -> NotificationSetting:
    s = db.session.get(NotificationSetting, user.id)
    if s is None:
        s = NotificationSetting(user_id=user.id, email_mode="immediate")
        db.session.add(s)
        db.session.flush()
    return s


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def text_of(n: Notification, user: User) -> str:
    with force_locale(user.language or "en"):
        return describe(n.kind, n.params or {}, user.timezone, user.language or "en")


NOTIFICATION = Shape("Notification", {
    "id": INT, "kind": STR, "consultation_id": nullable(INT), "text": STR, "params": map_of(ANY), "link": STR,
    "created_at": DATETIME, "read_at": nullable(DATETIME)},
    description="One notice; text is rendered from kind and params in the reader's language and time zone.")


def serialize(n: Notification, user: User) -> dict:
    return NOTIFICATION.dump({"id": n.id, "kind": n.kind, "consultation_id": n.consultation_id,
                              "text": text_of(n, user), "params": n.params or {}, "link": n.link,
                              "created_at": isoformat(n.created_at), "read_at": isoformat(n.read_at)})


def announce(user: User, n: Notification | None = None) -> None:
    """Tell the user's open pages the new unread count (sent after the transaction commits)."""
    payload = {"unread": unread_count(user.id)}
    if n is not None:
        payload["notification"] = serialize(n, user)
    emit_on_commit("notification", payload, user_room(user.id))


def notify(user: User, c: Consultation, kind: str, params: dict, link: str, *, event_id: int | None = None,
           calendar: bool = False, mail: bool = True) -> Notification:
    """Store the notice, announce it, and mail it now, in the next digest, or not at all."""
    n = Notification(user_id=user.id, consultation_id=c.id, kind=kind, params=params, link=link,
                     event_id=event_id, created_at=utcnow())
    db.session.add(n)
    db.session.flush()
    mode = setting_for(user).email_mode
    if mail and mode == "immediate":
        queue_notification_mail(user, c, n, calendar=calendar)
    elif mail and mode == "digest":
        n.digest_pending = True
    announce(user, n)
    return n


def render_mail(user: User, template: str, **ctx) -> tuple[str, str]:
    """The plain-text and HTML parts of templates/email/<template>.txt/.html, in the user's
    language; the HTML names that language and its direction (lang, dir) on its root element."""
    from app.core.languages import language
    lang = language(user.language)
    with force_locale(lang.code):
        ctx.setdefault("base_url", base_url())
        ctx.setdefault("user", user)
        ctx.setdefault("mail_lang", lang.code)
        ctx.setdefault("mail_dir", lang.direction)
        return (render_template(f"email/{template}.txt", **ctx),
                render_template(f"email/{template}.html", **ctx))


def queue(user: User, subject: str, template: str, *, kind: str, ics: str | None = None, **ctx) -> Outbox:
    text, html = render_mail(user, template, **ctx)
    row = Outbox(user_id=user.id, to_addr=user.email, to_name=header_text(user.name)[:200],
                 subject=header_text(subject)[:300], text_body=text, html_body=html,
                 kind=kind, ics=ics, status="queued", next_attempt_at=utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def queue_notification_mail(user: User, c: Consultation, n: Notification, *, calendar: bool = False) -> Outbox:
    text = text_of(n, user)
    with force_locale(user.language or "en"):
        subject = _("[Baraza] %(text)s", text=text)
    ics = consultation_ics(c, user.language or "en", user) if calendar and c.starts_at else None
    return queue(user, subject, "notification", kind=n.kind, ics=ics, text=text, link=absolute(n.link),
                 c=c, settings_url=absolute("/notifications/settings"), unsubscribe_url=unsubscribe_url(user))


def unsubscribe_url(user: User) -> str:
    """The visible twin of the List-Unsubscribe header: its page asks before it changes anything."""
    return absolute(unsubscribe_path(user.id))


def invite(user: User, c: Consultation, inv: Invitation, *, event_id: int | None = None) -> Outbox:
    """The invitation: always e-mailed (it convenes the person, whatever their notice settings),
    with a one-time sign-up link when the person has no password yet."""
    signup = None
    max_age = current_app.config.get("INVITE_MAX_AGE", 7 * 24 * 3600)
    lang = user.language or "en"
    if user.password_hash is None:
        signup = absolute(f"/welcome/{welcome_token(user, c.id, lang)}")
    with force_locale(lang):
        subject = _("[Baraza] Invitation: %(title)s", title=c.title)
        ctx = {"c": c, "scope_text": scope(c.level, c.country, c.rec, lang),
               "starts": when(c.starts_at, user.timezone, lang) if c.starts_at else "",
               "ends": when(c.ends_at, user.timezone, lang) if c.ends_at else "",
               "link": absolute(f"/consultations/{c.id}"), "signup": signup,
               "meeting_url": meeting_url_for(user, c),
               "expires_days": max(1, int(timedelta(seconds=max_age).total_seconds() // 86400))}
    row = queue(user, subject, "invitation", kind="invitation",
                ics=consultation_ics(c, lang, user) if c.starts_at else None, **ctx)
    inv.mailed_at = utcnow()
    notify(user, c, "invited", {"title": c.title}, f"/consultations/{c.id}", event_id=event_id, mail=False)
    return row
