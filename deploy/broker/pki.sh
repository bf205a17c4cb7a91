#!/usr/bin/env bash
# Certificates for the broker's mutual TLS, and the broker's ACL rendered from them, with the openssl CLI only
# (README.md explains the layout and shows the openssl commands). Keys are EC P-256 in PKCS#8 PEM ("BEGIN PRIVATE
# KEY"), the format the gateway and cloud-ingest read; certificates are PEM, each issued one written with its
# intermediate after it (leaf first), the chain a client sends. Every key file is created mode 0600.
#
# A root CA signs two intermediate CAs, and nothing else: "gateways" issues the home hubs' certificates (subject
# O=<tenant>, CN=<gateway id>), "services" the broker's and cloud-ingest's. Each intermediate keeps an `openssl ca`
# database (<dir>/<ca>/index.txt): the gateways' one is the registry of which tenant each gateway id was issued to,
# from which `acl` renders the broker's per-gateway ACL lines.
#
#   pki.sh ca      <dir>                          root CA <dir>/ca.pem (+ ca.key) and the intermediates
#                                                 <dir>/gateways/, <dir>/services/
#   pki.sh server  <dir> <name> <subjectAltName>  broker certificate <dir>/<name>.pem + .key from the services CA;
#                                                 the SAN must name every host clients dial, e.g.
#                                                 "DNS:mqtt.example.org" or "DNS:localhost,IP:127.0.0.1"
#   pki.sh service <dir> <name>                   a service's client certificate (cloud-ingest's is "cloud-ingest")
#                                                 <dir>/<name>.pem + .key from the services CA
#   pki.sh gateway <dir> <tenant> <gateway id>    a gateway's client certificate <dir>/<id>.pem + .key from the
#                                                 gateways CA, for a lab or a test (a real gateway keeps its key:
#                                                 use sign)
#   pki.sh gateways <dir> <tenant> <out dir>      many gateways' certificates at once, for a simulated fleet: the ids on
#                                                 standard input, one a line; <out dir>/<id>.pem + .key each. One
#                                                 openssl process per key and CSR, one `openssl ca` per 1,000 ids, the
#                                                 name checks once for the whole list: ~6 ms a gateway, where
#                                                 `gateway` takes ~390 ms (process starts and a scan of the database
#                                                 per id)
#   pki.sh sign    <dir> <tenant> <csr> <out.pem> signs a gateway's CSR made elsewhere (the key never leaves the
#                                                 gateway); the gateway id is the CSR's CN, the tenant is this
#                                                 argument (whatever the CSR says)
#   pki.sh acl     <dir>                          prints the broker's ACL: the shipped base (acl beside this
#                                                 script) and, per gateway issued and not revoked, its own topics
#   pki.sh revoke  <dir> <gateway id>             revokes the gateway's certificates and writes <dir>/crl.pem (the
#                                                 broker's crlfile); render the ACL again afterwards
#
# Refused, before anything is signed: an id or tenant that is not a topic segment; a gateway id that is a service's
# (cloud-ingest, broker, mosquitto, admin, root, services, gateways in any case, or any name the services CA
# issued) or that was issued to another tenant and not revoked; a service name that the gateways CA issued. The
# broker's ACL trusts the CN alone, so these refusals are what keeps a gateway from ever holding a service's or
# another tenant's identity.
#
# Environment: VW_CERT_DAYS validity of issued certificates (default 825), VW_CA_DAYS of the CAs (default 3650).
set -euo pipefail

readonly CERT_DAYS=${VW_CERT_DAYS:-825} CA_DAYS=${VW_CA_DAYS:-3650}
# Names that are services' identities, or could be mistaken for them, whether issued yet or not.
readonly RESERVED=(cloud-ingest broker mosquitto admin root services gateways)
# A topic segment, as the contract's Topic allows it: ids and tenants become topic levels in the ACL.
readonly SEGMENT='^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$'
BASE_ACL=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/acl
readonly BASE_ACL

die() { printf 'pki.sh: error: %s\n' "$*" >&2; exit 1; }

new_key() { # <file>: a fresh P-256 key, PKCS#8 PEM, readable by its owner only
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1")
}

# An intermediate CA <dir>/<name>/ signed by the root, with its `openssl ca` database and configuration.
# <organization policy>: "supplied" (gateways: every certificate names its tenant) or "optional" (services).
intermediate() { # <dir> <name> <title> <organization policy>
  local dir=$1 ca=$1/$2 ext
  mkdir -p "$ca/certs"
  new_key "$ca/ca.key"
  openssl req -new -key "$ca/ca.key" -subj "/CN=$3" -out "$ca/ca.csr"
  ext=$(mktemp)
  printf '%s\n' 'basicConstraints=critical,CA:TRUE,pathlen:0' 'keyUsage=critical,keyCertSign,cRLSign' >"$ext"
  openssl x509 -req -sha256 -in "$ca/ca.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -CAserial "$dir/ca.srl" -days "$CA_DAYS" -extfile "$ext" -out "$ca/ca.pem" 2>/dev/null
  rm -f "$ext" "$ca/ca.csr"
  : >"$ca/index.txt"
  echo 1000 >"$ca/crlnumber"
  openssl rand -hex 16 >"$ca/serial"
  # unique_subject = no: a gateway's renewed certificate has the subject of the one it replaces.
  cat >"$ca/ca.cnf" <<EOF
[ca]
default_ca = this
[this]
dir = $(cd "$ca" && pwd)
database = \$dir/index.txt
new_certs_dir = \$dir/certs
certificate = \$dir/ca.pem
private_key = \$dir/ca.key
serial = \$dir/serial
crlnumber = \$dir/crlnumber
default_md = sha256
default_crl_days = 30
unique_subject = no
email_in_dn = no
policy = names
[names]
organizationName = $4
commonName = supplied
EOF
}

# Signs <csr> with the intermediate <ca> as <subject> into <out>: the leaf, then the intermediate.
issue() { # <dir> <ca> <csr> <subject> <out> <extension lines…>
  local dir=$1 ca=$2 csr=$3 subject=$4 out=$5 ext leaf
  shift 5
  ext=$(mktemp)
  leaf=$(mktemp)
  printf '%s\n' "$@" >"$ext"
  openssl ca -batch -notext -config "$dir/$ca/ca.cnf" -days "$CERT_DAYS" -extfile "$ext" -subj "$subject" \
    -in "$csr" -out "$leaf" 2>/dev/null || { rm -f "$ext" "$leaf"; die "openssl ca ($ca) refused to sign $csr"; }
  cat "$leaf" "$dir/$ca/ca.pem" >"$out"
  rm -f "$ext" "$leaf"
}

# A new key <dir>/<name>.key and its certificate <dir>/<name>.pem from the intermediate <ca>, as <subject>.
new_certificate() { # <dir> <ca> <name> <subject> <extension lines…>
  local dir=$1 ca=$2 name=$3 subject=$4
  shift 4
  new_key "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -subj "/CN=$name" -out "$dir/$name.csr"
  issue "$dir" "$ca" "$dir/$name.csr" "$subject" "$dir/$name.pem" "$@"
  rm -f "$dir/$name.csr"
}

readonly CLIENT_EXT=('basicConstraints=critical,CA:FALSE' 'keyUsage=critical,digitalSignature'
  'extendedKeyUsage=clientAuth')

# "<tenant> <gateway id>" per certificate of the gateways CA still valid (not revoked, not expired), one per line.
issued_gateways() { # <dir>
  awk -F'\t' -v now="$(date -u +%y%m%d%H%M%SZ)" '
    # Validity in the database is YYMMDDHHMMSSZ (UTCTime) or YYYYMMDDHHMMSSZ; compare on the same form.
    $1 == "V" { until = $2; if (length(until) == 15) until = substr(until, 3); if (until <= now) next
                o = ""; cn = ""; n = split($6, parts, "/")
                for (i = 2; i <= n; i++) { split(parts[i], kv, "="); if (kv[1] == "O") o = kv[2]; if (kv[1] == "CN") cn = kv[2] }
                print o, cn }' "$1/gateways/index.txt" | sort -u
}

# Every common name the CA <ca> ever issued, revoked or not: a name once a service's stays a service's.
issued_names() { # <dir> <ca>
  awk -F'\t' '{ n = split($6, parts, "/"); for (i = 2; i <= n; i++) { split(parts[i], kv, "=")
                if (kv[1] == "CN") print kv[2] } }' "$1/$2/index.txt" | sort -u
}

require_ca() { # <dir>
  [[ -f $1/gateways/ca.cnf && -f $1/services/ca.cnf ]] ||
    die "$1 has no gateways/ and services/ intermediate CAs (make them with: pki.sh ca $1)"
}

require_gateway_name() { # <dir> <tenant> <gateway id>
  local dir=$1 tenant=$2 id=$3 reserved owner
  [[ $tenant =~ $SEGMENT ]] || die "tenant '$tenant' is not a valid topic segment (letters, digits, '_', '-')"
  [[ $id =~ $SEGMENT ]] || die "gateway id '$id' is not a valid topic segment (letters, digits, '_', '-')"
  for reserved in "${RESERVED[@]}"; do
    [[ ${id,,} != "$reserved" ]] || die "'$id' is a service identity, reserved: never a gateway's"
  done
  if issued_names "$dir" services | grep -qixF -- "$id"; then
    die "'$id' is a service identity issued by the services CA: never a gateway's"
  fi
  owner=$(issued_gateways "$dir" | awk -v id="$id" '$2 == id && !seen[$1]++ { print $1 }' | grep -vxF -- "$tenant" || true)
  [[ -z $owner ]] || die "gateway id '$id' is issued to tenant '$owner'; revoke it there first (pki.sh revoke)"
}

require_service_name() { # <dir> <name>
  [[ $2 =~ $SEGMENT ]] || die "service name '$2' is not a valid topic segment (letters, digits, '_', '-')"
  if issued_names "$1" gateways | grep -qixF -- "$2"; then
    die "'$2' was issued as a gateway id: never a service's"
  fi
}

cmd=${1:-}
case $cmd in
  ca)
    [[ $# -eq 2 ]] || die "usage: pki.sh ca <dir>"
    dir=$2
    mkdir -p "$dir"
    new_key "$dir/ca.key"
    openssl req -new -x509 -sha256 -key "$dir/ca.key" -subj "/CN=Vitalwire root CA" -days "$CA_DAYS" \
      -addext 'basicConstraints=critical,CA:TRUE,pathlen:1' -addext 'keyUsage=critical,keyCertSign,cRLSign' \
      -out "$dir/ca.pem"
    intermediate "$dir" gateways "Vitalwire gateways CA" supplied
    intermediate "$dir" services "Vitalwire services CA" optional
    ;;
  server)
    [[ $# -eq 4 ]] || die "usage: pki.sh server <dir> <name> <subjectAltName>"
    dir=$2 name=$3 san=$4
    require_ca "$dir"
    require_service_name "$dir" "$name"
    new_certificate "$dir" services "$name" "/CN=$name" 'basicConstraints=critical,CA:FALSE' \
      'keyUsage=critical,digitalSignature' 'extendedKeyUsage=serverAuth' "subjectAltName=$san"
    ;;
  service)
    [[ $# -eq 3 ]] || die "usage: pki.sh service <dir> <name>"
    dir=$2 name=$3
    require_ca "$dir"
    require_service_name "$dir" "$name"
    new_certificate "$dir" services "$name" "/CN=$name" "${CLIENT_EXT[@]}"
    ;;
  gateway)
    [[ $# -eq 4 ]] || die "usage: pki.sh gateway <dir> <tenant> <gateway id>"
    dir=$2 tenant=$3 id=$4
    require_ca "$dir"
    require_gateway_name "$dir" "$tenant" "$id"
    new_certificate "$dir" gateways "$id" "/O=$tenant/CN=$id" "${CLIENT_EXT[@]}"
    ;;
  gateways)
    [[ $# -eq 4 ]] || die "usage: pki.sh gateways <dir> <tenant> <out dir> (gateway ids on standard input)"
    dir=$2 tenant=$3 out=$4
    require_ca "$dir"
    [[ $tenant =~ $SEGMENT ]] || die "tenant '$tenant' is not a valid topic segment (letters, digits, '_', '-')"
    mapfile -t ids
    ((${#ids[@]} > 0)) || exit 0
    # The checks of require_gateway_name, in one pass over the list and one over each database.
    for id in "${ids[@]}"; do
      [[ $id =~ $SEGMENT ]] || die "gateway id '$id' is not a valid topic segment (letters, digits, '_', '-')"
      for reserved in "${RESERVED[@]}"; do
        [[ ${id,,} != "$reserved" ]] || die "'$id' is a service identity, reserved: never a gateway's"
      done
    done
    services=$(issued_names "$dir" services | tr '[:upper:]' '[:lower:]')
    owners=$(issued_gateways "$dir")
    clash=$( { printf 'S %s\n' $services; [[ -z $owners ]] || sed 's/^/O /' <<<"$owners"; printf 'I %s\n' "${ids[@]}"; } |
      awk -v tenant="$tenant" '
        $1 == "S" { service[$2] = 1; next }
        $1 == "O" && NF == 3 { if ($2 != tenant) owner[$3] = $2; next }
        $1 == "I" { if (tolower($2) in service) { print $2 ": a service identity issued by the services CA"; exit }
                    if ($2 in owner) { print "gateway id " $2 " is issued to tenant " owner[$2]; exit } }')
    [[ -z $clash ]] || die "$clash"
    mkdir -p "$out"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    printf '%s\n' "${CLIENT_EXT[@]}" >"$work/ext"
    # Key and CSR in one openssl process per gateway, both cores busy.
    printf '%s\n' "${ids[@]}" | VW_TENANT=$tenant VW_OUT=$out VW_WORK=$work xargs -P "$(nproc)" -I{} sh -c \
      'umask 077 && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$VW_OUT/$1.key" \
         -subj "/O=$VW_TENANT/CN=$1" -out "$VW_WORK/$1.csr" 2>/dev/null' sh {}
    for ((from = 0; from < ${#ids[@]}; from += 1000)); do
      chunk=("${ids[@]:from:1000}")
      csrs=()
      for id in "${chunk[@]}"; do csrs+=("$work/$id.csr"); done
      before=$(wc -l <"$dir/gateways/index.txt")
      openssl ca -batch -notext -config "$dir/gateways/ca.cnf" -days "$CERT_DAYS" -extfile "$work/ext" \
        -out "$work/leaves.pem" -infiles "${csrs[@]}" 2>/dev/null || die "openssl ca (gateways) refused to sign"
      # -out keeps only the last leaf; the database's new lines name each one's serial (certs/<serial>.pem) and CN.
      tail -n "+$((before + 1))" "$dir/gateways/index.txt" | awk -F'\t' -v out="$out" -v certs="$dir/gateways/certs" \
        -v chain="$dir/gateways/ca.pem" '
        { cn = $6; sub(/.*\/CN=/, "", cn); file = out "/" cn ".pem.new"
          while ((getline line < (certs "/" $4 ".pem")) > 0) print line > file
          while ((getline line < chain) > 0) print line > file
          close(certs "/" $4 ".pem"); close(chain); close(file) }'
      for id in "${chunk[@]}"; do
        [[ -s $out/$id.pem.new ]] || die "openssl ca issued no certificate for $id"
        mv "$out/$id.pem.new" "$out/$id.pem"
      done
    done
    printf 'issued %d gateway certificates for tenant %s in %s\n' "${#ids[@]}" "$tenant" "$out" >&2
    ;;
  sign)
    [[ $# -eq 5 ]] || die "usage: pki.sh sign <dir> <tenant> <csr> <out.pem>"
    dir=$2 tenant=$3 csr=$4 out=$5
    require_ca "$dir"
    openssl req -in "$csr" -noout -verify 2>/dev/null || die "$csr: not a valid, self-signed CSR"
    id=$(openssl req -in "$csr" -noout -subject -nameopt multiline | sed -n 's/^ *commonName *= *//p')
    require_gateway_name "$dir" "$tenant" "$id"
    issue "$dir" gateways "$csr" "/O=$tenant/CN=$id" "$out" "${CLIENT_EXT[@]}"
    printf 'signed %s for tenant %s, gateway %s\n' "$out" "$tenant" "$id" >&2
    ;;
  acl)
    [[ $# -eq 2 ]] || die "usage: pki.sh acl <dir>"
    dir=$2
    require_ca "$dir"
    cat "$BASE_ACL"
    printf '\n# Rendered by pki.sh acl from %s/gateways/index.txt: each gateway writes below its own tenant and\n' \
      "$(cd "$dir" && pwd)"
    printf '# id, its four channels by name (never its config, which cloud-ingest writes and the broker retains),\n'
    printf '# and reads its receipts and its configuration.\n'
    issued_gateways "$dir" | while read -r tenant id; do
      [[ $tenant =~ $SEGMENT && $id =~ $SEGMENT ]] || die "gateways database holds an invalid entry: '$tenant' '$id'"
      printf 'user %s\n' "$id"
      for channel in readings status events state; do
        printf 'topic write vitalwire/v1/%s/%s/%s\n' "$tenant" "$id" "$channel"
      done
      printf 'topic read vitalwire/v1/%s/%s/receipts\ntopic read vitalwire/v1/%s/%s/config\n' \
        "$tenant" "$id" "$tenant" "$id"
    done
    ;;
  revoke)
    [[ $# -eq 3 ]] || die "usage: pki.sh revoke <dir> <gateway id>"
    dir=$2 id=$3
    require_ca "$dir"
    serials=$(awk -F'\t' -v id="$id" '$1 == "V" && $6 ~ ("/CN=" id "$") { print $4 }' "$dir/gateways/index.txt")
    [[ -n $serials ]] || die "no valid certificate of gateway '$id' to revoke"
    for serial in $serials; do
      openssl ca -config "$dir/gateways/ca.cnf" -revoke "$dir/gateways/certs/$serial.pem" 2>/dev/null
    done
    # Mosquitto checks the client's certificate against a CRL of its issuer: one per intermediate, in one file.
    openssl ca -config "$dir/gateways/ca.cnf" -gencrl -out "$dir/gateways/crl.pem" 2>/dev/null
    openssl ca -config "$dir/services/ca.cnf" -gencrl -out "$dir/services/crl.pem" 2>/dev/null
    cat "$dir/gateways/crl.pem" "$dir/services/crl.pem" >"$dir/crl.pem"
    printf 'revoked gateway %s; install %s/crl.pem as the broker'"'"'s crlfile and render its ACL again\n' "$id" \
      "$dir" >&2
    ;;
  client)
    die "'client' is gone: a gateway's certificate is 'pki.sh gateway <dir> <tenant> <id>', a service's 'pki.sh service <dir> <name>'"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
