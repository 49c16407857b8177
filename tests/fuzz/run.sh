#!/usr/bin/env bash
# Runs one fuzz target the way CI does (the ctest test of the same name;
# tests/fuzz/README.md):
#   1. each committed regression input (tests/fuzz/regressions/NAME/) once:
#      every one must pass;
#   2. the seed corpus (tests/fuzz/corpus/NAME/), then SECONDS of fuzzing
#      from it with a fixed seed. New inputs go to a scratch corpus, never
#      into the repository.
# A crash fails the test; libFuzzer's input is kept in
# FUZZ_TREE/crashes/TARGET/ (replay: FUZZ_TREE/tests/fuzz/TARGET FILE).
# Commit it under tests/fuzz/regressions/NAME/ together with the fix.
# Usage: run.sh FUZZ_TREE TARGET SECONDS [more libFuzzer flags]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tree=${1:?usage: run.sh FUZZ_TREE TARGET SECONDS}
target=${2:?usage: run.sh FUZZ_TREE TARGET SECONDS}
seconds=${3:?usage: run.sh FUZZ_TREE TARGET SECONDS}
shift 3
name=${target%_fuzz}
bin="$tree/tests/fuzz/$target"
if [ ! -x "$bin" ]; then
  echo "fuzz: $bin is missing: run tests/fuzz/build.sh $tree" >&2
  exit 1
fi
# The targets' scratch logs (RocksDB) go to a tmpfs when there is one.
scratch_root=/tmp
if [ -d /dev/shm ] && [ -w /dev/shm ]; then scratch_root=/dev/shm; fi
work=$(mktemp -d "$scratch_root/fuzz-$name.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tmp" "$work/corpus" "$tree/crashes/$target"
export TMPDIR="$work/tmp"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$here/lsan.supp}"
common=(-timeout=25 -rss_limit_mb=4096
  -artifact_prefix="$tree/crashes/$target/")

regressions=()
if [ -d "$here/regressions/$name" ]; then
  while IFS= read -r f; do regressions+=("$f"); done \
    < <(find "$here/regressions/$name" -type f | sort)
fi
if [ ${#regressions[@]} -gt 0 ]; then
  echo "fuzz: $target: replaying ${#regressions[@]} regression inputs"
  if ! "$bin" "${common[@]}" "$@" "${regressions[@]}" > "$work/log" 2>&1; then
    tail -n 60 "$work/log"
    echo "fuzz: $target FAILED on a regression input"
    exit 1
  fi
fi

echo "fuzz: $target: seed corpus, then ${seconds} s of fuzzing"
set +e
"$bin" "${common[@]}" -seed=1 -max_total_time="$seconds" \
  -dict="$here/fuzz.dict" -print_final_stats=1 "$@" \
  "$work/corpus" "$here/corpus/$name" > "$work/log" 2>&1
rc=$?
set -e
# libFuzzer's summary: corpus loaded, last status line, final stats.
grep -E '^(INFO: seed corpus|#[0-9]+[[:space:]]+(INITED|DONE))|^stat::' "$work/log" || true
if [ "$rc" -ne 0 ]; then
  tail -n 60 "$work/log"
  echo "fuzz: $target FAILED (exit $rc); the input is in $tree/crashes/$target/:"
  echo "      add it to tests/fuzz/regressions/$name/ with the fix"
  exit 1
fi
echo "fuzz: $target passed"
