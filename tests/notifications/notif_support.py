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


def store_raw_event(consultation_id: int, type_: str, data: dict):
    """A stored event whose data does not match its declaration (written before the payload was
    declared, or by hand): readers of the spine must survive it."""
    from app.core.realtime import RoomEvent, next_seq
    from app.extensions import db
    ev = RoomEvent(consultation_id=consultation_id, seq=next_seq(consultation_id), type=type_, data=data)
    db.session.add(ev)
    db.session.flush()
    return ev
