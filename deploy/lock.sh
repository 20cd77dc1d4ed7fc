#!/usr/bin/env bash
# Regenerate the pins, then commit deploy/requirements/ (a test fails when they drift):
#   constraints.txt   one version of every package: the dev environment (`make test`, `make run` install with
#                     -c this file), the images and the build backend, so what is tested is what ships
#   <service>.lock    what that service's image installs: the same versions, each with its sha256 hashes
#   build.lock        the build backend (hatchling) the image builds our own wheels with, hashed too
# Usage:  deploy/lock.sh                          keep today's pins; add or drop what dependencies changed
#         deploy/lock.sh --upgrade                newest release of everything (or --upgrade-package NAME)
# One tool, uv pip compile (devtools depends on uv, so its own version is pinned here too); it resolves for
# CPython 3.11+ on every platform, so the locks do not depend on the machine that ran this.
set -euo pipefail
cd "$(dirname "$0")/.."
uv=${UV:-.venv/bin/uv}
[ -x "$uv" ] || { echo "deploy/lock.sh: $uv is missing: run 'make test' once (devtools installs uv) or set UV=" >&2; exit 1; }
out=deploy/requirements
services=$(for p in services/*/pyproject.toml; do basename "$(dirname "$p")"; done)
ours=()  # our own packages come from the source tree, never from an index
for name in shared devtools $services; do ours+=(--no-emit-package "linli-$name"); done

compile() {
  "$uv" pip compile --quiet --universal --python-version 3.11 --custom-compile-command deploy/lock.sh \
    "${ours[@]}" "$@"
}

# pip and hatchling too: `make` installs that pip and builds our editable packages with that hatchling.
{ echo ./shared; echo ./devtools; for svc in $services; do echo "./services/$svc"; done; echo hatchling; echo pip; } \
  | compile "$@" --output-file "$out/constraints.txt" -
# Images take only wheels (an sdist would fetch an unpinned build backend) and only the versions above.
hashed=(--generate-hashes --only-binary :all: --constraint "$out/constraints.txt")
for svc in $services; do
  printf './shared\n./services/%s\n' "$svc" | compile "${hashed[@]}" --output-file "$out/$svc.lock" -
done
echo hatchling | compile "${hashed[@]}" --output-file "$out/build.lock" -
