"""Names and e-mails people recognise each other by: one form (NFKC), nothing invisible, and no
look-alike of an existing one.

Threat: a second "Ghana Employers' Federation" spelt with a Cyrillic "е", or a name carrying a
zero-width space or a right-to-left override, reads exactly like the real one in a participant
list, a vote result or a mail, so a delegation can be impersonated or a record misattributed.

Rules (services call these; the model keeps the skeleton columns in step):
- NFKC, so full-width or ligature spellings become the ordinary letters;
- refuse format characters (Unicode Cf: zero-width space and joiners, bidi embeddings,
  overrides and isolates, the BOM, soft hyphen...) with 422, and control characters and line
  separators as every single-line field does;
- the confusable skeleton of Unicode UTS #39 (ICU's SpoofChecker, the reference
  implementation over confusables.txt) of the case-folded name is stored (as its SHA-256, a
  fixed 64 characters whatever the expansion) in an indexed column; a new or changed name whose
  skeleton equals another record's, without being that same name, is refused with 422 naming
  the field. Accents and scripts are left alone: "Société" and "الاتحاد العام" are names, and a
  Latin name only clashes with the Cyrillic spelling that looks like it."""
import hashlib
import unicodedata

from functools import cache

from flask_babel import lazy_gettext as _l

from app.core.errors import Invalid
from app.core.validation import check_line


@cache
def _checker():
    """ICU's SpoofChecker, made at the first name checked: PyICU takes 7 MB of every server
    process that imports it (bench/start_memory.py), and names change seldom."""
    from icu import SpoofChecker
    return SpoofChecker()


def normal_form(value: str) -> str:
    """The NFKC form of value, stripped."""
    return unicodedata.normalize("NFKC", value).strip()


def has_format_characters(value: str) -> bool:
    return any(unicodedata.category(ch) == "Cf" for ch in value)


def clean(field: str, value: str) -> str:
    """value in NFKC, checked: Invalid (422, naming field) for control or format characters."""
    if not isinstance(value, str):
        raise Invalid(_l("%(name)s must be a string.", name=field), {field: "must be a string"})
    value = check_line(field, normal_form(value))
    if has_format_characters(value):
        raise Invalid(_l("%(name)s may not contain invisible formatting characters (zero-width or "
                         "text-direction controls).", name=field), {field: "invisible characters"})
    return value


def skeleton_key(value: str | None) -> str | None:
    """SHA-256 of the UTS #39 skeleton of the case-folded NFKC value: equal for look-alikes."""
    if value is None:
        return None
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", value).casefold())
    return hashlib.sha256(_checker().getSkeleton(0, folded).encode("utf-8")).hexdigest()


def same_name(a: str, b: str) -> bool:
    return normal_form(a).casefold() == normal_form(b).casefold()


def confusable_error(field: str) -> Invalid:
    return Invalid(_l("%(name)s looks the same as an existing one written with other letters; "
                      "use a name that reads differently.", name=field),
                   {field: "confusable with an existing value"})
