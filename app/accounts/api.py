"""JSON resources for organisations and users (accreditation of delegations)."""
from flask import jsonify

from app.accounts import services
from app.accounts.models import CONSTITUENCIES, LANGUAGES, RECS, USER_ROLES
from app.api import actor, json_body, route
from app.core.validation import Field, parse
from app.extensions import db

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
ME_PATCH = {"language": Field(str, choices=LANGUAGES), "timezone": Field(str, max_len=64)}


@route("/organisations", summary="All organisations", tag="accounts")
def list_organisations():
    actor()
    return jsonify({"items": [o.to_dict() for o in services.list_organisations()], "next": None})


@route("/organisations", ("POST",), summary="Create an organisation (secretariat)", body=ORG_BODY,
       status=201, tag="accounts")
def create_organisation():
    user = actor()
    data = parse(json_body(), ORG_BODY)
    org = services.create_organisation(user, data["name"], data["constituency"], data.get("country"), data.get("rec"))
    db.session.commit()
    return jsonify(org.to_dict()), 201


@route("/organisations/<int:organisation_id>", ("PATCH",), summary="Edit an organisation (secretariat)",
       body={k: Field(v.kind, required=False, max_len=v.max_len, choices=v.choices, nullable=True) for k, v in ORG_BODY.items()},
       tag="accounts")
def update_organisation(organisation_id: int):
    user = actor()
    services.require_secretariat(user)
    org = services.get_organisation(organisation_id)
    data = parse(json_body(), ORG_BODY, partial=True)
    services.update_organisation(user, org, **data)
    db.session.commit()
    return jsonify(org.to_dict())


@route("/users", summary="All users (secretariat)", tag="accounts")
def list_users():
    user = actor()
    services.require_secretariat(user)
    return jsonify({"items": [u.to_dict() for u in services.list_users()], "next": None})


@route("/users", ("POST",), summary="Accredit a user to an organisation (secretariat)", body=USER_BODY,
       status=201, tag="accounts")
def create_user():
    user = actor()
    data = parse(json_body(), USER_BODY)
    made = services.create_user(user, data["email"], data["name"], data["role"], data["organisation_id"],
                                data.get("password"))
    if data.get("language"):
        services.set_language(made, data["language"])
    db.session.commit()
    return jsonify(made.to_dict()), 201


@route("/users/<int:user_id>", ("PATCH",), summary="Edit a user (secretariat); role changes end open sessions",
       body=USER_PATCH, tag="accounts")
def update_user(user_id: int):
    user = actor()
    services.require_secretariat(user)
    target = services.get_user(user_id)
    data = parse(json_body(), USER_PATCH, partial=True)
    services.update_user(user, target, **data)
    db.session.commit()
    return jsonify(target.to_dict())


@route("/me", ("PATCH",), summary="Change my language or time zone", body=ME_PATCH, tag="accounts")
def update_me():
    user = actor()
    data = parse(json_body(), ME_PATCH, partial=True)
    if "language" in data:
        services.set_language(user, data["language"])
    if "timezone" in data:
        services.set_timezone(user, data["timezone"])
    db.session.commit()
    return jsonify(user.to_dict())
