#!/usr/bin/env bash
# Benchmarks, each printing ratios to a baseline measured in the same run (see BENCHMARKS.md).
#   deploy/dev/bench.sh decode [forks] [ms per iteration]   GATT decode throughput per characteristic (JMH; defaults
#                                                      3 forks, 1000 ms: ~8 min)
#   deploy/dev/bench.sh coap [devices] [per pack] [s] [rounds]  readings/s over CoAP/DTLS into the durable buffer
#   deploy/dev/bench.sh intake [readings] [batch] [writers] [pack]   durable buffer vs raw batched SQLite
#   deploy/dev/bench.sh uplink [readings]              uplink readings/s vs a bare client (packed, one per message)
#   deploy/dev/bench.sh drain [backlog] [live/s] [rounds]   1M-reading drain after restart (start and connect
#                                                      included), live latency meanwhile, vs the full backlog's floor
#   deploy/dev/bench.sh footprint [devices] [s] [rounds] [candidate.options ...]   gateway RSS and start-up
#                                                      (deploy/gateway/jvm.options, with and without AppCDS) vs an
#                                                      idle JVM; each candidate options file alternates in the rounds
#   deploy/dev/bench.sh home [s per round] [rounds]    a home's steady load on its hub (6 BLE devices, a 1 Hz strap):
#                                                      CPU % of one core and MB/min written, vs the same hub idle
#                                                      (defaults 120 s, 3 rounds of each: 12 min); further
#                                                      arguments are gateway properties, key=value
#   deploy/dev/bench.sh ingest-influx [readings] [per write] [straps]   InfluxSink vs raw line protocol to /write
#   deploy/dev/bench.sh ingest-fhir [observations] [per bundle] [clients] FhirSink vs a plain HAPI client
#   deploy/dev/bench.sh ingest-windows [readings] [per message]          FHIR writes of a 1 Hz stream: windows vs spot
#   deploy/dev/bench.sh alert-latency [alerts per phase] [load readings/s] [rounds]   reading answered 2.04 → signed
#                                                      webhook verified, at rest and under load, vs the broker round trip
#   deploy/dev/bench.sh fleet [hub steps] [replica counts] [window s] [plot.png]   the largest fleet (scenario
#                                                      device-sims/scenarios/fleet.yaml) one cloud-ingest sustains,
#                                                      every reading delivered once and p99 reading → webhook ≤ 300 ms,
#                                                      then 2 and 3 replicas; vs the FHIR server's own throughput
#                                                      (defaults 1000,2500,5000,10000 · 1,2,3 · 30 · docs/fleet-benchmark.png)
#   deploy/dev/bench.sh admin-views [rounds] [requests per round] [hubs]  GET /admin/fleet and
#                                                      /admin/billing/eligibility over HTTP on generated hubs (5
#                                                      patients each) vs the same SQL alone and a count(*)
#                                                      (defaults 5 rounds, 20 requests, 10,000 hubs)
#   deploy/dev/bench.sh all                           every benchmark above with its defaults, one after the other
#                                                      (each at most 40 min), then the generated section of
#                                                      BENCHMARKS.md rewritten with each one's summary, the commit and
#                                                      the machine; logs in target/bench-all/
# uplink, drain, footprint, home, alert-latency, fleet and the ingest-* benchmarks use the dev stack (started here if needed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

run() {
  mvn -B -q -ntp install -DskipTests -pl device-sims -am
  mvn -B -q -ntp -pl device-sims dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt >/dev/null
  java -Dlogback.configurationFile=sims-logback.xml -cp "device-sims/target/classes:$(cat device-sims/target/classpath.txt)" "$@"
}

# The fleet benchmark runs cloud-ingest's jar as processes: package, never install (the shared ~/.m2 keeps others'
# artifacts). Logging configured by name, as run() does (the gateway's jar brings its own, which steps aside for it).
run_fleet() {
  mvn -B -q -ntp package -DskipTests -pl device-sims -am
  mvn -B -q -ntp -pl device-sims dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt >/dev/null
  java -Xmx2g -Dlogback.configurationFile=sims-logback.xml \
    -cp "device-sims/target/classes:$(cat device-sims/target/classpath.txt)" "$@"
}

# cloud-ingest's benchmarks live in its test sources (io.vitalwire.ingest.bench): they start cloud-ingest's own
# application context, which cannot share a classpath with the gateway's (see BENCHMARKS.md).
run_ingest() {
  mvn -B -q -ntp install -DskipTests -pl cloud-ingest -am
  mvn -B -q -ntp -pl cloud-ingest dependency:build-classpath -DincludeScope=test -Dmdep.outputFile=target/test-classpath.txt >/dev/null
  java -cp "cloud-ingest/target/test-classes:cloud-ingest/target/classes:$(cat cloud-ingest/target/test-classpath.txt)" "$@"
}

# Every benchmark, then BENCHMARKS.md's generated section. A benchmark that fails or overruns is reported as such
# there, and the others still run.
all() {
  local logs=target/bench-all names=(decode coap intake uplink drain footprint home ingest-influx ingest-fhir ingest-windows fleet
    alert-latency admin-views)
  mkdir -p "$logs"
  local machine
  machine="$(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, Linux $(uname -r), $(date -u +%Y-%m-%d)"
  for name in "${names[@]}"; do
    echo "== bench.sh $name (log: $logs/$name.log)"
    cut -d' ' -f1-3 /proc/loadavg > "$logs/$name.load"
    set +e
    timeout 40m "$0" "$name" > "$logs/$name.log" 2>&1
    echo $? > "$logs/$name.rc"
    set -e
  done
  python3 deploy/dev/bench-all.py BENCHMARKS.md "$logs" "$(git rev-parse --short HEAD)$(git diff --quiet || echo '+changes')" \
    "$machine" "${names[@]}"
  echo "BENCHMARKS.md: section \"Latest deploy/dev/bench.sh all\" rewritten"
}

case "${1:-}" in
  all) all ;;
  decode) shift; run io.vitalwire.sims.bench.DecodeBenchmarks "$@" ;;
  coap) shift; run io.vitalwire.sims.bench.CoapIntakeBenchmark "$@" ;;
  intake) shift; run io.vitalwire.sims.bench.BufferIntakeBenchmark "$@" ;;
  uplink|drain|footprint|home|alert-latency|fleet|ingest-influx|ingest-fhir|ingest-windows|admin-views)
    what=$1; shift
    deploy/dev/stack.sh start >/dev/null
    eval "$(deploy/dev/stack.sh env)"
    case "$what" in
      uplink) run io.vitalwire.sims.bench.UplinkBenchmark "$@" ;;
      drain) run io.vitalwire.sims.bench.DrainBenchmark "$@" ;;
      footprint) run io.vitalwire.sims.bench.FootprintBenchmark "$@" ;;
      home) run io.vitalwire.sims.bench.HomeLoadBenchmark "$@" ;;
      alert-latency) run io.vitalwire.sims.bench.AlertLatencyBenchmark "$@" ;;
      fleet) run_fleet io.vitalwire.sims.fleet.FleetBenchmark "$@" ;;
      ingest-influx) run_ingest io.vitalwire.ingest.bench.InfluxIngestBenchmark "$@" ;;
      ingest-fhir) run_ingest io.vitalwire.ingest.bench.FhirIngestBenchmark "$@" ;;
      ingest-windows) run_ingest io.vitalwire.ingest.bench.WriteAmplificationBenchmark "$@" ;;
      admin-views) run_ingest io.vitalwire.ingest.bench.AdminViewsBenchmark "$@" ;;
    esac
    ;;
  *)
    echo "usage: $0 all | decode [forks] [ms] | coap [devices] [per pack] [s] [rounds] | intake [readings] [batch] [writers] [pack]" >&2
    echo "       | uplink [readings] | drain [backlog] [live/s] [rounds] | footprint [devices] [s] [rounds] | home [s per round] [rounds] [key=value ...]" >&2
    echo "       | ingest-influx [readings] [per write] [straps] | ingest-fhir [observations] [per bundle] [clients]" >&2
    echo "       | ingest-windows [readings] [per message] | alert-latency [alerts per phase] [load/s] [rounds]" >&2
    echo "       | fleet [hub steps] [replica counts] [window s] [plot.png] | admin-views [rounds] [requests] [hubs]" >&2
    exit 2
    ;;
esac
