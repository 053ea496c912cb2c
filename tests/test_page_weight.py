"""What a slow mobile connection gets: compressed pages and JSON, deferred scripts, a description."""
import gzip
import re

import brotli


def _without_token(page):
    """The CSRF token carries the second it was signed in: two requests straddling a second differ
    in it (in the forms' hidden fields and in the page's csrf-token meta tag) and nowhere else."""
    page = re.sub(rb'name="csrf_token" value="[^"]*"', b'name="csrf_token" value=""', page)
    return re.sub(rb'name="csrf-token" content="[^"]*"', b'name="csrf-token" content=""', page)


def test_pages_and_json_are_compressed_when_the_browser_accepts_it(factory, client, login, token):
    c = factory.consultation(status="live")
    for _ in range(5):
        factory.consultation(status="scheduled")
    sec = factory.secretariat
    login(sec)
    plain = client.get(f"/consultations/{c.id}")
    assert plain.headers.get("Content-Encoding") is None  # asked for nothing: sent as it is
    squeezed = client.get(f"/consultations/{c.id}", headers={"Accept-Encoding": "br"})
    assert squeezed.headers["Content-Encoding"] == "br" and "Accept-Encoding" in squeezed.headers["Vary"]
    # the CSRF token carries the second it was signed in, so two requests may differ there only
    assert _without_token(brotli.decompress(squeezed.data)) == _without_token(plain.data)
    assert len(squeezed.data) < len(plain.data) / 3
    api = client.get("/api/v1/consultations", headers={**token(sec), "Accept-Encoding": "gzip"})
    assert api.headers["Content-Encoding"] == "gzip"
    assert len(gzip.decompress(api.data)) > 1000 and gzip.decompress(api.data).startswith(b"{")
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(css.data) == client.get("/static/css/app.css").data
    again = client.get("/static/css/app.css", headers={"If-None-Match": css.headers["ETag"].replace(":gzip", "")})
    assert again.status_code == 304


def test_every_script_is_deferred_and_every_page_has_a_description(factory, client, login):
    c = factory.consultation(status="live")
    p = factory.participant(c)
    login(p.user)
    for path in ("/dashboard", f"/consultations/{c.id}", f"/consultations/{c.id}/room"):
        page = client.get(path).get_data(as_text=True)
        scripts = re.findall(r"<script[^>]*>", page)
        assert scripts and all(" defer" in s and "src=" in s for s in scripts), (path, scripts)
        assert re.search(r'<meta name="description" content="[^"]{20,}">', page), path
