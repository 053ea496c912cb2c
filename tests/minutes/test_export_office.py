"""Minutes as .docx (read back by LibreOffice) and every PDF Baraza makes tagged (PDF/UA)."""
import re
from pathlib import Path

from app.accounts.services import set_language
from app.extensions import db
from tests.documents.test_word_export import assert_tagged
from tests.minutes.test_export_pages import adopted  # noqa: F401  (fixture)
from tests.office import text_of


def test_minutes_as_docx_reads_in_libreoffice(session, adopted, client, token, tmp_path):  # noqa: F811
    r = client.get(f"/api/v1/minutes/{adopted.id}/export?format=docx", headers=token(session["gov"]))
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    assert r.headers["Content-Disposition"] == f'attachment; filename="minutes-{adopted.id}.docx"'
    text = " ".join(text_of(r.data, "docx", tmp_path).split())
    assert "Portability of social security benefits" in text and "Regional Economic Community" in text
    assert "Delegates agreed on the totalisation of insurance periods." in text
    assert "Adopted on" in text and session["emp"].name in text
    page = client.get(f"/minutes/{adopted.id}/export.docx")
    assert page.status_code == 302   # pages need a sign-in


def test_every_pdf_is_tagged_with_title_and_language(session, adopted, client, token, tmp_path):  # noqa: F811
    api = client.get(f"/api/v1/minutes/{adopted.id}/export?format=pdf", headers=token(session["gov"]))
    assert_tagged(api.data, tmp_path, adopted.title, "en")
    set_language(session["gov"], "ar")
    db.session.commit()
    arabic = client.get(f"/api/v1/minutes/{adopted.id}/export?format=pdf", headers=token(session["gov"]))
    assert_tagged(arabic.data, tmp_path, adopted.title, "ar")
    assert client.put(f"/api/v1/consultations/{session['c'].id}/publication", json={},
                      headers=token(session["sec"])).status_code == 200
    public = client.get(f"/public/minutes/{adopted.id}.pdf")
    assert_tagged(public.data, tmp_path, adopted.title, "en")


def test_only_the_office_module_writes_pdfs():
    """Every PDF goes through app.core.office.pdf, which always asks for PDF/UA-1."""
    app_dir = Path(__file__).resolve().parents[2] / "app"
    writers = [p.relative_to(app_dir).as_posix() for p in app_dir.rglob("*.py")
               if re.search(r"write_pdf|from weasyprint|import weasyprint", p.read_text(encoding="utf-8"))]
    assert writers == ["core/office.py"]
    assert 'pdf_variant="pdf/ua-1"' in (app_dir / "core" / "office.py").read_text(encoding="utf-8")
