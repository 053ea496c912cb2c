#!/usr/bin/env bash
# Debian packages Baraza's tests and PDF export need, and ICU to build PyICU (UTS #39
# skeletons); installs only what is missing.
set -euo pipefail
need=()
for pkg in chromium fonts-noto-core poppler-utils libicu-dev pkg-config g++; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "Missing Debian packages: ${need[*]} (install them as root: apt-get install ${need[*]})"; exit 0
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "system packages present: chromium fonts-noto-core poppler-utils libicu-dev pkg-config g++"
