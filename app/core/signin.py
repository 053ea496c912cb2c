"""Who is signed in, as the ground floor sees it. Accounts registers its resolvers in its
init_app (app.extensions["baraza.signin"]), so core and the API plumbing never import accounts.

An API call is made by a bearer token, else by the browser's session cookie (then the API's
CSRF rule applies); a socket event by the sign-in its connection was opened with."""
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request
from flask_login import current_user

from app.core.errors import Unauthenticated


@dataclass(frozen=True)
class Resolvers:
    session: Callable[[str | None], Any]  # login session id -> LoginSession, or None
    token: Callable[[str, str, int], Any]  # (secret key, token, max age) -> LoginSession, or None
    users: Callable[[list[str]], dict]  # login session ids -> {valid one: its User} (one query)
    user_ids: Callable[[list[str]], dict]  # login session ids -> {valid one: its user's id} (one query)
    token_id: Callable[[str, str, int], str | None]  # (secret key, token, max age) -> the session id it names


def register(app, *, session: Callable, token: Callable, users: Callable, user_ids: Callable,
             token_id: Callable) -> None:
    app.extensions["baraza.signin"] = Resolvers(session=session, token=token, users=users, user_ids=user_ids,
                                                token_id=token_id)


def resolvers() -> Resolvers:
    return current_app.extensions["baraza.signin"]


def resolve_token(token: str):
    cfg = current_app.config
    return resolvers().token(cfg["SECRET_KEY"], token, cfg["TOKEN_MAX_AGE"])


def token_session_id(token: str) -> str | None:
    cfg = current_app.config
    return resolvers().token_id(cfg["SECRET_KEY"], token, cfg["TOKEN_MAX_AGE"])


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def current_actor():
    """The user of this API request (bearer token, else session cookie), or None."""
    if "api_actor" in g:
        return g.api_actor
    token = bearer_token()
    user = None
    if token is not None:
        ls = resolve_token(token) if token else None
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
