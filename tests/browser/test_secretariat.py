"""The secretariat's pages on a 360 px phone, in English and Arabic: the positions table and a
motion's result fit (scrollable regions with a label), the moderation review and the audit page
are accessible (axe-core: no serious or critical violation)."""
import pytest

from tests.browser.fixtures import axe_violations, choose_language, sign_in

pytestmark = pytest.mark.browser

# demo data: document 4 has three positions, motion 1 a closed roll-call result (consultation 2)
PAGES = [("positions", "/documents/4/positions"), ("motion-result", "/motions/1"),
         ("moderation", "/consultations/2/moderation"), ("audit", "/consultations/2/audit"),
         ("consultation", "/consultations/2"), ("reader", "/documents/2")]


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_secretariat_pages_fit_360px_and_are_accessible(browser, live_server, shots, lang):
    page = sign_in(browser, live_server, "secretariat@baraza.example", viewport={"width": 360, "height": 740})
    choose_language(page, lang)
    for name, path in PAGES:
        resp = page.goto(live_server + path)
        assert resp.status == 200, path
        page.wait_for_load_state("networkidle")
        assert page.locator("html").get_attribute("lang") == lang
        width = page.evaluate("document.documentElement.scrollWidth")
        shots(page, f"secretariat-{name}-{lang}")
        assert width <= 360, f"{path} ({lang}): horizontal scroll, {width}px"
        bad = axe_violations(page, live_server)
        assert bad == [], (path, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad])
    choose_language(page, "en")   # the other browser tests share this server and its secretariat
    page.context.close()


def test_reader_shows_a_new_version_in_place(browser, live_server, shots):
    """A version published while a delegate reads: the note offers it, and a click shows it
    without reloading the page."""
    import requests

    from tests.browser.fixtures import DEMO_PASSWORD
    page = sign_in(browser, live_server, "gov.gh@baraza.example", viewport={"width": 360, "height": 740})
    page.goto(live_server + "/documents/2")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => document.querySelector('#doc-body') !== null")
    page.evaluate("window.__sameLoad = true")
    tok = requests.post(live_server + "/api/v1/auth/token", timeout=10,
                        json={"email": "secretariat@baraza.example", "password": DEMO_PASSWORD}).json()["token"]
    h = {"Authorization": f"Bearer {tok}"}
    doc = requests.get(live_server + "/api/v1/documents/2", headers=h, timeout=10).json()
    body = doc["current_version"]["body"] + "\n\nA paragraph added while the delegates read.\n"
    r = requests.post(live_server + "/api/v1/documents/2/versions", headers=h, timeout=10,
                      json={"body": body, "note": "Live test"})
    assert r.status_code == 201, r.text
    button = page.locator("#doc-live button")
    button.wait_for(timeout=15000)
    button.click()
    page.locator("#doc-body", has_text="A paragraph added while the delegates read.").wait_for(timeout=15000)
    assert page.evaluate("window.__sameLoad") is True  # no reload
    shots(page, "secretariat-reader-new-version")
    page.context.close()


def test_chat_is_hidden_and_reported_from_the_room(browser, live_server, shots):
    """In the live room the secretariat hides a delegate's message with a reason: every screen
    shows "Hidden by the secretariat"; a delegate reports another's message and is told so; a
    delegate gets no Hide button and none on their own message."""
    import uuid

    from playwright.sync_api import expect
    tag = uuid.uuid4().hex[:8]
    base = live_server + "/consultations/2/room"
    pages = {who: sign_in(browser, live_server, who) for who in
             ("secretariat@baraza.example", "gov.gh@baraza.example", "wrk.gh@baraza.example")}
    sec, gov, wrk = pages.values()
    for page in pages.values():
        choose_language(page, "en")   # the language is each person's setting; other tests change it
        page.goto(base)
        expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=15000)

    def say(page, text):
        page.fill("#chat-form textarea", text)
        page.locator("#chat-form button[type=submit]").click()

    say(gov, f"Off-topic remark {tag}")
    msg = sec.locator("#chat-log li", has_text=f"Off-topic remark {tag}")
    expect(msg).to_be_visible(timeout=10000)
    expect(gov.locator("#chat-log li", has_text=f"Off-topic remark {tag}").locator(".chat-tool")).to_have_count(0)
    msg.locator(".chat-tool").click()
    msg.locator("form.moderate input").fill("Not on the agenda")
    msg.locator("form.moderate button[type=submit]").click()
    for page in (sec, gov, wrk):
        expect(page.locator("#chat-log .hidden-note").last).to_have_text("Hidden by the secretariat", timeout=10000)
        assert f"Off-topic remark {tag}" not in page.locator("#chat-log").inner_text()

    say(wrk, f"Provocation {tag}")
    theirs = gov.locator("#chat-log li", has_text=f"Provocation {tag}")
    expect(theirs).to_be_visible(timeout=10000)
    tool = theirs.locator(".chat-tool")
    expect(tool).to_have_text("Report to the secretariat")
    tool.click()
    theirs.locator("form.moderate input").fill("Insulting")
    theirs.locator("form.moderate button[type=submit]").click()
    expect(theirs).to_contain_text("Reported. The secretariat will review it.", timeout=10000)
    shots(gov, "room-chat-reported")
    sec.goto(live_server + "/consultations/2/moderation")
    assert f"Provocation {tag}" in sec.locator("main").inner_text()
    for page in pages.values():
        page.context.close()
