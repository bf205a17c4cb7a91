#!/usr/bin/env bash
# Certificates for the broker's mutual TLS, with the openssl CLI only (README.md shows the same commands one by
# one). Keys are EC P-256 in PKCS#8 PEM ("BEGIN PRIVATE KEY"), the format the gateway and cloud-ingest read;
# certificates are PEM. Every key file is created mode 0600.
#
#   pki.sh ca     <dir>                         a CA: <dir>/ca.key, <dir>/ca.pem
#   pki.sh server <dir> <name> <subjectAltName>  broker certificate <dir>/<name>.pem + .key, signed by <dir>/ca.*;
#                                                the SAN must name every host clients dial, e.g.
#                                                "DNS:mqtt.example.org" or "DNS:localhost,IP:127.0.0.1"
#   pki.sh client <dir> <common name>            client certificate <dir>/<cn>.pem + .key, signed by <dir>/ca.*;
#                                                the CN is the MQTT identity (use_identity_as_username): a
#                                                gateway's id, or "cloud-ingest"
#   pki.sh sign   <dir> <csr> <out.pem>          signs a client CSR made elsewhere (the key never leaves the
#                                                gateway); the CN is taken from the CSR
#
# Environment: VW_CERT_DAYS validity of issued certificates (default 825), VW_CA_DAYS of the CA (default 3650).
set -euo pipefail

readonly CERT_DAYS=${VW_CERT_DAYS:-825} CA_DAYS=${VW_CA_DAYS:-3650}

die() { printf 'pki.sh: error: %s\n' "$*" >&2; exit 1; }

new_key() { # <file>: a fresh P-256 key, PKCS#8 PEM, readable by its owner only
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1")
}

# Signs <csr> with the CA in <dir> into <out> with the extensions in the file <ext>.
sign() { # <dir> <csr> <out> <ext>
  openssl x509 -req -sha256 -in "$2" -CA "$1/ca.pem" -CAkey "$1/ca.key" -CAcreateserial \
    -CAserial "$1/ca.srl" -days "$CERT_DAYS" -extfile "$4" -out "$3" 2>/dev/null
}

client_extensions() { # <ext file>
  printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
    'extendedKeyUsage=clientAuth' >"$1"
}

cmd=${1:-}
case $cmd in
  ca)
    [[ $# -eq 2 ]] || die "usage: pki.sh ca <dir>"
    dir=$2
    mkdir -p "$dir"
    new_key "$dir/ca.key"
    openssl req -new -x509 -sha256 -key "$dir/ca.key" -subj "/CN=Vitalwire broker CA" -days "$CA_DAYS" \
      -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
      -out "$dir/ca.pem"
    ;;
  server)
    [[ $# -eq 4 ]] || die "usage: pki.sh server <dir> <name> <subjectAltName>"
    dir=$2 name=$3 san=$4
    new_key "$dir/$name.key"
    ext=$(mktemp)
    trap 'rm -f "$ext" "$dir/$name.csr"' EXIT
    printf '%s\n' 'basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature' \
      'extendedKeyUsage=serverAuth' "subjectAltName=$san" >"$ext"
    openssl req -new -key "$dir/$name.key" -subj "/CN=$name" -out "$dir/$name.csr"
    sign "$dir" "$dir/$name.csr" "$dir/$name.pem" "$ext"
    ;;
  client)
    [[ $# -eq 3 ]] || die "usage: pki.sh client <dir> <common name>"
    dir=$2 cn=$3
    # The CN becomes a topic segment through the ACL's %u: the contract's identifier shape only.
    [[ $cn =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$ ]] || die "'$cn' is not a valid gateway/service id"
    new_key "$dir/$cn.key"
    ext=$(mktemp)
    trap 'rm -f "$ext" "$dir/$cn.csr"' EXIT
    client_extensions "$ext"
    openssl req -new -key "$dir/$cn.key" -subj "/CN=$cn" -out "$dir/$cn.csr"
    sign "$dir" "$dir/$cn.csr" "$dir/$cn.pem" "$ext"
    ;;
  sign)
    [[ $# -eq 4 ]] || die "usage: pki.sh sign <dir> <csr> <out.pem>"
    dir=$2 csr=$3 out=$4
    openssl req -in "$csr" -noout -verify 2>/dev/null || die "$csr: not a valid, self-signed CSR"
    cn=$(openssl req -in "$csr" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
    [[ $cn =~ ^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$ ]] || die "$csr: CN '$cn' is not a valid gateway/service id"
    ext=$(mktemp)
    trap 'rm -f "$ext"' EXIT
    client_extensions "$ext"
    sign "$dir" "$csr" "$out" "$ext"
    printf 'signed %s for CN=%s\n' "$out" "$cn" >&2
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
