"""Who may read and do what, through the API and the pages alike."""
import pytest

WHO = ["secretariat", "government", "employers", "workers", "adviser", "observer", "outsider"]


def _status(resp):
    return resp.status_code


@pytest.mark.parametrize("who,can_read", [(w, w != "outsider") for w in WHO])
def test_reading_api_and_page(setting, docs, client, login, who, can_read):
    user = setting[who]
    api = docs.get(setting["id"], user)
    assert api.status_code == (200 if can_read else 404)
    if not can_read:
        assert api.json == {"error": {"code": "not_found", "message": "No such document."}}
    else:
        assert api.json["current_version"]["paragraphs"][0]["anchor"] == "p1"
    login(user)
    page = client.get(f"/documents/{setting['id']}")
    assert page.status_code == (200 if can_read else 404)
    if can_read:
        assert b"This policy covers every private employment agency" in page.data


@pytest.mark.parametrize("who,expected", [
    ("secretariat", 201), ("government", 201), ("workers", 201), ("adviser", 201),
    ("observer", 403), ("outsider", 404)])
def test_commenting(setting, docs, who, expected):
    resp = docs.post(f"/documents/{setting['id']}/comments", setting[who], {"body": "A remark", "anchor": "p3"})
    assert resp.status_code == expected, resp.json
    if expected >= 400:
        assert set(resp.json["error"]) >= {"code", "message"}


@pytest.mark.parametrize("who,expected", [
    ("secretariat", 403), ("government", 201), ("employers", 201), ("adviser", 403),
    ("observer", 403), ("outsider", 404)])
def test_amending_and_positions(setting, docs, who, expected):
    am = docs.post(f"/documents/{setting['id']}/amendments", setting[who],
                   {"anchor": "p4", "text": "Recruitment fees shall never be charged to workers.", "rationale": "Clearer"})
    assert am.status_code == expected, am.json
    pos = docs.post(f"/documents/{setting['id']}/positions/mine", setting[who],
                    {"stance": "support", "body": "We support."}, method="put")
    assert pos.status_code == (200 if expected == 201 else expected), pos.json


def test_deputy_adviser_may_amend_for_their_organisation(setting, docs, factory):
    from app.consultations.models import Participant
    from app.extensions import db
    c = setting["c"]
    delegate = db.session.query(Participant).filter_by(consultation_id=c.id, user_id=setting["government"].id).one()
    adviser = db.session.query(Participant).filter_by(consultation_id=c.id, user_id=setting["adviser"].id).one()
    adviser.deputy_of_id = delegate.id
    db.session.commit()
    pos = docs.post(f"/documents/{setting['id']}/positions/mine", setting["adviser"],
                    {"stance": "oppose", "body": "Deputy speaking."}, method="put")
    assert pos.status_code == 200
    assert pos.json["organisation"]["id"] == setting["government"].organisation_id


def test_pending_credentials_read_but_do_not_act(setting, docs, factory):
    pending = factory.participant(setting["c"], credentials="pending", constituency="employers").user
    assert docs.get(setting["id"], pending).status_code == 200
    r = docs.post(f"/documents/{setting['id']}/comments", pending, {"body": "hi"})
    assert r.status_code == 403


@pytest.mark.parametrize("who", ["government", "adviser", "observer"])
def test_only_secretariat_manages(setting, docs, who):
    user, did = setting[who], setting["id"]
    assert docs.post(f"/documents/{did}/versions", user, {"body": "New text", "note": "x"}).status_code == 403
    assert docs.post(f"/documents/{did}", user, {"status": "closed"}, method="patch").status_code == 403
    created = docs.post(f"/consultations/{setting['c'].id}/documents", user, {"title": "T", "body": "B"})
    assert created.status_code == 403
    assert created.json["error"]["code"] == "forbidden"
    cm = docs.post(f"/documents/{did}/comments", setting["workers"], {"body": "x"}).json
    assert docs.post(f"/comments/{cm['id']}/resolve", user).status_code == 403
    am = docs.post(f"/documents/{did}/amendments", setting["employers"], {"anchor": "p3", "text": "Other text."}).json
    assert docs.post(f"/amendments/{am['id']}/accept", user).status_code == 403
    assert docs.post(f"/amendments/{am['id']}/reject", user, {"reason": "no"}).status_code == 403


def test_outsider_gets_not_found_everywhere(setting, docs):
    user, did = setting["outsider"], setting["id"]
    for path, method, body in [(f"/documents/{did}/versions/1", "get", None), (f"/documents/{did}/diff?from=1&to=1", "get", None),
                               (f"/documents/{did}/comments", "get", None), (f"/documents/{did}/positions", "get", None),
                               (f"/consultations/{setting['c'].id}/documents", "get", None)]:
        resp = docs.post(path, user, body, method=method)
        assert resp.status_code == 404, path


def test_draft_documents_are_for_the_secretariat_only(setting, docs):
    draft = docs.create(setting["c"], status="draft", title="Internal draft")
    assert docs.get(draft["id"], setting["government"]).status_code == 404
    listed = docs.post(f"/consultations/{setting['c'].id}/documents", setting["government"], method="get").json
    assert [d["title"] for d in listed["items"]] == ["Draft policy"]
    listed = docs.post(f"/consultations/{setting['c'].id}/documents", setting["secretariat"], method="get").json
    assert [d["title"] for d in listed["items"]] == ["Draft policy", "Internal draft"]


def test_pages_refuse_forbidden_actions(setting, client, login):
    did = setting["id"]
    login(setting["government"])
    assert client.get(f"/documents/{did}/edit").status_code == 403
    assert client.post(f"/documents/{did}/versions", data={"body": "x"}).status_code == 403
    assert client.post(f"/documents/{did}/settings", data={"status": "closed"}).status_code == 403
    assert client.get(f"/documents/new/{setting['c'].id}").status_code == 403
    login(setting["observer"])
    assert client.post(f"/documents/{did}/comments", data={"body": "hi"}).status_code == 403
    assert client.post(f"/documents/{did}/positions", data={"stance": "support", "body": "x"}).status_code == 403
    page = client.get(f"/documents/{did}")
    assert b"Post comment" not in page.data and b"observers do not comment" in page.data
    login(setting["outsider"])
    assert client.post(f"/documents/{did}/comments", data={"body": "hi"}).status_code == 404


def test_pages_let_participants_act(setting, client, login, docs):
    did = setting["id"]
    login(setting["workers"])
    page = client.get(f"/documents/{did}?anchor=p4")
    assert b"Propose an amendment to this paragraph" in page.data
    r = client.post(f"/documents/{did}/comments", data={"body": "From the form", "anchor": "p4", "client_id": "f1"})
    assert r.status_code == 302
    r = client.post(f"/documents/{did}/amendments", data={"anchor": "p4", "text": "Fees are banned.", "rationale": "Why"})
    assert r.status_code == 302
    r = client.post(f"/documents/{did}/positions", data={"stance": "oppose", "body": "Not yet."})
    assert r.status_code == 302
    page = client.get(f"/documents/{did}?anchor=p4", follow_redirects=True)
    assert b"From the form" in page.data and b'id="amendment-1"' in page.data
    assert b"Not yet." in client.get(f"/documents/{did}/positions").data
    login(setting["secretariat"])
    am = docs.post(f"/documents/{did}/amendments", setting["workers"], method="get").json["items"][0]
    r = client.post(f"/documents/amendments/{am['id']}/decide", data={"decision": "accept", "document_id": did})
    assert r.status_code == 302
    assert docs.get(did).json["current_version_number"] == 2
