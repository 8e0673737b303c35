#!/usr/bin/env bash
# Installs everything bigfinder needs on a fresh machine with Python >= 3.11, Java 17 and Maven:
# uv (if missing), the locked Python environment in .venv, and the Neo4j launcher (Maven Central jars).
set -euo pipefail
cd "$(dirname "$0")/.."

if command -v uv >/dev/null 2>&1; then
  uv=(uv)
else
  python3 -m pip install --quiet "uv>=0.5"
  uv=(python3 -m uv)
fi
"${uv[@]}" sync --frozen --extra dev
"${uv[@]}" run bigfinder neo4j build
