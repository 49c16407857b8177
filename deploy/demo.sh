#!/usr/bin/env bash
# The README's first command: installs what is missing, builds, and runs the
# main job. Today that is the event log on its own: a small campaign of one
# Linyi node is appended to a fresh log, read back and its hash chain verified.
# The data is kept in the directory printed at the end.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
./deploy/install-deps.sh
./deploy/build.sh eventlog_demo
build="${REPORTING_BUILD_DIR:-$root/build}"
data="${DEMO_DATA_DIR:-$root/demo-data/$(date +%Y%m%d-%H%M%S)}"
mkdir -p "$(dirname "$data")"
echo "== event log demo: node 371302 (兰山区), log in $data"
"$build/services/tools/eventlog_demo" --data_dir="$data/371302" "$@"
echo "== done; the log is kept in $data"
