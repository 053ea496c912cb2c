#!/usr/bin/env bash
# Builds the .docx test files from their ODT sources with LibreOffice headless, as the tests do
# (tests/office.py): bash tests/documents/office/build.sh [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/build}
mkdir -p "$out"
soffice -env:UserInstallation=file://"$out"/lo-profile --headless --norestore --convert-to docx --outdir "$out" "$here"/*.fodt
