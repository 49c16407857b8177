#!/usr/bin/env bash
# Creates a development certificate authority and one certificate of every
# kind (docs/OPERATIONS.md "Roles"; services/common/roles.h), with the
# openssl command line. For development and tests only: the CA key sits
# beside the certs.
#
# Usage: deploy/gen-certs.sh OUT_DIR [NODE_ID...]
#        deploy/gen-certs.sh OUT_DIR --issue NAME ROLE CN
#   OUT_DIR/ca.{crt,key}         the development CA
#   OUT_DIR/city.{crt,key}       the city aggregator (CN=city, OU=city; its
#                                server certificate, SAN localhost and
#                                127.0.0.1)
#   OUT_DIR/node-ID.{crt,key}    county node ID (CN=ID, OU=node): its server
#                                certificate and the client certificate it
#                                replicates with; the city takes the node id
#                                from the CN and accepts only that node's log
#   OUT_DIR/clerk-ID.{crt,key}   the clerk system of node ID (CN=ID,
#                                OU=clerk): commands to node ID only; it
#                                cannot push to the city
#   OUT_DIR/office.{crt,key}     a city-office user (CN=office, OU=office)
#   OUT_DIR/auditor.{crt,key}    an auditor (CN=auditor, OU=auditor)
#   OUT_DIR/operator.{crt,key}   an operator (CN=operator, OU=operator):
#                                online backups (reportctl backup)
# Without NODE_IDs the 12 demo nodes are created. Existing files are kept,
# so the script can be re-run to add nodes. `--issue NAME ROLE CN` adds one
# certificate OUT_DIR/NAME.{crt,key} with OU=ROLE and that CN (e.g. a named
# auditor: --issue auditor-li auditor "Li Wei"), signed by the same CA.
# The role is the certificate's one OU: node, clerk, office, auditor,
# operator or city.
set -euo pipefail
out="${1:?usage: gen-certs.sh OUT_DIR [NODE_ID...] | OUT_DIR --issue NAME ROLE CN}"
shift
mkdir -p "$out"
cd "$out"
days=825

if [ ! -f ca.key ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt \
    -days 3650 -subj "/O=reporting-dev/CN=reporting development CA" 2>/dev/null
fi

# issue NAME CN OU [SAN]
issue() {
  local name=$1 cn=$2 ou=$3 san=${4:-}
  [ -f "$name.crt" ] && return 0
  # In -subj, "/" separates attributes and "+" joins them: escape both so
  # the CN is exactly the text given.
  local subj_cn=${cn//\\/\\\\}
  subj_cn=${subj_cn//\//\\/}
  subj_cn=${subj_cn//+/\\+}
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$name.key" -out "$name.csr" \
    -utf8 -subj "/O=reporting-dev/OU=$ou/CN=$subj_cn" 2>/dev/null
  local ext
  ext=$(mktemp)
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=digitalSignature,keyEncipherment"
    echo "extendedKeyUsage=serverAuth,clientAuth"
    [ -n "$san" ] && echo "subjectAltName=$san"
  } >"$ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial \
    -out "$name.crt" -days "$days" -extfile "$ext" 2>/dev/null
  rm -f "$name.csr" "$ext"
  chmod 600 "$name.key"
}

if [ "${1:-}" = "--issue" ]; then
  [ $# -eq 4 ] || { echo "usage: gen-certs.sh OUT_DIR --issue NAME ROLE CN" >&2; exit 2; }
  case "$3" in
    node | clerk | office | auditor | operator | city) ;;
    *) echo "gen-certs: unknown role $3 (node clerk office auditor operator city)" >&2; exit 2 ;;
  esac
  issue "$2" "$4" "$3"
  echo "gen-certs: $(pwd)/$2.crt"
  exit 0
fi

nodes=("$@")
if [ ${#nodes[@]} -eq 0 ]; then
  nodes=(371302 371311 371312 371321 371322 371323 371324 371325 371326 371327 371328 371329)
fi
issue city city city "DNS:localhost,IP:127.0.0.1"
for n in "${nodes[@]}"; do
  issue "node-$n" "$n" node "DNS:localhost,IP:127.0.0.1"
  issue "clerk-$n" "$n" clerk
done
issue office office office
issue auditor auditor auditor
issue operator operator operator
chmod 600 ./*.key
echo "gen-certs: certificates in $(pwd)"
