#!/usr/bin/env bash
# Disk use of a county and of a city of 12 nodes, as the demo leaves them
# while running (docs/OPERATIONS.md "Disk use"): runs deploy/demo.sh (the
# city and the 12 Linyi nodes, a generated campaign of about 20,000
# commands), samples every second, while it runs, the space allocated to
# each data directory (du: what the disk gives up, preallocation included)
# and the bytes in its files (du --apparent-size), and prints the largest
# samples. Usage: tests/bench/disk_use.sh [demo.sh arguments]
# Environment: REPORTING_BUILD_DIR (default build/), DEMO_BASE_PORT.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
data="$(mktemp -d /tmp/disk-use.XXXXXX)"
DEMO_DATA_DIR="$data" ./deploy/demo.sh "$@" >"$data.demo.log" 2>&1 &
demo=$!
declare -A alloc apparent
sample() {  # sample NAME DIR: keeps the largest of each measure
  local a b
  a=$(du -s --block-size=1 "$2" 2>/dev/null | cut -f1) || return 0
  b=$(du -s --apparent-size --block-size=1 "$2" 2>/dev/null | cut -f1) || return 0
  [ -n "$a" ] && [ "$a" -gt "${alloc[$1]:-0}" ] && alloc[$1]=$a
  [ -n "$b" ] && [ "$b" -gt "${apparent[$1]:-0}" ] && apparent[$1]=$b
  return 0
}
while kill -0 "$demo" 2>/dev/null; do
  sample county-371302 "$data/nodes/371302"
  sample city "$data/city"
  sample city-read-models "$data/city/read_models"
  sleep 1
done
wait "$demo" || { echo "demo failed: see $data.demo.log" >&2; exit 1; }
printf '%-18s %14s %14s\n' "data directory" "allocated" "in files"
for k in county-371302 city city-read-models; do
  awk -v k="$k" -v a="${alloc[$k]:-0}" -v b="${apparent[$k]:-0}" \
    'BEGIN { printf "%-18s %11.1f MB %11.1f MB\n", k, a / 1e6, b / 1e6 }'
done
echo "(largest of 1 s samples while the demo ran; data in $data)"
