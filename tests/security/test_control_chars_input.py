"""Class 2, input half: single-line fields (titles, names, agenda items, motion questions and
options, themes, e-mails) refuse control characters and U+2028/2029 with 422 naming the field,
on the API and on the pages alike; multi-line fields keep line breaks and tabs and refuse the
other control characters."""
import pytest
from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.consultations.models import AgendaItem, Consultation, Theme
from app.documents.models import Document
from app.extensions import db
from app.votes.models import Motion

BAD = ["\n", "\r", "\x1b", "\u2028", "\u2029", "\x85", "\x7f"]


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def world(factory):
    c = factory.consultation(status="live")
    factory.tripartite(c)
    return {"c": c, "org": factory.org("workers")}


def _api_cases(w):
    c, org = w["c"], w["org"]
    return [
        ("POST", "/api/v1/organisations", {"constituency": "workers"}, "name", Organisation),
        ("PATCH", f"/api/v1/organisations/{org.id}", {}, "name", Organisation),
        ("POST", "/api/v1/users", {"email": "a@example.org", "role": "delegate", "organisation_id": org.id}, "name", User),
        ("POST", "/api/v1/users", {"name": "A B", "role": "delegate", "organisation_id": org.id}, "email", User),
        ("POST", "/api/v1/consultations", {"level": "continental"}, "title", Consultation),
        ("PATCH", f"/api/v1/consultations/{c.id}", {}, "title", Consultation),
        ("POST", f"/api/v1/consultations/{c.id}/agenda", {}, "title", AgendaItem),
        ("POST", "/api/v1/themes", {"slug": "labour"}, "name", Theme),
        ("POST", "/api/v1/themes", {"name": "Labour"}, "slug", Theme),
        ("POST", f"/api/v1/consultations/{c.id}/documents", {"body": "Text."}, "title", Document),
        ("POST", f"/api/v1/consultations/{c.id}/motions", {"ballot": "roll_call", "rule": "simple"}, "question", Motion),
        ("POST", f"/api/v1/consultations/{c.id}/motions", {"question": "Adopt?", "ballot": "roll_call",
                                                             "rule": "simple"}, "options", Motion),
    ]


@pytest.mark.parametrize("bad", BAD, ids=[f"U+{ord(b):04X}" for b in BAD])
def test_api_single_line_fields_refuse_control_characters(factory, client, token, world, bad):
    h = token(factory.secretariat)
    for method, path, body, field, model in _api_cases(world):
        before = _count(model)
        value = f"Bad{bad}value"
        if field == "email":
            value = f"bad{bad}x@example.org"
        payload = dict(body, **{field: ["yes", "no", value] if field == "options" else value})
        resp = client.open(path, method=method, headers=h, json=payload)
        assert resp.status_code == 422, (path, field, resp.data[:300])
        assert resp.json["error"]["code"] == "invalid" and field in resp.json["error"]["fields"], resp.json
        assert _count(model) == before


def test_api_single_line_fields_accept_plain_text_and_trim_edges(factory, client, token, world):
    h = token(factory.secretariat)
    for i, (method, path, body, field, _model) in enumerate(_api_cases(world)):
        value = {"email": "fine@example.org", "slug": "fine-slug", "options": ["yes", "no", "abstain, with reasons"]}.get(
            field, f"  Fine value {i} — café, ümlaut, ☕  \n")
        resp = client.open(path, method=method, headers=h, json=dict(body, **{field: value}))
        assert resp.status_code in (200, 201), (path, field, resp.data[:300])
        if field in ("title", "name", "question"):
            assert resp.json[field] == f"Fine value {i} — café, ümlaut, ☕"


def test_multi_line_fields_keep_newlines_and_tabs_but_refuse_escape(factory, client, token, world):
    h = token(factory.secretariat)
    c = world["c"]
    text = "First line\n\tindented\r\nlast line"
    resp = client.patch(f"/api/v1/consultations/{c.id}", headers=h, json={"description": text})
    assert resp.status_code == 200 and resp.json["description"] == text
    doc = client.post(f"/api/v1/consultations/{c.id}/documents", headers=h,
                      json={"title": "Draft", "body": "One\n\nTwo\n", "note": "first\nversion", "status": "open"})
    assert doc.status_code == 201, doc.json
    resp = client.post(f"/api/v1/consultations/{c.id}/chat", headers=h, json={"text": "two\nlines"})
    assert resp.status_code == 201, resp.json
    for path, method, body, field in (
            (f"/api/v1/consultations/{c.id}", "PATCH", {}, "description"),
            (f"/api/v1/consultations/{c.id}/documents", "POST", {"title": "T"}, "body"),
            (f"/api/v1/consultations/{c.id}/chat", "POST", {}, "text"),
            (f"/api/v1/documents/{doc.json['id']}/comments", "POST", {}, "body")):
        resp = client.open(path, method=method, headers=h, json=dict(body, **{field: "ok\n\x1b[31mred"}))
        assert resp.status_code == 422 and field in resp.json["error"]["fields"], (path, resp.data[:300])


@pytest.mark.parametrize("bad", ["\n", "\r", "\x1b", "\u2028"], ids=["LF", "CR", "ESC", "LS"])
def test_pages_refuse_the_same(factory, client, login, world, bad):
    login(factory.secretariat)
    c, org = world["c"], world["org"]
    before = {m: _count(m) for m in (Organisation, User, Consultation, AgendaItem, Theme, Document, Motion)}
    value = f"Bad{bad}value"
    forms = [
        ("/admin/organisations", {"name": value, "constituency": "workers"}, 422),
        (f"/admin/organisations/{org.id}", {"name": value, "constituency": "workers"}, 422),
        ("/admin/users", {"email": "p@example.org", "name": value, "role": "delegate", "organisation_id": org.id}, 422),
        ("/admin/users", {"email": f"p{bad}q@example.org", "name": "P Q", "role": "delegate",
                          "organisation_id": org.id}, 422),
        ("/consultations/new", {"title": value, "level": "continental"}, 422),
        (f"/consultations/{c.id}/edit", {"title": value, "level": "rec", "rec": "ECOWAS"}, 422),
        ("/consultations/themes", {"slug": "s", "name": value}, 422),
        (f"/documents/new/{c.id}", {"title": value, "body": "Text."}, 422),
        (f"/consultations/{c.id}/agenda", {"title": value}, 302),
        (f"/consultations/{c.id}/motions", {"question": value, "ballot": "roll_call", "rule": "simple"}, 302),
        (f"/consultations/{c.id}/motions", {"question": "Adopt?", "options": f"Yes,No{bad}way",
                                            "ballot": "roll_call", "rule": "simple"}, 302),
    ]
    for path, data, status in forms:
        resp = client.post(path, data=data)
        assert resp.status_code == status, (path, resp.status_code)
        if status == 422:
            assert b"control characters" in resp.data or b"one line" in resp.data, path
        else:  # the refusal is flashed on the page it redirects to
            page = client.get(resp.headers["Location"])
            assert b"one line" in page.data, path
    assert {m: _count(m) for m in before} == before
    assert db.session.get(Organisation, org.id).name == org.name


def test_pages_keep_newlines_in_multi_line_fields(factory, client, login, world):
    login(factory.secretariat)
    resp = client.post("/consultations/new", data={"title": "Labour migration", "level": "continental",
                                                   "description": "Para one.\r\n\r\nPara two."})
    assert resp.status_code == 302
    c = db.session.scalar(select(Consultation).where(Consultation.title == "Labour migration"))
    assert "Para one." in c.description and "\n" in c.description
    resp = client.post("/consultations/new", data={"title": "Other", "level": "continental",
                                                   "description": "Para\x1b one."})
    assert resp.status_code == 422 and b"control characters" in resp.data


def test_document_pages_apply_the_multi_line_rule(factory, client, login, token, world):
    from app.documents.models import Comment
    c = world["c"]
    doc = client.post(f"/api/v1/consultations/{c.id}/documents", headers=token(factory.secretariat),
                      json={"title": "Draft", "body": "One.\n\nTwo.", "status": "open"}).json
    login(factory.secretariat)
    resp = client.post(f"/documents/{doc['id']}/comments", data={"body": "red \x1b[31m text"})
    assert resp.status_code == 302 and _count(Comment) == 0
    assert b"control characters" in client.get(resp.headers["Location"]).data
    resp = client.post(f"/documents/{doc['id']}/comments", data={"body": "two\r\nlines\tand a tab"})
    assert resp.status_code == 302 and _count(Comment) == 1
