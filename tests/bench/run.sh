#!/usr/bin/env bash
# Builds and runs every benchmark at full size, one after the other, and
# prints their `bench:` lines. Figures belong in docs/PERFORMANCE.md with
# the command that made them. Usage: tests/bench/run.sh [bench names...]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
./deploy/install-deps.sh
benches=("$@")
if [ ${#benches[@]} -eq 0 ]; then
  benches=(append_bench command_bench replication_bench projection_bench
           replay_bench dashboard_bench)
fi
./deploy/build.sh "${benches[@]}"
build="${REPORTING_BUILD_DIR:-$root/build}"
for b in "${benches[@]}"; do
  echo "== $b"
  "$build/tests/bench/$b" | grep -E '^bench:' || true
done
