"""The secretariat's tools on the agenda and participants, in the pages and the API, each
recorded as an event the audit page lists; everyone else is refused with the error shape."""
import pytest

from app.consultations import agenda
from app.core.realtime import RoomEvent
from app.extensions import db

OTHERS = [("chair", 403, "forbidden"), ("government", 403, "forbidden"), ("observer", 403, "forbidden"),
          ("outsider", 404, "not_found")]


@pytest.fixture
def sitting(factory):
    c, people = factory.live_room()
    people["chair"] = factory.user("delegate", "stakeholder")
    factory.participant(c, people["chair"], role="chair")
    items = [agenda.add_agenda_item(factory.secretariat, c, t) for t in ("Opening", "Skills", "Closing")]
    pending = factory.participant(c, credentials="pending")
    other = factory.participant(c, credentials="pending", constituency="workers")
    db.session.commit()
    return {"c": c, "items": [i.id for i in items], "pending": [pending.id, other.id], **people}


def call(client, token, method, path, user, json=None):
    return client.open("/api/v1" + path, method=method, json=json, headers=token(user))


def _api_calls(s):
    c, (i1, i2, _i3) = s["c"], s["items"]
    gov = next(p for p in c.participants if p.user_id == s["government"].id)
    return [("PATCH", f"/consultations/{c.id}/agenda/{i1}", {"title": "Welcome"}),
            ("PATCH", f"/consultations/{c.id}/agenda/{i2}", {"starts_at": "2030-01-01T09:00:00Z"}),
            ("DELETE", f"/consultations/{c.id}/agenda/{i2}", None),
            ("POST", f"/consultations/{c.id}/credentials", {"participant_ids": s["pending"]}),
            ("PATCH", f"/consultations/{c.id}/participants/{gov.id}", {"role": "adviser"}),
            ("DELETE", f"/consultations/{c.id}/participants/{gov.id}", None),
            ("GET", f"/consultations/{c.id}/audit", None)]


@pytest.mark.parametrize("who,status,code", OTHERS)
def test_api_tools_refuse_everyone_but_the_secretariat(client, token, sitting, who, status, code):
    for method, path, body in _api_calls(sitting):
        r = call(client, token, method, path, sitting[who], body)
        assert r.status_code == status, (method, path, r.json)
        assert r.json["error"]["code"] == code and r.json["error"]["message"]


def test_api_tools_work_and_are_audited(client, token, sitting):
    sec, c = sitting["secretariat"], sitting["c"]
    answers = [call(client, token, m, p, sec, b) for m, p, b in _api_calls(sitting)]
    assert [r.status_code for r in answers] == [200] * 7, [r.json for r in answers]
    assert answers[0].json["title"] == "Welcome"
    assert answers[1].json["starts_at"] == "2030-01-01T09:00:00Z"
    assert {p["credentials"] for p in answers[3].json["items"]} == {"accepted"} and len(answers[3].json["items"]) == 2
    items = call(client, token, "GET", f"/consultations/{c.id}", sec).json["agenda"]
    assert [(i["position"], i["title"]) for i in items] == [(1, "Welcome"), (2, "Closing")]
    audit = call(client, token, "GET", f"/consultations/{c.id}/audit", sec).json["items"]
    types = [e["type"] for e in audit]
    assert types[:6] == ["participant.withdrawn", "participant.updated", "participant.updated",
                         "participant.updated", "agenda.edited", "agenda.edited"]
    assert audit[1]["data"]["role"] == "adviser" and audit[1]["data"]["previous_role"] == "delegate"
    assert [e["data"]["action"] for e in audit if e["type"] == "agenda.edited"][:3] == ["removed", "timed", "renamed"]


def test_bad_input_is_refused(client, token, sitting):
    sec, c = sitting["secretariat"], sitting["c"]
    assert call(client, token, "PATCH", f"/consultations/{c.id}/agenda/999999", sec, {"title": "x"}).status_code == 404
    r = call(client, token, "POST", f"/consultations/{c.id}/credentials", sec, {"participant_ids": ["x"]})
    assert r.status_code == 422 and r.json["error"]["fields"] == {"participant_ids": "must be a list of integers"}
    assert call(client, token, "POST", f"/consultations/{c.id}/credentials", sec, {"participant_ids": []}).status_code == 422
    assert call(client, token, "PATCH", f"/consultations/{c.id}/agenda/{sitting['items'][0]}", sec,
                {"title": ""}).status_code == 422


def _page_posts(s):
    c, (i1, i2, _i3) = s["c"], s["items"]
    gov = next(p for p in c.participants if p.user_id == s["government"].id)
    return [(f"/consultations/{c.id}/agenda/{i1}", {"title": "Welcome", "starts_at": "2030-01-01T10:00"}),
            (f"/consultations/{c.id}/agenda/{i2}", {"remove": "1"}),
            (f"/consultations/{c.id}/credentials", {"participant_id": [str(x) for x in s["pending"]]}),
            (f"/consultations/{c.id}/participants/{gov.id}", {"role": "adviser"}),
            (f"/consultations/{c.id}/participants/{gov.id}", {"remove": "1"})]


@pytest.mark.parametrize("who,status,_code", OTHERS)
def test_page_tools_refuse_everyone_but_the_secretariat(client, login, sitting, who, status, _code):
    login(sitting[who])
    for path, form in _page_posts(sitting):
        assert client.post(path, data=form).status_code == status, path
    assert client.get(f"/consultations/{sitting['c'].id}/audit").status_code == status


def test_page_tools_work_and_the_audit_page_lists_them(client, login, sitting):
    c = sitting["c"]
    login(sitting["secretariat"])
    page = client.get(f"/consultations/{c.id}").get_data(as_text=True)
    assert f"/consultations/{c.id}/agenda/{sitting['items'][0]}" in page and 'form="bulk-credentials"' in page
    for path, form in _page_posts(sitting):
        r = client.post(path, data=form)
        assert r.status_code == 302, (path, r.data[:300])
    db.session.expire_all()
    types = [e.type for e in db.session.query(RoomEvent).filter_by(consultation_id=c.id).order_by(RoomEvent.seq)]
    assert types[-7:] == ["agenda.edited", "agenda.edited", "agenda.edited", "participant.updated",
                          "participant.updated", "participant.updated", "participant.withdrawn"]
    audit = client.get(f"/consultations/{c.id}/audit").get_data(as_text=True)
    for text in ("Welcome", "Participant removed", "Agenda changed", "Credentials or role decided", sitting["government"].name):
        assert text in audit, text


def test_the_minutes_draft_lists_the_secretariats_decisions(client, token, sitting):
    from app.minutes.drafting import draft_body, session_record
    sec, c = sitting["secretariat"], sitting["c"]
    for m, p, b in _api_calls(sitting)[:6]:
        assert call(client, token, m, p, sec, b).status_code == 200
    db.session.expire_all()
    body = draft_body(c, session_record(c))
    assert "### Credentials and procedural decisions" in body
    assert f"{sitting['government'].name}: removed from the consultation" in body
    assert "Agenda item 1, Welcome: renamed" in body and ": credentials Accepted, role" in body


def test_naming_a_deputy_is_audited(client, token, sitting):
    c, gov = sitting["c"], sitting["government"]
    adviser = sitting["adviser"]
    r = call(client, token, "POST", f"/consultations/{c.id}/substitutes", gov, {"user_id": adviser.id})
    assert r.status_code == 201, r.json
    audit = call(client, token, "GET", f"/consultations/{c.id}/audit", sitting["secretariat"]).json["items"]
    assert audit[0]["type"] == "deputy.changed" and audit[0]["data"]["deputy_user_id"] == adviser.id
