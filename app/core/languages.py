"""The working languages, in one place: code, own name, direction, CLDR locale for dates and
numbers, and the PostgreSQL text-search configuration (None: 'simple', no stemming)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    direction: str = "ltr"
    # Portuguese is written as in Portugal and the lusophone African states (pt_PT), not as in
    # Brazil (Babel's plain "pt").
    locale: str = ""
    search_config: str | None = None
    # Arabic's medium date is all digits and slashes, which reads poorly inside right-to-left
    # text; the long form names the month ("23 نوفمبر 2026").
    date_format: str = "medium"


REGISTRY = (
    Language("en", "English", search_config="english"),
    Language("fr", "Français", search_config="french"),
    Language("pt", "Português", locale="pt_PT", search_config="portuguese"),
    Language("ar", "العربية", direction="rtl", date_format="long"),
)
BY_CODE = {lang.code: lang for lang in REGISTRY}
LANGUAGES = tuple(BY_CODE)
LANGUAGE_NAMES = {lang.code: lang.native_name for lang in REGISTRY}
DEFAULT = "en"


def language(code: str | None) -> Language:
    """The language of a code; the default for anything unknown."""
    return BY_CODE.get(code or "", BY_CODE[DEFAULT])
