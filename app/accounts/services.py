"""Rules for organisations, users, passwords, sign-in sessions and API tokens."""
import secrets
import unicodedata
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import bindparam, func, select

from app.accounts import names
from app.accounts.models import CONSTITUENCIES, RECS, USER_ROLES, LoginSession, Organisation, User
from app.accounts.passwords import check_new_password
from app.core.countries import COUNTRIES
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound
from app.core.languages import LANGUAGES
from app.extensions import db

_hasher = PasswordHasher()
# A real hash of a random string, so an unknown e-mail costs as much time as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


def use_fast_hashing() -> None:
    """Tests only: argon2 with minimal cost, so thousands of sign-ins stay quick."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    _DUMMY_HASH = _hasher.hash(secrets.token_hex(8))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH,
                              password) and user is not None and user.password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def normalise_email(email: str) -> str:
    """NFKC, stripped, lower-cased: the one form an e-mail is stored and looked up in."""
    return unicodedata.normalize("NFKC", email).strip().lower()


def _refuse_lookalike(model, field: str, value: str, exclude_id: int | None = None,
                      duplicate: Conflict | None = None) -> None:
    """Invalid (422) when another record's `field` has the same confusable skeleton as value
    without being the same text (names.py). The same text up to case raises `duplicate`
    (Conflict), or is allowed when it is None (two people may share a name). One indexed
    lookup."""
    query = select(getattr(model, field)).where(getattr(model, f"{field}_skeleton") == names.skeleton_key(value))
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    for other in db.session.scalars(query):
        if not names.same_name(other, value):
            raise names.confusable_error(field)
        if duplicate is not None:
            raise duplicate


def get_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, else None (one answer for every failure)."""
    user = get_user_by_email(email)
    if not check_password(user, password) or not user.is_active:
        return None
    return user


def start_session(user: User, kind: str, max_age: int) -> LoginSession:
    ls = LoginSession(id=secrets.token_urlsafe(32), user_id=user.id, kind=kind,
                      expires_at=utcnow() + timedelta(seconds=max_age))
    ls.user = user
    db.session.add(ls)
    db.session.flush()
    return ls


def resolve_session(session_id: str | None) -> LoginSession | None:
    """The valid sign-in with this id, or None when unknown, expired, revoked or deactivated."""
    if not session_id or not isinstance(session_id, str):
        return None
    ls = db.session.get(LoginSession, session_id)
    if ls is None or not ls.is_valid:
        return None
    return ls


def session_users(session_ids: list[str]) -> dict[str, User]:
    """The users behind those of these sign-ins that are valid (resolve_session's rule), by
    sign-in id, in one query: a batch of socket events (app.core.batching) resolves them so."""
    if not session_ids:
        return {}
    return {ls.id: ls.user for ls in db.session.scalars(_SESSIONS, {"ids": list(session_ids)}) if ls.is_valid}


def session_user_ids(session_ids: list[str]) -> dict[str, int]:
    """The user ids behind those of these sign-ins that are still valid (resolve_session's rule,
    in one query of two columns): what a batch of connects and the connection rows' writer need."""
    if not session_ids:
        return {}
    return dict(db.session.execute(_VALID_USER_IDS, {"ids": list(session_ids), "now": utcnow()}).all())


# built once (a storm's batches of connects and joins run them every few milliseconds: building
# a statement and its cache key anew cost more than running it)
_SESSIONS = select(LoginSession).where(LoginSession.id.in_(bindparam("ids", expanding=True)))
_VALID_USER_IDS = select(LoginSession.id, LoginSession.user_id).join(User, User.id == LoginSession.user_id).where(
    LoginSession.id.in_(bindparam("ids", expanding=True)), LoginSession.revoked_at.is_(None),
    LoginSession.expires_at > bindparam("now"), User.is_active.is_(True))


def revoke_session(session_id: str | None) -> None:
    ls = db.session.get(LoginSession, session_id) if session_id else None
    if ls is not None and ls.revoked_at is None:
        ls.revoked_at = utcnow()
        from app.core.connections import end_sessions_on_commit  # open sockets end with the sign-in
        end_sessions_on_commit([ls.id])


def revoke_all_sessions(user: User) -> None:
    for ls in db.session.scalars(select(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))):
        ls.revoked_at = utcnow()
    from app.core.connections import end_user_sockets_on_commit  # open sockets end with the sign-ins
    end_user_sockets_on_commit(user.id)


def revoke_other_sessions(user: User, keep_session_id: str | None) -> None:
    """End every sign-in (browser sessions and API tokens) of the user but the one named."""
    ended = []
    for ls in db.session.scalars(select(LoginSession).where(
            LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
            LoginSession.id != (keep_session_id or ""))):
        ls.revoked_at = utcnow()
        ended.append(ls.id)
    from app.core.connections import end_sessions_on_commit  # their open sockets end with them
    end_sessions_on_commit(ended)


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="baraza-api-token")


def issue_token(secret_key: str, user: User, max_age: int) -> tuple[str, LoginSession]:
    ls = start_session(user, "token", max_age)
    return _serializer(secret_key).dumps({"sid": ls.id}), ls


def token_session_id(secret_key: str, token: str, max_age: int) -> str | None:
    """The sign-in a token names, if its signature and age hold (no query: whether the sign-in
    is still valid is resolve_session's or session_users' to say)."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except (BadSignature, TypeError, ValueError):
        return None
    sid = data.get("sid") if isinstance(data, dict) else None
    return sid if isinstance(sid, str) and sid else None


def resolve_token(secret_key: str, token: str, max_age: int) -> LoginSession | None:
    return resolve_session(token_session_id(secret_key, token, max_age))


def require_secretariat(actor: User) -> None:
    if actor is None or not actor.is_secretariat:
        raise Forbidden("Only the secretariat may do this.")


def _check_scope(country: str | None, rec: str | None) -> None:
    if country is not None and country not in COUNTRIES:
        raise Invalid("country must be an ISO 3166 alpha-2 code.", {"country": "unknown country"})
    if rec is not None and rec not in RECS:
        raise Invalid(_l("rec must be one of %(recs)s.", recs=", ".join(RECS)), {"rec": "unknown REC"})


def create_organisation(actor: User, name: str, constituency: str, country: str | None = None,
                        rec: str | None = None) -> Organisation:
    """Secretariat only; names are unique (Conflict) and may not look like another (Invalid)."""
    require_secretariat(actor)
    name = names.clean("name", name)
    if constituency not in CONSTITUENCIES:
        raise Invalid("Unknown constituency.", {"constituency": "not an allowed value"})
    country = country.upper() if country else None
    _check_scope(country, rec)
    if db.session.scalar(select(Organisation).where(func.lower(Organisation.name) == name.lower())):
        raise Conflict("An organisation with this name exists already.")
    _refuse_lookalike(Organisation, "name", name, duplicate=Conflict("An organisation with this name exists already."))
    org = Organisation(name=name, constituency=constituency, country=country, rec=rec)
    db.session.add(org)
    db.session.flush()
    return org


def update_organisation(actor: User, org: Organisation, **fields) -> Organisation:
    require_secretariat(actor)
    if "constituency" in fields and fields["constituency"] not in CONSTITUENCIES:
        raise Invalid("Unknown constituency.", {"constituency": "not an allowed value"})
    if fields.get("country"):
        fields["country"] = fields["country"].upper()
    _check_scope(fields.get("country"), fields.get("rec"))
    if "name" in fields:
        fields["name"] = names.clean("name", fields["name"])
    if "name" in fields and fields["name"].lower() != org.name.lower() and db.session.scalar(
            select(Organisation).where(func.lower(Organisation.name) == fields["name"].lower())):
        raise Conflict("An organisation with this name exists already.")
    if "name" in fields:
        _refuse_lookalike(Organisation, "name", fields["name"], exclude_id=org.id,
                          duplicate=Conflict("An organisation with this name exists already."))
    for key in ("name", "constituency", "country", "rec"):
        if key in fields:
            setattr(org, key, fields[key] or None if key in ("country", "rec") else fields[key])
    db.session.flush()
    return org


def get_organisation(org_id: int) -> Organisation:
    org = db.session.get(Organisation, org_id) if isinstance(org_id, int) else None
    if org is None:
        raise NotFound("No such organisation.")
    return org


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None:
        raise NotFound("No such user.")
    return user


def create_user(actor: User, email: str, name: str, role: str, organisation_id: int,
                password: str | None = None, language: str | None = None) -> User:
    """Secretariat only: accredit a person to an organisation, in a language of pages and
    e-mails if given (else the default). E-mails are unique (Conflict)."""
    require_secretariat(actor)
    email = normalise_email(names.clean("email", email))
    name = names.clean("name", name)
    if "@" not in email or email.startswith("@") or email.endswith("@") or " " in email:
        raise Invalid("That is not an e-mail address.", {"email": "not an e-mail address"})
    if role not in USER_ROLES:
        raise Invalid("Unknown role.", {"role": "not an allowed value"})
    org = db.session.get(Organisation, organisation_id)
    if org is None:
        raise Invalid("No such organisation.", {"organisation_id": "unknown organisation"})
    if get_user_by_email(email) is not None:
        raise Conflict("A user with this e-mail exists already.")
    _refuse_lookalike(User, "email", email, duplicate=Conflict("A user with this e-mail exists already."))
    _refuse_lookalike(User, "name", name)
    if password is not None:
        check_new_password(password, name=name, email=email)
    user = User(email=email, name=name, role=role, organisation_id=org.id,
                password_hash=hash_password(password) if password else None)
    user.organisation = org
    if language is not None:
        set_language(user, language)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(actor: User, user: User, **fields) -> User:
    """Secretariat only. Changing the role, deactivating or setting a password (which must meet
    the policy, Invalid) ends every sign-in session and API token of the person."""
    require_secretariat(actor)
    if "role" in fields and fields["role"] not in USER_ROLES:
        raise Invalid("Unknown role.", {"role": "not an allowed value"})
    if "name" in fields:
        fields["name"] = names.clean("name", fields["name"])
        _refuse_lookalike(User, "name", fields["name"], exclude_id=user.id)
    if "organisation_id" in fields:
        org = db.session.get(Organisation, fields["organisation_id"])
        if org is None:
            raise Invalid("No such organisation.", {"organisation_id": "unknown organisation"})
        user.organisation = org
    if user.id == actor.id and (fields.get("is_active") is False or fields.get("role", "secretariat") != "secretariat"):
        raise Conflict("You cannot remove your own secretariat access.")
    if fields.get("password"):
        check_new_password(fields["password"], name=fields.get("name", user.name), email=user.email)
    changed_access = ("role" in fields and fields["role"] != user.role) or fields.get("is_active") is False \
        or bool(fields.get("password"))
    for key in ("name", "role", "is_active"):
        if key in fields:
            setattr(user, key, fields[key])
    if fields.get("password"):
        user.password_hash = hash_password(fields["password"])
    if changed_access:
        revoke_all_sessions(user)
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str,
                    keep_session_id: str | None) -> None:
    """A person changes their own password: the current one must be right (Forbidden; the
    caller rate-limits the attempts like sign-ins), the new one must meet the policy (Invalid,
    `fields: {new_password}`). Every other sign-in session and API token of the person ends;
    the one named by keep_session_id (the request's own) stays."""
    if not check_password(user, current_password or ""):
        raise Forbidden("The current password is wrong.")
    check_new_password(new_password or "", name=user.name, email=user.email, field="new_password")
    user.password_hash = hash_password(new_password)
    revoke_other_sessions(user, keep_session_id)
    db.session.flush()


def set_language(user: User, language: str) -> None:
    if language not in LANGUAGES:
        raise Invalid("Unknown language.", {"language": "not an allowed value"})
    user.language = language


def list_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.constituency, Organisation.name)))


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.name)))


def set_timezone(user: User, tz: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise Invalid("Unknown time zone.", {"timezone": "not an IANA time zone"}) from None
    user.timezone = tz
