"""draft -> circulated -> adopted, who may do what, corrections on one's own statements,
immutability after adoption, corrigenda."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from app.core.realtime import RoomEvent
from app.extensions import db

CONFIRM = {"confirm_placeholders": True}  # adopt with the draft's placeholders left in (tested apart)


@pytest.fixture
def minutes(session, client, token):
    h = token(session["sec"])
    r = client.post(f"/api/v1/consultations/{session['c'].id}/minutes", headers=h)
    assert r.status_code == 201
    return r.json


def future(days=3):
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def circulate(client, h, mid, **body):
    r = client.post(f"/api/v1/minutes/{mid}/circulate", json=body, headers=h)
    assert r.status_code == 200, r.json
    return r.json


def test_participants_see_minutes_only_once_circulated(session, minutes, client, token):
    gov = token(session["gov"])
    assert client.get(f"/api/v1/minutes/{minutes['id']}", headers=gov).status_code == 404
    assert client.get(f"/api/v1/consultations/{session['c'].id}/minutes", headers=gov).json["items"] == []
    circulate(client, token(session["sec"]), minutes["id"], deadline=future())
    r = client.get(f"/api/v1/minutes/{minutes['id']}", headers=gov)
    assert r.status_code == 200 and r.json["status"] == "circulated" and "<h1" in r.json["html"]
    r = client.get(f"/api/v1/minutes/{minutes['id']}", headers=token(session["outsider"]))
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"


def test_edit_only_by_secretariat_while_draft(session, minutes, client, token):
    sec, gov = token(session["sec"]), token(session["gov"])
    url = f"/api/v1/minutes/{minutes['id']}"
    r = client.patch(url, json={"body": minutes["body"] + "\nThe chair thanked the interpreters.\n"}, headers=sec)
    assert r.status_code == 200 and "thanked the interpreters" in r.json["html"]
    r = client.patch(url, json={"body": 5}, headers=sec)
    assert r.status_code == 422 and r.json["error"]["fields"] == {"body": "must be a string"}
    r = client.patch(url, json={}, headers=sec)
    assert r.status_code == 422
    circulate(client, sec, minutes["id"])
    assert client.patch(url, json={"body": "x"}, headers=gov).status_code == 403
    r = client.patch(url, json={"body": "x"}, headers=sec)
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"


def test_circulate_and_adopt_record_events(session, minutes, client, token):
    sec = token(session["sec"])
    deadline = future(5)
    m = circulate(client, sec, minutes["id"], deadline=deadline)
    assert m["correction_deadline"].startswith(deadline[:16]) and m["corrections_open"] is True
    # the draft's placeholders are still there: adoption names them and waits for a confirmation
    r = client.post(f"/api/v1/minutes/{minutes['id']}/adopt", headers=sec)
    assert r.status_code == 409 and r.json["error"]["code"] == "placeholders_left"
    left = {p["text"]: p["count"] for p in r.json["error"]["placeholders"]}
    assert left["[summary of the statement]"] >= 1 and "[summary of the statement]" in r.json["error"]["message"]
    assert client.get(f"/api/v1/minutes/{minutes['id']}", headers=sec).json["status"] == "circulated"
    r = client.post(f"/api/v1/minutes/{minutes['id']}/adopt", headers=sec, json={"confirm_placeholders": True})
    assert r.status_code == 200 and r.json["status"] == "adopted" and r.json["adopted_by"]["id"] == session["sec"].id
    events = db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == session["c"].id,
                                                        RoomEvent.type == "minutes.status").order_by(RoomEvent.seq))
    data = [e.data for e in events]
    assert [d["status"] for d in data] == ["circulated", "adopted"]
    assert data[0]["minutes_id"] == minutes["id"] and data[0]["deadline"] is not None


def test_lifecycle_refusals(session, minutes, client, token):
    sec, gov = token(session["sec"]), token(session["gov"])
    mid = minutes["id"]
    r = client.post(f"/api/v1/minutes/{mid}/adopt", headers=sec)
    assert r.status_code == 409  # a draft is circulated first
    r = client.post(f"/api/v1/minutes/{mid}/circulate", json={"deadline": "2001-01-01T00:00:00Z"}, headers=sec)
    assert r.status_code == 422 and r.json["error"]["fields"] == {"deadline": "in the past"}
    r = client.post(f"/api/v1/minutes/{mid}/circulate", json={"deadline": "soon"}, headers=sec)
    assert r.status_code == 422
    circulate(client, sec, mid)
    assert client.post(f"/api/v1/minutes/{mid}/adopt", headers=gov).status_code == 403
    assert client.post(f"/api/v1/minutes/{mid}/circulate", headers=sec).status_code == 409
    assert client.post("/api/v1/minutes/99999/adopt", headers=sec).status_code == 404


def test_adopted_minutes_never_change(session, minutes, client, token):
    sec, gov = token(session["sec"]), token(session["gov"])
    mid = minutes["id"]
    circulate(client, sec, mid)
    assert client.post(f"/api/v1/minutes/{mid}/adopt", headers=sec, json=CONFIRM).status_code == 200
    before = client.get(f"/api/v1/minutes/{mid}", headers=sec).json["body"]
    for method, url, body in [("patch", f"/api/v1/minutes/{mid}", {"body": "rewritten"}),
                              ("post", f"/api/v1/minutes/{mid}/circulate", {}),
                              ("post", f"/api/v1/minutes/{mid}/adopt", {}),
                              ("post", f"/api/v1/consultations/{session['c'].id}/minutes", {"replace": True})]:
        r = getattr(client, method)(url, json=body, headers=sec)
        assert r.status_code == 409, (url, r.json)
        assert r.json["error"]["code"] == "conflict"
    anchor = next(s["anchor"] for s in minutes["statements"] if s["user_id"] == session["gov"].id)
    r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": anchor, "text": "x"}, headers=gov)
    assert r.status_code == 409
    assert client.get(f"/api/v1/minutes/{mid}", headers=sec).json["body"] == before


def test_corrigendum_is_separate_and_linked(session, minutes, client, token):
    sec, gov = token(session["sec"]), token(session["gov"])
    mid = minutes["id"]
    assert client.post(f"/api/v1/minutes/{mid}/corrigenda", headers=sec).status_code == 409  # not adopted yet
    circulate(client, sec, mid)
    client.post(f"/api/v1/minutes/{mid}/adopt", headers=sec, json=CONFIRM)
    assert client.post(f"/api/v1/minutes/{mid}/corrigenda", headers=gov).status_code == 403
    r = client.post(f"/api/v1/minutes/{mid}/corrigenda", json={"body": "In 3.2, for “two” read “three”."}, headers=sec)
    assert r.status_code == 201
    corr = r.json
    assert corr["status"] == "draft" and corr["corrigendum_of_id"] == mid and corr["id"] != mid
    original = client.get(f"/api/v1/minutes/{mid}", headers=sec).json
    assert original["corrigenda"] == [{"id": corr["id"], "status": "draft"}]
    assert client.get(f"/api/v1/minutes/{mid}", headers=gov).json["corrigenda"] == []  # drafts stay internal
    circulate(client, sec, corr["id"])
    assert client.post(f"/api/v1/minutes/{corr['id']}/adopt", headers=sec, json=CONFIRM).json["status"] == "adopted"
    original = client.get(f"/api/v1/minutes/{mid}", headers=gov).json
    assert original["corrigenda"] == [{"id": corr["id"], "status": "adopted"}]
    assert original["body"] == minutes["body"]  # the original itself is untouched


class TestCorrections:
    @pytest.fixture
    def circulated(self, session, minutes, client, token):
        circulate(client, token(session["sec"]), minutes["id"], deadline=future())
        return minutes

    def own(self, minutes, user):
        return [s["anchor"] for s in minutes["statements"] if s["user_id"] == user.id]

    def test_the_form_names_each_of_my_statements_apart(self, session, circulated, client, login):
        """It offered several identical options with raw Markdown asterisks: each option now
        gives the section it stands in and its opening words as read."""
        import re
        login(session["gov"])
        page = client.get(f"/minutes/{circulated['id']}").get_data(as_text=True)
        select_html = page[page.index('<select id="c-anchor"'):page.index("</select>", page.index('id="c-anchor"'))]
        options = re.findall(r'<option value="([^"]+)">([^<]+)</option>', select_html)
        assert [a for a, _ in options] == self.own(circulated, session["gov"]) and len(options) >= 2
        labels = [label for _, label in options]
        assert len(set(labels)) == len(labels) and not any("*" in label for label in labels)
        assert any("Opening" in label for label in labels) and any("Draft framework" in label for label in labels)

    def test_own_statement_by_anchor(self, session, circulated, client, token):
        mid = circulated["id"]
        anchor = self.own(circulated, session["emp"])[0]
        r = client.post(f"/api/v1/minutes/{mid}/corrections",
                        json={"anchor": anchor, "text": "**Employers' delegate** supported portability."},
                        headers=token(session["emp"]))
        assert r.status_code == 201 and r.json["status"] == "pending" and r.json["statement"] == anchor

    def test_others_statements_refused(self, session, circulated, client, token):
        mid = circulated["id"]
        gov_anchor = self.own(circulated, session["gov"])[0]
        r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": gov_anchor, "text": "No."},
                        headers=token(session["emp"]))
        assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"
        # a passage that is not a statement (the attendance list) belongs to nobody
        r = client.post(f"/api/v1/minutes/{mid}/corrections",
                        json={"anchor": "Absent or excused", "text": "I was there"}, headers=token(session["wrk"]))
        assert r.status_code == 422
        r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": "st-99999", "text": "x"},
                        headers=token(session["emp"]))
        assert r.status_code == 422 and r.json["error"]["fields"] == {"anchor": "unknown anchor"}
        r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": gov_anchor, "text": "x"},
                        headers=token(session["sec"]))
        assert r.status_code == 403  # the secretariat edits drafts, it does not correct statements
        r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": gov_anchor},
                        headers=token(session["gov"]))
        assert r.status_code == 422

    def test_quoted_passage_of_own_statement(self, session, circulated, client, token):
        sec = token(session["sec"])
        mid = circulated["id"]
        gov, emp = session["gov"], session["emp"]
        # a quote found only in someone else's statement is refused
        r = client.post(f"/api/v1/minutes/{mid}/corrections",
                        json={"anchor": f"{emp.name}**", "text": "x"}, headers=token(gov))
        assert r.status_code == 422 or r.status_code == 403
        r = client.post(f"/api/v1/minutes/{mid}/corrections",
                        json={"anchor": f"({emp.organisation.name}, employers)", "text": "x"}, headers=token(gov))
        assert r.status_code == 403
        quote = "[summary of the statement]"
        r = client.post(f"/api/v1/minutes/{mid}/corrections",
                        json={"anchor": quote, "text": "stressed the cost of double contributions"},
                        headers=token(gov))
        assert r.status_code == 201
        corr = r.json
        assert corr["statement"] in self.own(circulated, gov)
        r = client.post(f"/api/v1/corrections/{corr['id']}/accept", json={"reason": "Agreed"}, headers=sec)
        assert r.status_code == 200 and r.json["status"] == "accepted"
        body = client.get(f"/api/v1/minutes/{mid}", headers=sec).json["body"]
        marker = "{#" + corr["statement"] + f" @{gov.id}" + "}"
        line = next(x for x in body.splitlines() if x.startswith(marker))
        assert "stressed the cost of double contributions" in line and gov.name in line

    def test_participants_see_their_own_corrections(self, session, circulated, client, token):
        mid = circulated["id"]
        for who in ("gov", "emp"):
            anchor = self.own(circulated, session[who])[0]
            client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": anchor, "text": f"by {who}"},
                        headers=token(session[who]))
        mine = client.get(f"/api/v1/minutes/{mid}/corrections", headers=token(session["gov"])).json["items"]
        assert [c["text"] for c in mine] == ["by gov"]
        everything = client.get(f"/api/v1/minutes/{mid}/corrections", headers=token(session["sec"])).json["items"]
        assert {c["text"] for c in everything} == {"by gov", "by emp"}

    def test_decisions_and_adoption(self, session, circulated, client, token):
        sec, emp = token(session["sec"]), token(session["emp"])
        mid = circulated["id"]
        anchor = self.own(circulated, session["emp"])[0]
        ids = [client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": anchor, "text": t},
                           headers=emp).json["id"] for t in ("first wording", "second wording")]
        assert client.post(f"/api/v1/corrections/{ids[0]}/accept", headers=emp).status_code == 403
        r = client.post(f"/api/v1/minutes/{mid}/adopt", headers=sec)
        assert r.status_code == 409 and "pending" in r.json["error"]["message"]
        assert client.post(f"/api/v1/corrections/{ids[0]}/accept", headers=sec).status_code == 200
        assert client.post(f"/api/v1/corrections/{ids[0]}/reject", headers=sec).status_code == 409
        r = client.post(f"/api/v1/corrections/{ids[1]}/reject", json={"reason": "Not what was said"}, headers=sec)
        assert r.status_code == 200 and r.json["reason"] == "Not what was said"
        assert client.post("/api/v1/corrections/999999/accept", headers=sec).status_code == 404
        assert client.post(f"/api/v1/minutes/{mid}/adopt", headers=sec, json=CONFIRM).status_code == 200
        html = client.get(f"/api/v1/minutes/{mid}", headers=emp).json["html"]
        assert "first wording" in html and "second wording" not in html

    def test_deadline_closes_corrections(self, session, circulated, client, token):
        from app.minutes.models import Minutes
        m = db.session.get(Minutes, circulated["id"])
        m.correction_deadline = datetime.now(UTC) - timedelta(minutes=1)
        db.session.commit()
        anchor = self.own(circulated, session["gov"])[0]
        r = client.post(f"/api/v1/minutes/{m.id}/corrections", json={"anchor": anchor, "text": "late"},
                        headers=token(session["gov"]))
        assert r.status_code == 409 and "deadline" in r.json["error"]["message"]

    def test_non_participant_refused(self, session, circulated, client, token, factory):
        c = session["c"]
        # a public consultation is visible to every signed-in user, who is still not a participant
        c.is_public = True
        db.session.commit()
        anchor = self.own(circulated, session["gov"])[0]
        r = client.post(f"/api/v1/minutes/{circulated['id']}/corrections", json={"anchor": anchor, "text": "x"},
                        headers=token(session["outsider"]))
        assert r.status_code == 403
