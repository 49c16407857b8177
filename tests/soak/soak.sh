#!/usr/bin/env bash
# The soak run (issue 21; outside CI: it takes a quarter of an hour). The
# city aggregator and the 12 Linyi nodes on loopback with mutual TLS, as
# deploy/demo.sh starts them, under a steady command load (`reportctl
# generate --rate`) for --minutes; every --sample-seconds it prints each
# process's RSS and the replication lag (soak_sample.py). Then it stops the
# load, waits until the city holds every county's head, verifies every
# chain (each county against the city's copy, and every copy at the city),
# and checks memory: it records each process's RSS, stops all 13 cleanly,
# starts them again on the same data and compares. What a soaked process
# holds beyond a fresh one on the same data (memtables aside) is what it
# accumulated by running; it must stay within --bound-mb per process
# (docs/OPERATIONS.md, "Soak"). Exit 0 only when all of that holds.
#
# Usage: tests/soak/soak.sh [--minutes 12] [--rate 200] [--warmup-minutes 3]
#          [--sample-seconds 30] [--bound-mb 16]
# Environment: SOAK_DATA_DIR (default soak-data/<time>), SOAK_BASE_PORT
# (default 18000: the city, the nodes on the next 12 ports; metrics on
# the same ports + 100), REPORTING_BUILD_DIR (default build/).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

minutes=12
rate=200
warmup=3
every=30
bound=16
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) minutes="$2"; shift ;;
    --rate) rate="$2"; shift ;;
    --warmup-minutes) warmup="$2"; shift ;;
    --sample-seconds) every="$2"; shift ;;
    --bound-mb) bound="$2"; shift ;;
    *) echo "soak.sh: unknown argument $1 (see the usage at the top)" >&2; exit 2 ;;
  esac
  shift
done

./deploy/install-deps.sh
./deploy/build.sh county-node city-aggregator reportctl
python3 "$root/tests/soak/soak_sample.py" --self-test

build="${REPORTING_BUILD_DIR:-$root/build}"
data="${SOAK_DATA_DIR:-$root/soak-data/$(date +%Y%m%d-%H%M%S)}"
base="${SOAK_BASE_PORT:-18000}"
today="2026-06-30"
nodes=(371302 371311 371312 371321 371322 371323 371324 371325 371326 371327 371328 371329)
mkdir -p "$data/logs"
echo "== soak: ${minutes} min at ${rate} commands/s on $(nproc) cores, data in $data"

reportctl() { "$build/services/reportctl/reportctl" "$@"; }
certs="$data/certs"
./deploy/gen-certs.sh "$certs" >/dev/null
tls() { echo "--tls_cert=$certs/$1.crt --tls_key=$certs/$1.key --tls_ca=$certs/ca.crt"; }
sample() { python3 "$root/tests/soak/soak_sample.py" --procs="$procs" --city=city "$@"; }

pids=()
load_pid=""
stop_servers() {  # SIGTERM all, each must exit 0 (graceful)
  local failed=0
  if [ ${#pids[@]} -gt 0 ]; then
    kill -TERM "${pids[@]}" 2>/dev/null || true
    for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
  fi
  pids=()
  return "$failed"
}
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [ -n "$load_pid" ] && kill -TERM "$load_pid" 2>/dev/null
  stop_servers || true
  echo "== data kept in $data"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_port() {  # wait_port PORT NAME
  for _ in $(seq 1 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "soak: $2 did not start listening on port $1 (see $data/logs/$2.log)" >&2
  return 1
}

city="127.0.0.1:$base"
counties=()
for i in "${!nodes[@]}"; do counties+=("127.0.0.1:$((base + 1 + i))"); done
start_servers() {  # start_servers RUN: the city and the 12 nodes; sets procs
  local run=$1
  # shellcheck disable=SC2046
  "$build/services/city/city-aggregator" --data_dir="$data/city" --listen="$city" \
    --metrics_listen="127.0.0.1:$((base + 100))" $(tls city) \
    >>"$data/logs/city.$run.log" 2>&1 &
  pids+=($!)
  procs="city=$!:$((base + 100))"
  wait_port "$base" city
  for i in "${!nodes[@]}"; do
    local n=${nodes[$i]} port=$((base + 1 + i))
    # shellcheck disable=SC2046
    "$build/services/county/county-node" --node_id="$n" --data_dir="$data/nodes/$n" \
      --listen="127.0.0.1:$port" --metrics_listen="127.0.0.1:$((port + 100))" \
      --city="$city" $(tls "node-$n") >>"$data/logs/$n.$run.log" 2>&1 &
    pids+=($!)
    procs="$procs,$n=$!:$((port + 100))"
  done
  for i in "${!nodes[@]}"; do wait_port $((base + 1 + i)) "${nodes[$i]}"; done
}

start_servers soak
echo "== city and 12 county nodes started (mutual TLS)"

# A campaign large enough to outlast the run: a unit of 8 members is about
# 80 commands, so rate x seconds / (12 x 80) units per node, doubled.
seconds=$((minutes * 60))
units=$(( (rate * seconds * 2) / (12 * 80) + 1 ))
counties_csv=$(IFS=,; echo "${counties[*]}")
# The binary itself in the background (not the reportctl function, whose
# subshell would not pass SIGTERM on): $! is the process to stop.
# shellcheck disable=SC2046
"$build/services/reportctl/reportctl" generate --counties="$counties_csv" --units-per-node="$units" \
  --members-per-unit=8 --seed=2026 --today="$today" --rate="$rate" \
  $(tls 'clerk-{node}') >"$data/logs/generate.log" 2>&1 &
load_pid=$!
echo "== load: reportctl generate --rate=$rate ($units units per node)"

status=0
sample --seconds="$seconds" --every="$every" --warmup=$((warmup * 60)) \
  --csv="$data/soak.csv" || status=1
if ! kill -0 "$load_pid" 2>/dev/null; then
  echo "soak: FAILED: the load generator ended early:" >&2
  tail -n 5 "$data/logs/generate.log" >&2
  status=1
fi
kill -TERM "$load_pid" 2>/dev/null || true
wait "$load_pid" 2>/dev/null || true
load_pid=""

echo "== load stopped; waiting for the city to hold every county's head"
sample --catch-up=120 || status=1
verified=0
for i in "${!nodes[@]}"; do
  # shellcheck disable=SC2046
  if reportctl audit verify --county="${counties[$i]}" --city="$city" \
       --node="${nodes[$i]}" $(tls auditor) >"$data/logs/verify-${nodes[$i]}.log" 2>&1; then
    verified=$((verified + 1))
  fi
done
echo "== audit verify: $verified of 12 county logs equal the city's copy"
[ "$verified" -eq 12 ] || status=1
# shellcheck disable=SC2046
if reportctl audit verify --target="$city" --all $(tls auditor) \
     >"$data/logs/verify-city.log" 2>&1; then
  echo "== audit verify: every copy at the city holds its chain"
else
  echo "soak: FAILED: audit verify at the city (see $data/logs/verify-city.log)" >&2
  status=1
fi

# Memory: the soaked processes, idle, against fresh ones on the same data.
sleep 10
sample --snapshot="$data/rss-soaked.json" || status=1
if ! stop_servers; then
  echo "soak: FAILED: a process did not stop cleanly (see $data/logs)" >&2
  status=1
fi
start_servers fresh
sample --catch-up=120 || status=1
sleep 10
sample --snapshot="$data/rss-fresh.json" || status=1
sample --compare "$data/rss-soaked.json" "$data/rss-fresh.json" \
  --bound-mb="$bound" || status=1

[ "$status" -eq 0 ] && echo "== soak passed" || echo "== soak FAILED"
exit "$status"
