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
  prometheus
  dpkg-dev file systemd iproute2   # packaging tests: dpkg-shlibdeps (and file), systemd-analyze, ip
  # the explorer's browser test (tests/cluster/explorer_browser.py): headless Chromium, Selenium
  chromium chromium-driver python3-selenium
  # `regledger index` (libpq) and its tests' PostgreSQL 15 server
  libpq-dev postgresql-15
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
# Debian's prometheus package (the tests use its promtool) starts a Prometheus daemon when it is
# installed. A policy-rc.d that refuses service starts keeps it from starting during the
# install; it is removed afterwards unless it was there before.
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=0
NEW_PROMETHEUS=0
if [[ " ${missing[*]} " == *" prometheus "* ]]; then
  NEW_PROMETHEUS=1
  if [[ ! -e $POLICY ]]; then
    printf '#!/bin/sh\n# install-deps.sh: no service starts while packages install\nexit 101\n' \
      | $SUDO tee "$POLICY" >/dev/null
    $SUDO chmod 755 "$POLICY"
    ADDED_POLICY=1
    trap '$SUDO rm -f "$POLICY"' EXIT
  fi
fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
if [[ $ADDED_POLICY -eq 1 ]]; then
  $SUDO rm -f "$POLICY"
  trap - EXIT
fi
if [[ $NEW_PROMETHEUS -eq 1 ]]; then
  # Whatever started it anyway (systemd without policy-rc.d support): stop it, and keep it from
  # starting at boot; only promtool is wanted here.
  if [[ -d /run/systemd/system ]]; then
    $SUDO systemctl disable --now prometheus >/dev/null 2>&1 || true
  fi
  if pid=$(pgrep -x prometheus); then
    echo "install-deps: stopping the prometheus daemon the package started (pid $pid)"
    $SUDO kill $pid || true
  fi
fi
echo "install-deps: done"
