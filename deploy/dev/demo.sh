#!/usr/bin/env bash
# The main job on one machine: the local stack of real services, then `sims demo` (device-sims): cloud-ingest and a
# gateway as separate processes talking mutual TLS through the broker (certificates from the stack's dev CA), the
# gateway reading BLE devices through a simulated BlueZ on a private D-Bus and Wi-Fi devices over CoAP/DTLS, a
# clinician's webhook receiver verifying Standard Webhooks signatures, and the scenarios of one home
# (device-sims/scenarios/home.yaml, deteriorating-patient.yaml). It shows its progress, then a report of where the
# readings landed (FHIR, InfluxDB), the alerts received with their FHIR Tasks, and what was quarantined; also as
# JSON and as an HTML page with a chart per vital sign. Everything it started stops at the end; the stack keeps
# running (deploy/dev/stack.sh stop).
#   deploy/dev/demo.sh [--scenario FILE]...     other scenario files instead of the two (device-sims/README.md)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

deploy/dev/stack.sh start
eval "$(deploy/dev/stack.sh env)"

run_dir=${VITALWIRE_STACK_DIR:-/var/tmp/vitalwire-dev}/demo
mkdir -p "$(dirname "$run_dir")"
build_log="${run_dir}-build.log"
echo "== building (log: $build_log)"
# Maven's output goes to the log (3.8 prints colour codes even with -q): shown only if the build fails.
if ! { mvn -B -q -ntp install -DskipTests -pl cloud-ingest,device-sims -am &&
       mvn -B -q -ntp -pl device-sims dependency:build-classpath -DincludeScope=runtime \
         -Dmdep.outputFile=target/classpath.txt; } >"$build_log" 2>&1; then
  tail -40 "$build_log" >&2
  exit 1
fi
exec java -Xmx256m -cp "device-sims/target/classes:$(cat device-sims/target/classpath.txt)" \
  io.vitalwire.sims.cli.SimsCommand demo --run-dir "$run_dir" \
  --json "${run_dir}-report.json" --html "${run_dir}-report.html" "$@"
