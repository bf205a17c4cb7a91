#!/usr/bin/env bash
# Vitalwire dev stack: real services on loopback for tests and the local demo.
#
#   stack.sh start    install what is missing, start what is not running, wait until each is ready
#   stack.sh stop     stop what this script started (by PID), TERM first and KILL after a grace period
#   stack.sh status   print each service up/down with its address
#   stack.sh env      print `export VW_...=...` lines; use as: eval "$(deploy/dev/stack.sh env)"
#   stack.sh acl      render the broker's ACL again from the dev PKI (after issuing gateways, e.g. `sims fleet`) and
#                     make a running Mosquitto re-read it (SIGHUP): connected clients stay connected
#
# Services: Mosquitto (MQTT), PostgreSQL, InfluxDB 1.x, and the HAPI FHIR JPA server of
# deploy/fhir-server. Each daemon runs as our own process with our own generated config, data and
# log under the state dir; nothing goes through systemd/service, so the script works on a bare
# Debian 12 machine or container and never touches the system's own instances of these daemons.
# Beside them, a dev signing key and JWKS for cloud-ingest's admin API tokens (admin-auth/; see admin_auth).
#
# Environment (all optional):
#   VITALWIRE_STACK_DIR  state dir (default /var/tmp/vitalwire-dev)
#   VW_MQTT_PORT 11883, VW_MQTTS_PORT 18883, VW_PG_PORT 15432, VW_INFLUX_PORT 18086, VW_INFLUX_RPC_PORT 18088,
#   VW_FHIR_PORT 18080, VW_FHIR_XMX 1g
set -euo pipefail

readonly HOST=127.0.0.1
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly SCRIPT_DIR
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
readonly REPO_ROOT
readonly STATE_DIR=${VITALWIRE_STACK_DIR:-/var/tmp/vitalwire-dev}

readonly MQTT_PORT=${VW_MQTT_PORT:-11883}
# Mutual TLS with the shipped ACL (deploy/broker), as operators run it; the demo uses this listener.
readonly MQTTS_PORT=${VW_MQTTS_PORT:-18883}
# The identities the dev PKI issues client certificates for: the service cloud-ingest, and the demo's gateway as
# <tenant>:<gateway id> (deploy/dev/demo.sh runs demo-gw-1 with vitalwire.gateway.tenant=demo).
readonly MQTT_SERVICES=(cloud-ingest)
readonly MQTT_GATEWAYS=(demo:demo-gw-1)
readonly PG_PORT=${VW_PG_PORT:-15432}
readonly INFLUX_PORT=${VW_INFLUX_PORT:-18086}
# InfluxDB's backup/restore RPC listener; it cannot be switched off, so it goes to loopback too.
readonly INFLUX_RPC_PORT=${VW_INFLUX_RPC_PORT:-18088}
readonly FHIR_PORT=${VW_FHIR_PORT:-18080}
readonly FHIR_XMX=${VW_FHIR_XMX:-1g}

readonly PG_USER=vitalwire PG_PASSWORD=vitalwire
readonly PG_DATABASES=(vitalwire fhir)
readonly INFLUX_DB=vitalwire

readonly FHIR_MODULE=$REPO_ROOT/deploy/fhir-server
readonly FHIR_JAR=$FHIR_MODULE/target/fhir-server.jar
readonly FHIR_URL=http://$HOST:$FHIR_PORT/fhir

# Seconds to wait for readiness, and for a process to exit after SIGTERM before SIGKILL.
readonly READY_TIMEOUT=60 FHIR_READY_TIMEOUT=240 STOP_GRACE=30

readonly SERVICES=(mosquitto postgres influxdb fhir)

log() { printf '%s\n' "$*" >&2; }
die() { printf 'stack.sh: error: %s\n' "$*" >&2; exit 1; }
is_root() { [[ $(id -u) -eq 0 ]]; }

# ---------------------------------------------------------------------------------------------
# Processes: every daemon's PID is kept in $STATE_DIR/<service>/<service>.pid. A PID counts as
# ours only while that process is alive AND its command line still names the expected program,
# so a stale pid file whose PID was reused by something else is never signalled.
# ---------------------------------------------------------------------------------------------

svc_dir() { printf '%s/%s' "$STATE_DIR" "$1"; }
pid_file() { printf '%s/%s/%s.pid' "$STATE_DIR" "$1" "$1"; }
log_file() { printf '%s/%s/%s.log' "$STATE_DIR" "$1" "$1"; }

# The program name that must appear in /proc/PID/cmdline for each service.
svc_program() {
  case $1 in
    mosquitto) echo mosquitto ;;
    postgres) echo postgres ;;
    influxdb) echo influxd ;;
    fhir) echo fhir-server.jar ;;
    *) die "unknown service $1" ;;
  esac
}

# Prints the service's PID and succeeds if it is running and ours; fails otherwise.
running_pid() {
  local svc=$1 file pid cmdline
  file=$(pid_file "$svc")
  [[ -r $file ]] || return 1
  pid=$(head -n1 "$file" 2>/dev/null || true)
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)
  [[ $cmdline == *"$(svc_program "$svc")"* ]] || return 1
  echo "$pid"
}

port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Refuses to start a service whose port is already taken by a process that is not ours.
require_free_port() {
  local svc=$1 port=$2
  if port_open "$port"; then
    die "$svc: $HOST:$port is already in use by another process (not started by this script); free it or set a different VW_*_PORT"
  fi
}

# Waits until "$@" succeeds, printing a dot per try; fails early if the service's process died.
wait_ready() {
  local svc=$1 timeout=$2
  shift 2
  local start=$SECONDS
  until "$@"; do
    if ! running_pid "$svc" >/dev/null; then
      printf '\n' >&2
      log "--- last lines of $(log_file "$svc") ---"
      tail -n 40 "$(log_file "$svc")" >&2 2>/dev/null || true
      die "$svc exited during startup (log: $(log_file "$svc"))"
    fi
    if ((SECONDS - start >= timeout)); then
      printf '\n' >&2
      die "$svc not ready after ${timeout}s (log: $(log_file "$svc"))"
    fi
    printf '.' >&2
    sleep 1
  done
  printf ' ready (%ss)\n' "$((SECONDS - start))" >&2
}

stop_service() {
  local svc=$1 pid signal=TERM
  if ! pid=$(running_pid "$svc"); then
    rm -f "$(pid_file "$svc")"
    log "$svc: not running"
    return 0
  fi
  # PostgreSQL's TERM is "smart" shutdown, which waits for every client to disconnect on its own;
  # INT is its "fast" shutdown: clients are disconnected and the data is checkpointed cleanly.
  [[ $svc == postgres ]] && signal=INT
  printf '%s: stopping pid %s (SIG%s)' "$svc" "$pid" "$signal" >&2
  kill "-$signal" "$pid" 2>/dev/null || true
  local waited=0
  while kill -0 "$pid" 2>/dev/null && ((waited < STOP_GRACE)); do
    printf '.' >&2
    sleep 1
    waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then
    printf ' still alive after %ss, SIGKILL\n' "$STOP_GRACE" >&2
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  else
    printf ' stopped\n' >&2
  fi
  rm -f "$(pid_file "$svc")"
}

# ---------------------------------------------------------------------------------------------
# Installation of missing packages (Debian 12).
# ---------------------------------------------------------------------------------------------

# The newest installed PostgreSQL server (Debian: /usr/lib/postgresql/<major>/bin).
pg_bin_dir() {
  local initdb
  initdb=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n1)
  [[ -n $initdb ]] || return 1
  dirname "$initdb"
}

# mosquitto lives in /usr/sbin, which is not on every user's PATH.
mosquitto_bin() { command -v mosquitto 2>/dev/null || echo /usr/sbin/mosquitto; }

ensure_packages() {
  local missing=()
  [[ -x $(mosquitto_bin) ]] || missing+=(mosquitto)
  command -v mosquitto_pub >/dev/null 2>&1 || missing+=(mosquitto-clients)
  pg_bin_dir >/dev/null || missing+=(postgresql)
  command -v psql >/dev/null 2>&1 || missing+=(postgresql-client)
  command -v influxd >/dev/null 2>&1 || missing+=(influxdb)
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  # deploy/broker/pki.sh makes the dev broker's certificates with the openssl CLI.
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jre-headless)
  if [[ ! -f $FHIR_JAR ]] && ! command -v mvn >/dev/null 2>&1; then
    missing+=(maven openjdk-17-jdk-headless)
  fi
  ((${#missing[@]} == 0)) && return 0

  is_root || die "missing packages: ${missing[*]}; install them (apt-get install -y ${missing[*]}) or run this script as root"
  command -v apt-get >/dev/null 2>&1 || die "missing packages: ${missing[*]}, and apt-get is not available"
  log "installing: ${missing[*]}"
  # Debian's maintainer scripts would start the packaged daemons (system mosquitto on 1883, the
  # "main" PostgreSQL cluster on 5432). We want only our own processes, so a policy-rc.d that
  # denies service starts is in place for the install, unless the machine already has one.
  local policy=/usr/sbin/policy-rc.d placed_policy=false
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# placed by vitalwire deploy/dev/stack.sh during apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    placed_policy=true
  fi
  local rc=0
  {
    apt-get update -q &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  } >&2 || rc=$?
  if [[ $placed_policy == true ]]; then rm -f "$policy"; fi
  ((rc == 0)) || die "apt-get install of ${missing[*]} failed (exit $rc)"
}

# ---------------------------------------------------------------------------------------------
# cloud-ingest's admin API tokens
# ---------------------------------------------------------------------------------------------

# The dev stand-in for an identity provider, made once: an RSA signing key (PKCS#8 PEM, 0600) and the JWKS that
# cloud-ingest trusts as a static file (VW_ADMIN_JWKS). `java -jar cloud-ingest/target/cloud-ingest.jar token
# --role operator` signs a token with the key (cloud-ingest's README). Dev only: production trusts its issuer's JWKS URL.
readonly ADMIN_ISSUER=https://vitalwire.invalid/dev-issuer
readonly ADMIN_KID=vitalwire-dev
admin_auth() {
  local dir modulus
  dir=$(svc_dir admin-auth)
  [[ -f $dir/jwks.json ]] && return 0
  mkdir -p "$dir"
  chmod 700 "$dir"
  (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/dev-signing.key" 2>/dev/null)
  # JWK n: the modulus, big-endian unsigned, base64url without padding; e: 65537 (openssl's default exponent).
  modulus=$(openssl rsa -in "$dir/dev-signing.key" -noout -modulus | sed 's/^Modulus=//' | xxd -r -p | base64 -w0 \
    | tr '+/' '-_' | tr -d '=')
  printf '{"keys":[{"kty":"RSA","use":"sig","alg":"RS256","kid":"%s","n":"%s","e":"AQAB"}]}\n' "$ADMIN_KID" \
    "$modulus" >"$dir/jwks.json.tmp"
  mv "$dir/jwks.json.tmp" "$dir/jwks.json"
}

# ---------------------------------------------------------------------------------------------
# Mosquitto
# ---------------------------------------------------------------------------------------------

# The dev PKI, made once with the operators' deploy/broker/pki.sh: root and intermediate CAs, the broker's
# certificate for loopback, a certificate per MQTT_SERVICES and MQTT_GATEWAYS identity, and the broker's ACL rendered
# from what was issued, as operators render it.
mqtt_pki() {
  local pki=$1 name gateway
  local script=$REPO_ROOT/deploy/broker/pki.sh
  # A PKI of one flat CA (before the gateways and services intermediates) cannot issue tenants' gateways: remade.
  if [[ ! -f $pki/gateways/ca.pem ]]; then
    rm -rf "$pki"
    mkdir -p "$pki"
    "$script" ca "$pki" >/dev/null
    "$script" server "$pki" broker "DNS:localhost,IP:$HOST" >/dev/null
  fi
  for name in "${MQTT_SERVICES[@]}"; do
    [[ -f $pki/$name.pem ]] || "$script" service "$pki" "$name" >/dev/null
  done
  for gateway in "${MQTT_GATEWAYS[@]}"; do
    [[ -f $pki/${gateway#*:}.pem ]] || "$script" gateway "$pki" "${gateway%%:*}" "${gateway#*:}" >/dev/null
  done
  render_acl "$pki"
}

# The ACL, written whole before it replaces the old one: a Mosquitto re-reading it (SIGHUP) never sees half a file.
render_acl() {
  local pki=$1
  "$REPO_ROOT/deploy/broker/pki.sh" acl "$pki" >"$pki/acl.new"
  mv "$pki/acl.new" "$pki/acl"
}

# Whether the running broker's ACL is what this checkout's pki.sh renders.
acl_current() {
  local pki=$1
  [[ -f $pki/acl ]] && cmp -s "$pki/acl" <("$REPO_ROOT/deploy/broker/pki.sh" acl "$pki")
}

# Mosquitto re-reads its configuration, ACL included, on SIGHUP; its listeners and connected clients stay as they
# are. A gateway issued since the last start can publish afterwards. Not without risk on Debian's Mosquitto 2.0.11:
# on 2026-12-03 one reload with clients connected ended in a segfault (kernel log: mosquitto … segfault in libc);
# `stack.sh start` starts it again, with its persisted state.
cmd_acl() {
  local pki pid
  pki=$(svc_dir mosquitto)/pki
  [[ -f $pki/gateways/ca.pem ]] || die "no dev PKI in $pki: run $0 start first"
  render_acl "$pki"
  if pid=$(running_pid mosquitto); then
    kill -HUP "$pid"
    log "mosquitto: ACL re-rendered ($(grep -c '^user ' "$pki/acl") users) and re-read (pid $pid)"
  else
    log "mosquitto: not running; ACL re-rendered for its next start"
  fi
}

start_mosquitto() {
  local svc=mosquitto dir pid
  dir=$(svc_dir $svc)
  if pid=$(running_pid $svc); then
    if port_open "$MQTTS_PORT" && acl_current "$dir/pki"; then
      log "$svc: already running (pid $pid)"
      return 0
    fi
    # A broker started by an older checkout may serve another ACL (the rules pki.sh renders change with the
    # contract's channels): restarted rather than re-read, since a SIGHUP may crash 2.0.11 (cmd_acl).
    log "$svc: running without its TLS listener or with an older ACL; restarting it"
    stop_service $svc
  fi
  require_free_port $svc "$MQTT_PORT"
  require_free_port $svc "$MQTTS_PORT"
  mkdir -p "$dir/data"
  # A fresh broker state on every start. Test and demo consumers leave persistent sessions with shared
  # subscriptions behind, and every later test or benchmark reading was queued for each of them: the saved
  # state had grown to 3.7 GB, rewritten every autosave. Nothing needs it across stack restarts (the fault
  # tests that restart a broker run their own).
  rm -f "$dir/data/mosquitto.db"
  mqtt_pki "$dir/pki"
  touch "$(log_file $svc)"
  local user_line=""
  if is_root; then
    # Started as root, mosquitto drops to the 'mosquitto' user, which must own the persistence
    # dir and the log file (opened after the drop), and read its key (loaded after the drop too).
    chown -R mosquitto: "$dir/data" "$(log_file $svc)"
    chown mosquitto: "$dir/pki/broker.key"
    chmod 755 "$dir/pki"
    user_line="user mosquitto"
  fi
  cat >"$dir/mosquitto.conf" <<EOF
# Generated by deploy/dev/stack.sh; rewritten on every start.
$user_line
# Security options (anonymous, ACL) apply per listener.
per_listener_settings true

# Plain MQTT, loopback only, anonymous: for the tests, which start their own mutual-TLS brokers where TLS
# is what they test. Nothing outside this machine can connect.
listener $MQTT_PORT $HOST
allow_anonymous true

# Mutual TLS as deploy/broker/mosquitto.conf ships it: a certificate from the dev CA, its CN as the
# username, the ACL rendered by pki.sh acl. The demo's gateway and cloud-ingest connect here.
listener $MQTTS_PORT $HOST
cafile $dir/pki/ca.pem
certfile $dir/pki/broker.pem
keyfile $dir/pki/broker.key
require_certificate true
use_identity_as_username true
allow_anonymous false
acl_file $dir/pki/acl

# Persistence, so that a clean restart keeps retained messages, sessions and queued QoS 1/2.
persistence true
persistence_location $dir/data/
autosave_interval 60

# 0 = no per-client queue limit: the default of 1000 silently drops QoS 1 messages for a slow
# subscriber (measured: 44k of 50k arrived; see shared/notes/baselines.md).
max_queued_messages 0
# Outgoing QoS 1/2 messages in flight per client (default 20). Raised for throughput; still
# bounded so one slow client cannot take unbounded broker memory.
max_inflight_messages 100

set_tcp_nodelay true
# A file, not stdout: mosquitto does not flush stdout, so a redirected log stays empty.
log_dest file $(log_file $svc)
log_type error
log_type warning
log_type notice
log_type information
connection_messages true
log_timestamp_format %Y-%m-%dT%H:%M:%S
EOF
  printf 'mosquitto: starting on %s:%s (mutual TLS on %s)' "$HOST" "$MQTT_PORT" "$MQTTS_PORT" >&2
  nohup "$(mosquitto_bin)" -c "$dir/mosquitto.conf" >>"$(log_file $svc)" 2>&1 </dev/null &
  echo $! >"$(pid_file $svc)"
  wait_ready $svc "$READY_TIMEOUT" port_open "$MQTTS_PORT"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------------

# Runs a command as the 'postgres' OS user when we are root (PostgreSQL refuses to run as root).
as_pg_owner() {
  # From / because the caller's working directory may not be readable by 'postgres'.
  if is_root; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# psql as the superuser over the unix socket in the state dir (trust auth there).
pg_admin() {
  psql -X -q -v ON_ERROR_STOP=1 -h "$(svc_dir postgres)/run" -p "$PG_PORT" -U postgres -d postgres "$@"
}

pg_ready() { pg_isready -q -h "$HOST" -p "$PG_PORT" -t 2; }

start_postgres() {
  local svc=postgres dir bin data pid
  if pid=$(running_pid $svc); then
    log "$svc: already running (pid $pid)"
    return 0
  fi
  require_free_port $svc "$PG_PORT"
  bin=$(pg_bin_dir) || die "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
  dir=$(svc_dir $svc)
  data=$dir/data
  mkdir -p "$dir/run"
  touch "$(log_file $svc)"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "OS user 'postgres' not found (is the postgresql package installed?)"
    chown postgres: "$dir" "$dir/run" "$(log_file $svc)"
  fi

  local version
  version=$(basename "$(dirname "$bin")")
  if [[ -f $data/PG_VERSION ]]; then
    [[ $(cat "$data/PG_VERSION") == "$version" ]] ||
      die "$data was made by PostgreSQL $(cat "$data/PG_VERSION") but $version is installed; remove $data to start afresh"
  else
    log "postgres: initdb (PostgreSQL $version) into $data"
    # The unix socket (superuser, used by this script only) trusts local users; TCP on loopback
    # asks for a password, so clients are tested with the credentials they will really use.
    as_pg_owner "$bin/initdb" -D "$data" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >>"$(log_file $svc)" 2>&1 ||
      die "initdb failed (log: $(log_file $svc))"
  fi

  printf 'postgres: starting on %s:%s' "$HOST" "$PG_PORT" >&2
  # Settings go on the command line rather than into postgresql.conf, so that a changed
  # VW_PG_PORT takes effect on an existing data dir.
  as_pg_owner "$bin/pg_ctl" -D "$data" -l "$(log_file $svc)" -s \
    -o "-c listen_addresses=$HOST -c port=$PG_PORT -c unix_socket_directories=$dir/run" start ||
    die "pg_ctl start failed (log: $(log_file $svc))"
  # pg_ctl returns once the postmaster is forked; its PID is the first line of postmaster.pid.
  local tries=0
  until [[ -s $data/postmaster.pid ]] || ((tries >= 50)); do
    sleep 0.2
    tries=$((tries + 1))
  done
  head -n1 "$data/postmaster.pid" >"$(pid_file $svc)" 2>/dev/null || die "postgres did not write $data/postmaster.pid (log: $(log_file $svc))"
  wait_ready $svc "$READY_TIMEOUT" pg_ready

  # Role and databases, created once.
  if [[ -z $(pg_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$PG_USER'") ]]; then
    # On standard input, not psql's command line (ps).
    printf "CREATE ROLE %s LOGIN PASSWORD '%s';\n" "$PG_USER" "$PG_PASSWORD" | pg_admin
    log "postgres: created role $PG_USER"
  fi
  local db
  for db in "${PG_DATABASES[@]}"; do
    if [[ -z $(pg_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'") ]]; then
      pg_admin -c "CREATE DATABASE $db OWNER $PG_USER ENCODING 'UTF8'"
      log "postgres: created database $db"
    fi
  done
}

# ---------------------------------------------------------------------------------------------
# InfluxDB 1.x
# ---------------------------------------------------------------------------------------------

influx_ready() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://$HOST:$INFLUX_PORT/ping") == 204 ]]
}

start_influxdb() {
  local svc=influxdb dir pid
  if pid=$(running_pid $svc); then
    log "$svc: already running (pid $pid)"
    return 0
  fi
  require_free_port $svc "$INFLUX_PORT"
  require_free_port "$svc (rpc)" "$INFLUX_RPC_PORT"
  dir=$(svc_dir $svc)
  mkdir -p "$dir/meta" "$dir/data" "$dir/wal"
  cat >"$dir/influxdb.conf" <<EOF
# Generated by deploy/dev/stack.sh; rewritten on every start.
# No usage reporting: Debian's build reads reporting-enabled, upstream's reads reporting-disabled.
reporting-enabled = false
reporting-disabled = true
# Backup/restore RPC: cannot be disabled, so loopback on a port of our own instead of :8088.
bind-address = "$HOST:$INFLUX_RPC_PORT"

[meta]
  dir = "$dir/meta"

[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  # One line per query would flood the log during load tests.
  query-log-enabled = false

[monitor]
  # No self-monitoring writes into an _internal database.
  store-enabled = false

[http]
  enabled = true
  bind-address = "$HOST:$INFLUX_PORT"
  auth-enabled = false
  log-enabled = false

# Enabled by default in 1.6 on :8082 on every interface; we do not use it.
[ifql]
  enabled = false

[subscriber]
  enabled = false
EOF
  printf 'influxdb: starting on %s:%s' "$HOST" "$INFLUX_PORT" >&2
  nohup influxd -config "$dir/influxdb.conf" >>"$(log_file $svc)" 2>&1 </dev/null &
  echo $! >"$(pid_file $svc)"
  wait_ready $svc "$READY_TIMEOUT" influx_ready
  # CREATE DATABASE is idempotent in InfluxDB 1.x.
  curl -sf --max-time 10 -XPOST "http://$HOST:$INFLUX_PORT/query" --data-urlencode "q=CREATE DATABASE $INFLUX_DB" >/dev/null ||
    die "influxdb: CREATE DATABASE $INFLUX_DB failed"
}

# ---------------------------------------------------------------------------------------------
# FHIR server (deploy/fhir-server)
# ---------------------------------------------------------------------------------------------

fhir_ready() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$FHIR_URL/metadata") == 200 ]]
}

build_fhir_jar() {
  command -v mvn >/dev/null 2>&1 || die "mvn not found; cannot build $FHIR_JAR"
  log "fhir: building $FHIR_JAR (the first build downloads HAPI's dependencies and can take minutes)"
  # Built through the module's own pom (its parent is found by relativePath), so the build does
  # not depend on the other modules of the reactor being present or compiling.
  (cd "$REPO_ROOT" && mvn -B -q -Dstyle.color=never -f deploy/fhir-server/pom.xml package -DskipTests) >&2 ||
    die "building the FHIR server failed; try: cd $REPO_ROOT && mvn -B -pl deploy/fhir-server -am package -DskipTests"
  [[ -f $FHIR_JAR ]] || die "build finished but $FHIR_JAR is missing"
}

start_fhir() {
  local svc=fhir dir pid
  if pid=$(running_pid $svc); then
    log "$svc: already running (pid $pid)"
    return 0
  fi
  require_free_port $svc "$FHIR_PORT"
  if [[ ! -f $FHIR_JAR ]]; then
    build_fhir_jar
  elif [[ -n $(find "$FHIR_MODULE/pom.xml" "$FHIR_MODULE/src/main" -newer "$FHIR_JAR" -print -quit 2>/dev/null) ]]; then
    log "fhir: sources are newer than $FHIR_JAR, rebuilding"
    build_fhir_jar
  fi
  dir=$(svc_dir $svc)
  mkdir -p "$dir"
  # Run a copy: a rebuild of the module (mvn verify/package) rewrites target/fhir-server.jar in
  # place, which would pull the classes out from under a server running from it.
  cp "$FHIR_JAR" "$dir/fhir-server.jar.tmp"
  mv -f "$dir/fhir-server.jar.tmp" "$dir/fhir-server.jar"
  printf 'fhir: starting on %s (JPA on PostgreSQL database fhir; takes 30-90 s)' "$FHIR_URL" >&2
  # The password through the environment, never the command line: ps shows every process's arguments to everyone.
  SPRING_DATASOURCE_PASSWORD=$PG_PASSWORD nohup java "-Xmx$FHIR_XMX" -jar "$dir/fhir-server.jar" \
    --server.address="$HOST" \
    --server.port="$FHIR_PORT" \
    --spring.datasource.url="jdbc:postgresql://$HOST:$PG_PORT/fhir" \
    --spring.datasource.username="$PG_USER" \
    >>"$(log_file $svc)" 2>&1 </dev/null &
  echo $! >"$(pid_file $svc)"
  wait_ready $svc "$FHIR_READY_TIMEOUT" fhir_ready
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

svc_address() {
  case $1 in
    mosquitto) echo "mqtt://$HOST:$MQTT_PORT, mqtts://$HOST:$MQTTS_PORT (mutual TLS)" ;;
    postgres) echo "postgresql://$HOST:$PG_PORT (databases: ${PG_DATABASES[*]})" ;;
    influxdb) echo "http://$HOST:$INFLUX_PORT (database: $INFLUX_DB)" ;;
    fhir) echo "$FHIR_URL" ;;
  esac
}

cmd_start() {
  ensure_packages
  mkdir -p "$STATE_DIR"
  # Daemons running as other OS users (postgres, mosquitto) must be able to enter the state dir.
  chmod 755 "$STATE_DIR"
  admin_auth
  start_mosquitto
  start_postgres
  start_influxdb
  start_fhir
  log "stack is up; state and logs in $STATE_DIR"
  cmd_status
}

cmd_stop() {
  # Reverse order: the FHIR server first, so that PostgreSQL loses no client mid-write.
  local i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    stop_service "${SERVICES[i]}"
  done
}

cmd_status() {
  local svc pid all_up=0
  for svc in "${SERVICES[@]}"; do
    if pid=$(running_pid "$svc"); then
      printf '%-10s up    pid %-8s %s\n' "$svc" "$pid" "$(svc_address "$svc")"
    else
      printf '%-10s down  %-12s %s\n' "$svc" "" "$(svc_address "$svc")"
      all_up=1
    fi
  done
  return "$all_up"
}

cmd_env() {
  cat <<EOF
export VW_MQTT_URL=tcp://$HOST:$MQTT_PORT
export VW_MQTTS_URL=ssl://$HOST:$MQTTS_PORT
export VW_MQTT_PKI=$(svc_dir mosquitto)/pki
export VW_PG_URL=jdbc:postgresql://$HOST:$PG_PORT/vitalwire
export VW_PG_USER=$PG_USER
export VW_PG_PASSWORD=$PG_PASSWORD
export VW_INFLUX_URL=http://$HOST:$INFLUX_PORT
export VW_INFLUX_DB=$INFLUX_DB
export VW_FHIR_URL=$FHIR_URL
export VW_ADMIN_JWKS=$(svc_dir admin-auth)/jwks.json
export VW_ADMIN_DEV_KEY=$(svc_dir admin-auth)/dev-signing.key
export VW_ADMIN_DEV_KID=$ADMIN_KID
export VW_ADMIN_ISSUER=$ADMIN_ISSUER
EOF
}

usage() {
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

main() {
  (($# == 1)) || usage
  case $1 in
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    env) cmd_env ;;
    acl) cmd_acl ;;
    -h | --help | help) usage ;;
    *) usage ;;
  esac
}

main "$@"
