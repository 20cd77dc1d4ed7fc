#!/bin/sh
# Run once by compose's mongo-keyfile container (root, CAP_CHOWN only): the replica set's shared key,
# made on first start and kept in the mongo-keyfile volume. mongod refuses a key file that others can
# read, so it is 0400 and owned by mongod's uid 999; chmod before chown, as root keeps no other rights.
set -eu
key=/keyfile/mongo.key
if [ -s "$key" ]; then
    exit 0
fi
umask 077
head -c 756 /dev/urandom | base64 -w 0 > "$key.new"
chmod 0400 "$key.new"
chown 999:999 "$key.new"
mv "$key.new" "$key"
echo "mongo-keyfile: made $key"
