"""A corpus of real XSS payloads through documents, comments, amendments and positions:
nothing executable survives, in the API's html fields or on the pages."""
import html as htmllib
import re
from html.parser import HTMLParser

import pytest

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img src=\"javascript:alert('XSS')\">",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<body onload=alert(1)>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<object data=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\"></object>",
    "<form action=javascript:alert(1)><input type=submit>",
    "<input autofocus onfocus=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1))",
    "[click](&#x6A;avascript:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x\" onerror=\"alert(1)](https://example.org/a.png)",
    "[a](https://example.org \"title\" onmouseover=\"alert(1)\")",
    "[x]: javascript:alert(1)\n\n[ref link][x]",
    "<javascript:alert(1)>",
    "<a href='javascript:alert(1)'>raw</a>",
    "<<script>script>alert(1)<</script>/script>",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
    "<!--<script>alert(1)</script>-->",
    "<p onclick=\"alert(1)\">para</p>",
    "\"><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<a href=\"&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1)\">ent</a>",
    "# Heading <img src=x onerror=alert(1)>\n\n| a | <script>alert(1)</script> |\n|---|---|\n| [x](javascript:alert(1)) | b |",
    "Note[^x]\n\n[^x]: <script>alert(1)</script> [f](javascript:alert(1))",
    "<base href=\"javascript:alert(1)//\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<video><source onerror=\"alert(1)\"></video>",
    "<a href=\"https://example.org\" style=\"position:fixed;top:0\">overlay</a>",
]
BAD_TAGS = {"script", "style", "iframe", "svg", "math", "object", "embed", "base", "meta", "link", "video",
            "source", "frame", "frameset", "applet"}
URL_ATTRS = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "background"}
BAD_SCHEME = re.compile(r"^(javascript|vbscript|data):", re.I)


class Checker(HTMLParser):
    """Fails on anything executable: dangerous tags, event handlers, style, bad URL schemes.
    On pages, our own <script src="/static/..."> and forms are expected; everything else is not."""

    def __init__(self, page: bool):
        super().__init__(convert_charrefs=True)
        self.page, self.problems = page, []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        ours = self.page and (
            (tag in ("script", "link") and (a.get("src") or a.get("href") or "").startswith("/static/"))
            or (tag == "meta" and "http-equiv" not in a))
        if tag in BAD_TAGS and not ours:
            self.problems.append(f"<{tag}>")
        if not self.page and tag in ("form", "input", "textarea", "button", "select", "details"):
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" or name == "srcdoc":
                self.problems.append(f"{tag}[{name}]")
            if name in URL_ATTRS and value is not None:
                # as a browser's URL parser does: tabs and newlines vanish, the ends are trimmed
                cleaned = re.sub(r"[\t\n\r]", "", htmllib.unescape(value)).strip("\x00\x20\x0c\x0b")
                if BAD_SCHEME.match(cleaned):
                    self.problems.append(f"{tag}[{name}={value[:30]}]")


def assert_clean(markup: str, page: bool = False):
    checker = Checker(page)
    checker.feed(markup)
    checker.close()
    assert checker.problems == [], checker.problems


def test_corpus_through_every_markdown_field(setting, docs, client, login):
    did, gov, sec = setting["id"], setting["government"], setting["secretariat"]
    body = "\n\n".join(f"Paragraph {i}: {p}" for i, p in enumerate(PAYLOADS))
    doc = docs.create(setting["c"], body=body, title="XSS <script>alert(1)</script>")
    assert_clean(doc["current_version"]["html"])
    for p in doc["current_version"]["paragraphs"]:
        assert_clean(p["html"])
    did = doc["id"]
    anchor = doc["current_version"]["paragraphs"][0]["anchor"]
    for payload in PAYLOADS:
        c = docs.post(f"/documents/{did}/comments", gov, {"body": payload, "anchor": anchor})
        assert c.status_code == 201
        assert_clean(c.json["html"])
        a = docs.post(f"/documents/{did}/amendments", gov, {"anchor": anchor, "text": payload, "rationale": payload})
        assert a.status_code == 201, (payload, a.json)
        assert_clean(a.json["text_html"])
        assert_clean(a.json["rationale_html"])
        pos = docs.post(f"/documents/{did}/positions/mine", gov, {"stance": "oppose", "body": payload}, method="put")
        assert_clean(pos.json["html"])
    v2 = docs.post(f"/documents/{did}/versions", sec, {"body": body + "\n\nOne more " + PAYLOADS[0], "note": PAYLOADS[0]})
    assert_clean(v2.json["html"])
    diff = docs.post(f"/documents/{did}/diff?from=1&to=2", gov, method="get").json
    for row in diff["rows"]:
        for key in ("left_html", "right_html", "inline_html"):
            if row[key]:
                assert_clean(row[key])
    for who in ("government", "secretariat"):
        login(setting[who])
        for url in (f"/documents/{did}", f"/documents/{did}?version=1", f"/documents/{did}?anchor={anchor}",
                    f"/documents/{did}/diff?from=1&to=2", f"/documents/{did}/diff?from=1&to=2&mode=inline",
                    f"/documents/{did}/positions", f"/consultations/{setting['c'].id}", f"/documents/{did}/edit"):
            resp = client.get(url)
            if who != "secretariat" and url.endswith("/edit"):
                continue
            assert resp.status_code == 200, url
            assert_clean(resp.get_data(as_text=True), page=True)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_alone(payload):
    from app.core.markdown import render
    from app.documents.anchoring import render_document
    assert_clean(render(payload))
    assert_clean(render_document(payload).html)
