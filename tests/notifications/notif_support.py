"""Helpers for reading received mail in the notification tests."""


def parts(msg):
    """(plain text, html) of a received message."""
    text = msg.get_body(("plain",)).get_content()
    html_part = msg.get_body(("html",))
    return text, html_part.get_content() if html_part else ""


def path_of(url: str) -> str:
    from urllib.parse import urlsplit
    p = urlsplit(url)
    return p.path + (f"?{p.query}" if p.query else "")
