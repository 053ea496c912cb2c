#!/usr/bin/env bash
# Extract every translatable string into app/translations/messages.pot, then bring the fr, pt
# and ar catalogues up to date (creating a missing one). New strings arrive untranslated,
# changed ones as "fuzzy": translate them in app/translations/<lang>/LC_MESSAGES/messages.po,
# then run the catalogue test:  .venv/bin/python -m pytest tests/i18n -q
#   scripts/i18n.sh            extract + update
#   scripts/i18n.sh compile    also compile the .mo files (make translations does this too)
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL=${PYBABEL:-.venv/bin/pybabel}
LANGS=(fr pt ar)
# Keywords: Flask-Babel's lazy forms, plus the first argument of every DomainError, so
# services can raise Forbidden("...") with a plain English sentence (app/core/errors.py).
KEYWORDS=(-k lazy_gettext -k _l -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2
          -k DomainError -k BadRequest -k Unauthenticated -k Forbidden -k NotFound
          -k Conflict -k TooLarge -k Invalid -k RateLimited)

extract() {  # extract <output.pot>
    "$PYBABEL" -q extract -F babel.cfg "${KEYWORDS[@]}" --add-comments=TRANSLATORS: \
        --sort-by-file --project=Baraza --copyright-holder="Baraza contributors" \
        --msgid-bugs-address="" -o "$1" .
}

if [[ "${1:-}" == "extract-to" ]]; then  # used by tests/i18n to check the .pot is current
    extract "$2"
    exit 0
fi

mkdir -p app/translations
extract app/translations/messages.pot
for lang in "${LANGS[@]}"; do
    "$PYBABEL" -q update --init-missing --ignore-obsolete -l "$lang" \
        -i app/translations/messages.pot -d app/translations
done
if [[ "${1:-}" == "compile" ]]; then
    "$PYBABEL" -q compile -d app/translations
fi
.venv/bin/python - <<'PY'
from babel.messages.pofile import read_po
for lang in ("fr", "pt", "ar"):
    with open(f"app/translations/{lang}/LC_MESSAGES/messages.po", "rb") as f:
        cat = read_po(f)
    todo = [m for m in cat if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))]
    print(f"{lang}: {len(cat)} strings, {len(todo)} to translate")
PY
