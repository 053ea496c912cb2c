"""Arabic in a real browser: the page runs right to left and the main navigation sits on the right."""
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.accounts import services as accounts
from app.extensions import db
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
OUT = Path(__file__).resolve().parents[2] / "test-output"


@pytest.fixture
def server(app):
    from werkzeug.serving import make_server
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(10)


def test_arabic_pages_run_right_to_left_with_the_navigation_on_the_right(factory, server, browser):
    c = factory.consultation(status="scheduled", title="ECOWAS: portability of social security",
                             starts_at=datetime.now(UTC) + timedelta(days=3))
    factory.tripartite(c)
    sec = factory.secretariat
    accounts.set_language(sec, "ar")
    accounts.set_timezone(sec, "Africa/Cairo")
    db.session.commit()

    page = browser.new_page(viewport={"width": 1100, "height": 760})
    page.goto(server + "/login")
    page.fill("input[name=email]", sec.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard")
    OUT.mkdir(exist_ok=True)
    for path, name in (("/dashboard", "rtl-dashboard.png"), (f"/consultations/{c.id}", "rtl-consultation.png")):
        page.goto(server + path)
        page.screenshot(path=str(OUT / name))
        assert page.evaluate("document.documentElement.getAttribute('dir')") == "rtl"
        assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
        box = page.evaluate("""() => {
            const r = s => document.querySelector(s).getBoundingClientRect();
            return {width: innerWidth, brand: r('.brand'), nav: r('.top .nav'), tools: r('.top-tools'),
                    h1: r('main h1')};
        }""")
        # mirrored header: brand at the right edge, the navigation next to it, the tools on the left
        assert box["brand"]["right"] > box["width"] - 40
        assert box["nav"]["right"] <= box["brand"]["left"] and box["nav"]["right"] > box["width"] / 2
        # the tools sit left of the navigation, or (when the header wraps) on the row below it
        assert box["tools"]["right"] < box["nav"]["left"] or box["tools"]["top"] >= box["nav"]["bottom"] - 1
        assert box["h1"]["right"] > box["width"] - 40  # headings start on the right
        page.screenshot(path=str(OUT / name))
        assert (OUT / name).stat().st_size > 10_000
    # Arabic text is drawn with an Arabic font, not a fallback box
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans Arabic" in font
