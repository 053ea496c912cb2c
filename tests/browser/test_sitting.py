"""A chaired sitting in a real browser (issue 16): a chair, two delegates on laptops, the
workers' delegate on a 360 px phone, an observer and an Arabic-speaking delegate share the live
room. Speakers' lists on two agenda items with a point of order, the chair reordering and adding a
name, a timed turn that overruns and is ended by its speaker, the session closing; the minutes'
speaking times. Screenshots under test-output/browser/sitting-*.png."""
import re

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.fixtures import DEMO_PASSWORD, api_session, assert_no_serious, option_value, set_agenda_item, screenshots_on_failure, sign_in

pytestmark = pytest.mark.browser

T = 10_000
TITLE = "ECOWAS: chaired sitting on skills portability"
CHAIR, GOV, EMP, WRK, OBS = ("stakeholder@baraza.example", "gov.gh@baraza.example", "emp.gh@baraza.example",
                             "wrk.gh@baraza.example", "observer@baraza.example")
NAMES = {GOV: "Government delegate, Ghana", EMP: "Employers' delegate, Ghana", WRK: "Workers' delegate, Ghana"}
ITEMS = ("Skills portability: the draft framework", "Social protection of migrant workers")


def _api(base):
    """Bearer-authenticated JSON calls as the secretariat, and the ids of the people."""
    s, _ = api_session(base, "secretariat@baraza.example")
    ids = {}
    for email in (CHAIR, GOV, EMP, WRK, OBS):
        person, user = api_session(base, email)
        ids[email] = user["id"]
        # the page language is the person's setting, and other browser tests change it
        assert person.patch(base + "/api/v1/me", json={"language": "en"}, timeout=10).status_code == 200
    return s, ids


def _prepare(base) -> int:
    """The secretariat prepares the sitting through the API (the pages are the journey's)."""
    s, ids = _api(base)
    c = s.post(base + "/api/v1/consultations", json={"title": TITLE, "level": "rec", "rec": "ECOWAS"}).json()
    url = f"{base}/api/v1/consultations/{c['id']}"
    for email in (GOV, EMP, WRK, OBS, CHAIR):
        body = {"user_id": ids[email]}
        if email == CHAIR:
            body["role"] = "chair"
        for p in s.post(url + "/participants", json=body).json()["items"]:
            assert s.patch(f"{url}/participants/{p['id']}", json={"credentials": "accepted"}).status_code == 200
    for title in ITEMS:
        assert s.post(url + "/agenda", json={"title": title}).status_code == 201
    assert s.patch(url, json={"speaking_time_s": 120}).json()["speaking_time_s"] == 120
    for status in ("scheduled", "live"):
        assert s.patch(url, json={"status": status}).status_code == 200
    return c["id"]


def _enter(page, base, cid):
    page.goto(f"{base}/consultations/{cid}/room")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=T)
    return page


def _queue(page):
    return page.locator("#queue li")


def _expect_list(page, names):
    expect(_queue(page)).to_have_count(len(names), timeout=T)
    for i, name in enumerate(names):
        expect(_queue(page).nth(i)).to_contain_text(name, timeout=T)


def _set_item(chair, n):
    set_agenda_item(chair, n, ITEMS[n], T)


def test_chaired_sitting(browser, live_server, shots):
    base = live_server
    cid = _prepare(base)
    contexts = []
    try:
        with screenshots_on_failure(contexts, shots, "sitting"):
            chair = sign_in(browser, base, CHAIR)
            gov = sign_in(browser, base, GOV)
            phone = sign_in(browser, base, WRK, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
            obs = sign_in(browser, base, OBS)
            emp = sign_in(browser, base, EMP)
            contexts = [p.context for p in (chair, gov, phone, obs, emp)]
            emp.select_option("#lang-select", "ar")          # the employers' delegate follows in Arabic
            emp.locator("form.lang button").click()
            emp.wait_for_load_state()
            for page in (chair, gov, phone, obs, emp):
                _enter(page, base, cid)
            everyone = (chair, gov, phone, obs, emp)

            # the chair's panel comes first for the chair; the observer is told why there is no hand
            assert chair.evaluate("document.querySelector('.card.chair').getBoundingClientRect().top"
                                  " < document.querySelector('.card.now').getBoundingClientRect().top")
            expect(obs.get_by_role("button", name="Raise my hand")).to_be_hidden()
            expect(obs.locator("#hand-note")).to_have_text("Observers follow the session but cannot chat or raise a hand.")

            # item 1: two hands, then a point of order from the phone goes to the top
            _set_item(chair, 0)
            gov.get_by_role("button", name="Raise my hand").click()
            expect(gov.get_by_role("button", name="Lower my hand")).to_be_visible(timeout=T)
            _expect_list(chair, [NAMES[GOV]])
            emp.locator("#hand-button").click()
            _expect_list(chair, [NAMES[GOV], NAMES[EMP]])
            phone.get_by_role("button", name="Point of order").click()
            for page in everyone:
                _expect_list(page, [NAMES[WRK], NAMES[GOV], NAMES[EMP]])
            expect(_queue(gov).nth(0)).to_contain_text("Point of order")
            expect(phone.locator("#my-place")).to_have_text("You are number 1 on the list.", timeout=T)
            expect(gov.locator("#my-place")).to_have_text("You are number 2 on the list.", timeout=T)
            # the chair moves the employers' delegate up one place
            chair.get_by_role("button", name=f"Move up: {NAMES[EMP]}").click()
            for page in everyone:
                _expect_list(page, [NAMES[WRK], NAMES[EMP], NAMES[GOV]])
            shots(chair, "sitting-01-chair-item1-list-en")
            # on the phone: nothing sideways, the live business before the chat
            assert phone.evaluate("document.documentElement.scrollWidth") <= 360
            assert phone.evaluate("document.querySelector('.card.now').getBoundingClientRect().top"
                                  " < document.querySelector('#votes').getBoundingClientRect().top"
                                  " && document.querySelector('#votes').getBoundingClientRect().top"
                                  " < document.querySelector('.card.chat').getBoundingClientRect().top")
            shots(phone, "sitting-02-phone-360-point-of-order-en")

            # item 2 has its own list: empty, then the chair adds a spokesperson, a hand follows
            _set_item(chair, 1)
            for page in everyone:
                expect(page.locator("#queue li.empty")).to_have_count(1, timeout=T)
            chair.locator("#add-speaker").select_option(option_value(chair, "#add-speaker", NAMES[GOV]))
            chair.locator("form[data-action=speaker]").get_by_role("button", name="Add").click()
            phone.locator("#hand-button").click()
            for page in everyone:
                _expect_list(page, [NAMES[GOV], NAMES[WRK]])
            # back to item 1: its list as it was
            _set_item(chair, 0)
            for page in everyone:
                _expect_list(page, [NAMES[WRK], NAMES[EMP], NAMES[GOV]])

            # a timed turn: 2 s for the employers' delegate; every screen counts down, then shows the overrun
            chair.locator("#give-user").select_option(option_value(chair, "#give-user", NAMES[EMP]))
            chair.locator("#give-limit").fill("2")
            chair.locator("form[data-action=give]").get_by_role("button", name="Give the floor").click()
            for page in everyone:
                expect(page.locator("#floor")).to_contain_text(NAMES[EMP], timeout=T)
                expect(page.locator("#floor-clock")).to_be_visible(timeout=T)
            for page in everyone:
                expect(page.locator("#floor-clock")).to_have_class("clock over", timeout=T)
            expect(gov.locator("#floor-clock")).to_have_text(re.compile(r"^0:0[1-9] over the limit$"), timeout=T)
            expect(emp.locator("#you-speak")).to_be_visible()
            _expect_list(gov, [NAMES[WRK], NAMES[GOV]])
            shots(gov, "sitting-03-overrun-en")
            shots(emp, "sitting-04-room-ar")
            assert emp.locator("html").get_attribute("dir") == "rtl"
            assert_no_serious(emp, base, "room (ar)")
            assert_no_serious(chair, base, "room, chair (en)")
            # the speaker ends the turn
            emp.locator("#end-turn").click()
            for page in everyone:
                expect(page.locator("#floor .empty")).to_be_visible(timeout=T)
                expect(page.locator("#floor-clock")).to_be_hidden(timeout=T)
            expect(gov.locator("#floor")).to_have_text("Nobody has the floor.")
            # a refusal says why (the server's message, in the reader's language)
            chair.locator("form[data-action=give]").get_by_role("button", name="Take the floor back").click()
            expect(chair.locator("#chair-error")).to_have_text("Nobody has the floor.", timeout=T)

            # the chair closes the session: no hand, and the banner says so
            chair.locator("form[data-action=session]").get_by_role("button", name="Close the session").click()
            expect(gov.locator("#conn")).to_have_text(
                "Connected. The live session is closed: hands and chat open with the next sitting.", timeout=T)
            expect(gov.get_by_role("button", name="Raise my hand")).to_be_hidden(timeout=T)
            expect(gov.locator("#hand-note")).to_have_text("The live session is not open.", timeout=T)
            expect(phone.locator("#conn")).to_have_attribute("data-state", "idle", timeout=T)
            expect(phone.locator("#hand-form")).to_be_hidden()
            expect(phone.locator("#queue li.empty")).to_have_count(1)
            shots(phone, "sitting-05-phone-closed-en")

            # the draft minutes list the speaking times per item and speaker
            s, _ids = _api(base)
            body = s.post(f"{base}/api/v1/consultations/{cid}/minutes").json()["body"]
            assert "## Speaking times" in body and f"### {ITEMS[0]}" in body.split("## Speaking times")[1]
            assert NAMES[EMP] in body.split("## Speaking times")[1] and "over the time limit" in body
    finally:
        # the language is the person's setting: give the employers' delegate English back for
        # the other browser tests sharing this server
        tok = requests.post(base + "/api/v1/auth/token", json={"email": EMP, "password": DEMO_PASSWORD}).json()["token"]
        requests.patch(base + "/api/v1/me", json={"language": "en"}, headers={"Authorization": "Bearer " + tok})
