"""Machine-readable times in templates go through the |iso filter (UTC, milliseconds at most, as
<time datetime> allows), never a raw .isoformat() that carries microseconds."""
import pathlib
import re

TEMPLATES = pathlib.Path(__file__).resolve().parents[2] / "templates"


def test_no_template_calls_isoformat():
    offenders = [f"{p.relative_to(TEMPLATES)}:{n}" for p in TEMPLATES.rglob("*.html")
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if re.search(r"\.isoformat\(\)", line)]
    assert offenders == []
