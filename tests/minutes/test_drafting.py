"""Draft minutes come from the stored room events: attendance, speakers per item, documents,
amendments and motion results."""
import re

import pytest

from app.minutes import statements


@pytest.fixture
def drafted(session, client, token):
    r = client.post(f"/api/v1/consultations/{session['c'].id}/minutes", headers=token(session["sec"]))
    assert r.status_code == 201, r.json
    return r.json


def section(body: str, heading: str) -> str:
    start = body.index(heading)
    nxt = re.search(r"^#{2,3} ", body[start + len(heading):], re.MULTILINE)
    return body[start:start + len(heading) + nxt.start()] if nxt else body[start:]


def test_attendance_by_constituency_and_absent(session, drafted):
    body = drafted["body"]
    attendance = body[body.index("## 1. Attendance"):body.index("### Absent or excused")]
    gov, emp, wrk = session["gov"], session["emp"], session["wrk"]
    assert "**Government**" in attendance and "**Employers**" in attendance
    assert f"{gov.organisation.name}: " in attendance and gov.name in attendance and session["adviser"].name in attendance
    assert emp.name in attendance
    assert wrk.name not in attendance
    absent = body[body.index("### Absent or excused"):body.index("## 2. Agenda")]
    assert "**Workers**" in absent and wrk.name in absent and wrk.organisation.name in absent
    assert session["outsider"].name not in body


def test_agenda_and_speakers_grouped_by_item(session, drafted):
    body = drafted["body"]
    assert "1. Opening\n2. Draft framework\n3. Conclusions" in body
    opening = section(body, "### 3.1 Opening")
    framework = section(body, "### 3.2 Draft framework")
    conclusions = section(body, "### 3.3 Conclusions")
    gov, emp, adviser = session["gov"], session["emp"], session["adviser"]
    assert [s.user_id for s in statements.statements(opening)] == [gov.id]
    # floor.given without agenda_item_id falls under the item current at the time
    assert [s.user_id for s in statements.statements(framework)] == [emp.id, adviser.id, gov.id]
    assert statements.statements(conclusions) == []
    assert "**Adopt the regional framework?** — Carried" in conclusions
    assert "Votes: Yes: 5, No: 1, Abstain: 0" in conclusions
    assert "Summary of the discussion" in opening


def test_statements_are_tagged_with_the_speaker(session, drafted):
    tagged = {(s["anchor"], s["user_id"]) for s in drafted["statements"]}
    assert len(tagged) == 4
    html = drafted["html"]
    for anchor, uid in tagged:
        assert f'id="{anchor}" data-speaker="{uid}"' in html
    assert "{#st-" not in html


def test_documents_amendments_and_results(session, drafted):
    body = drafted["body"]
    docs = section(body, "## 4. Documents discussed")
    assert "**Regional framework** — version 2 (After the first reading)" in docs
    assert "Amendment 3: accepted, giving version 3 — Clearer scope" in docs
    assert "Amendment 4: rejected — Outside the mandate" in docs
    decisions = section(body, "### 3.3 Conclusions")
    assert "**Adopt the regional framework?** — Carried (reported under 3.3)" in section(body, "### 5.3 Conclusions")
    assert "**Adopt the regional framework?** — Carried. two-thirds reached" in decisions
    assert "Votes: Yes: 5, No: 1, Abstain: 0" in decisions
    assert "Workers: Yes: 1, No: 1" in decisions
    assert "Quorum met" in decisions
    assert "Regional Economic Community (ECOWAS)" in body


def test_one_set_of_minutes_redraft_only_while_draft(session, drafted, client, token):
    h = token(session["sec"])
    url = f"/api/v1/consultations/{session['c'].id}/minutes"
    r = client.post(url, headers=h)
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"
    client.patch(f"/api/v1/minutes/{drafted['id']}", json={"body": "edited"}, headers=h)
    r = client.post(url, json={"replace": True}, headers=h)
    assert r.status_code == 201 and r.json["id"] == drafted["id"] and "## 1. Attendance" in r.json["body"]


def test_drafting_refusals(session, factory, client, token):
    c = session["c"]
    r = client.post(f"/api/v1/consultations/{c.id}/minutes", headers=token(session["gov"]))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
    r = client.post(f"/api/v1/consultations/{c.id}/minutes", headers=token(session["outsider"]))
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    scheduled = factory.consultation(status="scheduled")
    r = client.post(f"/api/v1/consultations/{scheduled.id}/minutes", headers=token(session["sec"]))
    assert r.status_code == 409
    r = client.post(f"/api/v1/consultations/{c.id}/minutes")
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthenticated"


def test_empty_session_still_drafts(factory, client, token):
    c = factory.consultation(status="live", title="Quiet session")
    r = client.post(f"/api/v1/consultations/{c.id}/minutes", headers=token(factory.secretariat))
    assert r.status_code == 201
    assert "No attendance was recorded." in r.json["body"]
    assert "No motion was put to the vote." in r.json["body"]
