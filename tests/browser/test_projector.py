"""The hall screen in a real browser: a projector context (1920x1080, then 1280x720) follows a
sitting that a chair context drives: the agenda item changes, the floor is given, hands are
raised, a vote is opened and closed, and a roll call loses and regains the quorum. Screenshots in
English and Arabic go to test-output/browser/projector-*.png; axe-core finds no serious or
critical violation on the page."""
import json

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.fixtures import DEMO_PASSWORD, axe_violations, sign_in

pytestmark = pytest.mark.browser

T = 10_000
TITLE = "ECOWAS: hall screen sitting on labour mobility"
AGENDA = ("Opening and adoption of the agenda", "Draft framework on labour mobility")
DELEGATES = ("gov.gh", "emp.gh", "wrk.gh", "gov.sn")
QUORUM_RULE = {"threshold": "simple", "base": "cast",
               "quorum": {"of": "entitled", "fraction": "1/2", "counted": "present"}}


def _email(key):
    return f"{key}@baraza.example"


class ChairApi:
    """The chair's browser context calling the API with its session cookie and CSRF token, as
    the pages' own scripts do."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.csrf = page.evaluate("document.querySelector('meta[name=csrf-token]').content")

    def __call__(self, method, path, body=None, ok=(200, 201)):
        r = self.page.request.fetch(self.base + "/api/v1" + path, method=method,
                                    headers={"X-CSRFToken": self.csrf, "Content-Type": "application/json"},
                                    data=json.dumps(body) if body is not None else None)
        assert r.status in ok, (method, path, r.status, r.text()[:300])
        return r.json()


def _bearer(base, key):
    r = requests.post(base + "/api/v1/auth/token", json={"email": _email(key), "password": DEMO_PASSWORD}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _prepare(api) -> tuple[int, dict, dict]:
    """A live ECOWAS sitting with four entitled delegates (quorum: two present) and an observer."""
    c = api("POST", "/consultations", {"title": TITLE, "level": "rec", "rec": "ECOWAS",
                                        "meeting_url": "https://meet.example.org/ecowas-hall"})
    cid = c["id"]
    api("PATCH", f"/consultations/{cid}", {"rule": QUORUM_RULE})
    for title in AGENDA:
        api("POST", f"/consultations/{cid}/agenda", {"title": title})
    users, cursor = {}, None
    while True:
        page = api("GET", "/users" + (f"?cursor={cursor}" if cursor else ""))
        users.update({u["email"]: u["id"] for u in page["items"]})
        cursor = page.get("next")
        if not cursor:
            break
    for key in DELEGATES + ("observer",):
        api("POST", f"/consultations/{cid}/participants", {"user_id": users[_email(key)]})
    parts = api("GET", f"/consultations/{cid}/participants")["items"]
    pids = {}
    for p in parts:
        api("PATCH", f"/consultations/{cid}/participants/{p['id']}", {"credentials": "accepted"})
        pids[p["user_id"]] = p["id"]
    api("PATCH", f"/consultations/{cid}", {"status": "scheduled"})
    api("PATCH", f"/consultations/{cid}", {"status": "live"})
    detail = api("GET", f"/consultations/{cid}")
    items = [i["id"] for i in detail["agenda"]]
    return cid, {k: users[_email(k)] for k in DELEGATES}, {"pids": pids, "items": items}


def _no_serious(page, base, what):
    bad = axe_violations(page, base)
    assert bad == [], (what, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad])


def _fits(page):
    """Nothing scrolls or spills out of the screen."""
    size = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.scrollHeight,"
                         " innerWidth, innerHeight]")
    assert size[0] <= size[2] and size[1] <= size[3], size


def test_projector_follows_a_chaired_sitting(browser, live_server, shots):
    base = live_server
    chair = sign_in(browser, base, _email("secretariat"))
    screen = sign_in(browser, base, _email("observer"), viewport={"width": 1920, "height": 1080})
    try:
        api = ChairApi(chair, base)
        cid, uids, ids = _prepare(api)
        pid = {k: ids["pids"][uid] for k, uid in uids.items()}

        # the consultation page gives a participant the bridge of the hybrid sitting (no overflow
        # on a phone) and links the hall screen, which opens live
        screen.goto(f"{base}/consultations/{cid}")
        expect(screen.get_by_role("link", name="https://meet.example.org/ecowas-hall")).to_be_visible()
        screen.set_viewport_size({"width": 360, "height": 800})
        assert screen.evaluate("() => document.querySelector('.meeting-link').getBoundingClientRect().right") <= 360
        shots(screen, "projector-00-consultation-meeting-link-360-en")
        screen.set_viewport_size({"width": 1920, "height": 1080})
        link = screen.get_by_role("link", name="Hall screen")
        expect(link).to_have_attribute("href", f"/consultations/{cid}/projector")
        screen.goto(base + link.get_attribute("href"))
        expect(screen.locator("#pj-conn")).to_have_attribute("data-state", "live", timeout=T)
        expect(screen.locator("#pj-quorum")).to_have_attribute("data-met", "false")
        expect(screen.locator("#pj-entitled")).to_have_text("4")
        _fits(screen)
        shots(screen, "projector-01-waiting-en")

        # the chair in the room: the agenda item and the floor, through the room's own controls
        chair.goto(f"{base}/consultations/{cid}/room")
        expect(chair.locator("#conn")).to_have_attribute("data-state", "live", timeout=T)
        chair.get_by_label("Current agenda item").select_option(label=f"2. {AGENDA[1]}")
        chair.locator("form[data-action=agenda]").get_by_role("button", name="Set").click()
        expect(screen.locator("#pj-agenda")).to_have_text(f"2. {AGENDA[1]}", timeout=T)
        for key in ("wrk.gh", "emp.gh"):
            r = requests.post(f"{base}/api/v1/consultations/{cid}/hand", json={}, headers=_bearer(base, key), timeout=10)
            assert r.status_code == 200, r.text
        expect(screen.locator("#pj-queue li")).to_have_count(2, timeout=T)
        expect(screen.locator("#pj-queue li").first).to_contain_text("Workers")
        api("POST", f"/consultations/{cid}/floor", {"user_id": uids["gov.gh"]})
        expect(screen.locator("#pj-speaker")).to_contain_text("Government delegate, Ghana", timeout=T)
        expect(screen.locator("#pj-clock")).not_to_have_text("–", timeout=T)
        expect(screen.locator("#pj-queue li")).to_have_count(2)
        shots(screen, "projector-02-floor-en")

        # a roll call that reaches the quorum, loses it, and regains it
        for key in ("gov.gh", "emp.gh"):
            api("PUT", f"/consultations/{cid}/attendance/{pid[key]}", {"present": True})
        expect(screen.locator("#pj-quorum")).to_have_attribute("data-met", "true", timeout=T)
        expect(screen.locator("#pj-present")).to_have_text("2")
        expect(screen.locator('#pj-groups tr[data-group="employers"] td').first).to_have_text("1")
        api("PUT", f"/consultations/{cid}/attendance/{pid['emp.gh']}", {"present": False})
        expect(screen.locator("#pj-quorum")).to_have_attribute("data-met", "false", timeout=T)
        expect(screen.locator("#pj-quorum")).to_contain_text("Quorum not met")
        shots(screen, "projector-03-quorum-lost-en")
        api("PUT", f"/consultations/{cid}/attendance/{pid['wrk.gh']}", {"present": True})
        expect(screen.locator("#pj-quorum")).to_have_attribute("data-met", "true", timeout=T)
        expect(screen.locator("#pj-quorum")).to_contain_text("Quorum met")
        expect(screen.locator('#pj-groups tr[data-group="workers"] td').first).to_have_text("1")
        # the room's roll call panel follows too, and shows the bridge of the hybrid sitting
        expect(chair.locator('#roll-call tr[data-group="workers"] .present')).to_have_text("1", timeout=T)
        expect(chair.locator('#roll-call tr[data-group="employers"] .present')).to_have_text("0")
        expect(chair.locator("#attendance-quorum")).to_have_text("quorum met")
        expect(chair.get_by_role("link", name="https://meet.example.org/ecowas-hall")).to_be_visible()
        shots(chair, "projector-room-roll-call-en")
        chair.set_viewport_size({"width": 360, "height": 800})
        assert chair.evaluate("() => document.querySelector('#roll-call').getBoundingClientRect().right") <= 360
        shots(chair, "projector-room-roll-call-360-en")
        chair.set_viewport_size({"width": 1280, "height": 900})

        # a vote: its turnout live, then its result
        m = api("POST", f"/consultations/{cid}/motions",
                {"question": "Adopt the draft framework?", "ballot": "show_of_hands", "rule": "simple"})
        api("POST", f"/motions/{m['id']}/open")
        expect(screen.locator("#pj-votes .pj-question")).to_have_text("Adopt the draft framework?", timeout=T)
        expect(screen.locator("#pj-votes .pj-turnout")).to_have_text("0 of 4 have voted", timeout=T)
        for key, choice in (("gov.gh", "yes"), ("wrk.gh", "yes"), ("emp.gh", "no")):
            r = requests.post(f"{base}/api/v1/motions/{m['id']}/ballots", json={"choice": choice},
                              headers=_bearer(base, key), timeout=10)
            assert r.status_code in (200, 201), r.text
        expect(screen.locator("#pj-votes .pj-turnout")).to_have_text("3 of 4 have voted", timeout=T)
        shots(screen, "projector-04-vote-open-en")
        api("POST", f"/motions/{m['id']}/close")
        expect(screen.locator("#pj-result .pj-outcome")).to_have_text("Carried", timeout=T)
        expect(screen.locator("#pj-votes .pj-empty")).to_have_text("No open vote.", timeout=T)
        expect(screen.locator("#pj-result .pj-tallies")).to_contain_text("Yes 2")
        _fits(screen)
        shots(screen, "projector-05-result-en")
        _no_serious(screen, base, "projector (en)")

        # no control anywhere on the screen
        assert screen.locator("#projector button, #projector form, #projector input, #projector select").count() == 0

        # the same screen at 1280x720, then in Arabic
        screen.set_viewport_size({"width": 1280, "height": 720})
        _fits(screen)
        shots(screen, "projector-06-result-1280-en")
        screen.goto(f"{base}/dashboard")
        screen.locator("#lang-select").select_option("ar")
        screen.locator("form.lang button").click()
        screen.goto(f"{base}/consultations/{cid}/projector")
        expect(screen.locator("html")).to_have_attribute("dir", "rtl")
        expect(screen.locator("#pj-conn")).to_have_attribute("data-state", "live", timeout=T)
        api("DELETE", f"/consultations/{cid}/floor")
        api("POST", f"/consultations/{cid}/floor", {"user_id": uids["wrk.gh"]})
        expect(screen.locator("#pj-speaker")).to_contain_text("Workers", timeout=T)
        expect(screen.locator("#pj-queue li")).to_have_count(1, timeout=T)   # the speaker left the list
        expect(screen.locator("#pj-clock-label")).to_have_text("مدة المداخلة")
        expect(screen.locator("#pj-quorum")).to_contain_text("النصاب مكتمل")
        _fits(screen)
        shots(screen, "projector-07-1280-ar")
        screen.set_viewport_size({"width": 1920, "height": 1080})
        _fits(screen)
        shots(screen, "projector-08-1920-ar")
        _no_serious(screen, base, "projector (ar)")
        screen.goto(f"{base}/dashboard")   # the demo observer reads English again for the other tests
        screen.locator("#lang-select").select_option("en")
        screen.locator("form.lang button").click()
    except Exception:
        shots(screen, "projector-failure-screen")
        shots(chair, "projector-failure-chair")
        raise
    finally:
        screen.context.close()
        chair.context.close()
