#!/usr/bin/env bash
# Runs every libFuzzer target for FUZZ_SECONDS (default 30) each. Corpora live in build/fuzz/corpus;
# a target with a dictionary next to its source (fuzz/NAME.dict) gets it.
set -euo pipefail
BUILD=${1:-build/fuzz}
SECS=${FUZZ_SECONDS:-30}
SRC=$(cd "$(dirname "$0")/.." && pwd)/fuzz
for f in "$BUILD"/fuzz/*_fuzz; do
  name=$(basename "$f")
  mkdir -p "$BUILD/corpus/$name"
  dict=()
  if [[ -f "$SRC/$name.dict" ]]; then dict=(-dict="$SRC/$name.dict"); fi
  echo "== $name ($SECS s)"
  "$f" -max_total_time="$SECS" -max_len=65536 -print_final_stats=1 "${dict[@]}" "$BUILD/corpus/$name" 2>&1 \
    | grep -E "stat::number_of_executed_units|ERROR|SUMMARY" || true
done
