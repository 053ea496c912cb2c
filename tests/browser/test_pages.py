"""The main pages in a real browser: accessible (axe-core), light, usable on a 360 px screen."""
import gzip

import pytest
import requests

from tests.browser.fixtures import DEMO_PASSWORD, axe_violations, sign_in

pytestmark = pytest.mark.browser


def test_login_dashboard_and_consultation_are_accessible(browser, live_server, shots):
    page = sign_in(browser, live_server, "gov.gh@baraza.example")
    shots(page, "dashboard")
    assert page.locator("h1").first.inner_text() == "My consultations"
    for path in ("/dashboard", "/consultations/"):
        page.goto(live_server + path)
        bad = axe_violations(page, live_server)
        assert bad == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
    page.goto(live_server + "/login")
    assert axe_violations(page, live_server) == []
    page.context.close()


@pytest.mark.parametrize("path", ["/dashboard", "/consultations/", "/consultations/2", "/consultations/2/room",
                                  "/documents/2", "/archive", "/search?q=portability"])
def test_pages_are_light_and_fit_a_small_screen(browser, live_server, shots, path):
    """First load under 150 KB compressed (every response, gzip-measured); no sideways scroll at 360 px."""
    page = sign_in(browser, live_server, "gov.gh@baraza.example", viewport={"width": 360, "height": 740})
    urls = []
    page.on("response", lambda r: urls.append(r.url))
    resp = page.goto(live_server + path)
    assert resp.status == 200, path
    page.wait_for_load_state("networkidle")
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    total = 0
    for url in dict.fromkeys(urls):
        if "/socket.io/" in url:
            continue
        total += len(gzip.compress(requests.get(url, cookies=cookies, timeout=5).content))
    assert total < 150 * 1024, (path, total)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path}: horizontal scroll, {width}px"
    shots(page, "360px" + path.replace("/", "-").replace("?", "-").rstrip("-"))
    page.context.close()


@pytest.mark.parametrize("path", ["/consultations/2", "/consultations/2/attendance", "/consultations/2/room", "/bodies/1", "/admin/users",
                                  "/admin/organisations", "/admin/users/2"])
def test_secretariat_pages_fit_a_small_screen(browser, live_server, shots, path):
    """The secretariat's pages carry its forms (rule composer, roll call, new member) and wide
    tables: tables scroll inside their own keyboard-reachable region, the page itself never sideways."""
    page = sign_in(browser, live_server, "secretariat@baraza.example", viewport={"width": 360, "height": 740})
    assert page.goto(live_server + path).status == 200, path
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path}: horizontal scroll, {width}px"
    shots(page, "360px-secretariat" + path.replace("/", "-"))
    bad = axe_violations(page, live_server)
    assert bad == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]
    page.context.close()


def test_keyboard_reaches_the_sign_in_form(browser, live_server):
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(live_server + "/login")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to content"
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "email":
            break
    assert page.evaluate("document.activeElement.id") == "email"
    page.keyboard.type("gov.gh@baraza.example")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/dashboard")
    ctx.close()


def test_archive_minutes_and_documents_read_without_javascript(browser, live_server, shots):
    ctx = browser.new_context(java_script_enabled=False, viewport={"width": 1024, "height": 800})
    page = ctx.new_page()
    page.goto(live_server + "/login")
    page.fill("#email", "gov.gh@baraza.example")
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard")
    page.goto(live_server + "/documents/2")
    assert page.locator("article.doc-body").inner_text().strip() != ""
    page.goto(live_server + "/archive")
    assert page.locator("h1").first.is_visible()
    page.goto(live_server + "/public/consultations")
    link = page.locator("main a[href*='/public/consultations/']").first
    link.click()
    minutes_link = page.locator("main a[href*='/minutes/']").first
    assert minutes_link.count() == 1
    page.goto(live_server + "/minutes/1")
    assert "Attendance" in page.locator("main").inner_text()
    shots(page, "minutes-without-js")
    ctx.close()
