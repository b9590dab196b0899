#!/usr/bin/env bash
# Builds strata: scripts/build.sh [release|debug|asan] [ninja targets...]
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
  # The sanitizer build uses clang, -O1 and line tables only (-g1): stack traces keep file:line,
  # and clang builds it in about 60% of GCC's time. It is also the fuzzing tree (STRATA_FUZZ:
  # coverage instrumentation, plus the fuzz/ targets), so CI compiles the sources under
  # sanitizers once for both the tests and the fuzzers.
  asan) args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG"
              -DSTRATA_SANITIZE=ON -DSTRATA_FUZZ=ON -DSTRATA_BUILD_BENCHMARKS=OFF
              -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++) ;;
  *) echo "usage: scripts/build.sh [release|debug|asan] [targets...]" >&2; exit 2 ;;
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
