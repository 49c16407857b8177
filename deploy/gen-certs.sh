#!/usr/bin/env bash
# Creates a development certificate authority and certificates for the city
# aggregator and the 12 Linyi nodes of DOMAIN.md, with the openssl command
# line. For development and tests only: the CA key sits beside the certs.
#
# Usage: deploy/gen-certs.sh OUT_DIR [NODE_ID...]
#   OUT_DIR/ca.{crt,key}         the development CA
#   OUT_DIR/city.{crt,key}       server certificate of the city aggregator
#                                (CN=city, SAN localhost and 127.0.0.1)
#   OUT_DIR/node-ID.{crt,key}    client certificate of node ID (CN=ID,
#                                OU=county): the city takes the node id
#                                from the CN
#   OUT_DIR/office.{crt,key}     a city-office user (CN=office, OU=office)
#   OUT_DIR/auditor.{crt,key}    an auditor (CN=auditor, OU=auditor)
#   OUT_DIR/operator.{crt,key}   an operator (CN=operator, OU=operator):
#                                online backups (reportctl backup)
# Without NODE_IDs the 12 demo nodes are created. Existing files are kept,
# so the script can be re-run to add nodes.
# Roles are the certificate's OU: county, city, office, auditor, operator.
set -euo pipefail
out="${1:?usage: gen-certs.sh OUT_DIR [NODE_ID...]}"
shift
nodes=("$@")
if [ ${#nodes[@]} -eq 0 ]; then
  nodes=(371302 371311 371312 371321 371322 371323 371324 371325 371326 371327 371328 371329)
fi
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
  openssl req -newkey rsa:2048 -nodes -keyout "$name.key" -out "$name.csr" \
    -subj "/O=reporting-dev/OU=$ou/CN=$cn" 2>/dev/null
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
}

issue city city city "DNS:localhost,IP:127.0.0.1"
for n in "${nodes[@]}"; do
  issue "node-$n" "$n" county "DNS:localhost,IP:127.0.0.1"
done
issue office office office
issue auditor auditor auditor
issue operator operator operator
chmod 600 ./*.key
echo "gen-certs: certificates in $(pwd)"
