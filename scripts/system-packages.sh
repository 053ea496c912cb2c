#!/usr/bin/env bash
# Debian packages Baraza's tests and PDF export need, ICU to build PyICU (UTS #39
# skeletons), and LibreOffice (Writer and Calc, headless) with which the office-file tests build
# real .docx fixtures and read Baraza's own .docx/.xlsx exports back, and nginx, which the cluster
# test (tests/cluster) runs with deploy/nginx-baraza.conf, and a Java runtime for the W3C Nu HTML
# checker (vnu.jar from npm, tests/i18n/test_html_checker.py); installs only what is missing.
set -euo pipefail
need=()
for pkg in chromium fonts-noto-core poppler-utils libicu-dev pkg-config g++ libreoffice-writer libreoffice-calc nginx default-jre-headless; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need[*]} (install them as root: apt-get install ${need[*]})"; exit 0
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages present: chromium fonts-noto-core poppler-utils libicu-dev pkg-config g++ libreoffice-writer libreoffice-calc nginx default-jre-headless"
