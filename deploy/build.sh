#!/usr/bin/env bash
# Configures and builds the project into ./build (RelWithDebInfo: optimised,
# assertions on). Incremental: a second run only rebuilds what changed.
# Usage: deploy/build.sh [ninja targets...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${REPORTING_BUILD_DIR:-$root/build}"
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
fi
cmake --build "$build" -- "$@"
