#!/usr/bin/env bash
# Installs dependencies (Debian 12, as root or with sudo), builds Release and runs the server on
# 127.0.0.1:8181 with data in ./data. Extra arguments pass through to `strata serve`, e.g.
#   scripts/run.sh --http-bind 0.0.0.0:8181 --log-level debug
# Authentication is on, as in InfluxDB 3: every request needs a token. Create the operator token
# once with `build/release/strata create token --admin`, or run open with --without-auth.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/build.sh" release strata
cd "$root"
case " $* " in
  *" --without-auth "*) ;;
  *)
    cat >&2 <<'EOF'
strata: authentication is on: every request needs a token. Once the server is up, create the
operator token (it is printed once; keep it):
  build/release/strata create token --admin
then pass it with --token or STRATA_TOKEN (curl: -H "Authorization: Bearer $STRATA_TOKEN").
To run open on a trusted machine instead: scripts/run.sh --without-auth
EOF
    ;;
esac
exec "$root/build/release/strata" serve --data-dir "${STRATA_DATA_DIR:-./data}" "$@"
