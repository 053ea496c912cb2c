"""In a real browser: the secretariat uploads a .docx written by LibreOffice as a new document,
sees what was left out, and downloads the compilation of one constituency; both pages pass axe."""
import pytest

from tests.browser.fixtures import axe_violations, sign_in
from tests.office import build_docx

pytestmark = pytest.mark.browser


def test_upload_a_docx_and_download_the_compilation(browser, live_server, tmp_path):
    files = build_docx(tmp_path)
    path = tmp_path / "dropped.docx"
    path.write_bytes(files["dropped"])
    page = sign_in(browser, live_server, "secretariat@baraza.example")
    page.goto(live_server + "/consultations/2")
    page.get_by_role("link", name="Add a draft document").click()
    page.get_by_role("link", name="Upload a Word file").click()
    assert axe_violations(page, live_server) == []
    page.get_by_label("Word file (.docx)").set_input_files(str(path))
    page.get_by_label("Title (empty: the file's first heading)").fill("Draft with a picture (uploaded)")
    page.get_by_role("button", name="Upload and create").click()
    page.wait_for_url("**/documents/*")
    flashes = page.locator(".flash").all_inner_texts()
    assert any("created from the Word file" in f for f in flashes) and any("Images were left out" in f for f in flashes)
    assert "Text after the picture." in page.locator("main").inner_text()
    page.get_by_role("link", name="Downloads").click()
    assert axe_violations(page, live_server) == []
    page.get_by_label("Constituency").select_option("workers")
    page.get_by_label("Spreadsheet (.xlsx)").first.check()
    with page.expect_download() as info:
        page.get_by_role("button", name="Download the compilation").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx") and "workers" in download.suggested_filename
    assert open(download.path(), "rb").read(2) == b"PK"
    page.context.close()
