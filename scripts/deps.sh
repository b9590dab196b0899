#!/usr/bin/env bash
# The one place that lists strata's dependencies: Debian 12 packages, installed with apt-get when
# missing. Sourced by build.sh, run.sh and test.sh; safe to run again (skips what is installed).
set -euo pipefail

STRATA_PACKAGES=(
  # toolchain
  g++ cmake ninja-build clang lld libclang-rt-14-dev pkg-config
  # libraries
  libabsl-dev        # Status/StatusOr, hash maps, strings
  libfmt-dev         # formatting (g++ 12 has no <format>)
  libspdlog-dev      # structured logging
  libcli11-dev       # command line
  libboost-dev       # Boost.Beast / Asio for HTTP
  libzstd-dev zlib1g-dev   # compression: gzip request bodies; ZSTD and GZIP Parquet pages
  libsnappy-dev      # SNAPPY Parquet pages, the codec most other Parquet writers default to
  nlohmann-json3-dev # JSON in the HTTP API
  libre2-dev         # regular expressions
  libreadline-dev    # line editing and history in the `strata query` shell
  libprotobuf-dev protobuf-compiler  # the plan codec's wire format (src/codec)
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
)

strata_install_deps() {
  local missing=()
  local p
  for p in "${STRATA_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$p")
    fi
  done
  # node and npm run the DuckDB interop tests (test/parquet) and the InfluxDB client library tests
  # (test/clients); a node from elsewhere will do.
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    missing+=(nodejs npm)
  fi
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "strata: installing ${missing[*]}" >&2
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
  fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  strata_install_deps
fi
