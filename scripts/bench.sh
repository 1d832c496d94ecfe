#!/usr/bin/env bash
# Runs the benchmarks (never part of make test). Each prints medians and ratios.
set -euo pipefail
BUILD=${1:-build/release}
echo "== consensus core (heights/s)"; "$BUILD/bench/consensus/consensus_bench"
echo; echo "== HTTPS transport (requests/s)"; "$BUILD/bench/node/http_echo_bench"
echo; echo "== single-node ingest (committed tx/s)"; "$BUILD/bench/ingest/ingest_bench" "${@:2}"
