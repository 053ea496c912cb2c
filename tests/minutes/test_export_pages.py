"""PDF and Markdown export, the HTML pages (edit with preview, correct, adopt), the archive
and the public transparency page without sign-in."""
import io
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader

from app.consultations import services as consultations
from app.core.errors import NotFound
from app.extensions import db
from app.minutes import publication, services


@pytest.fixture
def adopted(session):
    sec = session["sec"]
    m = services.draft_minutes(sec, session["c"])
    services.update_minutes(sec, m, m.body.replace(
        "_Summary of the discussion: to be completed by the secretariat._",
        "Delegates agreed on the totalisation of insurance periods.", 1))
    services.circulate(sec, m, datetime.now(UTC) + timedelta(days=2))
    services.adopt(sec, m, confirm_placeholders=True)
    consultations.change_status(sec, session["c"], "closed")
    db.session.commit()
    return m


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_pdf_export(session, adopted, client, token):
    r = client.get(f"/api/v1/minutes/{adopted.id}/export?format=pdf", headers=token(session["gov"]))
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert r.headers["Content-Disposition"] == f'attachment; filename="minutes-{adopted.id}.pdf"'
    text, pages = pdf_text(r.data)
    flat = " ".join(text.split())
    assert "Minutes: Portability of social security benefits" in flat
    assert "Regional Economic Community (ECOWAS)" in flat
    assert "Attendance" in flat and session["emp"].name in flat
    assert "Adopt the regional framework? — Carried" in flat
    assert "Delegates agreed on the totalisation of insurance periods." in flat
    assert "Adopted on" in flat and "subject to the corrections received" in flat
    assert f"Page 1 of {pages}" in flat
    assert "{#st-" not in flat


def test_markdown_export(session, adopted, client, token):
    r = client.get(f"/api/v1/minutes/{adopted.id}/export?format=md", headers=token(session["gov"]))
    assert r.status_code == 200 and r.mimetype == "text/markdown"
    text = r.data.decode()
    assert "## 1. Attendance" in text and "**Consultation:** Portability of social security benefits" in text
    assert "{#st-" not in text
    r = client.get(f"/api/v1/minutes/{adopted.id}/export?format=doc", headers=token(session["gov"]))
    assert r.status_code == 422
    r = client.get(f"/api/v1/minutes/{adopted.id}/export?format=pdf", headers=token(session["outsider"]))
    assert r.status_code == 404


def test_pdf_fetches_nothing_from_outside(session, client, token):
    sec = session["sec"]
    m = services.draft_minutes(sec, session["c"])
    services.update_minutes(sec, m, "# Minutes\n\n![x](http://127.0.0.1:9/x.png)\n\nText after the image.\n")
    db.session.commit()
    r = client.get(f"/api/v1/minutes/{m.id}/export?format=pdf", headers=token(sec))
    assert r.status_code == 200 and "Text after the image." in pdf_text(r.data)[0]


def test_editor_preview_without_js_and_save(session, client, login):
    sec = session["sec"]
    m = services.draft_minutes(sec, session["c"])
    db.session.commit()
    login(sec)
    page = client.get(f"/minutes/{m.id}/edit")
    assert page.status_code == 200 and b'id="minutes-editor"' in page.data and b"js/minutes.js" in page.data
    r = client.post(f"/minutes/{m.id}/edit", data={"body": "# Heading\n\n**bold** <script>x</script>",
                                                   "action": "preview"})
    assert r.status_code == 200
    assert b"<strong>bold</strong>" in r.data and b"<script>x</script>" not in r.data
    r = client.post(f"/minutes/{m.id}/preview", data={"body": "*live*"})
    assert r.status_code == 200 and r.json["html"] == "<p><em>live</em></p>"
    r = client.post(f"/minutes/{m.id}/edit", data={"body": "# Saved minutes\n", "action": "save"})
    assert r.status_code == 302
    db.session.refresh(m)
    assert m.body == "# Saved minutes\n"


def test_participant_corrects_through_the_page(session, client, login):
    sec, emp = session["sec"], session["emp"]
    m = services.draft_minutes(sec, session["c"])
    services.circulate(sec, m, datetime.now(UTC) + timedelta(days=2))
    db.session.commit()
    login(emp)
    page = client.get(f"/minutes/{m.id}")
    assert page.status_code == 200
    assert b'class="statement mine"' in page.data and b"Correct your statements" in page.data
    own = [s.anchor for s in services.statements.statements(m.body) if s.user_id == emp.id]
    r = client.post(f"/minutes/{m.id}/corrections", data={"anchor": own[0], "text": "Supported the draft."})
    assert r.status_code == 302
    assert [c.text for c in services.list_corrections(emp, m)] == ["Supported the draft."]
    other = next(s.anchor for s in services.statements.statements(m.body) if s.user_id != emp.id)
    r = client.post(f"/minutes/{m.id}/corrections", data={"anchor": other, "text": "Rewritten"})
    assert r.status_code == 403


def test_secretariat_pages_lifecycle(session, client, login):
    sec = session["sec"]
    c = session["c"]
    login(sec)
    detail = client.get(f"/consultations/{c.id}")
    assert b"Draft the minutes from the session record" in detail.data
    r = client.post(f"/consultations/{c.id}/minutes")
    assert r.status_code == 302
    m = services.original_of(c)
    r = client.post(f"/minutes/{m.id}/circulate", data={"deadline": (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d")})
    assert r.status_code == 302
    # the page names the placeholders the draft left and asks for a confirmation
    page = client.get(f"/minutes/{m.id}").get_data(as_text=True)
    assert "still hold text to be completed" in page and "[summary of the statement]" in page
    assert 'name="confirm_placeholders"' in page
    r = client.post(f"/minutes/{m.id}/adopt")
    assert r.status_code == 302
    db.session.refresh(m)
    assert m.status == "circulated"
    assert "[summary of the statement]" in client.get(r.headers["Location"]).get_data(as_text=True)
    r = client.post(f"/minutes/{m.id}/adopt", data={"confirm_placeholders": "1"})
    assert r.status_code == 302
    db.session.refresh(m)
    assert m.status == "adopted"
    page = client.get(f"/minutes/{m.id}")
    assert b"Start a corrigendum" in page.data and b"subject to the corrections received" in page.data
    # refusals come back as a message on the page, and nothing changes
    r = client.post(f"/minutes/{m.id}/edit", data={"body": "changed", "action": "save"})
    assert r.status_code == 409
    db.session.refresh(m)
    assert m.body != "changed"


def test_archive_lists_past_consultations_the_user_may_see(session, adopted, factory, client, login):
    other = factory.consultation(status="closed", title="Closed elsewhere")
    live = factory.consultation(status="live", title="Still live")
    factory.participant(live, session["gov"])
    login(session["gov"])
    page = client.get("/archive")
    assert page.status_code == 200
    assert b"Portability of social security benefits" in page.data
    assert b"Closed elsewhere" not in page.data and b"Still live" not in page.data
    assert f'href="/minutes/{adopted.id}"'.encode() in page.data
    assert client.get("/archive?level=national").data.count(b"archive-row") == 0
    assert client.get("/archive?rec=ECOWAS").data.count(b"archive-row") == 1
    login(session["sec"])
    assert b"Closed elsewhere" in client.get("/archive").data
    assert other.id


def test_public_archive_readable_without_sign_in(session, adopted, client, token):
    c = session["c"]
    anon = client.get(f"/public/consultations/{c.id}")
    assert anon.status_code == 404  # not published yet
    sec = token(session["sec"])
    assert client.put(f"/api/v1/consultations/{c.id}/publication", json={}, headers=token(session["gov"])).status_code == 403
    r = client.put(f"/api/v1/consultations/{c.id}/publication", json={"include_positions": False}, headers=sec)
    assert r.status_code == 200 and r.json["url"] == f"/public/consultations/{c.id}" and r.json["include_positions"] is False
    page = client.get(f"/public/consultations/{c.id}")
    assert page.status_code == 200
    assert b"Delegates agreed on the totalisation of insurance periods." in page.data
    assert client.get("/public/consultations").data.count(f"/public/consultations/{c.id}".encode()) >= 1
    pdf = client.get(f"/public/minutes/{adopted.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    # the private pages still need a sign-in
    assert client.get(f"/minutes/{adopted.id}").status_code == 302
    assert client.delete(f"/api/v1/consultations/{c.id}/publication", headers=sec).status_code == 200
    assert client.get(f"/public/consultations/{c.id}").status_code == 404
    assert client.get(f"/public/minutes/{adopted.id}.pdf").status_code == 404


def test_publication_refusals(session, factory, client, token):
    sec = token(session["sec"])
    c = session["c"]
    r = client.put(f"/api/v1/consultations/{c.id}/publication", json={}, headers=sec)
    assert r.status_code == 409  # live, and no adopted minutes
    closed = factory.consultation(status="closed")
    r = client.put(f"/api/v1/consultations/{closed.id}/publication", json={}, headers=sec)
    assert r.status_code == 409 and "Adopt the minutes" in r.json["error"]["message"]
    assert client.delete(f"/api/v1/consultations/{closed.id}/publication", headers=sec).status_code == 404
    with pytest.raises(NotFound):
        publication.get_public(closed.id)
