"""The English a French, Portuguese or Arabic reader must not meet: the catalogue's English
phrases that the language translates differently, and a search for them in a text (a page's
HTML made visible text, a browser's innerText, a PDF's text). Shared by the test client, the
browser and the PDF checks."""
import re

from tests.i18n.conftest import read_catalogue

# what people wrote is not UI: the browser hides these before reading innerText (the HTML check
# drops the same elements: dir="auto", Markdown bodies, comments, people)
USER_CONTENT = '[dir="auto"], .md, .minutes-body, .comment-text, .person, script, style, textarea, pre, code'


def english_words(lang: str) -> list[str]:
    """English msgids of two letters or more per word, translated to something else, that appear
    in no translation of that language (so "Agenda" or "Total" shared by both never count)."""
    cat = read_catalogue(lang)
    translated = " ".join(m.string if isinstance(m.string, str) else " ".join(m.string) for m in cat if m.id)
    words = set()
    for m in cat:
        if not m.id or isinstance(m.id, tuple) or "%" in m.id or not m.string:
            continue
        text = m.id.strip().rstrip(".:")
        if len(text) < 4 or len(text) > 40 or text == m.string.strip().rstrip(".:") or not re.match(r"^[A-Z][A-Za-z' ]+$", text):
            continue
        if re.search(r"\b%s\b" % re.escape(text), translated):
            continue
        words.add(text)
    return sorted(words, key=len, reverse=True)


def english_in(text: str, words: list[str], user_texts=()) -> list[str]:
    """The English phrases of `words` found in `text`, once what people wrote (names,
    organisations, titles) is taken out."""
    for u in sorted(user_texts, key=len, reverse=True):
        text = text.replace(u, " ")
    text = " ".join(text.split())
    return [w for w in words if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(w), text)]
