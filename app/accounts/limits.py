"""The per-account limit on checking a signed-in person's current password (the password change
page and PUT /me/password), so a stolen session cannot be used to guess the password faster
than signing in would allow. One bucket for both doors, the sign-in's per-account rate."""
from flask import request

from app.core.ratelimit import ACCOUNT_LIMIT
from app.extensions import limiter


def _own_account_key() -> str:
    from app.api.auth import current_actor  # bearer token, else the browser session
    user = current_actor()
    if user is None:
        return "anonymous:" + (request.remote_addr or "")
    return "account:" + user.email


password_check_limit = limiter.shared_limit(ACCOUNT_LIMIT, scope="password-check",
                                            key_func=_own_account_key, methods=["POST", "PUT"])
