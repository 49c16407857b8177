#!/usr/bin/env bash
# The documented long run (docs/FUZZING.md): every fuzz target for SECONDS
# from its seed corpus (and the regression inputs), one after another,
# growing a corpus in OUT_DIR/corpus/TARGET (kept, so a later run resumes
# from it). Prints per target: executions, time, coverage (libFuzzer's
# "cov" edges and "ft" features), corpus size and crashes; a crash's input
# is kept in OUT_DIR/crashes/TARGET/ and the run goes on (-fork mode would
# need more cores than this machine has: one process per target).
# Usage: tests/fuzz/long_run.sh SECONDS [OUT_DIR] [TARGET...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds=${1:?usage: long_run.sh SECONDS [OUT_DIR] [TARGET...]}
out="${2:-$root/build/fuzz-long}"
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(envelope_fuzz replica_append_fuzz push_fuzz command_fuzz
           import_csv_fuzz export_reader_fuzz)
fi
tree="$root/build/fuzz"
"$here/build.sh" "$tree" >/dev/null
scratch_root=/tmp
if [ -d /dev/shm ] && [ -w /dev/shm ]; then scratch_root=/dev/shm; fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan.supp}"

printf '%-20s %12s %8s %8s %8s %8s %8s\n' target execs seconds exec/s cov ft crashes
total=0
for t in "${targets[@]}"; do
  name=${t%_fuzz}
  mkdir -p "$out/corpus/$t" "$out/crashes/$t" "$out/logs"
  : >"$out/logs/$t.log"
  work=$(mktemp -d "$scratch_root/fuzz-long-$name.XXXXXX")
  start=$(date +%s)
  crashes=0
  remaining=$seconds
  # After a crash libFuzzer stops: go on from the grown corpus until the
  # time is spent.
  while [ "$remaining" -gt 0 ]; do
    set +e
    TMPDIR="$work" "$tree/tests/fuzz/$t" -max_total_time="$remaining" \
      -timeout=60 -rss_limit_mb=4096 -dict="$here/fuzz.dict" \
      -print_final_stats=1 -artifact_prefix="$out/crashes/$t/" \
      "$out/corpus/$t" "$here/corpus/$name" \
      >>"$out/logs/$t.log" 2>&1
    rc=$?
    set -e
    [ "$rc" -ne 0 ] && crashes=$((crashes + 1))
    [ "$rc" -eq 0 ] && break
    remaining=$(( seconds - ($(date +%s) - start) ))
  done
  rm -rf "$work"
  elapsed=$(( $(date +%s) - start ))
  execs=$(grep -h '^stat::number_of_executed_units' "$out/logs/$t.log" |
    awk '{s += $2} END {print s + 0}')
  last=$(grep -hE '^#[0-9]+[[:space:]]+(DONE|REDUCE|NEW|pulse|INITED)' "$out/logs/$t.log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  total=$((total + execs))
  printf '%-20s %12d %8d %8d %8s %8s %8d\n' "$t" "$execs" "$elapsed" \
    $(( execs / (elapsed > 0 ? elapsed : 1) )) "${cov:-?}" "${ft:-?}" "$crashes"
done
echo "total executions: $total; crash inputs in $out/crashes/"
