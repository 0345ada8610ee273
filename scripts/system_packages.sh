#!/usr/bin/env bash
# Debian packages the platform uses outside Python: GNU gettext (translations) and an
# embeddable Chinese font for PDFs (docs/adr/0002-pdf-font.md); the tests also read PDFs with
# poppler-utils. Installs what is missing when run as root on Debian; otherwise says what to do.
set -euo pipefail
want=("$@")
missing=()
for pkg in "${want[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
((${#missing[@]})) || exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages: ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
else
  echo "Note: please install these Debian packages: sudo apt-get install ${missing[*]}" >&2
  echo "      (without them PDF documents and translations may be unavailable)" >&2
fi
