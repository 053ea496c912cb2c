"""Issue 16's bar: one chaired sitting in a real browser, with the hall screen as a fourth context of
the same sitting showing each step. The secretariat chairs from the room (and its reader and
attendance register tabs); the Ghanaian government delegate follows on a laptop in English, the
employers' delegate in Arabic, the workers' delegate on a 360 px phone; the projector is the
observer's 1920x1080 screen. Steps: speakers' lists on two agenda items with a point of order, a
2 s turn that overruns, a roll call that loses and regains the quorum, an amendment put to the vote
from the reader, opened and closed in the room, voted in the pages (the phone too), deciding a new
version that credits its proposer; then every page kind in English and Arabic, axe-core and the
360 px width on the phone. Screenshots: test-output/browser/chaired-*.png."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.fixtures import api_session, assert_no_serious, option_value, set_agenda_item, choose_language, screenshots_on_failure, sign_in

pytestmark = pytest.mark.browser

T = 10_000
TITLE = "ECOWAS: chaired sitting on the mobility of skills"
SEC, GOV, EMP, WRK, SN, OBS = ("secretariat@baraza.example", "gov.gh@baraza.example", "emp.gh@baraza.example",
                               "wrk.gh@baraza.example", "gov.sn@baraza.example", "observer@baraza.example")
NAMES = {GOV: "Government delegate, Ghana", EMP: "Employers' delegate, Ghana", WRK: "Workers' delegate, Ghana"}
ITEMS = ("Recognition of skills across borders", "Portability of social security")
QUORUM_RULE = {"threshold": "simple", "base": "cast",
               "quorum": {"of": "entitled", "fraction": "1/2", "counted": "present"}}
DOC_BODY = """Member states recognise the vocational qualifications of migrant workers.

Recognition is decided within six months of a complete application.

Workers' and employers' organisations take part in the assessment of skills.
"""
AMENDED = "Recognition is decided within three months of a complete application, free of charge."


def _as(base, email):
    return api_session(base, email)[0]


def _languages(base, lang="en", people=(SEC, GOV, EMP, WRK, OBS)):
    """The page language is each person's setting (the phone's header folds its picker away and
    the hall screen has none, so it is set as "My settings" does); other browser tests change it."""
    for email in people:
        assert _as(base, email).patch(base + "/api/v1/me", json={"language": lang}, timeout=10).status_code == 200


def _prepare(base) -> dict:
    """The secretariat prepares the sitting through the API (the pages are the sitting's); the
    government delegate proposes an amendment to the draft under discussion."""
    s = _as(base, SEC)
    ids = {email: api_session(base, email)[1]["id"] for email in (GOV, EMP, WRK, SN, OBS)}
    c = s.post(base + "/api/v1/consultations", json={"title": TITLE, "level": "rec", "rec": "ECOWAS",
                                                      "meeting_url": "https://meet.example.org/ecowas-skills"}).json()
    url = f"{base}/api/v1/consultations/{c['id']}"
    assert s.patch(url, json={"rule": QUORUM_RULE, "speaking_time_s": 120}).status_code == 200
    for email in (GOV, EMP, WRK, SN, OBS):
        for p in s.post(url + "/participants", json={"user_id": ids[email]}).json()["items"]:
            assert s.patch(f"{url}/participants/{p['id']}", json={"credentials": "accepted"}).status_code == 200
    for title in ITEMS:
        assert s.post(url + "/agenda", json={"title": title}).status_code == 201
    doc = s.post(url + "/documents", json={"title": "Draft framework on the recognition of skills", "body": DOC_BODY})
    assert doc.status_code == 201, doc.text
    doc_id = doc.json()["id"]
    assert s.patch(f"{base}/api/v1/documents/{doc_id}", json={"status": "open"}).status_code == 200
    for status in ("scheduled", "live"):
        assert s.patch(url, json={"status": status}).status_code == 200
    am = _as(base, GOV).post(f"{base}/api/v1/documents/{doc_id}/amendments",
                             json={"anchor": "p2", "text": AMENDED, "rationale": "Workers wait too long."})
    assert am.status_code == 201, am.text
    return {"cid": c["id"], "doc": doc_id, "amendment": am.json()["id"]}


def _enter(page, base, cid):
    page.goto(f"{base}/consultations/{cid}/room")
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=T)
    return page


def _expect_list(page, names, sel="#queue li"):
    expect(page.locator(sel)).to_have_count(len(names), timeout=T)
    for i, name in enumerate(names):
        expect(page.locator(sel).nth(i)).to_contain_text(name, timeout=T)


def _set_item(chair, n):
    set_agenda_item(chair, n, ITEMS[n], T)


def _narrow(page, what):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{what}: horizontal scroll at 360 px ({width}px)"


def test_a_chaired_sitting_with_the_hall_screen(browser, live_server, shots):
    base = live_server
    _languages(base)
    ids = _prepare(base)
    cid = ids["cid"]
    contexts = []
    try:
        with screenshots_on_failure(contexts, shots, "chaired"):
            chair = sign_in(browser, base, SEC)
            gov = sign_in(browser, base, GOV)
            emp = sign_in(browser, base, EMP)
            phone = sign_in(browser, base, WRK, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
            screen = sign_in(browser, base, OBS, viewport={"width": 1920, "height": 1080})
            contexts += [p.context for p in (chair, gov, emp, phone, screen)]
            choose_language(emp, "ar")           # the employers' delegate follows in Arabic
            rooms = (chair, gov, emp, phone)
            for page in rooms:
                _enter(page, base, cid)
            screen.goto(f"{base}/consultations/{cid}/projector")
            expect(screen.locator("#pj-conn")).to_have_attribute("data-state", "live", timeout=T)
            # the three Ghanaian delegates joined the live sitting: present, 3 of 4 entitled
            expect(screen.locator("#pj-present")).to_have_text("3", timeout=T)
            expect(screen.locator("#pj-quorum")).to_have_attribute("data-met", "true", timeout=T)

            # --- item 1: two hands, a point of order from the phone goes to the top ---------------
            _set_item(chair, 0)
            expect(screen.locator("#pj-agenda")).to_have_text(f"1. {ITEMS[0]}", timeout=T)
            gov.get_by_role("button", name="Raise my hand").click()
            emp.locator("#hand-button").click()
            _expect_list(chair, [NAMES[GOV], NAMES[EMP]])
            phone.get_by_role("button", name="Point of order").click()
            for page in rooms:
                _expect_list(page, [NAMES[WRK], NAMES[GOV], NAMES[EMP]])
            _expect_list(screen, [NAMES[WRK], NAMES[GOV], NAMES[EMP]], "#pj-queue li")
            expect(screen.locator("#pj-queue li").first.locator(".pj-tag")).to_have_text("Point of order")
            expect(phone.locator("#my-place")).to_have_text("You are number 1 on the list.", timeout=T)
            _narrow(phone, "room, point of order")
            shots(phone, "chaired-01-phone-point-of-order-en")
            shots(screen, "chaired-02-projector-item1-list-en")
            # the chair moves the employers' delegate up: the hall screen follows
            chair.get_by_role("button", name=f"Move up: {NAMES[EMP]}").click()
            _expect_list(screen, [NAMES[WRK], NAMES[EMP], NAMES[GOV]], "#pj-queue li")
            _expect_list(gov, [NAMES[WRK], NAMES[EMP], NAMES[GOV]])
            shots(chair, "chaired-03-room-chair-en")

            # --- item 2 has its own list; the chair adds a point of order for a delegate ------------
            _set_item(chair, 1)
            expect(screen.locator("#pj-agenda")).to_have_text(f"2. {ITEMS[1]}", timeout=T)
            expect(screen.locator("#pj-queue li.pj-empty")).to_have_count(1, timeout=T)
            phone.locator("#hand-button").click()
            _expect_list(chair, [NAMES[WRK]])
            chair.locator("#add-speaker").select_option(option_value(chair, "#add-speaker", NAMES[GOV]))
            chair.locator("#add-kind").select_option("point_of_order")
            chair.locator("form[data-action=speaker]").get_by_role("button", name="Add").click()
            for page in rooms:
                _expect_list(page, [NAMES[GOV], NAMES[WRK]])
            _expect_list(screen, [NAMES[GOV], NAMES[WRK]], "#pj-queue li")
            shots(screen, "chaired-04-projector-item2-list-en")
            # back to item 1: its list as it was, on every screen
            _set_item(chair, 0)
            for page in rooms:
                _expect_list(page, [NAMES[WRK], NAMES[EMP], NAMES[GOV]])
            _expect_list(screen, [NAMES[WRK], NAMES[EMP], NAMES[GOV]], "#pj-queue li")

            # --- a 2 s turn that overruns: every screen says so from the server's ends_at -----------
            chair.locator("#give-user").select_option(option_value(chair, "#give-user", NAMES[EMP]))
            chair.locator("#give-limit").fill("2")
            chair.locator("form[data-action=give]").get_by_role("button", name="Give the floor").click()
            expect(screen.locator("#pj-speaker")).to_contain_text(NAMES[EMP], timeout=T)
            for page in rooms:
                expect(page.locator("#floor-clock")).to_have_class("clock over", timeout=T)
            expect(screen.locator(".pj-clock-line")).to_have_class(re.compile(r"\bover\b"), timeout=T)
            expect(screen.locator("#pj-clock-label")).to_have_text("Over time")
            expect(screen.locator("#pj-clock")).to_have_text(re.compile(r"^\+0:0[1-9]$"), timeout=T)
            expect(phone.locator("#floor-clock")).to_have_text(re.compile(r"over the limit$"))
            _expect_list(screen, [NAMES[WRK], NAMES[GOV]], "#pj-queue li")   # the speaker left the list
            shots(screen, "chaired-05-projector-overrun-en")
            shots(gov, "chaired-06-room-overrun-en")
            shots(emp, "chaired-07-room-overrun-ar")
            emp.locator("#end-turn").click()
            expect(screen.locator("#pj-speaker .pj-empty")).to_be_visible(timeout=T)
            for page in rooms:
                expect(page.locator("#floor-clock")).to_be_hidden(timeout=T)

            # --- roll call: the register loses the quorum and regains it ----------------------------
            register = chair.context.new_page()
            register.goto(f"{base}/consultations/{cid}/attendance")
            for name in (NAMES[EMP], NAMES[WRK]):
                register.locator("tr", has_text=name).get_by_role("button", name="Mark absent").click()
                register.wait_for_load_state()
            expect(screen.locator("#pj-quorum")).to_have_attribute("data-met", "false", timeout=T)
            expect(screen.locator("#pj-quorum")).to_contain_text("Quorum not met")
            expect(screen.locator("#pj-present")).to_have_text("1")
            expect(gov.locator("#attendance-quorum")).to_have_text("quorum not met", timeout=T)
            shots(screen, "chaired-08-projector-quorum-lost-en")
            shots(register, "chaired-09-register-en")
            for name in (NAMES[WRK], NAMES[EMP]):
                register.locator("tr", has_text=name).get_by_role("button", name="Mark present").click()
                register.wait_for_load_state()
            expect(screen.locator("#pj-quorum")).to_have_attribute("data-met", "true", timeout=T)
            expect(screen.locator("#pj-present")).to_have_text("3")
            expect(phone.locator("#attendance-quorum")).to_have_text("quorum met", timeout=T)

            # --- an amendment voted on the floor ----------------------------------------------------
            reader = chair.context.new_page()
            reader.goto(f"{base}/documents/{ids['doc']}")
            aside = reader.locator(f"#amendment-{ids['amendment']}")
            aside.get_by_role("button", name="Put to the vote").click()
            expect(reader.locator(".flash").first).to_contain_text("Motion drafted on the amendment", timeout=T)
            gov_reader = gov.context.new_page()      # the proposer follows the text in the reader
            gov_reader.goto(f"{base}/documents/{ids['doc']}")
            expect(gov_reader.locator("#para-p2")).to_contain_text("six months")
            chair.reload()
            expect(chair.locator("#conn")).to_have_attribute("data-state", "live", timeout=T)
            opener = chair.locator("#votes form.manage-vote button", has_text="Open the vote")
            expect(opener).to_be_visible(timeout=T)
            shots(chair, "chaired-10-room-draft-vote-en")
            opener.click()
            expect(chair.locator(".flash").first).to_contain_text("Motion opened", timeout=T)
            expect(screen.locator("#pj-votes .pj-question")).to_contain_text("Accept amendment", timeout=T)
            expect(screen.locator("#pj-votes .pj-turnout")).to_have_text("0 of 4 have voted", timeout=T)
            for page, choice in ((gov, "yes"), (phone, "yes"), (emp, "no")):
                button = page.locator(f"#votes .vote-choice[data-choice={choice}]")   # its label is in the page's language
                expect(button).to_be_visible(timeout=T)
                button.click()
                expect(page.locator("#votes .vote-recorded")).not_to_be_empty(timeout=T)
            expect(screen.locator("#pj-votes .pj-turnout")).to_have_text("3 of 4 have voted", timeout=T)
            _narrow(phone, "room, open vote")
            shots(phone, "chaired-11-phone-voted-en")
            shots(screen, "chaired-12-projector-turnout-en")
            # the chair closes once their own room shows the three ballots, as a chair would
            expect(chair.locator('#votes [data-role="turnout"]')).to_have_text(re.compile(r": 3 / 4$"), timeout=T)
            chair.locator("#votes form.manage-vote button", has_text="Close the vote").click()
            expect(chair.locator(".flash").first).to_contain_text("Motion closed", timeout=T)
            expect(screen.locator("#pj-result .pj-outcome")).to_have_text("Carried", timeout=T)
            expect(screen.locator("#pj-result .pj-tallies")).to_contain_text("Yes 2")
            expect(screen.locator("#pj-votes .pj-empty")).to_have_text("No open vote.", timeout=T)
            # a long question does not push the outcome and the tallies out of their panel
            assert screen.evaluate("""() => {
                const panel = document.querySelector('.pj-result').getBoundingClientRect();
                return ['.pj-outcome', '.pj-tallies'].every(s =>
                    document.querySelector('#pj-result ' + s).getBoundingClientRect().bottom <= panel.bottom);
            }""")
            shots(screen, "chaired-13-projector-result-en")
            # the reader shows the new version in place, crediting the proposer
            show = gov_reader.locator("#doc-live button")
            expect(show).to_be_visible(timeout=T)
            show.click()
            expect(gov_reader.locator("#para-p2")).to_contain_text("three months", timeout=T)
            expect(gov_reader.locator("#doc-live")).to_contain_text(f"by Ministry of Employment, Ghana (demo) ({NAMES[GOV]})")
            expect(gov_reader.locator("#version-meta")).to_contain_text(f"Version 2 · Secretariat officer · Amendment {ids['amendment']}")
            expect(gov_reader.locator("#version-select")).to_have_value("2")
            shots(gov_reader, "chaired-14-reader-new-version-en")
            reader.goto(f"{base}/documents/{ids['doc']}")   # "Put to the vote" led to the motion's page
            expect(reader.locator(".version-bar")).to_contain_text(f"({NAMES[GOV]}) accepted")
            expect(reader.locator("#h-decided")).to_be_visible()

            # --- every page kind in Arabic, and axe-core and the width on the phone -----------------
            assert_no_serious(chair, base, "room, chair (en)")
            assert_no_serious(screen, base, "projector (en)")
            paths = {"room": f"/consultations/{cid}/room", "projector": f"/consultations/{cid}/projector",
                     "reader": f"/documents/{ids['doc']}", "register": f"/consultations/{cid}/attendance"}
            choose_language(chair, "ar")
            _languages(base, "ar", (WRK, OBS))
            for name, path in paths.items():
                phone.goto(base + path)
                phone.wait_for_load_state("networkidle")
                assert phone.locator("html").get_attribute("dir") == "rtl"
                _narrow(phone, f"{name} (ar)")
                assert_no_serious(phone, base, f"{name}, 360 px (ar)")
                shots(phone, f"chaired-20-phone-{name}-ar")
                chair.goto(base + path)
                chair.wait_for_load_state("networkidle")
                shots(chair, f"chaired-21-{name}-ar")
                assert_no_serious(chair, base, f"{name}, chair (ar)")
            screen.goto(f"{base}/consultations/{cid}/projector")
            expect(screen.locator("#pj-conn")).to_have_attribute("data-state", "live", timeout=T)
            expect(screen.locator("#pj-quorum")).to_contain_text("النصاب مكتمل")
            shots(screen, "chaired-22-projector-result-ar")
            assert_no_serious(screen, base, "projector (ar)")
            choose_language(chair, "en")
            _languages(base, "en", (WRK, OBS))
            for name, path in paths.items():
                phone.goto(base + path)
                phone.wait_for_load_state("networkidle")
                _narrow(phone, f"{name} (en)")
                assert_no_serious(phone, base, f"{name}, 360 px (en)")
                shots(phone, f"chaired-23-phone-{name}-en")
            motions = _as(base, SEC).get(f"{base}/api/v1/consultations/{cid}/motions", timeout=10).json()["items"]
            for page, lang in ((gov, "en"), (emp, "ar")):
                page.goto(f"{base}/motions/{motions[0]['id']}")
                expect(page.locator("#motion-result-card")).to_be_visible(timeout=T)
                shots(page, f"chaired-24-motion-result-{lang}")
                assert_no_serious(page, base, f"motion ({lang})")
            emp.goto(f"{base}/documents/{ids['doc']}")
            shots(emp, "chaired-25-reader-ar")
    finally:
        _languages(base)


def test_the_chair_runs_the_speakers_list_without_javascript(browser, live_server, shots):
    """With JavaScript off, the room's server-rendered forms add a point of order for a delegate,
    move a speaker up and say why a name cannot be added twice."""
    base = live_server
    _languages(base)
    cid = _prepare(base)["cid"]
    for email in (GOV, EMP):
        r = _as(base, email).post(f"{base}/api/v1/consultations/{cid}/hand", json={}, timeout=10)
        assert r.status_code == 200, r.text
    chair = sign_in(browser, base, SEC, java_script_enabled=False)
    contexts = [chair.context]
    with screenshots_on_failure(contexts, shots, "chaired-nojs"):
        chair.goto(f"{base}/consultations/{cid}/room")
        _expect_list(chair, [NAMES[GOV], NAMES[EMP]])
        chair.locator("#add-speaker").select_option(option_value(chair, "#add-speaker", NAMES[WRK]))
        chair.locator("#add-kind").select_option("point_of_order")
        chair.locator("form[data-action=speaker]").get_by_role("button", name="Add").click()
        _expect_list(chair, [NAMES[WRK], NAMES[GOV], NAMES[EMP]])
        expect(chair.locator("#queue li").first).to_contain_text("Point of order")
        chair.get_by_role("button", name=f"Move up: {NAMES[EMP]}").click()
        _expect_list(chair, [NAMES[WRK], NAMES[EMP], NAMES[GOV]])
        chair.locator("#add-speaker").select_option(option_value(chair, "#add-speaker", NAMES[GOV]))
        chair.locator("form[data-action=speaker]").get_by_role("button", name="Add").click()
        expect(chair.locator(".flash").first).to_contain_text("That hand is already raised.")
        _expect_list(chair, [NAMES[WRK], NAMES[EMP], NAMES[GOV]])
        shots(chair, "chaired-30-room-no-javascript-en")
