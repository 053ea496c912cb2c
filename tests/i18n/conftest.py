"""The catalogues are compiled (.mo, not committed) before any i18n test runs."""
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "app" / "translations"
LANGS = ("fr", "pt", "ar")


def read_catalogue(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


def compile_if_stale():
    """What `make translations` does, only when a .po is newer than its .mo. The top-level
    conftest calls it before any test, since Flask-Babel caches catalogues per process."""
    for lang in LANGS:
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with open(mo, "wb") as f:
                write_mo(f, read_catalogue(lang))
