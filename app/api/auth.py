"""Who is calling the API: a bearer token, else the browser's session (then CSRF applies)."""
from app.core.signin import bearer_token, current_actor, require_actor

__all__ = ["bearer_token", "current_actor", "require_actor"]
