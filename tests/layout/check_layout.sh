#!/bin/sh
# Checks the layout rules of the repository that no compiler enforces:
# - only storage/ includes RocksDB headers (decision in ARCHITECTURE.md;
#   storage/README.md), tests and benchmarks included;
# - every top-level folder has a README.md saying what it owns.
# Usage: check_layout.sh SOURCE_DIR. Prints each violation; exit 1 if any.
set -u
root=${1:?usage: check_layout.sh SOURCE_DIR}
cd "$root" || exit 1
status=0

found=$(grep -rlE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]rocksdb/' \
  --include='*.cc' --include='*.h' \
  CMakeLists.txt proto services deploy tests docs 2>/dev/null)
if [ -n "$found" ]; then
  echo "RocksDB headers included outside storage/ (move the code into storage/):"
  echo "$found" | sed 's/^/  /'
  status=1
fi

for d in proto services storage deploy tests docs; do
  if [ ! -f "$d/README.md" ]; then
    echo "missing $d/README.md (what the folder owns, where to start)"
    status=1
  fi
done

[ "$status" -eq 0 ] && echo "layout: RocksDB headers only in storage/; every top-level folder has a README.md"
exit "$status"
