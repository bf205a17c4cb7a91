#!/usr/bin/env bash
# The main job on one machine: the local stack of real services, cloud-ingest and a gateway as separate
# processes talking mutual TLS through the broker (certificates from the stack's dev CA), and one simulated
# home whose devices send readings over CoAP/DTLS. Prints where the readings landed: FHIR Observations and
# InfluxDB points. The gateway and cloud-ingest stop at the end; the stack keeps running
# (deploy/dev/stack.sh stop).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

deploy/dev/stack.sh start
eval "$(deploy/dev/stack.sh env)"

echo "== building"
mvn -B -q -ntp install -DskipTests -pl cloud-ingest,device-sims -am
mvn -B -q -ntp -pl device-sims dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt >/dev/null

run_dir=${VITALWIRE_STACK_DIR:-/var/tmp/vitalwire-dev}/demo
mkdir -p "$run_dir"
gateway_http=${VW_DEMO_GATEWAY_HTTP:-18081}
ingest_http=${VW_DEMO_INGEST_HTTP:-18082}
coap_port=${VW_DEMO_COAP_PORT:-15684}
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT

echo "== starting cloud-ingest (log: $run_dir/cloud-ingest.log)"
# Secrets (the database password) go through the environment, never the command line that ps shows; the key files
# cloud-ingest generates (0600) live in the run directory.
DATASOURCES_DEFAULT_PASSWORD=$VW_PG_PASSWORD java -Xmx256m -XX:+ExitOnOutOfMemoryError -Dmicronaut.server.port="$ingest_http" \
  -Dvitalwire.ingest.mqtt.broker-url="$VW_MQTTS_URL" -Dvitalwire.ingest.mqtt.client-id=cloud-ingest-demo \
  -Dvitalwire.ingest.mqtt.ca-file="$VW_MQTT_PKI/ca.pem" -Dvitalwire.ingest.mqtt.cert-file="$VW_MQTT_PKI/cloud-ingest.pem" \
  -Dvitalwire.ingest.mqtt.key-file="$VW_MQTT_PKI/cloud-ingest.key" \
  -Dvitalwire.ingest.mqtt.session-expiry=10m \
  -Dvitalwire.ingest.fhir.url="$VW_FHIR_URL" \
  -Dvitalwire.ingest.influx.url="$VW_INFLUX_URL" -Dvitalwire.ingest.influx.database="$VW_INFLUX_DB" \
  -Ddatasources.default.url="$VW_PG_URL" -Ddatasources.default.username="$VW_PG_USER" \
  -Dvitalwire.ingest.quarantine.key-file="$run_dir/cloud-ingest-keys/quarantine.key" \
  -Dvitalwire.ingest.aliases.key-file="$run_dir/cloud-ingest-keys/device-alias.key" \
  -Dvitalwire.ingest.notify.secret-key-file="$run_dir/cloud-ingest-keys/webhook-secret.key" \
  -Dmicronaut.security.token.jwt.signatures.jwks-static.dev.path="file:$VW_ADMIN_JWKS" \
  -Dmicronaut.security.token.jwt.claims-validators.issuer="$VW_ADMIN_ISSUER" \
  -jar cloud-ingest/target/cloud-ingest.jar >"$run_dir/cloud-ingest.log" 2>&1 </dev/null &
pids+=($!)

sims() {
  java -cp "device-sims/target/classes:$(cat device-sims/target/classpath.txt)" io.vitalwire.sims.HomeDemo "$@"
}
mkdir -p "$run_dir/gateway-data"
psk_file="$run_dir/gateway-data/coap-devices.psk"
[ -f "$psk_file" ] || sims keys "$psk_file"

echo "== starting gateway demo-gw-1 (log: $run_dir/gateway.log)"
java @deploy/gateway/jvm.options -Dmicronaut.server.port="$gateway_http" \
  -Dvitalwire.gateway.id=demo-gw-1 -Dvitalwire.gateway.tenant=demo \
  -Dvitalwire.gateway.data-dir="$run_dir/gateway-data" \
  -Dvitalwire.gateway.coap.port="$coap_port" \
  -Dvitalwire.gateway.uplink.broker-url="$VW_MQTTS_URL" -Dvitalwire.gateway.uplink.ca-file="$VW_MQTT_PKI/ca.pem" \
  -Dvitalwire.gateway.uplink.cert-file="$VW_MQTT_PKI/demo-gw-1.pem" \
  -Dvitalwire.gateway.uplink.key-file="$VW_MQTT_PKI/demo-gw-1.key" \
  -jar gateway/target/gateway.jar >"$run_dir/gateway.log" 2>&1 </dev/null &
pids+=($!)

wait_healthy() { # name url
  for _ in $(seq 1 120); do
    if curl -fs -o /dev/null "$2"; then return 0; fi
    sleep 1
  done
  echo "$1 did not become healthy; see $run_dir" >&2
  exit 1
}
wait_healthy cloud-ingest "http://127.0.0.1:$ingest_http/health"
wait_healthy gateway "http://127.0.0.1:$gateway_http/health"

run_start=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "== one simulated home sends readings over CoAP/DTLS"
sims run "coaps://127.0.0.1:$coap_port" "$VW_FHIR_URL" "$psk_file" 3 | tee "$run_dir/home.log"
patient=$(sed -n 's#^patient: Patient/##p' "$run_dir/home.log")

echo "== waiting for the readings to arrive"
expected=21   # 5 devices x 3 measurements, plus a pulse reading with each of the cuff's and the oximeter's
count=0
for _ in $(seq 1 60); do
  count=$(curl -fs -H 'Cache-Control: no-cache' \
    "$VW_FHIR_URL/Observation?subject=Patient/$patient&_lastUpdated=ge$run_start&_summary=count" \
    | sed -n 's/.*"total": *\([0-9]*\).*/\1/p')
  [ "${count:-0}" -ge "$expected" ] && break
  sleep 1
done

echo
echo "FHIR: ${count:-0} Observations for Patient/$patient written by this run (expected at least $expected)"
echo "  $VW_FHIR_URL/Observation?subject=Patient/$patient&_sort=-date"
curl -fs "$VW_FHIR_URL/Observation?subject=Patient/$patient&_sort=-date&_count=5&_elements=code,effective,value,component" \
  | python3 -c '
import json, sys
for e in json.load(sys.stdin).get("entry", []):
    r = e["resource"]
    code = r["code"]["coding"][0]["code"]
    if "valueQuantity" in r:
        v = r["valueQuantity"]; value = "%s %s" % (v["value"], v["code"])
    else:
        value = " / ".join("%s" % c["valueQuantity"]["value"] for c in r.get("component", [])) + " mm[Hg]"
    print("  %-8s %-22s %s" % (code, r.get("effectiveDateTime", ""), value))
'
echo "InfluxDB: points in measurement vitals for patient $patient"
echo "  $VW_INFLUX_URL/query?db=$VW_INFLUX_DB&q=SELECT+*+FROM+vitals+WHERE+patient='$patient'"
curl -fsG "$VW_INFLUX_URL/query" --data-urlencode "db=$VW_INFLUX_DB" \
  --data-urlencode "q=SELECT count(value) FROM vitals WHERE patient='$patient'" | python3 -c '
import json, sys
s = json.load(sys.stdin)["results"][0].get("series", [])
print("  %s points" % (s[0]["values"][0][1] if s else 0))
'
# The admin API asks for a token: an auditor's, signed with the dev stack's key (cloud-ingest's README).
token=$(java -jar cloud-ingest/target/cloud-ingest.jar token --role auditor --subject demo)
echo "Admin API (auditor token from: java -jar cloud-ingest/target/cloud-ingest.jar token --role auditor):"
# The header from standard input: a token on curl's command line would show in ps.
printf 'Authorization: Bearer %s\n' "$token" | curl -fs -H @- "http://127.0.0.1:$ingest_http/admin/quarantine?limit=100" | python3 -c '
import json, sys
print("  %d readings in quarantine" % len(json.load(sys.stdin)["entries"]))
'
echo "Gateway health: http://127.0.0.1:$gateway_http/health   metrics: /prometheus"
echo "Quarantine:     psql \"$VW_PG_URL\" -c 'select reason, detail from quarantine'  (user $VW_PG_USER)"
[ "${count:-0}" -ge "$expected" ]
