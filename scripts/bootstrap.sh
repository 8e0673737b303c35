#!/usr/bin/env bash
# Installs everything bigfinder needs on a fresh machine with Python >= 3.11, Java 17 and Maven:
# uv (if missing), the locked Python environment in .venv, the Neo4j launcher (Maven Central jars), and
# the Debian tools the tests drive: pdftoppm (case-file PDFs), Chromium with its driver (the UI), and
# the Noto CJK fonts, so Korean names on the canvas and in its screenshots are not drawn as boxes.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
# Not grep -q: it would stop reading early and, under pipefail, fail the pipe with fc-list's SIGPIPE.
fc-list 2>/dev/null | grep -i cjk >/dev/null || missing+=(fonts-noto-cjk)
if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  else
    echo "bootstrap: please install the Debian packages ${missing[*]} (needs root)" >&2
  fi
fi

if command -v uv >/dev/null 2>&1; then
  uv=(uv)
else
  python3 -m pip install --quiet "uv>=0.5"
  uv=(python3 -m uv)
fi
"${uv[@]}" sync --frozen --extra dev
"${uv[@]}" run bigfinder neo4j build
