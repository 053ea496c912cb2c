"""Status, deadline (a time rule from data), versions, and bad input leaving nothing half-written."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.core.errors import Conflict
from app.documents.models import Amendment, Comment, Document, DocumentVersion
from app.extensions import db


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def iso(dt):
    return dt.isoformat().replace("+00:00", "Z")


def test_status_lifecycle(setting, docs):
    sec, did = setting["secretariat"], setting["id"]
    assert docs.post(f"/documents/{did}", sec, {"status": "closed"}, method="patch").json["status"] == "closed"
    assert docs.post(f"/documents/{did}", sec, {"status": "open"}, method="patch").json["status"] == "open"
    assert docs.post(f"/documents/{did}", sec, {"status": "final"}, method="patch").json["status"] == "final"
    again = docs.post(f"/documents/{did}", sec, {"status": "open"}, method="patch")
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    v = docs.post(f"/documents/{did}/versions", sec, {"body": "Changed text", "note": "late"})
    assert v.status_code == 409
    bad = docs.post(f"/documents/{did}", sec, {"status": "published"}, method="patch")
    assert bad.status_code == 422


def test_draft_to_open_only(setting, docs):
    draft = docs.create(setting["c"], status="draft")
    r = docs.post(f"/documents/{draft['id']}", setting["secretariat"], {"status": "closed"}, method="patch")
    assert r.status_code == 409


@pytest.mark.parametrize("status", ["closed", "final"])
def test_no_comments_or_amendments_unless_open(setting, docs, status):
    sec, did, gov = setting["secretariat"], setting["id"], setting["government"]
    if status == "final":
        docs.post(f"/documents/{did}", sec, {"status": "closed"}, method="patch")
    docs.post(f"/documents/{did}", sec, {"status": status}, method="patch")
    c = docs.post(f"/documents/{did}/comments", gov, {"body": "late"})
    a = docs.post(f"/documents/{did}/amendments", gov, {"anchor": "p3", "text": "late text"})
    assert c.status_code == a.status_code == 409
    assert c.json["error"]["code"] == "conflict"
    assert count(Comment) == count(Amendment) == 0


def test_deadline_is_read_from_data(setting, docs):
    sec, did, gov = setting["secretariat"], setting["id"], setting["government"]
    soon = datetime.now(UTC) + timedelta(hours=1)
    r = docs.post(f"/documents/{did}", sec, {"comments_close_at": iso(soon)}, method="patch")
    assert r.json["accepting_comments"] is True
    assert docs.post(f"/documents/{did}/comments", gov, {"body": "in time"}).status_code == 201
    past = datetime.now(UTC) - timedelta(seconds=1)
    r = docs.post(f"/documents/{did}", sec, {"comments_close_at": iso(past)}, method="patch")
    assert r.json["status"] == "open" and r.json["accepting_comments"] is False
    late = docs.post(f"/documents/{did}/comments", gov, {"body": "too late"})
    assert late.status_code == 409
    assert docs.post(f"/documents/{did}/amendments", gov, {"anchor": "p3", "text": "x"}).status_code == 409
    r = docs.post(f"/documents/{did}", sec, {"comments_close_at": None}, method="patch")
    assert r.json["accepting_comments"] is True


def test_versions_are_numbered_kept_and_announced(setting, docs):
    sec, did = setting["secretariat"], setting["id"]
    r = docs.post(f"/documents/{did}/versions", sec, {"body": "# New\n\nShort text.", "note": "Rewrite"})
    assert r.status_code == 201 and r.json["number"] == 2 and r.json["note"] == "Rewrite"
    same = docs.post(f"/documents/{did}/versions", sec, {"body": "# New\n\nShort text.", "note": "again"})
    assert same.status_code == 409
    listed = docs.post(f"/documents/{did}/versions", setting["workers"], method="get").json["items"]
    assert [v["number"] for v in listed] == [2, 1]
    assert "body" not in listed[0]
    v1 = db.session.scalar(select(DocumentVersion).where(DocumentVersion.number == 1))
    v1.note = "tampered"
    with pytest.raises(Conflict):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("body,status", [("", 422), ("   \n ", 422), ("x" * (200 * 1024 + 1), 413), (None, 422), (5, 422)])
def test_bad_document_bodies(setting, docs, body, status):
    before = count(DocumentVersion), count(Document)
    r = docs.post(f"/consultations/{setting['c'].id}/documents", setting["secretariat"], {"title": "T", "body": body})
    assert r.status_code == status, r.json
    assert set(r.json["error"]) >= {"code", "message"}
    r = docs.post(f"/documents/{setting['id']}/versions", setting["secretariat"], {"body": body, "note": "n"})
    assert r.status_code == status
    assert (count(DocumentVersion), count(Document)) == before


def test_document_needs_agenda_item_of_its_consultation(setting, docs, factory):
    other = factory.consultation()
    from app.consultations import agenda as consultation_agenda
    item = consultation_agenda.add_agenda_item(factory.secretariat, other, "Elsewhere")
    db.session.commit()
    r = docs.post(f"/consultations/{setting['c'].id}/documents", setting["secretariat"],
                  {"title": "T", "body": "B", "agenda_item_id": item.id})
    assert r.status_code == 422 and r.json["error"]["fields"] == {"agenda_item_id": "unknown agenda item"}
    mine = consultation_agenda.add_agenda_item(factory.secretariat, setting["c"], "Here")
    db.session.commit()
    r = docs.post(f"/consultations/{setting['c'].id}/documents", setting["secretariat"],
                  {"title": "T", "body": "B", "agenda_item_id": mine.id})
    assert r.status_code == 201 and r.json["agenda_item_id"] == mine.id


def test_bad_comment_input_writes_nothing(setting, docs, factory):
    gov, did = setting["government"], setting["id"]
    other = docs.create(setting["c"], title="Other")
    foreign = docs.post(f"/documents/{other['id']}/comments", gov, {"body": "there"}).json
    cases = [({"body": ""}, 422), ({"body": "x", "anchor": "p999"}, 422), ({"body": "y" * (20 * 1024 + 1)}, 413),
             ({"body": "x", "parent_id": foreign["id"]}, 422), ({"body": "x", "parent_id": 98765}, 422),
             ({"body": "x", "anchor": 3}, 422), ({}, 422)]
    for payload, status in cases:
        r = docs.post(f"/documents/{did}/comments", gov, payload)
        assert r.status_code == status, (payload, r.json)
        assert r.json["error"]["code"] in ("invalid", "too_large")
    assert count(Comment) == 1


def test_bad_json_is_400(setting, docs, client):
    r = client.post(f"/api/v1/documents/{setting['id']}/comments", data="not json",
                    headers={**docs.h(setting["government"]), "Content-Type": "application/json"})
    assert r.status_code == 400 and r.json["error"]["code"] == "invalid"


def test_unauthenticated_is_401(setting, client):
    r = client.get(f"/api/v1/documents/{setting['id']}")
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthenticated"


def test_html_settings_form_sets_deadline_in_user_timezone(setting, client, login, docs):
    login(setting["secretariat"])
    r = client.post(f"/documents/{setting['id']}/settings",
                    data={"comments_close_at": "2030-01-02T10:30", "status": "closed", "title": "Renamed"})
    assert r.status_code == 302
    d = docs.get(setting["id"]).json
    assert d["comments_close_at"] == "2030-01-02T10:30:00Z" and d["status"] == "closed" and d["title"] == "Renamed"
    r = client.post(f"/documents/{setting['id']}/settings", data={"comments_close_at": "soon"}, follow_redirects=True)
    assert b"not a valid date" in r.data


def test_new_document_form(setting, client, login):
    login(setting["secretariat"])
    r = client.post(f"/documents/new/{setting['c'].id}", data={"title": "Via form", "body": "# Hello\n\nText", "open": "1"})
    assert r.status_code == 302
    page = client.get(r.headers["Location"])
    assert b"Via form" in page.data and b"Open for comments" in page.data
    r = client.post(f"/documents/new/{setting['c'].id}", data={"title": "Empty", "body": " "})
    assert r.status_code == 422 and b"may not be empty" in r.data
    section = client.get(f"/consultations/{setting['c'].id}").data
    assert b"Draft policy documents" in section and b"Via form" in section and b"Add a draft document" in section
    login(setting["workers"])
    section = client.get(f"/consultations/{setting['c'].id}").data
    assert b"Via form" in section and b"Add a draft document" not in section


def test_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/consultations/{consultation_id}/documents", "/documents/{document_id}",
                 "/documents/{document_id}/diff", "/documents/{document_id}/comments",
                 "/amendments/{amendment_id}/accept", "/documents/{document_id}/positions/mine"):
        assert path in paths, path
