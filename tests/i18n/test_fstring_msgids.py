"""A gettext call inside an f-string is invisible to pybabel on Python 3.11: its msgid must reach
the catalogue some other way (app/minutes/msgids.py), or the text stays English in every language."""
import pathlib
import re
import tokenize

ROOT = pathlib.Path(__file__).resolve().parents[2]
CALL = re.compile(r"""\b(?:_|gettext|_l|lazy_gettext)\((['"])(.+?)\1""")


def test_every_msgid_inside_an_f_string_is_in_the_catalogue():
    pot = (ROOT / "app/translations/messages.pot").read_text(encoding="utf-8")
    ids = set(re.findall(r'^msgid "(.*)"$', pot, re.MULTILINE))
    missing = []
    for path in (ROOT / "app").rglob("*.py"):
        with open(path, "rb") as f:
            for tok in tokenize.tokenize(f.readline):
                if tok.type == tokenize.STRING and re.match(r"^[rbuRBU]*[fF]", tok.string):
                    missing += [f"{path.relative_to(ROOT)}:{tok.start[0]} {m.group(2)}"
                                for m in CALL.finditer(tok.string) if m.group(2) not in ids]
    assert missing == []
