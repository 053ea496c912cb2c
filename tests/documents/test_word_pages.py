"""The pages: upload a .docx as a new document or version (warnings shown, refusals explained,
the CSRF token checked once the upload limit is raised), the Downloads page and its downloads."""
import io
import re

import pytest
from sqlalchemy import func, select

from app.documents.models import Document
from app.extensions import db
from tests.documents.test_word_upload import office  # noqa: F401  (fixture)


def _post(client, url, data: bytes, **fields):
    return client.post(url, data={"file": (io.BytesIO(data), "draft.docx"), **fields},
                       content_type="multipart/form-data")


def test_upload_pages(setting, client, login, office):  # noqa: F811
    login(setting["secretariat"])
    c = setting["c"]
    assert f"/documents/new/{c.id}/upload" in client.get(f"/documents/new/{c.id}").get_data(as_text=True)
    form = client.get(f"/documents/new/{c.id}/upload").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in form and 'name="file"' in form
    resp = _post(client, f"/documents/new/{c.id}/upload", office["dropped"], open="1")
    assert resp.status_code == 302
    reader = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "Document created from the Word file." in reader and "Images were left out" in reader
    doc_id = int(re.search(r"/documents/(\d+)", resp.headers["Location"]).group(1))
    edit = client.get(f"/documents/{doc_id}/edit").get_data(as_text=True)
    assert f"/documents/{doc_id}/versions/upload" in edit
    resp = _post(client, f"/documents/{doc_id}/versions/upload", office["policy"], note="Full text")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "New version published from the Word file." in page
    resp = _post(client, f"/documents/{doc_id}/versions/upload", office["tracked"])
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert "tracked changes" in page


def test_refused_upload_on_the_page_stores_nothing(setting, client, login):
    login(setting["secretariat"])
    before = db.session.scalar(select(func.count(Document.id)))
    resp = _post(client, f"/documents/new/{setting['c'].id}/upload", b"MZ\x90\x00" + bytes(100))
    assert resp.status_code == 302
    assert "not a Word document" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count(Document.id))) == before


def test_upload_form_needs_its_csrf_token(app, setting, client, login, office):  # noqa: F811
    login(setting["secretariat"])
    app.config["WTF_CSRF_ENABLED"] = True
    token = client.environ_base.pop("HTTP_X_CSRFTOKEN")
    try:
        refused = _post(client, f"/documents/new/{setting['c'].id}/upload", office["policy"])
        assert refused.status_code == 400
        ok = _post(client, f"/documents/new/{setting['c'].id}/upload", office["policy"], csrf_token=token)
        assert ok.status_code == 302 and "/documents/" in ok.headers["Location"]
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.parametrize("url,kind", [
    ("/export?format=docx", b"PK"), ("/export?format=pdf&version=1", b"%PDF"), ("/export?format=md", b"# Draft"),
    ("/comments/export?format=xlsx&constituency=workers", b"PK"), ("/comments/export?format=docx", b"PK"),
    ("/positions/export?format=csv", "\ufeffOrganisation".encode()),
])
def test_downloads_page_and_its_links(setting, client, login, url, kind):
    login(setting["observer"])
    page = client.get(f"/documents/{setting['id']}/downloads").get_data(as_text=True)
    assert 'name="constituency"' in page and "Compilation of comments and amendments" in page
    resp = client.get(f"/documents/{setting['id']}{url}")
    assert resp.status_code == 200 and resp.data.startswith(kind)
    assert client.get(f"/documents/{setting['id']}/export?format=exe").status_code == 404


def test_participants_cannot_upload(setting, client, login, office):  # noqa: F811
    login(setting["government"])
    assert client.get(f"/documents/new/{setting['c'].id}/upload").status_code == 403
    assert _post(client, f"/documents/new/{setting['c'].id}/upload", office["policy"]).status_code == 403
    assert _post(client, f"/documents/{setting['id']}/versions/upload", office["policy"]).status_code in (302, 403)
