#!/usr/bin/env bash
# Installs the Debian 12 packages RegLedger needs to build, test and run.
# Idempotent: when every package is already installed it only runs dpkg-query and exits.
#   --bench  also the packages only the benchmarks use (etcd for bench/cluster's comparison)
set -euo pipefail

BENCH=0
for arg in "$@"; do
  case "$arg" in
    --bench) BENCH=1 ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

PACKAGES=(
  build-essential cmake ninja-build ccache pkg-config clang clang-format libclang-rt-14-dev
  libboost-dev libboost-program-options-dev
  librocksdb-dev libssl-dev openssl
  libprotobuf-dev protobuf-compiler
  nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev libgoogle-perftools-dev
  curl ca-certificates python3 procps
  softhsm2 libp11-kit-dev
)
if [[ $BENCH -eq 1 ]]; then
  PACKAGES+=(etcd-server etcd-client)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
