#!/usr/bin/env bash
# Runs the benchmarks (never part of make test). Each prints medians and ratios.
set -euo pipefail
BUILD=${1:-build/release}
echo "== consensus core (heights/s)"; "$BUILD/bench/consensus/consensus_bench"
echo; echo "== HTTPS transport (requests/s)"; "$BUILD/bench/node/http_echo_bench"
echo; echo "== single-node ingest (committed tx/s)"; "$BUILD/bench/ingest/ingest_bench" "${@:2}"
echo; echo "== permission checks on the ingest path (on/off, overhead)"
"$BUILD/bench/ledger/permission_bench"
echo; echo "== report-payload check (us per ~1 KB payload, nlohmann SAX vs hand-written scanner)"
"$BUILD/bench/ledger/report_payload_bench"
echo; echo "== offline settlement on one node (voucher hops/s committed, target 5,000)"
"$BUILD/bench/offline/settle_bench"
echo; echo "== sealed reports (seal / open 1 MiB with t=3 of n=4, key releases/s per key service)"
"$BUILD/bench/ledger/sealed_bench"
"$BUILD/bench/ledger/sealed_bench" --suite sm2-sm3
echo; echo "== table templates (check an inline 250 KB loan CSV, a G01 JSON, stream a large CSV)"
"$BUILD/bench/ledger/table_check_bench"
echo; echo "== large datasets in the store (256 MB of chunks; blob files on vs off)"
"$BUILD/bench/ledger/chunk_store_bench" --chunks-mb 256
# The figure is --reports 1000000 (about 9 minutes here): by hand, see docs/benchmarks.md.
echo; echo "== report queries at 100,000 reports (p50/p99 per query kind, bytes per report, RSS)"
"$BUILD/bench/ledger/report_query_bench" --reports 100000
# 4 validators on this machine, >= 60 s per run, and the etcd comparison when etcd is installed
# (make bench installs it): several minutes. CLUSTER_BENCH_ARGS passes options through, e.g.
# CLUSTER_BENCH_ARGS="--runs 1 --seconds 20 --skip-etcd".
echo; echo "== validator network (4 validators, committed tx/s, latency at half peak, etcd ratio)"
# shellcheck disable=SC2086
"$BUILD/bench/cluster/cluster_bench" ${CLUSTER_BENCH_ARGS:-}
