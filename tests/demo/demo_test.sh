#!/usr/bin/env bash
# Runs `deploy/demo.sh --small --serve` (city + 12 nodes with TLS, generated
# campaign, overview checked against the generator's expected totals, audit
# verify of every node, then serving) in a temporary data directory on free
# ports; signs in to the dashboard it prints with its development sign-in,
# stops it with TERM (as Ctrl-C would), and checks that it said so and that
# no process it started is left behind.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
data="$(mktemp -d /tmp/demo-test-XXXXXX)"
trap 'rm -rf "$data"' EXIT

# 14 consecutive free ports (the city, 12 nodes and the dashboard), below the kernel's
# ephemeral range so that no outgoing connection takes one meanwhile.
base=$(python3 - <<'PY'
import random, socket
for _ in range(200):
    low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
    base = random.randint(10000, max(10001, low - 14))
    socks = []
    try:
        for p in range(base, base + 14):
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
  "$root/deploy/demo.sh" --small --serve >"$out" 2>&1 &
demo=$!

fail() { echo "demo_test: $*" >&2; cat "$out" >&2; kill -TERM "$demo" 2>/dev/null; exit 1; }
for _ in $(seq 1 600); do
  grep -q "serving until Ctrl-C" "$out" && break
  kill -0 "$demo" 2>/dev/null || fail "the demo ended before serving"
  sleep 0.5
done
grep -q "serving until Ctrl-C" "$out" || fail "the demo never said it was serving"
cat "$out"

# The printed dashboard and sign-in work (HTTPS checked against the demo's CA).
url=$(grep -o "https://127.0.0.1:[0-9]*/" "$out" | head -1)
password=$(sed -n 's/.*office \/ \([^ ]*\) .*/\1/p' "$out" | head -1)
python3 - "$url" "$password" "$data/run/certs/ca.crt" <<'PY' || fail "signing in to the dashboard failed"
import http.client, json, ssl, sys, urllib.parse
url, password, ca = sys.argv[1:4]
host, port = url.split("//")[1].rstrip("/").split(":")
ctx = ssl.create_default_context(cafile=ca)
c = http.client.HTTPSConnection(host, int(port), context=ctx)
c.request("GET", "/api/overview")
r = c.getresponse(); r.read()
assert r.status == 401, r.status
body = urllib.parse.urlencode({"name": "office", "password": password})
c.request("POST", "/signin", body, {"Content-Type": "application/x-www-form-urlencoded"})
r = c.getresponse(); r.read()
assert r.status == 303, r.status
cookie = r.getheader("Set-Cookie").split(";")[0]
c.request("GET", "/api/overview", headers={"Cookie": cookie})
r = c.getresponse()
overview = json.loads(r.read())
assert r.status == 200 and len(overview["nodes"]) == 12, overview
print("demo_test: signed in to", url, "and read 12 nodes")
PY
kill -TERM "$demo"
wait "$demo" || true
grep -q "== stopping 13 processes" "$out" || fail "the demo did not stop its processes"
if grep -q "did not exit cleanly" "$out"; then fail "a process did not exit cleanly"; fi
grep -q "city overview (equals the generator's expected totals)" "$out" \
  || fail "the overview was not checked against the expected totals"
[ "$(grep -c "consistent up to" "$out")" -eq 12 ] \
  || fail "not every county was found consistent with the city's copy"
if pgrep -f "$data/run" >/dev/null; then
  pgrep -af "$data/run" >&2
  fail "processes of the demo are still running"
fi
echo "demo_test: OK"
