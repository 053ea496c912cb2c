"""Minutes in each working language: the secretariat writes a language version, readers choose it
(or get the original, labelled as a fallback), the status says when the original changed since,
and every export (PDF, .docx, Markdown) comes in each language."""
import io
import zipfile

import pytest
from pypdf import PdfReader

from app.extensions import db
from app.minutes import services

FRENCH = "# Procès-verbal : Portabilité des prestations\n\n## 1. Présence\n\nLes délégués sont convenus de la totalisation."
ARABIC = "# محضر: قابلية نقل الاستحقاقات\n\n## 1. الحضور\n\nاتفق المندوبون على جمع فترات التأمين."


@pytest.fixture
def circulated(session):
    from datetime import UTC, datetime, timedelta
    sec = session["sec"]
    m = services.draft_minutes(sec, session["c"])
    services.circulate(sec, m, datetime.now(UTC) + timedelta(days=3))
    db.session.commit()
    return m


def _put(client, token, user, m, lang, body):
    return client.put(f"/api/v1/minutes/{m.id}/languages/{lang}", json={"body": body}, headers=token(user))


def test_secretariat_writes_a_version_readers_read_it(session, circulated, client, token):
    r = _put(client, token, session["sec"], circulated, "fr", FRENCH)
    assert r.status_code == 200, r.json
    assert r.json["language"] == "fr" and r.json["status"] == "current" and r.json["fallback"] is False
    r = client.get(f"/api/v1/minutes/{circulated.id}/languages/fr", headers=token(session["gov"]))
    assert r.status_code == 200 and "totalisation" in r.json["html"]
    r = client.get(f"/api/v1/minutes/{circulated.id}/languages", headers=token(session["gov"]))
    states = {x["language"]: x["status"] for x in r.json["languages"]}
    assert states == {"en": "original", "fr": "current", "pt": "missing", "ar": "missing"}
    assert r.json["languages"][0]["language"] == "en"


def test_a_missing_language_falls_back_to_the_original_labelled(session, circulated, client, token):
    r = client.get(f"/api/v1/minutes/{circulated.id}/languages/pt", headers=token(session["gov"]))
    assert r.status_code == 200
    assert r.json["fallback"] is True and r.json["language"] == "en" and r.json["requested_language"] == "pt"
    assert r.json["status"] == "missing" and "## 1. Attendance" in r.json["body"]


@pytest.mark.parametrize("who, lang, status", [
    ("gov", "fr", 403), ("emp", "ar", 403), ("outsider", "fr", 404),
    ("sec", "en", 422), ("sec", "xx", 422)])
def test_refusals(session, circulated, client, token, who, lang, status):
    r = _put(client, token, session[who], circulated, lang, FRENCH)
    assert r.status_code == status, r.json


def test_empty_body_refused(session, circulated, client, token):
    assert _put(client, token, session["sec"], circulated, "fr", "   ").status_code == 422


def test_a_version_goes_out_of_date_when_the_original_changes(session, circulated, client, token):
    _put(client, token, session["sec"], circulated, "fr", FRENCH)
    # an accepted correction rewrites the original's text
    st = services.statements_of(circulated)[0]
    speaker = next(u for u in (session["gov"], session["emp"], session["adviser"]) if u.id == st.user_id)
    r = client.post(f"/api/v1/minutes/{circulated.id}/corrections", json={"anchor": st.anchor, "text": "Corrected wording."},
                    headers=token(speaker))
    assert r.status_code == 201, r.json
    assert client.post(f"/api/v1/corrections/{r.json['id']}/accept", headers=token(session["sec"])).status_code == 200
    r = client.get(f"/api/v1/minutes/{circulated.id}/languages/fr", headers=token(session["gov"]))
    assert r.json["status"] == "outdated"
    # writing it again brings it up to date; the earlier row is kept
    r = _put(client, token, session["sec"], circulated, "fr", FRENCH + "\n\nTexte corrigé.")
    assert r.json["status"] == "current" and "Texte corrigé" in r.json["body"]


def test_page_shows_the_version_and_labels_the_fallback(session, circulated, client, login):
    from app.minutes import languages
    languages.write_version(session["sec"], circulated, "ar", ARABIC)
    db.session.commit()
    login(session["gov"])
    page = client.get(f"/minutes/{circulated.id}?lang=ar").get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in page and "اتفق المندوبون" in page
    page = client.get(f"/minutes/{circulated.id}?lang=pt").get_data(as_text=True)
    assert "These minutes are not yet available in Português; the original (English) is shown." in page
    assert "## 1." not in page and "Attendance" in page
    page = client.get(f"/minutes/{circulated.id}/languages?left=en&right=ar").get_data(as_text=True)
    assert "اتفق المندوبون" in page and "Attendance" in page


def test_reader_in_french_gets_the_french_version_by_default(session, circulated, client, login):
    from app.minutes import languages
    languages.write_version(session["sec"], circulated, "fr", FRENCH)
    session["gov"].language = "fr"
    db.session.commit()
    login(session["gov"])
    page = client.get(f"/minutes/{circulated.id}").get_data(as_text=True)
    assert "Les délégués sont convenus" in page


def test_secretariat_form_writes_a_version(session, circulated, client, login):
    from tests.conftest import page_csrf_token
    login(session["sec"])
    r = client.get(f"/minutes/{circulated.id}/languages/fr/edit")
    assert r.status_code == 200 and "{#st-" not in r.get_data(as_text=True).split("<textarea")[1]
    token = page_csrf_token(client)
    r = client.post(f"/minutes/{circulated.id}/languages/fr/edit", data={"body": FRENCH, "csrf_token": token})
    assert r.status_code == 302
    login(session["gov"])
    assert client.get(f"/minutes/{circulated.id}/languages/fr/edit").status_code == 403


def _pdf(data: bytes) -> str:
    return " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


def test_exports_in_each_language(session, circulated, client, token):
    from app.minutes import languages
    languages.write_version(session["sec"], circulated, "fr", FRENCH)
    db.session.commit()
    h = token(session["gov"])
    r = client.get(f"/api/v1/minutes/{circulated.id}/export?format=pdf&language=fr", headers=h)
    assert r.status_code == 200 and 'filename="minutes-%d-fr.pdf"' % circulated.id in r.headers["Content-Disposition"]
    text = _pdf(r.data)
    assert "Les délégués sont convenus" in text and "Page 1 sur" in text and "Consultation" in text
    assert "Attendance" not in text
    r = client.get(f"/api/v1/minutes/{circulated.id}/export?format=md&language=fr", headers=h)
    md = r.data.decode()
    assert "Les délégués sont convenus" in md and "Français" in md and "## 1. Attendance" not in md
    r = client.get(f"/api/v1/minutes/{circulated.id}/export?format=docx&language=fr", headers=h)
    xml = zipfile.ZipFile(io.BytesIO(r.data)).read("word/document.xml").decode()
    assert "Les délégués sont convenus" in xml
    # a language without a version: the original, and the export says so
    r = client.get(f"/api/v1/minutes/{circulated.id}/export?format=md&language=pt", headers=h)
    md = r.data.decode()
    assert "## 1. Attendance" in md and "Português" in md
    assert client.get(f"/api/v1/minutes/{circulated.id}/export?format=md&language=xx", headers=h).status_code == 422
