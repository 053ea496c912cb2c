"""What a French or an Arabic reader sees in a real browser holds no English UI word: the live
room and the motion page once the vote has closed (the result tables are built by JavaScript
from the socket's motion.closed), the minutes page (drafted by a secretariat working in that
language), and the minutes PDF with its page footer. Visible text is `document.body.innerText`
with what people wrote hidden, plus accessible names; it is compared with the English catalogue
as tests/i18n/test_no_english.py does (tests/i18n/english.py)."""
import re
import subprocess

import pytest
from playwright.sync_api import expect

from app.demo import ORGANISATIONS, USERS
from tests.browser.fixtures import OUTPUT, api_session, screenshots_on_failure, sign_in
from tests.i18n.conftest import read_catalogue
from tests.i18n.english import USER_CONTENT, english_in, english_words

pytestmark = pytest.mark.browser

T = 15_000
SEC = "secretariat@baraza.example"
READERS = ("gov.sn@baraza.example", "emp.sn@baraza.example", "wrk.sn@baraza.example")
# user content, in a language with no UI catalogue (so it can hide no UI word)
TITLE = "Mashauriano ya uhamiaji wa kazi ({lang})"
ITEM, QUESTION = "Ufunguzi wa kikao", "Kupitisha rasimu ya mkataba?"
PEOPLE = [name for _key, name, _role, _lang in USERS] + [v[0] for v in ORGANISATIONS.values()] + ["Baraza"]
# the page footer, translated (pdftotext may set the first page's number apart in Arabic)
FOOTER = {"fr": r"Page\s*1\s*sur\s*\d", "ar": r"الصفحة\s*\d\s*من\s*\d"}

VISIBLE_TEXT = """(keep) => {
  const hide = %r;
  const hidden = [];
  for (const el of document.querySelectorAll(hide)) {
    if (keep && el.matches(keep)) continue;
    hidden.push([el, el.style.display]);
    el.style.setProperty("display", "none", "important");
  }
  const names = [];
  for (const el of document.body.querySelectorAll("[aria-label],[title],[placeholder],[alt]")) {
    if (el.closest(hide) && !(keep && el.closest(keep))) continue;
    for (const a of ["aria-label", "title", "placeholder", "alt"]) if (el.getAttribute(a)) names.push(el.getAttribute(a));
  }
  const text = document.body.innerText;
  for (const [el, display] of hidden) el.style.display = display;
  return text + "\\n" + names.join("\\n");
}""" % USER_CONTENT


def _set_language(s, base, lang):
    assert s.patch(base + "/api/v1/me", json={"language": lang}, timeout=10).status_code == 200


def _live_consultation(base, sec, lang) -> int:
    c = sec.post(base + "/api/v1/consultations", json={"title": TITLE.format(lang=lang), "level": "rec",
                                                       "rec": "ECOWAS"}, timeout=10).json()
    url = f"{base}/api/v1/consultations/{c['id']}"
    for email in READERS:
        _s, user = api_session(base, email)
        for p in sec.post(url + "/participants", json={"user_id": user["id"]}, timeout=10).json()["items"]:
            assert sec.patch(f"{url}/participants/{p['id']}", json={"credentials": "accepted"}, timeout=10).status_code == 200
    assert sec.post(url + "/agenda", json={"title": ITEM}, timeout=10).status_code == 201
    for status in ("scheduled", "live"):
        assert sec.patch(url, json={"status": status}, timeout=10).status_code == 200
    return c["id"]


def _visible(page, keep=None) -> str:
    return page.evaluate(VISIBLE_TEXT, keep)


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "minutes.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout
    # pdftotext marks each run's direction (LRE, RLE, PDF, ...); the words are what is read
    return " ".join(re.sub("[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text).split())


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_room_motion_minutes_and_pdf_read_no_english(browser, live_server, shots, tmp_path, lang):
    base = live_server
    words = english_words(lang)
    sec, _ = api_session(base, SEC)
    readers = [api_session(base, email) for email in READERS]
    before = {email: s.get(base + "/api/v1/me", timeout=10).json()["language"] for email, (s, _u) in zip(READERS, readers, strict=True)}
    contexts, texts = [], {}
    try:
        _set_language(sec, base, lang)  # the minutes are drafted in the drafter's language
        for s, _u in readers:
            _set_language(s, base, lang)
        cid = _live_consultation(base, sec, lang)
        motion = sec.post(f"{base}/api/v1/consultations/{cid}/motions",
                          json={"question": QUESTION, "ballot": "roll_call", "rule": "simple"}, timeout=10).json()
        assert sec.post(f"{base}/api/v1/motions/{motion['id']}/open", json={}, timeout=10).status_code == 200
        with screenshots_on_failure(contexts, shots, f"no-english-{lang}"):
            room = sign_in(browser, base, READERS[0])
            contexts.append(room.context)
            room.goto(f"{base}/consultations/{cid}/room")
            expect(room.locator("#conn")).to_have_attribute("data-state", "live", timeout=T)
            page = room.context.new_page()
            page.goto(f"{base}/motions/{motion['id']}")
            expect(page.locator("#motion-status")).to_be_visible(timeout=T)
            for (s, _u), choice in zip(readers, ("yes", "yes", "no"), strict=True):
                assert s.post(f"{base}/api/v1/motions/{motion['id']}/ballots", json={"choice": choice},
                              timeout=10).status_code in (200, 201)
            assert sec.post(f"{base}/api/v1/motions/{motion['id']}/close", json={}, timeout=10).status_code == 200
            # the result arrives over the socket and is drawn by votes.js, on both pages
            expect(page.locator("#motion-result table.vote-table").first).to_be_visible(timeout=T)
            expect(room.locator("table.vote-table").first).to_be_visible(timeout=T)
            texts["room"], texts["motion"] = _visible(room), _visible(page)
            shots(page, f"no-english-{lang}-motion")
            shots(room, f"no-english-{lang}-room")

            assert sec.patch(f"{base}/api/v1/consultations/{cid}", json={"status": "closed"}, timeout=10).status_code == 200
            r = sec.post(f"{base}/api/v1/consultations/{cid}/minutes", json={}, timeout=30)
            assert r.status_code == 201, r.text
            minutes_id = r.json()["id"]
            assert sec.post(f"{base}/api/v1/minutes/{minutes_id}/circulate", json={}, timeout=10).status_code == 200
            page.goto(f"{base}/minutes/{minutes_id}")
            # the drafted text is in the reader's language too: it is read, with the names taken out
            texts["minutes"] = _visible(page, keep=".minutes-body")
            shots(page, f"no-english-{lang}-minutes")
            pdf = page.context.request.get(f"{base}/minutes/{minutes_id}/export.pdf")
            assert pdf.ok and pdf.body().startswith(b"%PDF")
            texts["pdf"] = _pdf_text(pdf.body(), tmp_path)
    finally:
        _set_language(sec, base, "en")
        for email, (s, _u) in zip(READERS, readers, strict=True):
            _set_language(s, base, before[email])
    for name, text in texts.items():  # what was read, to look at when this fails
        (OUTPUT / f"no-english-{lang}-{name}.txt").write_text(text, encoding="utf-8")
    # what was read is the page: the drafted headings, and the result table drawn by the script
    proceedings = read_catalogue(lang).get("Proceedings").string
    assert proceedings in texts["minutes"] and TITLE.format(lang=lang) in texts["pdf"]
    assert read_catalogue(lang).get("Tallies per option").string in texts["motion"]
    assert re.search(FOOTER[lang], texts["pdf"]), texts["pdf"][-500:]
    assert not re.search(r"Page\s*\d+\s*of", texts["pdf"])
    found = {name: english_in(text, words, PEOPLE + [TITLE.format(lang=lang), ITEM, QUESTION])
             for name, text in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}
