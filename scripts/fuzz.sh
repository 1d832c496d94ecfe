#!/usr/bin/env bash
# Runs every libFuzzer target for FUZZ_SECONDS (default 30) each. Corpora live in build/fuzz/corpus;
# a target with a dictionary next to its source (fuzz/NAME.dict) gets it, one with checked-in
# seeds (fuzz/seeds/NAME/) gets them as a second corpus directory, which libFuzzer only reads.
# The full log of each run is kept in BUILD/logs/NAME.log, an input that crashed it in
# BUILD/artifacts/NAME-crash-*; one summary line per target is printed. docs/fuzzing.md.
#
# Fails (exit 1) when a target is missing: every fuzz/NAME.cpp must have been built into
# BUILD/fuzz/NAME, so a fuzzer dropped from fuzz/CMakeLists.txt or a broken build cannot pass by
# running fewer targets. Fails after running all targets when any of them exited non-zero (a
# crash, sanitizer report, leak, timeout or out-of-memory), naming each one.
set -euo pipefail
BUILD=${1:-build/fuzz}
SECS=${FUZZ_SECONDS:-30}
SRC=$(cd "$(dirname "$0")/.." && pwd)/fuzz
if ! [[ "$SECS" =~ ^[0-9]+$ ]] || ((10#$SECS == 0)); then
  echo "FUZZ_SECONDS must be a positive whole number of seconds, not '$SECS'" >&2
  exit 2
fi

# The expected targets: one per fuzz/*.cpp (headers there are shared harness code).
targets=()
for src in "$SRC"/*.cpp; do
  targets+=("$(basename "$src" .cpp)")
done
if ((${#targets[@]} == 0)); then
  echo "no fuzz targets found in $SRC" >&2
  exit 1
fi
missing=()
for name in "${targets[@]}"; do
  [[ -x "$BUILD/fuzz/$name" ]] || missing+=("$name")
done
if ((${#missing[@]} > 0)); then
  for name in "${missing[@]}"; do echo "MISSING: $BUILD/fuzz/$name (from fuzz/$name.cpp)" >&2; done
  echo "FAIL: ${#missing[@]} of ${#targets[@]} fuzz targets not built: ${missing[*]}" >&2
  exit 1
fi

# Crash inputs go to BUILD/artifacts (libFuzzer's default is the current directory).
mkdir -p "$BUILD/logs" "$BUILD/artifacts"
failed=()
for name in "${targets[@]}"; do
  mkdir -p "$BUILD/corpus/$name"
  dict=()
  if [[ -f "$SRC/$name.dict" ]]; then dict=(-dict="$SRC/$name.dict"); fi
  seeds=()
  if [[ -d "$SRC/seeds/$name" ]]; then seeds=("$SRC/seeds/$name"); fi
  log="$BUILD/logs/$name.log"
  # The fuzzer's exit status is what counts; its output goes to the log, read afterwards.
  rc=0
  "$BUILD/fuzz/$name" -max_total_time="$SECS" -max_len=65536 -print_final_stats=1 "${dict[@]}" \
    -artifact_prefix="$BUILD/artifacts/$name-" "$BUILD/corpus/$name" "${seeds[@]}" >"$log" 2>&1 ||
    rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  if ((rc == 0)); then
    printf '%-30s ok     %10s execs %8s exec/s (%s s)\n' "$name" "${execs:-?}" "${rate:-?}" "$SECS"
  else
    failed+=("$name")
    printf '%-30s FAILED exit %d after %s execs; log: %s\n' "$name" "$rc" "${execs:-?}" "$log"
    # What libFuzzer or the sanitizer said, and where it saved the input.
    grep -E '^==[0-9]+== ?ERROR|^SUMMARY|deadly signal|Test unit written to' "$log" | head -n 5 |
      sed 's/^/    /' || true
  fi
done

if ((${#failed[@]} > 0)); then
  echo "FAIL: ${#failed[@]} of ${#targets[@]} fuzz targets failed: ${failed[*]}" >&2
  exit 1
fi
echo "all ${#targets[@]} fuzz targets ran ${SECS} s each without a failure"
