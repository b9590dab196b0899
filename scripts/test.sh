#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test: the unit and end-to-end tests (Release),
# the same suite under AddressSanitizer + UndefinedBehaviorSanitizer, and a short fuzz run of
# each parser. Exits non-zero on any failure. `.ci/run` calls exactly this.
#
# Environment: STRATA_SKIP_ASAN=1 / STRATA_SKIP_FUZZ=1 skip those stages (for quick local runs);
# STRATA_FUZZ_SECONDS (default 20) sets the fuzz time per target.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jobs="$(nproc)"
started=$(date +%s)
stage() { printf '\n=== %s (%ss elapsed)\n' "$*" "$(( $(date +%s) - started ))"; }

stage "build release"
scripts/build.sh release
stage "tests (release)"
ctest --test-dir build/release --output-on-failure -j "$jobs" --timeout 600

if [ -z "${STRATA_SKIP_ASAN:-}" ]; then
  stage "build asan"
  scripts/build.sh asan
  stage "tests (asan+ubsan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build/asan --output-on-failure -j "$jobs" --timeout 900
fi

if [ -z "${STRATA_SKIP_FUZZ:-}" ]; then
  # The fuzzers come from the sanitizer tree (scripts/build.sh asan builds them with the tests).
  stage "build fuzzers"
  scripts/build.sh asan fuzzers
  seconds="${STRATA_FUZZ_SECONDS:-20}"
  for fuzzer in build/asan/fuzz/*_fuzzer; do
    [ -x "$fuzzer" ] || continue
    name="$(basename "$fuzzer" _fuzzer)"
    corpus="$(mktemp -d)"
    if [ -d "fuzz/corpus/$name" ]; then
      cp -r "fuzz/corpus/$name/." "$corpus/"
    fi
    stage "fuzz $name for ${seconds}s"
    "$fuzzer" -max_total_time="$seconds" -print_final_stats=0 "$corpus" 2>&1 | tail -n 3
    rm -rf "$corpus"
  done
fi
stage "all tests passed"
