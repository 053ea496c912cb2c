"""Security headers, request hygiene (NUL bytes, invalid UTF-8) and safe redirects."""
from urllib.parse import unquote_to_bytes, urlsplit

from flask import Flask, current_app, request

from app.core.errors import BadRequest

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


def _bad_bytes(raw: bytes) -> bool:
    if b"\x00" in raw:
        return True
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def allows_upload(limit: int):
    """Mark a view that takes a file upload of up to `limit` bytes in all; every other request
    keeps MAX_CONTENT_LENGTH. check_request applies it before anything reads the body."""
    def deco(view):
        view.max_upload_bytes = limit
        return view
    return deco


def check_request() -> None:
    """Refuse NUL bytes and invalid UTF-8 anywhere in the URL, query or text body (400)."""
    limit = getattr(current_app.view_functions.get(request.endpoint or ""), "max_upload_bytes", None)
    if limit:
        request.max_content_length = limit
    if _bad_bytes(unquote_to_bytes(request.environ.get("PATH_INFO", "").encode("latin-1", "replace"))):
        raise BadRequest("The address contains a NUL byte or invalid UTF-8.")
    if _bad_bytes(unquote_to_bytes(request.query_string)):
        raise BadRequest("The query contains a NUL byte or invalid UTF-8.")
    ctype = request.mimetype or ""
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and (
            ctype in ("application/json", "application/x-www-form-urlencoded") or ctype.startswith("text/")):
        raw = request.get_data(cache=True)
        if ctype == "application/x-www-form-urlencoded":
            raw = unquote_to_bytes(raw.replace(b"+", b" "))
        if _bad_bytes(raw):
            raise BadRequest("The request contains a NUL byte or invalid UTF-8.")
        if ctype == "application/json" and b"\\u0000" in raw:
            raise BadRequest("The request contains a NUL byte.")
    elif request.method in ("POST", "PUT", "PATCH") and ctype == "multipart/form-data":
        for values in request.form.listvalues():
            for v in values:
                if "\x00" in v or "\ufffd" in v:
                    raise BadRequest("The request contains a NUL byte or invalid UTF-8.")


def add_headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after sign-in; anything pointing elsewhere gives the default."""
    if not target or not isinstance(target, str):
        return default
    target = target.strip()
    parts = urlsplit(target)
    if (parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//")
            or "\\" in target or any(ord(ch) < 32 for ch in target)):
        return default
    return target


def init_security(app: Flask) -> None:
    app.before_request(check_request)
    app.after_request(add_headers)
