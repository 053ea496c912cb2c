"""Rate limits for sign-in, both through Flask-Limiter: per client address, counting only
FAILED attempts (a whole delegation signing in correctly from behind one NAT is never held
back, while someone guessing passwords from one address is), and per account, counting every
attempt (tight). Behind a reverse proxy the address is the real client's only when
BARAZA_TRUSTED_PROXIES says how many proxies to believe (create_app applies ProxyFix)."""
from flask import request

from app.extensions import limiter

ADDRESS_FAILURE_LIMIT = "120 per minute"
ACCOUNT_LIMIT = "10 per minute; 50 per hour"


def _account_key() -> str:
    email = None
    if request.is_json:
        data = request.get_json(silent=True)
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            email = data["email"]
    else:
        email = request.form.get("email")
    return "account:" + (email or "").strip().lower()[:254]


def _failed(response) -> bool:
    """Both sign-in doors answer a wrong e-mail or password with 401."""
    return response.status_code == 401


# Shared limits: the form (/login) and the API (/api/v1/auth/token) draw on one count, so two
# doors do not double the guesses. With deduct_when, Flask-Limiter refuses a request once the
# count is reached, and adds to the count only after a response it deducts for.
address_limit = limiter.shared_limit(ADDRESS_FAILURE_LIMIT, scope="signin-address", methods=["POST"],
                                     deduct_when=_failed)
account_limit = limiter.shared_limit(ACCOUNT_LIMIT, scope="signin-account", key_func=_account_key,
                                     methods=["POST"])
