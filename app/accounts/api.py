"""JSON resources for sign-in tokens, the caller, organisations and users (accreditation of delegations)."""
from flask import current_app, g, jsonify, session

from app.accounts import services
from app.accounts.limits import password_check_limit
from app.accounts.models import CONSTITUENCIES, ORGANISATION, RECS, USER, USER_ROLES
from app.api import ApiBlueprint, actor, json_body, page
from app.api.auth import require_actor
from app.core.db import isoformat
from app.core.errors import Unauthenticated
from app.core.languages import LANGUAGES
from app.core.ratelimit import account_limit, address_limit
from app.core.shapes import DATETIME, OK, STR, Shape, page_of
from app.core.validation import Field, parse
from app.extensions import db

api = ApiBlueprint("accounts", __name__)
TOKEN_BODY = {"email": Field(str, required=True, max_len=254), "password": Field(str, required=True, max_len=1024, strip=False, secret=True)}

ORG_BODY = {
    "name": Field(str, required=True, max_len=200),
    "constituency": Field(str, required=True, choices=CONSTITUENCIES),
    "country": Field(str, max_len=2, nullable=True),
    "rec": Field(str, choices=RECS, nullable=True),
}
USER_BODY = {
    "email": Field(str, required=True, max_len=254),
    "name": Field(str, required=True, max_len=200),
    "role": Field(str, required=True, choices=USER_ROLES),
    "organisation_id": Field(int, required=True),
    "password": Field(str, max_len=1024, strip=False, nullable=True, secret=True),
    "language": Field(str, choices=LANGUAGES),
}
USER_PATCH = {
    "name": Field(str, required=True, max_len=200),
    "role": Field(str, required=True, choices=USER_ROLES),
    "organisation_id": Field(int, required=True),
    "is_active": Field(bool, required=True),
    "password": Field(str, max_len=1024, strip=False, nullable=True, secret=True),
}
PASSWORD_PUT = {
    "current_password": Field(str, required=True, max_len=1024, strip=False, secret=True),
    "new_password": Field(str, required=True, max_len=1024, strip=False, secret=True),
}
ME_PATCH = {"language": Field(str, choices=LANGUAGES), "timezone": Field(str, max_len=64)}
TOKEN = Shape("Token", {"token": STR, "expires_at": DATETIME, "user": USER})


@api.operation("/organisations", summary="All organisations", returns=page_of(ORGANISATION), tag="accounts")
def list_organisations():
    actor()
    return jsonify(page([o.to_dict() for o in services.list_organisations()], None))


@api.operation("/organisations", ("POST",), summary="Create an organisation (secretariat)", body=ORG_BODY,
               status=201, returns=ORGANISATION, tag="accounts")
def create_organisation():
    return _secretariat_create(ORG_BODY, services.create_organisation)


def _secretariat_create(spec: dict, create):
    """The secretariat adds an organisation or a user: the body, the service (which refuses
    anyone else), the new record (201)."""
    record = create(actor(), **parse(json_body(), spec))
    db.session.commit()
    return jsonify(record.to_dict()), 201


@api.operation("/organisations/<int:organisation_id>", ("PATCH",), summary="Edit an organisation (secretariat)",
               body={k: Field(v.kind, required=False, max_len=v.max_len, choices=v.choices, nullable=True) for k, v in ORG_BODY.items()},
               returns=ORGANISATION, tag="accounts")
def update_organisation(organisation_id: int):
    return _secretariat_edit(services.get_organisation, organisation_id, ORG_BODY, services.update_organisation)


def _secretariat_edit(get, record_id: int, spec: dict, update):
    """The secretariat edits an organisation or a user: 403 before the lookup (so a stranger
    learns nothing of which ids exist), then the partial body, the service, the record."""
    user = actor()
    services.require_secretariat(user)
    record = get(record_id)
    update(user, record, **parse(json_body(), spec, partial=True))
    db.session.commit()
    return jsonify(record.to_dict())


@api.operation("/users", summary="All users (secretariat)", returns=page_of(USER), tag="accounts")
def list_users():
    user = actor()
    services.require_secretariat(user)
    return jsonify(page([u.to_dict() for u in services.list_users()], None))


@api.operation("/users", ("POST",), summary="Accredit a user to an organisation (secretariat)", body=USER_BODY,
               status=201, returns=USER, tag="accounts")
def create_user():
    return _secretariat_create(USER_BODY, services.create_user)


@api.operation("/users/<int:user_id>", ("PATCH",), summary="Edit a user (secretariat); role changes end open sessions",
               body=USER_PATCH, returns=USER, tag="accounts")
def update_user(user_id: int):
    return _secretariat_edit(services.get_user, user_id, USER_PATCH, services.update_user)


@api.operation("/me", ("PATCH",), summary="Change my language or time zone", body=ME_PATCH, returns=USER, tag="accounts")
def update_me():
    user = actor()
    data = parse(json_body(), ME_PATCH, partial=True)
    if "language" in data:
        services.set_language(user, data["language"])
    if "timezone" in data:
        services.set_timezone(user, data["timezone"])
    db.session.commit()
    return jsonify(user.to_dict())


@api.operation("/auth/token", ("POST",), summary="Exchange e-mail and password for a bearer token",
               body=TOKEN_BODY, auth=False, returns=TOKEN, tag="auth")
@address_limit
@account_limit
def create_token():
    data = parse(json_body(), TOKEN_BODY)
    user = services.authenticate(data["email"], data["password"])
    if user is None:
        raise Unauthenticated("Wrong e-mail or password.")
    token, ls = services.issue_token(current_app.config["SECRET_KEY"], user, current_app.config["TOKEN_MAX_AGE"])
    db.session.commit()
    return jsonify(TOKEN.dump({"token": token, "expires_at": isoformat(ls.expires_at), "user": user.to_dict()}))


@api.operation("/auth/token", ("DELETE",), summary="Revoke the bearer token used for this request", returns=OK, tag="auth")
def delete_token():
    require_actor()
    services.revoke_session(g.get("api_session_id"))
    db.session.commit()
    return jsonify({"ok": True})


@api.operation("/me", summary="The caller, with organisation and constituency", returns=USER, tag="accounts")
def me():
    return jsonify(require_actor().to_dict())


@api.operation("/me/password", ("PUT",), summary="Change my password; ends every other sign-in session and token "
               "(403 when current_password is wrong; 422 with fields.new_password when the policy refuses it)",
               body=PASSWORD_PUT, returns=OK, tag="accounts")
@password_check_limit
def change_my_password():
    user = actor()
    data = parse(json_body(), PASSWORD_PUT)
    keep = g.get("api_session_id") or session.get("sid")  # the token or browser session of this call
    services.change_password(user, data["current_password"], data["new_password"], keep)
    db.session.commit()
    return jsonify({"ok": True})
