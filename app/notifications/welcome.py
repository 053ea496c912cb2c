"""Sign-up links: a signed, expiring token that works once (the state it is signed over
changes when the password is set). In a module of its own: the invitation mail (delivery) makes
them, the sign-up page (services) reads them, and neither needs the other for it."""
import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.accounts.models import User
from app.core.errors import Conflict, NotFound
from app.core.languages import LANGUAGES
from app.extensions import db


def _state(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="baraza-welcome")


def welcome_token(user: User, consultation_id: int | None = None, language: str | None = None) -> str:
    """A sign-up link for a person without a password: it expires, and setting the password
    changes the state it was signed over, so it works once. It carries the language the
    invitation was written in: the sign-up page speaks it, and it becomes the account's."""
    return _serializer().dumps({"u": user.id, "s": _state(user), "c": consultation_id, "l": language})


def welcome_language(token: str) -> str | None:
    """The invitation's language a sign-up link carries (None when unreadable or absent)."""
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    lang = data.get("l") if isinstance(data, dict) else None
    return lang if lang in LANGUAGES else None


def check_welcome(token: str) -> tuple[User, int | None]:
    """The user and consultation of a valid sign-up token; Conflict when expired or used."""
    max_age = current_app.config.get("INVITE_MAX_AGE", 7 * 24 * 3600)
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise Conflict("This sign-up link has expired; ask the secretariat for a new invitation.") from None
    except BadSignature:
        raise NotFound("This sign-up link is not valid.") from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active:
        raise NotFound("This sign-up link is not valid.")
    if user.password_hash is not None or data.get("s") != _state(user):
        raise Conflict("This sign-up link has been used already; sign in with your password.")
    return user, data.get("c")
