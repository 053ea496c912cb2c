"""API endpoints that belong to no single feature: tokens, sign-out, /me and the OpenAPI document."""
from flask import current_app, g, jsonify

from app.accounts.services import authenticate, issue_token, revoke_session
from app.api import bp, json_body, route
from app.api.auth import require_actor
from app.api.openapi import registry
from app.core.db import isoformat
from app.core.errors import Unauthenticated
from app.core.ratelimit import account_limit, address_limit
from app.core.validation import Field, parse
from app.extensions import db

TOKEN_BODY = {"email": Field(str, required=True, max_len=254), "password": Field(str, required=True, max_len=1024, strip=False, secret=True)}


@route("/auth/token", ("POST",), summary="Exchange e-mail and password for a bearer token",
       body=TOKEN_BODY, auth=False, tag="auth")
@address_limit
@account_limit
def create_token():
    data = parse(json_body(), TOKEN_BODY)
    user = authenticate(data["email"], data["password"])
    if user is None:
        raise Unauthenticated("Wrong e-mail or password.")
    token, ls = issue_token(current_app.config["SECRET_KEY"], user, current_app.config["TOKEN_MAX_AGE"])
    db.session.commit()
    return jsonify({"token": token, "expires_at": isoformat(ls.expires_at), "user": user.to_dict()})


@route("/auth/token", ("DELETE",), summary="Revoke the bearer token used for this request", tag="auth")
def delete_token():
    require_actor()
    revoke_session(g.get("api_session_id"))
    db.session.commit()
    return jsonify({"ok": True})


@route("/me", summary="The caller, with organisation and constituency", tag="accounts")
def me():
    return jsonify(require_actor().to_dict())


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(registry.document())
