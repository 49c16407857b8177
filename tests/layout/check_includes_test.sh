#!/bin/sh
# Shows that check_includes.sh fails on an include that runs back up: on a
# copy of the real sources, adds one upward include at a time and expects
# the check to fail naming that file and line; the unchanged copy passes.
# Usage: check_includes_test.sh SOURCE_DIR.
set -u
root=${1:?usage: check_includes_test.sh SOURCE_DIR}
check="$root/tests/layout/check_includes.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

fresh_copy() {
  rm -rf "$work/src" && mkdir "$work/src"
  (cd "$root" && tar cf - proto storage services) | (cd "$work/src" && tar xf -)
}

expect_pass() {
  if ! out=$("$check" "$work/src" 2>&1); then
    echo "FAIL: the unchanged sources should pass:"
    echo "$out"
    failures=$((failures + 1))
  fi
}

# expect_refused FILE INCLUDE WHY: append INCLUDE to FILE, expect a refusal
# that names FILE and the included layer.
expect_refused() {
  fresh_copy
  echo "#include \"$2\"" >>"$work/src/$1"
  if out=$("$check" "$work/src" 2>&1); then
    echo "FAIL: $1 including $2 ($3) passed the check"
    failures=$((failures + 1))
  elif ! echo "$out" | grep -q "^$1:[0-9]*: .* may not include"; then
    echo "FAIL: $1 including $2 was refused without naming the file:"
    echo "$out"
    failures=$((failures + 1))
  else
    echo "refused as expected: $(echo "$out" | grep "^$1:")"
  fi
}

fresh_copy
expect_pass
expect_refused services/projector/projector.h services/city/query_service.h \
  "the read model reaching up into the city"
expect_refused services/audit/log_source.h services/city/node_copies.h \
  "audit's port depending on the city's adapter"
expect_refused services/county/restore.cc services/audit/replay.h \
  "the county reaching up into audit (it needs only the export format)"
expect_refused services/export/export_format.h services/audit/export_signer.h \
  "the export format depending on the service that seals it"
expect_refused storage/event_log.h services/common/grpc_status.h \
  "storage reaching into services"
expect_refused services/domain/unit.h grpcpp/grpcpp.h \
  "the domain depending on gRPC"
expect_refused services/domain/unit.h storage/status_macros.h \
  "the domain depending on storage"
expect_refused services/dashboard/page_data.cc services/county/command_context.h \
  "the city's dashboard reaching into the county server (a unit's load is the domain's, a log's stream read common's)"

# A new services folder must be given a row.
fresh_copy
mkdir "$work/src/services/newfolder"
if "$check" "$work/src" >/dev/null 2>&1; then
  echo "FAIL: a services folder missing from the matrix passed"
  failures=$((failures + 1))
else
  echo "refused as expected: services/newfolder/ has no row"
fi

[ "$failures" -eq 0 ] || exit 1
echo "check_includes: 8 upward includes and 1 unknown folder refused; the real sources pass"
