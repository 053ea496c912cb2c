"""Notification fixtures: a real local SMTP server (aiosmtpd) and helpers to run the worker."""
import socket
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import user_api


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Collector:
    """An SMTP handler that keeps every message it accepts."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self, port: int):
        self.port = port
        self.handler = Collector()
        self.controller = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self):
        return [message_from_bytes(e.original_content, policy=default_policy) for e in self.handler.envelopes]

    def to(self, email: str):
        return [m for m, e in zip(self.messages, self.handler.envelopes, strict=True) if email in e.rcpt_tos]


@pytest.fixture
def smtp(app):
    """A running SMTP server on a free port; the app sends to it."""
    server = SMTPServer(free_port())
    server.start()
    app.config["SMTP_URL"] = server.url
    app.config["BASE_URL"] = "http://localhost"
    yield server
    server.stop()


@pytest.fixture
def run_worker(app):
    """One pass: dispatch stored events into notifications, then send what is due."""
    from app.notifications.dispatch import dispatch_pending
    from app.notifications.mailer import send_due

    def _run(now=None):
        handled = dispatch_pending(now=now)
        return handled, send_due(now)
    return _run


@pytest.fixture
def api(client, token):
    """api(user, method, path, **kw) -> response, as that user (bearer token)."""
    return user_api(client, token, "/api/v1/notifications")


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    """Argon2 at its production cost makes each factory user take a good part of a second on
    this shared machine; the hashing is not what these tests are about."""
    from argon2 import PasswordHasher

    from app.accounts import services
    monkeypatch.setattr(services, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
