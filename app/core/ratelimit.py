"""Rate limits for sign-in: per client address (generous, for a delegation behind one NAT)
and per account (tight), both through Flask-Limiter."""
from flask import request

from app.extensions import limiter

ADDRESS_LIMIT = "120 per minute"
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


address_limit = limiter.limit(ADDRESS_LIMIT, methods=["POST"], scope="signin-address")
account_limit = limiter.limit(ACCOUNT_LIMIT, key_func=_account_key, methods=["POST"], scope="signin-account")
