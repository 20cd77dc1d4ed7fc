#!/usr/bin/env bash
# Regenerate deploy/requirements/<service>.lock: the exact versions an image installs (run after changing
# a dependency; commit the result). A test fails when a declared dependency is missing from a lock.
set -euo pipefail
cd "$(dirname "$0")/.."
for service in "${@:-registry visits employment notify reports}"; do
  for svc in $service; do
    venv=$(mktemp -d)
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet ./shared "./services/$svc"
    { echo "# pip freeze of linli-shared + linli-$svc (deploy/lock.sh); the image installs exactly these"
      "$venv/bin/pip" freeze --all --exclude-editable | grep -v -E '^(linli-|pip==|setuptools==|wheel==)'; } \
      > "deploy/requirements/$svc.lock"
    rm -rf "$venv"
  done
done
