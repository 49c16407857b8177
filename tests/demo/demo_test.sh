#!/usr/bin/env bash
# Runs `deploy/demo.sh --small` (city + 12 nodes with TLS, generated
# campaign, overview checked against the generator's expected totals, audit
# verify of every node) in a temporary data directory on free ports, then
# checks that it said so and that no process it started is left behind.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="$(mktemp -d /tmp/demo-test-XXXXXX)"
trap 'rm -rf "$data"' EXIT

# 13 consecutive free ports (the city and 12 nodes), below the kernel's
# ephemeral range so that no outgoing connection takes one meanwhile.
base=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    base = random.randint(10000, max(10001, low - 14))
    socks = []
    try:
        for p in range(base, base + 13):
            s = socket.socket()
            s.bind(("127.0.0.1", p))
            socks.append(s)
        print(base)
        break
    except OSError:
        pass
    finally:
        for s in socks:
            s.close()
PY
)

out="$data/demo.out"
DEMO_DATA_DIR="$data/run" DEMO_BASE_PORT="$base" \
  "$root/deploy/demo.sh" --small 2>&1 | tee "$out"

fail() { echo "demo_test: $*" >&2; exit 1; }
grep -q "city overview (equals the generator's expected totals)" "$out" \
  || fail "the overview was not checked against the expected totals"
[ "$(grep -c "consistent up to" "$out")" -eq 12 ] \
  || fail "not every county was found consistent with the city's copy"
if pgrep -f "$data/run" >/dev/null; then
  pgrep -af "$data/run" >&2
  fail "processes of the demo are still running"
fi
echo "demo_test: OK"
