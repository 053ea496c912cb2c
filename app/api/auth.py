"""Who is calling the API: a bearer token, else the browser's session (then CSRF applies)."""
from flask import current_app, g, request
from flask_login import current_user

from app.accounts.services import resolve_token
from app.core.errors import Unauthenticated


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_actor():
    if "api_actor" in g:
        return g.api_actor
    token = bearer_token()
    user = None
    if token is not None:
        ls = resolve_token(current_app.config["SECRET_KEY"], token, current_app.config["TOKEN_MAX_AGE"]) if token else None
        if ls is not None:
            user = ls.user
            g.api_session_id = ls.id
    elif current_user.is_authenticated:
        user = current_user._get_current_object()
    g.api_actor = user
    return user


def require_actor():
    user = current_actor()
    if user is None:
        raise Unauthenticated("Sign in or send a valid bearer token.")
    return user
