#!/usr/bin/env bash
# Installs dependencies (Debian 12, as root or with sudo), builds Release and runs the server on
# 127.0.0.1:8181 with data in ./data. Extra arguments pass through to `strata serve`, e.g.
#   scripts/run.sh --http-bind 0.0.0.0:8181 --log-level debug
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" release strata
cd "$root"
exec "$root/build/release/strata" serve --data-dir "${STRATA_DATA_DIR:-./data}" "$@"
