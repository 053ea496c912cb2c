"""Who is calling the API: a bearer token, else the browser's session (then CSRF applies).

A browser sends the session cookie with any request to this host, including a form posted by
a page on another site or on another port of the same host ("same-site" but not
"same-origin"). So a write (POST, PUT, PATCH, DELETE) authenticated by the cookie must come
from one of Baraza's own pages: it carries the page's CSRF token in `X-CSRFToken` (Flask-WTF's
token, read from the `csrf-token` meta tag), and its `Origin` and `Sec-Fetch-Site`, when the
browser sends them, name this origin. A request with an `Authorization` header never uses the
cookie (see current_actor), so bearer-token calls need none of this."""
from flask import current_app, request
from flask_login import current_user
from flask_wtf.csrf import ValidationError, validate_csrf

from app.core.errors import Forbidden
from app.core.signin import bearer_token, current_actor, require_actor

__all__ = ["bearer_token", "current_actor", "require_actor", "refuse_cross_site_cookie_writes"]
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})


def own_origins() -> set[str]:
    """This server's origin as the browser sees it: the request's scheme and host (which follow
    X-Forwarded-* only behind BARAZA_TRUSTED_PROXIES), and, as the Socket.IO handshake also
    accepts, the one a proxy's X-Forwarded-Proto/-Host name (a browser cannot set those)."""
    env = request.environ
    scheme, host = request.scheme, request.host
    origins = {f"{scheme}://{host}"}
    fwd_proto, fwd_host = env.get("HTTP_X_FORWARDED_PROTO"), env.get("HTTP_X_FORWARDED_HOST")
    if fwd_proto or fwd_host:
        origins.add("{}://{}".format((fwd_proto or scheme).split(",")[0].strip(),
                                     (fwd_host or host).split(",")[0].strip()))
    return origins


def _check_sender() -> None:
    origin = request.headers.get("Origin")
    if origin is not None and origin in current_app.config.get("CORS_ORIGINS", ()):
        return  # an origin the operator allows (BARAZA_ALLOWED_ORIGINS)
    if origin is not None and origin not in own_origins():
        raise Forbidden("This request came from another site; Baraza refused it.")
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None and site not in SAME_ORIGIN_FETCH:
        raise Forbidden("This request came from another site; Baraza refused it.")


def _check_token() -> None:
    token = None
    for header in current_app.config.get("WTF_CSRF_HEADERS", ("X-CSRFToken",)):
        token = request.headers.get(header)
        if token:
            break
    try:
        validate_csrf(token)
    except ValidationError:
        raise Forbidden("The security token (X-CSRFToken) is missing or wrong; reload the page "
                        "and try again.") from None


def refuse_cross_site_cookie_writes() -> None:
    """A cookie-authenticated write needs this origin and the CSRF token (403 forbidden).

    Always on: unlike Flask-WTF's form check, it does not follow WTF_CSRF_ENABLED."""
    if request.method not in WRITE_METHODS or bearer_token() is not None:
        return  # the Authorization header, not the cookie, says who this is
    bp = current_app.blueprints.get(request.blueprint or "")
    if request.endpoint in getattr(bp, "public", ()):
        return  # signs in with the body's password; the cookie is not used
    if not current_user.is_authenticated:
        return  # not cookie-authenticated: the endpoint answers 401 (or signs in: /auth/token)
    _check_sender()
    _check_token()
