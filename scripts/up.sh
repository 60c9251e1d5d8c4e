#!/usr/bin/env bash
# The main job: install, make sure an API key exists, and serve the API with the offline composer.
#   bash scripts/up.sh            -> http://127.0.0.1:8000, key printed and kept in ./songforge-data/first-key.txt
# Settings come from SONGFORGE_* variables (see README); extra arguments go to `songforge serve`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export SONGFORGE_DATA_DIR="${SONGFORGE_DATA_DIR:-$PWD/songforge-data}"
mkdir -p "$SONGFORGE_DATA_DIR"
KEYFILE="$SONGFORGE_DATA_DIR/first-key.txt"
if [ ! -s "$KEYFILE" ]; then
  (umask 077; .venv/bin/songforge keys create --name local --credits 1000 | tail -n 1 > "$KEYFILE")
fi
echo "API key: $(cat "$KEYFILE")   (also in $KEYFILE)"
exec .venv/bin/songforge serve "$@"
