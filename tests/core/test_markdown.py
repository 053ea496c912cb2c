"""Markdown is rendered, and nothing executable survives sanitising."""
from html.parser import HTMLParser

import pytest

from app.core.markdown import render

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "![x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg/onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">x</a>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<details open ontoggle=alert(1)>",
    "[a](<javascript:alert(1)>)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))


def elements(html: str) -> list:
    parser = Elements()
    parser.feed(html)
    return parser.found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives(payload):
    """Escaped text is harmless; what must not exist is an element or attribute that can run."""
    for tag, attrs in elements(render(payload)):
        assert tag not in {"script", "iframe", "svg", "math", "style", "object", "embed", "details"}, tag
        for name, value in attrs.items():
            assert not name.startswith("on") and name != "style", (tag, name)
            if name in ("href", "src"):
                assert (value or "").strip().lower().split(":")[0] in {"http", "https", "mailto"} or ":" not in (value or ""), value


def test_markdown_features_render():
    html = render("# Title\n\nSome *emphasis* and a [link](https://example.org).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                  "Text with a note.[^1]\n\n[^1]: The note.\n\n- one\n- two\n")
    assert "<h1" in html and "<em>emphasis</em>" in html and 'href="https://example.org"' in html
    assert "<table>" in html and "<li>one</li>" in html and "footnote" in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_raw_html_is_shown_as_text():
    html = render("<b>bold</b>")
    assert "<b>" not in html and "&lt;b&gt;" in html
