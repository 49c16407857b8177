#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test (ctest). Benchmarks are not tests: they run with tests/bench/run.sh.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./deploy/install-deps.sh
./deploy/build.sh
ctest --test-dir "${REPORTING_BUILD_DIR:-$root/build}" --output-on-failure \
  --timeout 600 -j2 "$@"
