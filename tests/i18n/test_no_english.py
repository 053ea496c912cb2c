"""French, Portuguese and Arabic readers find no English UI word on the main pages: the visible
text (and accessible names) of the consultation, room, document, motion, minutes and public
archive pages, with the user content taken out, holds none of the catalogue's English phrases
that the language translates differently."""
import html as htmllib
import re

import pytest

from tests.i18n.english import english_in, english_words
from tests.i18n.pages import build, fetch

SKIP = re.compile(r"<(script|style|textarea|pre|code)\b.*?</\1>", re.DOTALL | re.IGNORECASE)
ATTR = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
# what people wrote, and machine text (codes, times) is not UI
USER = re.compile(r'<(?P<t>[a-z0-9]+)[^>]*\b(?:dir="auto"|class="[^"]*\b(?:md|minutes-body|comment-text|person)\b[^"]*")[^>]*>.*?</(?P=t)>',
                  re.DOTALL)


def visible_text(page: str, user_texts: list[str]) -> str:
    body = page.split("<body", 1)[-1]
    body = SKIP.sub(" ", body)
    for _ in range(3):
        body = USER.sub(" ", body)
    attrs = " ".join(ATTR.findall(body))
    text = htmllib.unescape(TAG.sub(" ", body) + " " + attrs)
    for u in user_texts:
        text = text.replace(u, " ")
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["fr", "pt", "ar"])
def test_no_english_ui_word_on_the_main_pages(factory, client, login, lang):
    people, live, finish = build(factory)
    words = english_words(lang)
    assert len(words) > 100
    pages = fetch(client, login, factory.secretariat, lang, live)
    pages.update({f"delegate {k}": v for k, v in fetch(client, login, people["government"], lang, live).items()})
    public = finish()
    pages.update({f"public {k}": v for k, v in fetch(client, login, None, lang, public).items()})
    users = [u.name for u in people.values()] + [factory.secretariat.name] + \
        [o.organisation.name for o in people.values()] + [factory.secretariat.organisation.name, "Baraza"]
    found = {}
    for name, page in pages.items():
        hits = english_in(visible_text(page, users), words)
        if hits:
            found[name] = hits
    assert found == {}


def test_the_check_sees_english_and_spares_user_content():
    words = english_words("fr")
    assert "Download PDF" in words and "Attendance" in words
    text = visible_text('<body><p>Download PDF</p><p dir="auto">Attendance</p><div class="md"><p>Proceedings</p></div>'
                        '<button aria-label="Decisions">x</button></body>', [])
    assert [w for w in ("Download PDF", "Attendance", "Proceedings", "Decisions") if w in text] == ["Download PDF", "Decisions"]
