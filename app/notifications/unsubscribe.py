"""One-click unsubscribe (RFC 8058): a signed link in each notification mail turns its reader's
notification e-mail off, without signing in.

The link carries an itsdangerous token (salt baraza-unsubscribe) over the user's id; the token is
the credential, as a mail client posting "List-Unsubscribe=One-Click" cannot sign in nor send a
CSRF token. The worst a leaked link does is stop someone's notification mail, which they can
switch back on in their settings; invitations are still mailed (they convene people)."""
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import User
from app.core.errors import BadRequest, NotFound
from app.extensions import db
from app.notifications.models import NotificationSetting

SALT = "baraza-unsubscribe"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def unsubscribe_token(user_id: int) -> str:
    return _serializer().dumps({"u": user_id})


def unsubscribe_path(user_id: int) -> str:
    return f"/unsubscribe/{unsubscribe_token(user_id)}"


def check_unsubscribe(token: str) -> User:
    """The user a valid token names. BadRequest (400) when it has expired, NotFound (404) when
    it is forged, altered or names no active account."""
    max_age = current_app.config.get("UNSUBSCRIBE_MAX_AGE", 365 * 24 * 3600)
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise BadRequest("This unsubscribe link has expired; change your e-mail settings after signing in.") \
            from None
    except BadSignature:
        raise NotFound("This unsubscribe link is not valid.") from None
    uid = data.get("u") if isinstance(data, dict) else None
    user = db.session.get(User, uid) if isinstance(uid, int) else None
    if user is None or not user.is_active:
        raise NotFound("This unsubscribe link is not valid.")
    return user


def is_subscribed(user: User) -> bool:
    s = db.session.get(NotificationSetting, user.id)
    return s is None or s.email_mode != "off"
