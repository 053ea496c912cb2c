"""The country codes Baraza accepts are CLDR's two-letter territories, less regions and reserved
codes, and their names come in the reader's language."""
from babel import Locale

from app.core.countries import AFRICAN_UNION, COUNTRIES, NOT_COUNTRIES, country_name


def test_the_country_list_is_cldrs_territories_less_the_non_countries():
    cldr = {code for code in Locale("en").territories if len(code) == 2 and code.isalpha()}
    assert COUNTRIES == cldr - NOT_COUNTRIES
    assert len(COUNTRIES) == 249 and set(AFRICAN_UNION) <= COUNTRIES and len(AFRICAN_UNION) == 55
    assert not {"EU", "UN", "XK", "ZZ"} & COUNTRIES


def test_country_names_in_each_language():
    assert country_name("CI", "en") == "Côte d’Ivoire"
    assert country_name("SN", "fr") == "Sénégal"
    assert country_name("MZ", "pt") == "Moçambique"
    assert country_name("EG", "ar") == "مصر"
    assert country_name(None) == "" and country_name("CI", "xx-not-a-locale") == "CI"
