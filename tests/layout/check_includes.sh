#!/bin/sh
# Checks the allowed-dependency matrix over #include lines: the layers of
# services/README.md, lowest first. A file may include its own layer and
# the layers its row lists; an include that runs back up (the projector
# including the county, audit including the city, the domain including
# storage or gRPC) is printed with its file and line, and the check fails.
#
# Layers are folders: proto/ (and the generated "reporting/..." headers),
# storage/, services/<folder>/. "grpc" stands for grpcpp/ and grpc/.
# Not checked: tests/ (the top: tests may use any layer), and inside a
# services folder its tests (*_test.cc, testing/) and the binaries' main.cc,
# which wire every layer below reportctl together.
# Usage: check_includes.sh SOURCE_DIR. Exit 1 on any include outside the
# matrix, or on a services folder the matrix does not name.
set -u
root=${1:?usage: check_includes.sh SOURCE_DIR}
cd "$root" || exit 1

# layer: the layers it may include besides itself. One fact, one place:
# services/README.md draws this table; change both together.
matrix='
proto:
storage: proto
domain: proto
proof: proto storage
common: proto storage domain grpc
export: proto storage proof common
projector: proto domain storage
audit: proto storage domain proof common projector export grpc
county: proto storage domain common export grpc
city: proto storage domain proof common projector audit grpc
dashboard: proto domain common projector audit city grpc
generator: proto domain common grpc
reportctl: proto domain common export dashboard generator grpc
tools: proto storage
'

status=0
for dir in services/*/; do
  folder=$(basename "$dir")
  if ! echo "$matrix" | grep -q "^$folder:"; then
    echo "services/$folder/ is not in the layer matrix (tests/layout/check_includes.sh, services/README.md): give it a row"
    status=1
  fi
done

# One pass over every include line: FILE:LINE:#include "PATH".
find proto storage services -name '*.h' -o -name '*.cc' |
  grep -vE '_test\.cc$|/testing/|^services/[a-z_]+/main\.cc$' | sort |
  xargs grep -nHE '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' |
  awk -v matrix="$matrix" '
    function layer(path,   p) {
      if (path ~ /^(proto|reporting)\//) return "proto"
      if (path ~ /^storage\//) return "storage"
      if (path ~ /^(grpcpp|grpc)\//) return "grpc"
      if (path ~ /^services\/[a-z_]+\//) { split(path, p, "/"); return p[2] }
      return ""
    }
    BEGIN {
      n = split(matrix, rows, "\n")
      for (i = 1; i <= n; i++) {
        if (rows[i] == "") continue
        split(rows[i], kv, ":")
        ok[kv[1]] = " " kv[2] " "
      }
      bad = 0
    }
    {
      split($0, f, ":")
      inc = $0; sub(/^[^"]*"/, "", inc); sub(/".*$/, "", inc)
      from = layer(f[1]); to = layer(inc)
      if (from == "" || !(from in ok) || to == "" || to == from) next
      if (index(ok[from], " " to " ") == 0) {
        printf "%s:%s: %s may not include %s (\"%s\"): it runs back up the layers of services/README.md\n", f[1], f[2], from, to, inc
        bad = 1
      }
    }
    END { exit bad }' || status=1

[ "$status" -eq 0 ] && echo "layout: every #include of proto/, storage/ and services/ keeps to the layer matrix"
exit "$status"
