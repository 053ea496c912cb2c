"""The start of every link in mail and calendar files (contract, section 1)."""
from flask import current_app


def base_url() -> str:
    """The start of every link in mail and calendar files: BASE_URL (BARAZA_BASE_URL) when set,
    else where this server listens, http://<BARAZA_HOST>:<BARAZA_PORT> (contract, section 1)."""
    from config import listen_url
    cfg = current_app.config
    return (cfg.get("BASE_URL") or listen_url(cfg.get("HOST"), cfg.get("PORT"))).rstrip("/")


def absolute(path: str) -> str:
    return path if path.startswith(("http://", "https://")) else base_url() + path
