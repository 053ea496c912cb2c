"""Rules for a person's notifications, settings, calendar feed, invitations and sign-up link."""
import secrets

from sqlalchemy import select, update

from app.accounts.models import User
from app.accounts.passwords import check_new_password
from app.accounts.services import hash_password, set_timezone
from app.consultations.models import Consultation, Participant
from app.consultations.services import can_manage, list_visible, participant_of
from app.core.db import utcnow
from app.core.errors import Forbidden, Invalid, NotFound
from app.core.languages import LANGUAGES
from app.extensions import db
from app.notifications import delivery
from app.notifications.models import EMAIL_MODES, Invitation, Notification, NotificationSetting
from app.notifications.links import absolute
from app.notifications.unsubscribe import check_unsubscribe
from app.notifications.welcome import check_welcome

MAX_PAGE = 100


# --- the notification list ----------------------------------------------------------------

def list_notifications(actor: User, *, unread_only: bool = False, before: int | None = None,
                       limit: int = 50) -> tuple[list[Notification], int | None]:
    """The actor's own notifications, newest first, in pages (cursor = the last id seen)."""
    limit = max(1, min(limit or 50, MAX_PAGE))
    stmt = select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    if before is not None:
        stmt = stmt.where(Notification.id < before)
    items = list(db.session.scalars(stmt.order_by(Notification.id.desc()).limit(limit + 1)))
    nxt = items[limit - 1].id if len(items) > limit else None
    return items[:limit], nxt


def mark_read(actor: User, ids: list[int] | None = None, all_: bool = False) -> int:
    """Mark the actor's notifications read (the given ids, or all); others' ids are ignored.
    Returns the new unread count, which is also sent to the actor's open pages."""
    if not all_ and not ids:
        raise Invalid("Give ids or all: true.", {"ids": "required unless all is true"})
    stmt = update(Notification).where(Notification.user_id == actor.id, Notification.read_at.is_(None))
    if not all_:
        stmt = stmt.where(Notification.id.in_(ids))
    db.session.execute(stmt.values(read_at=utcnow()), execution_options={"synchronize_session": False})
    db.session.flush()
    delivery.announce(actor)
    return delivery.unread_count(actor.id)


def open_notification(actor: User, notification_id: int) -> str:
    """Mark one of the actor's notifications read and return where it points."""
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != actor.id:
        raise NotFound("No such notification.")
    if n.read_at is None:
        n.read_at = utcnow()
        db.session.flush()
        delivery.announce(actor)
    return n.link if n.link.startswith("/") and not n.link.startswith("//") else "/"


# --- settings and the calendar feed --------------------------------------------------------

def get_settings(actor: User) -> NotificationSetting:
    """The actor's settings; the defaults (not stored) when they never changed them."""
    return db.session.get(NotificationSetting, actor.id) or NotificationSetting(
        user_id=actor.id, email_mode="immediate", calendar_token=None)


def update_settings(actor: User, email_mode: str | None = None, timezone: str | None = None,
                    calendar: str | None = None) -> NotificationSetting:
    """email_mode immediate|digest|off; timezone (IANA); calendar 'regenerate' makes a new
    feed token (the old URL stops working), 'revoke' removes the feed."""
    s = delivery.setting_for(actor)
    if email_mode is not None:
        if email_mode not in EMAIL_MODES:
            raise Invalid("email must be immediate, digest or off.", {"email": "not an allowed value"})
        s.email_mode = email_mode
    if timezone is not None:
        set_timezone(actor, timezone)
    if calendar == "regenerate":
        s.calendar_token = secrets.token_urlsafe(24)
    elif calendar == "revoke":
        s.calendar_token = None
    elif calendar is not None:
        raise Invalid("calendar must be regenerate or revoke.", {"calendar": "not an allowed value"})
    db.session.flush()
    return s


def calendar_feed(token: str) -> tuple[User, list[Consultation]]:
    """The consultations the feed's owner may see; NotFound for an unknown or revoked token."""
    s = db.session.scalar(select(NotificationSetting).where(NotificationSetting.calendar_token == token)) \
        if token else None
    user = db.session.get(User, s.user_id) if s else None
    if user is None or not user.is_active:
        raise NotFound("No such calendar.")
    items, _ = list_visible(user, mine_only=True, limit=100)
    return user, [c for c in items if c.starts_at is not None]


def calendar_url(s: NotificationSetting) -> str | None:
    return absolute(f"/calendar/{s.calendar_token}.ics") if s.calendar_token else None


# --- invitations ---------------------------------------------------------------------------

def complete_welcome(token: str, password: str, confirm: str, language: str | None = None) -> tuple[User, int | None]:
    """Set the first password (it must meet the policy, Invalid) through a sign-up link and
    accept the invitation it came with. `language`, the one the person read the sign-up page
    in, becomes the account's language."""
    user, cid = check_welcome(token)
    if password != confirm:
        raise Invalid("The two passwords differ.", {"confirm": "does not match"})
    check_new_password(password or "", name=user.name, email=user.email)
    user.password_hash = hash_password(password)
    if language in LANGUAGES:
        user.language = language
    if cid is not None:
        c = db.session.get(Consultation, cid)
        if c is not None and participant_of(user, c) is not None:
            accept_invitation(user, c)
    db.session.flush()
    return user, cid


def accept_invitation(actor: User, c: Consultation) -> Invitation:
    """A participant confirms they will take part (idempotent); others are refused."""
    if participant_of(actor, c) is None:
        raise Forbidden("Only an invited participant can accept this invitation.")
    inv = db.session.scalar(select(Invitation).where(
        Invitation.consultation_id == c.id, Invitation.user_id == actor.id))
    if inv is None:
        inv = Invitation(consultation_id=c.id, user_id=actor.id, invited_at=utcnow())
        db.session.add(inv)
    if inv.accepted_at is None:
        inv.accepted_at = utcnow()
    db.session.flush()
    return inv


def invitation_of(actor: User, c: Consultation) -> Invitation | None:
    return db.session.scalar(select(Invitation).where(
        Invitation.consultation_id == c.id, Invitation.user_id == actor.id))


def invitation_board(actor: User, c: Consultation) -> list[dict]:
    """Secretariat only: every participant with when they were mailed and whether they accepted."""
    if not can_manage(actor, c):
        raise Forbidden("Only the secretariat sees who has accepted.")
    invs = {i.user_id: i for i in db.session.scalars(select(Invitation).where(Invitation.consultation_id == c.id))}
    rows = []
    for p in db.session.scalars(select(Participant).where(Participant.consultation_id == c.id).order_by(Participant.id)):
        inv = invs.get(p.user_id)
        rows.append({"participant": p, "user": p.user, "mailed_at": inv.mailed_at if inv else None,
                     "accepted_at": inv.accepted_at if inv else None,
                     "has_password": p.user.password_hash is not None})
    return rows


def unsubscribe(token: str) -> User:
    """Turn off the notification e-mail of the token's user (idempotent); notices waiting for a
    digest stay in the app only, as when the setting is changed by hand."""
    user = check_unsubscribe(token)
    update_settings(user, email_mode="off")
    return user
