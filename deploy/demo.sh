#!/usr/bin/env bash
# The README's first command. On a fresh Debian 12 machine (as root):
# installs what is missing, builds, creates development certificates, starts
# the city aggregator and the 12 Linyi nodes of DOMAIN.md on loopback with
# mutual TLS, drives a generated campaign through the nodes' command API,
# waits until the city's overview equals the generator's expected totals,
# prints the overview, verifies every node's log (at the city, and each
# county against the city's copy), and stops everything cleanly, also on
# Ctrl-C. The data (logs, copies, certificates, process logs) is kept in the
# directory printed at the start and the end.
#
# With --serve it keeps everything running with the city office's web
# dashboard until Ctrl-C, and prints its address, a development sign-in and
# the README's "Try it" commands for this data directory.
#
# Usage: deploy/demo.sh [--small] [--seed N] [--serve]
#   --small   a reduced campaign (CI runs this: tests/product/demo_test)
#   --serve   keep serving (the dashboard on DEMO_BASE_PORT+13) until Ctrl-C
# Environment: DEMO_DATA_DIR (default demo-data/<time>), DEMO_BASE_PORT
# (default 17000: the city on it, the nodes on the next 12 ports),
# REPORTING_BUILD_DIR (default build/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

units=20
members=8
seed=2026
serve=0
while [ $# -gt 0 ]; do
  case "$1" in
    --small) units=4; members=4 ;;
    --serve) serve=1 ;;
    --seed) seed="$2"; shift ;;
    --seed=*) seed="${1#--seed=}" ;;
    *) echo "demo.sh: unknown argument $1 (usage: demo.sh [--small] [--seed N] [--serve])" >&2; exit 2 ;;
  esac
  shift
done

./deploy/install-deps.sh
./deploy/build.sh county-node city-aggregator reportctl

build="${REPORTING_BUILD_DIR:-$root/build}"
data="${DEMO_DATA_DIR:-$root/demo-data/$(date +%Y%m%d-%H%M%S)}"
base="${DEMO_BASE_PORT:-17000}"
today="2026-06-30"
nodes=(371302 371311 371312 371321 371322 371323 371324 371325 371326 371327 371328 371329)
mkdir -p "$data/logs"
started=$(date +%s)
echo "== demo: data in $data"

reportctl() { "$build/services/reportctl/reportctl" "$@"; }
certs="$data/certs"
./deploy/gen-certs.sh "$certs" >/dev/null
tls() {  # tls ROLE-CERT-NAME: the TLS flags of that certificate
  echo "--tls_cert=$certs/$1.crt --tls_key=$certs/$1.key --tls_ca=$certs/ca.crt"
}

pids=()
stop_all() {
  local rc=$?
  trap - EXIT INT TERM
  if [ ${#pids[@]} -gt 0 ]; then
    echo "== stopping ${#pids[@]} processes"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    local failed=0
    for p in "${pids[@]}"; do
      wait "$p" || failed=$((failed + 1))
    done
    if [ "$failed" -gt 0 ]; then
      echo "demo: $failed processes did not exit cleanly (see $data/logs)" >&2
      [ "$rc" -eq 0 ] && rc=1
    fi
  fi
  echo "== data kept in $data"
  exit "$rc"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

wait_port() {  # wait_port PORT NAME
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "demo: $2 did not start listening on port $1 (see $data/logs/$2.log)" >&2
  return 1
}

city="127.0.0.1:$base"
dashboard="127.0.0.1:$((base + 13))"
# Development sign-ins of the dashboard (accounts: docs/OPERATIONS.md).
office_password="office-demo-2026"
auditor_password="auditor-demo-2026"
mkdir -p "$data/city"
echo "$office_password" | reportctl dashboard user add office --role office \
  --data_dir "$data/city" >/dev/null
echo "$auditor_password" | reportctl dashboard user add auditor --role auditor \
  --data_dir "$data/city" >/dev/null
echo "== starting the city aggregator on $city (dashboard https://$dashboard/)"
# shellcheck disable=SC2046
"$build/services/city/city-aggregator" --data_dir="$data/city" --listen="$city" \
  --dashboard_listen="$dashboard" $(tls city) >"$data/logs/city.log" 2>&1 &
pids+=($!)
wait_port "$base" city
wait_port "$((base + 13))" city

counties=()
for i in "${!nodes[@]}"; do
  n=${nodes[$i]}
  port=$((base + 1 + i))
  # shellcheck disable=SC2046
  "$build/services/county/county-node" --node_id="$n" --data_dir="$data/nodes/$n" \
    --listen="127.0.0.1:$port" --city="$city" $(tls "node-$n") \
    >"$data/logs/$n.log" 2>&1 &
  pids+=($!)
  counties+=("127.0.0.1:$port")
done
for i in "${!nodes[@]}"; do wait_port $((base + 1 + i)) "${nodes[$i]}"; done
echo "== started 12 county nodes on ports $((base + 1))-$((base + 12)), replicating to the city"

echo "== generating a campaign: 12 nodes x $units units x $members members, seed $seed"
counties_csv=$(IFS=,; echo "${counties[*]}")
# shellcheck disable=SC2046
reportctl generate --counties="$counties_csv" --units-per-node="$units" \
  --members-per-unit="$members" --seed="$seed" --today="$today" \
  --expect_out="$data/expected-overview.json" $(tls 'clerk-{node}')

echo "== waiting for the city to hold and project every node's log"
ok=0
for _ in $(seq 1 300); do
  # shellcheck disable=SC2046
  if reportctl overview --city="$city" --today="$today" --json $(tls office) \
       >"$data/overview.json" 2>/dev/null &&
     python3 - "$data/expected-overview.json" "$data/overview.json" <<'EOF'
import json, sys
expected, actual = (json.load(open(p)) for p in sys.argv[1:3])
sys.exit(0 if expected == actual else 1)
EOF
  then ok=1; break; fi
  sleep 0.2
done
if [ "$ok" -ne 1 ]; then
  echo "demo: the city's overview does not equal the generator's expected totals" >&2
  python3 - "$data/expected-overview.json" "$data/overview.json" <<'EOF' >&2 || true
import json, sys
e, a = (json.load(open(p)) for p in sys.argv[1:3])
print("expected:", json.dumps(e, ensure_ascii=False)[:2000])
print("actual:  ", json.dumps(a, ensure_ascii=False)[:2000])
EOF
  exit 1
fi
echo "== city overview (equals the generator's expected totals)"
# shellcheck disable=SC2046
reportctl overview --city="$city" --today="$today" $(tls office)

echo "== audit: verify every node's copy at the city"
# shellcheck disable=SC2046
reportctl audit verify --target="$city" --all $(tls auditor)
echo "== audit: each county's own log against the city's copy"
for i in "${!nodes[@]}"; do
  # shellcheck disable=SC2046
  reportctl audit verify --county="${counties[$i]}" --city="$city" \
    --node="${nodes[$i]}" $(tls auditor)
done
echo "== demo done in $(( $(date +%s) - started )) s (after the build)"

if [ "$serve" -eq 1 ]; then
  cat <<EOT
== serving until Ctrl-C
   dashboard  https://$dashboard/  (the demo's own CA: accept the browser's
              warning, or import $certs/ca.crt)
   sign in    office / $office_password    auditor / $auditor_password
   Try it (README.md "Try it"), in another shell:
     export D=$data B=$build/services/reportctl
EOT
  while true; do sleep 1; done  # Ctrl-C (or TERM) runs stop_all
fi
