"""The whole consultation journey in a real browser (issue 7), as people would live it.

The secretariat prepares a REC consultation through the pages; three Ghanaian delegates
(government, employers, workers) join the live room from their own browsers; a paragraph is
commented and amended; a constituency-majority motion is voted; one delegate drops off the
network and catches up; the minutes are adopted, found by search and downloaded as a PDF.
Every step saves a screenshot under test-output/browser/journey-*.png."""
import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.fixtures import axe_violations, screenshots_on_failure, sign_in

pytestmark = pytest.mark.browser

T = 10_000  # ms: every expectation waits at most this long
TITLE = "ECOWAS: journey consultation on fair recruitment of migrant workers"
GOV, EMP, WRK = "gov.gh@baraza.example", "emp.gh@baraza.example", "wrk.gh@baraza.example"
NAMES = {GOV: "Government delegate, Ghana", EMP: "Employers' delegate, Ghana", WRK: "Workers' delegate, Ghana"}
ORGS = ("Ministry of Employment, Ghana (demo)", "Ghana Employers' Forum (demo)", "Ghana Labour Congress (demo)")
AGENDA = ("Opening and adoption of the agenda", "Draft recommendation on fair recruitment", "Any other business")
DOC_TITLE = "Draft recommendation on fair recruitment"
DOC_BODY = """Member states of ECOWAS commit to recruitment that charges no fees to migrant workers.

Labour recruiters shall be licensed and inspected at least once a year by the labour administration.

Workers' organisations shall be consulted on every bilateral labour agreement before it is signed.
"""
AMENDED = "Labour recruiters shall be licensed, registered in a public list and inspected twice a year."


def _no_serious(page, base, what):
    bad = axe_violations(page, base)
    assert bad == [], (what, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad])


def _flash(page, text):
    expect(page.locator(".flash").filter(has_text=text).first).to_be_visible(timeout=T)


def test_consultation_journey(browser, live_server, shots):
    base = live_server
    contexts = []
    with screenshots_on_failure(contexts, shots, "journey"):
        sec = sign_in(browser, base, "secretariat@baraza.example")
        contexts.append(sec.context)
        cid = _prepare(sec, base, shots)
        rooms = {}
        for email in (GOV, EMP, WRK):
            page = sign_in(browser, base, email)
            contexts.append(page.context)
            rooms[email] = page
        _live_room(sec, rooms, base, cid, shots)
        _document(sec, rooms, base, cid, shots)
        _vote(sec, rooms, base, cid, shots)
        _offline(sec, rooms, shots)
        _minutes(sec, rooms, base, cid, shots)


# --- 1. the secretariat prepares the consultation ----------------------------------------------

def _prepare(sec, base, shots) -> int:
    sec.get_by_role("link", name="New consultation").first.click()
    expect(sec.get_by_role("heading", name="New consultation")).to_be_visible(timeout=T)
    sec.get_by_label("Title").fill(TITLE)
    sec.get_by_label("Description").fill("Governments, employers and workers of ECOWAS agree on fair recruitment.")
    sec.get_by_label("Level").select_option("rec")
    sec.get_by_label("Regional Economic Community (REC consultations)").select_option("ECOWAS")
    shots(sec, "journey-01-new-consultation")
    sec.get_by_role("button", name="Save").click()
    _flash(sec, "Consultation created as a draft.")
    expect(sec.get_by_role("heading", level=1)).to_have_text(TITLE)
    cid = int(re.search(r"/consultations/(\d+)", sec.url).group(1))

    for org in ORGS:   # one organisation per constituency
        option = sec.locator("#invite-org option", has_text=org)
        sec.get_by_label("Invite an organisation (all its accredited people)").select_option(option.get_attribute("value"))
        sec.locator("form:has(#invite-org)").get_by_role("button", name="Invite").click()
        _flash(sec, "Organisation invited.")
    people = sec.locator("section[aria-labelledby=h-participants]")
    for name in NAMES.values():
        expect(people.locator("li", has_text=name)).to_contain_text("credentials pending", timeout=T)
    while sec.get_by_role("button", name="Accept credentials").count():
        sec.get_by_role("button", name="Accept credentials").first.click()
        _flash(sec, "Participant updated.")
    for name in NAMES.values():
        expect(people.locator("li", has_text=name)).to_contain_text("credentials accepted", timeout=T)

    for title in AGENDA:
        box = sec.get_by_label("New agenda item")
        box.fill(title)
        box.press("Enter")
        _flash(sec, "Agenda item added.")
    expect(sec.locator("ol.agenda li")).to_have_count(len(AGENDA), timeout=T)
    shots(sec, "journey-02-invited-and-agenda")

    # the draft document, created as a draft, then opened for comments
    sec.get_by_role("link", name="Add a draft document").click()
    sec.get_by_label("Title").fill(DOC_TITLE)
    sec.get_by_label("Agenda item (optional)").select_option(label=f"2. {AGENDA[1]}")
    sec.get_by_label("Text (Markdown: headings, lists, tables, links, footnotes)").fill(DOC_BODY)
    sec.get_by_label("Note on this version").fill("First draft by the secretariat")
    sec.get_by_role("button", name="Create").click()
    _flash(sec, "Document created.")
    expect(sec.get_by_role("heading", level=1)).to_have_text(DOC_TITLE)
    sec.get_by_role("link", name="Manage").click()
    sec.get_by_label("Status", exact=True).select_option("open")
    sec.get_by_role("button", name="Save").click()
    _flash(sec, "Document updated.")
    expect(sec.locator(".badge.doc-status-open")).to_have_text("Open for comments")
    shots(sec, "journey-03-document-open")

    sec.goto(f"{base}/consultations/{cid}")
    sec.get_by_role("button", name="Schedule").click()
    _flash(sec, "Status changed.")
    sec.get_by_role("button", name="Open the live session").click()
    _flash(sec, "Status changed.")
    expect(sec.locator(".page-head .meta").first).to_contain_text("Live", timeout=T)
    shots(sec, "journey-04-live")
    return cid


# --- 2. the live room ----------------------------------------------------------------------------

def _enter_room(page, base, cid):
    page.goto(f"{base}/consultations/{cid}")
    page.get_by_role("link", name="Enter the live room").click()
    expect(page.locator("#conn")).to_have_attribute("data-state", "live", timeout=T)
    return page


def _present(page, group, name):
    return page.locator(f'#presence .pgroup[data-group="{group}"] li', has_text=name)


def _chat_lines(page, text):
    return page.locator("#chat-log li:not(.pending) .msg", has_text=text)


def _say(page, text):
    box = page.get_by_label("Message (plain text or Markdown, up to 2,000 characters)")
    box.fill(text)
    box.press("Enter")


def _live_room(sec, rooms, base, cid, shots):
    chair = _enter_room(sec, base, cid)
    groups = {GOV: "government", EMP: "employers", WRK: "workers"}
    for page in rooms.values():
        _enter_room(page, base, cid)
    for page in list(rooms.values()) + [chair]:
        for other, group in groups.items():   # everyone sees everyone, under their constituency
            expect(_present(page, group, NAMES[other])).to_be_visible(timeout=T)
        expect(page.locator('#presence .pgroup[data-group="government"] h3')).to_contain_text("Government")
        expect(page.locator("#presence-count")).to_have_text("4", timeout=T)
    shots(rooms[GOV], "journey-05-room-presence")

    # the workers' delegate asks for the floor; the chair gives it; everyone sees who speaks
    wrk = rooms[WRK]
    wrk.get_by_role("button", name="Raise my hand").click()
    expect(wrk.get_by_role("button", name="Lower my hand")).to_have_attribute("aria-pressed", "true", timeout=T)
    for page in list(rooms.values()) + [chair]:
        expect(page.locator("#queue li", has_text=NAMES[WRK])).to_be_visible(timeout=T)
    shots(chair, "journey-06-hand-raised")
    chair.locator("#queue li", has_text=NAMES[WRK]).get_by_role("button", name="Give the floor").click()
    for page in list(rooms.values()) + [chair]:
        expect(page.locator("#floor")).to_have_text(f"{NAMES[WRK]} has the floor", timeout=T)
        expect(page.locator("#queue li")).to_have_text("No hands raised.", timeout=T)
    expect(wrk.get_by_role("button", name="Raise my hand")).to_be_visible(timeout=T)

    # chat both ways: delegate -> everyone, chair -> everyone
    _say(rooms[GOV], "Good morning from the Ministry of Employment.")
    _say(chair, "Welcome, all. We start with item 2.")
    for page in list(rooms.values()) + [chair]:
        expect(_chat_lines(page, "Good morning from the Ministry of Employment.")).to_have_count(1, timeout=T)
        expect(_chat_lines(page, "Welcome, all. We start with item 2.")).to_have_count(1, timeout=T)
    shots(wrk, "journey-07-floor-and-chat")
    _no_serious(wrk, base, "live room")
    gov = rooms[GOV]                       # the same room on a 360 px phone
    gov.set_viewport_size({"width": 360, "height": 740})
    assert gov.evaluate("document.documentElement.scrollWidth") <= 360
    shots(gov, "journey-07b-room-360px")
    gov.set_viewport_size({"width": 1280, "height": 900})
    return chair


# --- 3. comment and amend paragraph 2 --------------------------------------------------------------

def _open_document(page, base, cid):
    """A new tab from the consultation page (the room stays open in the first tab)."""
    tab = page.context.new_page()
    tab.goto(f"{base}/consultations/{cid}")
    tab.get_by_role("link", name=DOC_TITLE).click()
    expect(tab.get_by_role("heading", level=1)).to_have_text(DOC_TITLE, timeout=T)
    return tab


def _document(sec, rooms, base, cid, shots):
    emp_doc = _open_document(rooms[EMP], base, cid)    # already reading when the comment comes
    gov_doc = _open_document(rooms[GOV], base, cid)
    paras = gov_doc.locator("#doc-body .para")
    expect(paras).to_have_count(3)
    second = paras.nth(1)
    expect(second).to_contain_text("Labour recruiters shall be licensed")
    expect(emp_doc.locator("#doc-body")).to_have_attribute("data-live", "true", timeout=T)

    second.locator("a.margin").click()            # the margin marker: comment on this paragraph
    expect(gov_doc.get_by_role("heading", name="Comments on this paragraph")).to_be_visible(timeout=T)
    expect(gov_doc.locator("blockquote.quoted")).to_contain_text("Labour recruiters shall be licensed")
    comment = "Once a year is too rare: recruiters in our region change hands every few months."
    gov_doc.get_by_label("Comment on this paragraph").fill(comment)
    gov_doc.get_by_role("button", name="Post comment").click()
    _flash(gov_doc, "Comment posted.")
    expect(gov_doc.locator("#threads .comment", has_text=comment)).to_have_count(1, timeout=T)

    # the employers' delegate sees it arrive without reloading, and the margin count goes up
    arrived = emp_doc.locator("#threads .comment", has_text=comment)
    expect(arrived).to_have_count(1, timeout=T)
    expect(arrived.locator(".badge")).to_have_text("Government")
    expect(emp_doc.locator("#doc-body .para").nth(1).locator(".margin-count")).to_have_text("1", timeout=T)
    # ... and so does everyone in the live room, in its Documents activity
    in_room = rooms[WRK].locator("#activity-list li", has_text="Government delegate, Ghana commented")
    expect(in_room).to_have_count(1, timeout=T)
    expect(in_room.locator("q")).to_contain_text("Once a year is too rare")
    shots(emp_doc, "journey-08-comment-arrives")

    gov_doc.get_by_text("Propose an amendment to this paragraph").click()
    gov_doc.get_by_label("Replacement text (Markdown)").fill(AMENDED)
    gov_doc.get_by_label("Rationale").fill("Inspections twice a year, and a public register, protect workers.")
    gov_doc.get_by_role("button", name="Propose amendment").click()
    _flash(gov_doc, "Amendment proposed.")
    expect(gov_doc.locator("aside.suggestion")).to_contain_text(ORGS[0], timeout=T)
    expect(emp_doc.locator("#doc-live")).to_contain_text("A new amendment was proposed by " + ORGS[0], timeout=T)
    shots(gov_doc, "journey-09-amendment-proposed")
    _no_serious(gov_doc, base, "document page")

    sec_doc = _open_document(sec, base, cid)
    suggestion = sec_doc.locator("aside.suggestion", has_text=ORGS[0])
    expect(suggestion.locator(".diff-text")).to_contain_text("twice a year")
    suggestion.get_by_role("button", name="Accept").click()
    _flash(sec_doc, "Amendment accepted; a new version was published.")
    expect(sec_doc.locator("#doc-body .para").nth(1)).to_contain_text(AMENDED, timeout=T)
    expect(emp_doc.locator("#doc-live")).to_contain_text("version 2 was published", timeout=T)

    sec_doc.get_by_role("link", name="Changes").click()
    expect(sec_doc.locator("table.diff-side thead")).to_contain_text("Version 1", timeout=T)
    changed = sec_doc.locator("table.diff-side tr.d-changed")
    expect(changed).to_have_count(1)
    expect(changed.locator("td").nth(0)).to_contain_text("inspected at least once a year")
    expect(changed.locator("td").nth(1)).to_contain_text("registered in a public list")
    expect(changed.locator("td").nth(1).locator("ins").first).to_be_visible()
    _no_serious(sec_doc, base, "diff page")
    shots(sec_doc, "journey-10-diff")
    for tab in (emp_doc, gov_doc, sec_doc):
        tab.close()


# --- 4. a constituency-majority motion --------------------------------------------------------------

QUESTION = "Does the meeting adopt the draft recommendation on fair recruitment as amended?"


def _vote(sec, rooms, base, cid, shots):
    tab = sec.context.new_page()
    tab.goto(f"{base}/consultations/{cid}")
    tab.get_by_text("Draft a motion").click()
    tab.get_by_label("Question", exact=True).fill(QUESTION)
    expect(tab.get_by_label("Options, separated by commas")).to_have_value("yes, no, abstain")
    tab.get_by_label("Ballot", exact=True).select_option("show_of_hands")
    tab.get_by_label("Rule", exact=True).select_option("constituency_majority")
    tab.get_by_label("Agenda item", exact=True).select_option(label=AGENDA[1])
    tab.get_by_role("button", name="Draft the motion").click()
    _flash(tab, "Motion drafted.")
    expect(tab.get_by_role("heading", level=1)).to_have_text(QUESTION)
    tab.get_by_role("button", name="Open the vote").click()
    _flash(tab, "Motion opened: voting has started.")
    expect(tab.locator("#motion-status")).to_have_text("Voting open")
    motion_url = tab.url

    # the workers' delegate votes from the live room; the others on the motion page
    room = rooms[WRK].locator("#votes .motion-live", has_text=QUESTION)
    expect(room).to_be_visible(timeout=T)
    expect(room.locator('[data-role="turnout"]')).to_have_text("Voted: 0 / 3")
    pages = {}
    for email in (GOV, EMP):
        page = rooms[email].context.new_page()
        page.goto(f"{base}/consultations/{cid}")
        page.get_by_role("link", name=QUESTION).click()
        expect(page.locator("[data-turnout-total]")).to_have_text("0", timeout=T)
        pages[email] = page
    watcher = pages[EMP]
    # vote buttons go over the socket once it is connected; wait for the motion page's join
    for page in pages.values():
        expect(page.locator("#motion")).to_have_attribute("data-live", "true", timeout=T)

    pages[GOV].get_by_role("button", name="yes").click()
    expect(pages[GOV].locator(".vote-recorded[aria-live]")).to_contain_text("Your vote is recorded: Yes", timeout=T)
    expect(watcher.locator('[data-turnout="government"]')).to_have_text("1", timeout=T)   # live, no reload
    expect(watcher.locator("[data-turnout-total]")).to_have_text("1", timeout=T)
    expect(room.locator('[data-role="turnout"]')).to_have_text("Voted: 1 / 3", timeout=T)
    shots(watcher, "journey-11-turnout-live")

    room.get_by_role("button", name="yes").click()
    expect(room.locator(".vote-recorded")).to_contain_text("Your vote is recorded: Yes", timeout=T)
    expect(watcher.locator('[data-turnout="workers"]')).to_have_text("1", timeout=T)
    watcher.get_by_role("button", name="no").click()
    expect(watcher.locator(".vote-recorded[aria-live]")).to_contain_text("Your vote is recorded: No", timeout=T)
    expect(watcher.locator("[data-turnout-total]")).to_have_text("3", timeout=T)
    shots(rooms[WRK], "journey-12-voted-in-room")
    _no_serious(watcher, base, "motion page")

    tab.reload()
    expect(tab.locator("[data-turnout-total]")).to_have_text("3")
    tab.get_by_role("button", name="Close the vote and publish the result").click()
    _flash(tab, "Motion closed: the result is published.")
    outcome = tab.locator("#motion-result .vote-outcome")
    expect(outcome).to_contain_text("Not carried", timeout=T)
    reason = tab.locator("#motion-result .vote-reason").inner_text()
    for page in pages.values():     # the result arrives without reloading, the same for everyone
        expect(page.locator("#motion-result-card")).to_be_visible(timeout=T)
        expect(page.locator("#motion-result .vote-outcome")).to_contain_text("Not carried", timeout=T)
        expect(page.locator("#motion-result .vote-reason")).to_have_text(reason)
        expect(page.locator("#motion-status")).to_have_text("Closed")
        expect(page.get_by_role("button", name="yes")).to_be_disabled()
        expect(page.locator("#motion-result table.vote-table thead")).to_contain_text("Government")
    expect(room.locator(".vote-outcome")).to_contain_text("Not carried", timeout=T)
    expect(room.locator(".vote-reason")).to_have_text(reason)
    expect(room.locator("table.vote-table thead")).to_contain_text("Employers")
    table = pages[GOV].locator("#motion-result table.vote-table").first
    expect(table.locator("tr", has_text="yes")).to_contain_text("2")
    shots(pages[GOV], "journey-13-result")
    shots(tab, "journey-13b-result-secretariat")
    assert motion_url.startswith(base + "/motions/")
    for page in list(pages.values()) + [tab]:
        page.close()


# --- 5. a delegate drops off the network and catches up ------------------------------------------------

def _chat_texts(page):
    return [t.strip() for t in page.locator("#chat-log li:not(.pending) .msg").all_inner_texts()]


def _offline(sec, rooms, shots):
    emp, gov = rooms[EMP], rooms[GOV]
    before = _chat_texts(emp)
    emp.context.set_offline(True)
    expect(emp.locator("#conn")).to_have_attribute("data-state", "offline", timeout=T)
    expect(emp.locator("#conn")).to_contain_text("Offline")
    missed = ["Missed 1: the Ministry supports the register.", "Missed 2: noted by the chair.",
              "Missed 3: the Congress asks for a timeline."]
    for page, text in ((gov, missed[0]), (sec, missed[1]), (rooms[WRK], missed[2])):
        _say(page, text)
        expect(_chat_lines(gov, text)).to_have_count(1, timeout=T)   # the others go on talking
    queued = "Sent while offline: employers will comment in writing."
    _say(emp, queued)                                          # kept, shown as pending
    expect(emp.locator("#chat-log li.pending", has_text=queued)).to_have_count(1)
    expect(_chat_lines(emp, missed[0])).to_have_count(0)
    shots(emp, "journey-14-offline")

    emp.context.set_offline(False)
    expect(emp.locator("#conn")).to_have_attribute("data-state", "live", timeout=20_000)
    expect(_chat_lines(emp, queued)).to_have_count(1, timeout=T)
    expect(emp.locator("#chat-log li.pending")).to_have_count(0)
    expected = before + missed + [queued]
    assert _chat_texts(emp) == expected                    # in order, none lost, none twice
    expect(emp.locator("#chat-log li[data-seq]")).to_have_count(len(expected))
    seqs = [int(s) for s in emp.locator("#chat-log li[data-seq]").evaluate_all("ls => ls.map(l => l.dataset.seq)")]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    for page in (gov, sec, rooms[WRK]):                    # the queued message reached everyone once
        expect(_chat_lines(page, queued)).to_have_count(1, timeout=T)
        assert _chat_texts(page) == expected
    shots(emp, "journey-15-back-online")


# --- 6. minutes: drafted, circulated, adopted, found, downloaded -----------------------------------------

def _minutes(sec, rooms, base, cid, shots):
    tab = sec.context.new_page()
    tab.goto(f"{base}/consultations/{cid}")
    tab.get_by_role("button", name="Close the session").click()
    _flash(tab, "Status changed.")
    for page in rooms.values():
        expect(page.locator("#session-status")).to_have_text("Closed", timeout=T)
    tab.get_by_role("button", name="Draft the minutes from the session record").click()
    _flash(tab, "Draft minutes written from the session record.")
    body = tab.get_by_label("Minutes (Markdown)")
    expect(body).to_contain_text(NAMES[GOV])
    body.press("Control+End")
    body.type("\n\nThe chair thanked the delegations.\n")
    expect(tab.locator("#preview")).to_contain_text("The chair thanked the delegations.", timeout=T)
    shots(tab, "journey-16-minutes-editor")
    tab.get_by_role("button", name="Save").click()
    _flash(tab, "Minutes saved.")
    tab.get_by_role("button", name="Circulate to the participants").click()
    _flash(tab, "Minutes circulated for corrections.")
    # the draft's placeholders are still in: the page names them and asks for a tick first
    expect(tab.get_by_role("alert").filter(has_text="still hold text to be completed")).to_contain_text(
        "[summary of the statement]")
    tab.get_by_label("Adopt them as they are, with this text left in").check()
    tab.get_by_role("button", name="Adopt, subject to the corrections received").click()
    _flash(tab, "Minutes adopted.")
    expect(tab.locator(".page-head .badge.minutes-adopted")).to_have_text("Adopted")
    expect(tab.locator(".minutes-body")).to_contain_text("The chair thanked the delegations.")
    shots(tab, "journey-17-minutes-adopted")
    _no_serious(tab, base, "minutes page")

    # a delegate finds them through search and downloads the PDF
    wrk = rooms[WRK].context.new_page()
    wrk.goto(base + "/dashboard")
    wrk.get_by_role("link", name="Search", exact=True).click()
    wrk.get_by_label("Words").fill("journey fair recruitment")
    wrk.get_by_label("Kind").select_option("minutes")
    wrk.get_by_label("Words").press("Enter")
    hit = wrk.locator("li.hit", has_text="Minutes: " + TITLE)
    expect(hit).to_have_count(1, timeout=T)
    shots(wrk, "journey-18-search")
    hit.locator("a.hit-title").click()
    expect(wrk.locator(".page-head h1")).to_have_text("Minutes: " + TITLE, timeout=T)
    with wrk.expect_download(timeout=T) as info:
        wrk.get_by_role("link", name="Download PDF").click()
    data = open(info.value.path(), "rb").read()
    assert data.startswith(b"%PDF"), data[:20]
    text = " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split())
    assert TITLE in text, text[:500]
    shots(wrk, "journey-19-minutes-delegate")
    tab.close()
    wrk.close()
