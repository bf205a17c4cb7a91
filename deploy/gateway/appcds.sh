#!/usr/bin/env bash
# Builds the gateway's class-data sharing archive (AppCDS): the classes a start-up loads, parsed and verified
# once, mapped at every later start. It roughly halves the time to ready on a Pi-class CPU (BENCHMARKS.md,
# "Footprint"). Run it after installing or upgrading the jar: an archive made for other jar files is refused
# by the JVM, which then starts without it (slower, nothing else changes).
#
#   appcds.sh <gateway.jar> <archive.jsa> [jvm.options]
#
# The training run is the gateway itself, started with its JVM options, a throw-away data directory, no
# devices and a broker address that refuses connections, so it touches neither the real buffer nor the real
# broker; it is stopped with SIGTERM once Micronaut reports start-up, which is when the JVM writes the archive.
set -euo pipefail

[[ $# -ge 2 ]] || { echo "usage: appcds.sh <gateway.jar> <archive.jsa> [jvm.options]" >&2; exit 2; }
jar=$1 archive=$2
options=${3:-$(dirname "${BASH_SOURCE[0]}")/jvm.options}
[[ -f $jar ]] || { echo "appcds.sh: no jar at $jar" >&2; exit 1; }

work=$(mktemp -d)
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
rm -f "$archive"
java "@$options" -XX:ArchiveClassesAtExit="$archive" \
  -Dvitalwire.gateway.id=appcds-training -Dvitalwire.gateway.tenant=training \
  -Dvitalwire.gateway.data-dir="$work/data" -Dvitalwire.gateway.coap.port=0 -Dvitalwire.gateway.ble.enabled=false \
  -Dvitalwire.gateway.uplink.broker-url=tcp://127.0.0.1:1 -Dmicronaut.server.port=-1 \
  -jar "$jar" >"$work/training.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  grep -q 'Startup completed' "$work/training.log" && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/training.log" >&2; echo "appcds.sh: the training run exited" >&2; exit 1; }
  sleep 0.1
done
grep -q 'Startup completed' "$work/training.log" || { echo "appcds.sh: the training run did not start in 60 s" >&2; exit 1; }
# A few reconnect attempts and heartbeats' worth of classes too.
sleep 3
kill -TERM "$pid"
wait "$pid" || true
[[ -s $archive ]] || { tail -n 20 "$work/training.log" >&2; echo "appcds.sh: no archive written" >&2; exit 1; }
echo "appcds.sh: wrote $archive ($(du -h "$archive" | cut -f1))"
