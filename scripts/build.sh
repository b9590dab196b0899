#!/usr/bin/env bash
# Builds strata: scripts/build.sh [release|debug|asan|fuzz] [ninja targets...]
# Output goes to build/<kind>/ (or $STRATA_BUILD_DIR); the server binary is build/<kind>/strata.
# Incremental.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/deps.sh"
strata_install_deps

kind="${1:-release}"
shift || true
case "$kind" in
  release) args=(-DCMAKE_BUILD_TYPE=Release) ;;
  debug) args=(-DCMAKE_BUILD_TYPE=Debug) ;;
  # The sanitizer builds use -O1 and line tables only (-g1): stack traces keep file:line, and
  # the build takes about 40% less time than -O2 -g (CI builds the whole tree under ASan).
  asan) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
              -DSTRATA_SANITIZE=ON -DSTRATA_BUILD_BENCHMARKS=OFF) ;;
  fuzz) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
              -DSTRATA_FUZZ=ON -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: scripts/build.sh [release|debug|asan|fuzz] [targets...]" >&2; exit 2 ;;
esac
if [ -n "${CI:-}" ] || [ -n "${STRATA_WERROR:-}" ]; then
  args+=(-DSTRATA_WERROR=ON)
fi
# STRATA_BUILD_DIR overrides the directory (e.g. a private one while others build in build/).
dir="${STRATA_BUILD_DIR:-$root/build/$kind}"
if [ ! -f "$dir/build.ninja" ]; then
  cmake -S "$root" -B "$dir" -G Ninja "${args[@]}"
fi
jobs="${STRATA_BUILD_JOBS:-$(nproc)}"
cmake --build "$dir" -j "$jobs" -- "$@"
