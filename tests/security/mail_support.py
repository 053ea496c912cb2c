"""A real SMTP server for the delivery tests (aiosmtpd), which can refuse chosen recipients."""
import pytest

from tests.notifications.conftest import Collector, SMTPServer, free_port


class RefusingCollector(Collector):
    """Accepts every message, but answers 550 to the recipients listed in refuse."""

    def __init__(self):
        super().__init__()
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def smtp(app):
    server = SMTPServer(free_port())
    server.handler = RefusingCollector()
    server.start()
    app.config["SMTP_URL"] = server.url
    app.config["BASE_URL"] = "http://localhost"
    yield server
    server.stop()
