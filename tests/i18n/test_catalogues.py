"""The catalogues: complete in fr, pt and ar, current with the source, placeholders kept."""
import re
import shutil
import subprocess
from gettext import c2py
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.i18n.conftest import LANGS, TRANSLATIONS, read_catalogue

ROOT = TRANSLATIONS.parents[1]
FIX = ("Run scripts/i18n.sh, translate the listed entries in "
       "app/translations/<lang>/LC_MESSAGES/messages.po (and remove their '#, fuzzy' line), "
       "then run the tests again.")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{(\w*)\}")


def _template():
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        return read_po(f)


def _ids(catalogue) -> set:
    return {(m.id, m.context) for m in catalogue if m.id}


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


@pytest.mark.parametrize("lang", LANGS)
def test_every_string_is_translated(lang):
    catalogue = read_catalogue(lang)
    problems = []
    keys = {(m.id, m.context) for m in _template() if m.id}
    for msgid, context in sorted(keys, key=str):
        message = catalogue.get(msgid, context=context)
        if message is None:
            problems.append(f"  missing:   {msgid!r}")
        elif message.fuzzy:
            problems.append(f"  fuzzy:     {msgid!r}")
        elif not all(form.strip() for form in _forms(message)):
            problems.append(f"  untranslated: {msgid!r}")
    assert not problems, (f"{len(problems)} string(s) lack a {lang} translation:\n"
                          + "\n".join(problems) + "\n" + FIX)


def test_template_is_current_with_the_source(tmp_path):
    """Re-extract into a temporary file: a string added or changed in the code (or a template)
    must be in app/translations/messages.pot, and so, by the test above, translated."""
    if shutil.which("bash") is None:
        pytest.skip("bash is needed to run scripts/i18n.sh")
    fresh = tmp_path / "messages.pot"
    subprocess.run(["bash", str(ROOT / "scripts" / "i18n.sh"), "extract-to", str(fresh)],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    with open(fresh, "rb") as f:
        current = _ids(read_po(f))
    committed = _ids(_template())
    new, gone = sorted(current - committed, key=str), sorted(committed - current, key=str)
    assert not new and not gone, (
        "app/translations/messages.pot is out of date with the source.\n"
        + "".join(f"  new in the source: {m!r}\n" for m in new)
        + "".join(f"  no longer in the source: {m!r}\n" for m in gone) + FIX)


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_are_preserved(lang):
    """%(name)s and {name} of the English text appear in every translation; only the count
    (%(num)d) may be spelled out in a plural form ("un caractère", "حرفين")."""
    problems = []
    for message in read_catalogue(lang):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set().union(*({a or b for a, b in PLACEHOLDER.findall(i)} for i in ids))
        for form in _forms(message):
            found = {a or b for a, b in PLACEHOLDER.findall(form)}
            optional = {"num"} if isinstance(message.id, tuple) else set()
            if found - wanted or (wanted - optional) - found:
                problems.append(f"  {ids[0]!r} -> {form!r}")
    assert not problems, f"{lang}: placeholders differ from the English text:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
def test_catalogue_passes_babel_checks(lang):
    """Babel's own checks (python-format, plural count) as `pybabel compile` runs them."""
    errors = [(m.id, [str(e) for e in errs]) for m, errs in read_catalogue(lang).check()]
    assert not errors, errors


def test_plural_rules():
    """Arabic has six plural forms (CLDR zero, one, two, few, many, other); Babel's own
    default header for ar gets 'many' and 'other' wrong, so the header is checked here."""
    expected = {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 4, 99: 4, 100: 5, 101: 5, 102: 5, 103: 3, 111: 4, 1000: 5}
    ar = read_catalogue("ar")
    assert ar.num_plurals == 6
    rule = c2py(ar.plural_expr)
    assert {n: rule(n) for n in expected} == expected
    fr, pt = read_catalogue("fr"), read_catalogue("pt")
    assert fr.num_plurals == pt.num_plurals == 2
    assert [c2py(fr.plural_expr)(n) for n in (0, 1, 2)] == [0, 0, 1]  # "0 caractère"
    assert [c2py(pt.plural_expr)(n) for n in (0, 1, 2)] == [1, 0, 1]  # "0 caracteres" (pt-PT)


# The ILO/AU terms of docs/i18n.md, as the catalogues must render them.
TERMS = {
    "Government": ("Gouvernement", "Governo", "الحكومة"),
    "Employers": ("Employeurs", "Empregadores", "أصحاب العمل"),
    "Workers": ("Travailleurs", "Trabalhadores", "العمال"),
    "Secretariat": ("Secrétariat", "Secretariado", "الأمانة"),
    "Delegate": ("Délégué", "Delegado", "مندوب"),
    "Adviser": ("Conseiller technique", "Conselheiro técnico", "مستشار تقني"),
    "Constituency": ("Groupe", "Grupo", "الفريق"),
    "Regional Economic Community": ("Communauté économique régionale", "Comunidade Económica Regional",
                                    "الجماعة الاقتصادية الإقليمية"),
    "Accept credentials": ("Accepter les pouvoirs", "Aceitar as credenciais", "قبول أوراق الاعتماد"),
    "Agenda": ("Ordre du jour", "Ordem do dia", "جدول الأعمال"),
}


@pytest.mark.parametrize("lang", LANGS)
def test_domain_terms_follow_the_glossary(lang):
    catalogue = read_catalogue(lang)
    index = LANGS.index(lang)
    wrong = {msgid: catalogue.get(msgid).string for msgid, want in TERMS.items()
             if catalogue.get(msgid) is not None and catalogue.get(msgid).string != want[index]}
    assert not wrong, f"{lang}: see the terminology table in docs/i18n.md: {wrong}"
    tripartite = {"fr": "tripartite", "pt": "tripartite", "ar": "ثلاثية"}[lang]
    assert tripartite in catalogue.get(
        "Baraza: tripartite policy consultations for governments, employers and workers.").string


def test_every_catalogue_file_is_there():
    assert (TRANSLATIONS / "messages.pot").exists()
    for lang in LANGS:
        assert (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").exists(), Path(lang)
