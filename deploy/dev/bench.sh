#!/usr/bin/env bash
# Benchmarks, each printing ratios to a baseline measured in the same run (see BENCHMARKS.md).
#   deploy/dev/bench.sh decode                         GATT decode throughput per characteristic (JMH, ~4 min)
#   deploy/dev/bench.sh coap [devices] [per pack] [s]  readings/s over CoAP/DTLS into the durable buffer
#   deploy/dev/bench.sh intake [readings] [batch] [writers] [pack]   durable buffer vs raw batched SQLite
#   deploy/dev/bench.sh uplink [readings]              uplink readings/s vs a bare client (packed, one per message)
#   deploy/dev/bench.sh drain [backlog] [live/s]       1M-reading drain after reconnect, live latency meanwhile
#   deploy/dev/bench.sh footprint [heap] [devices] [s] gateway RSS and start-up vs an idle JVM
# uplink, drain and footprint use the dev stack's broker (started here if needed).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

run() {
  mvn -B -q -ntp install -DskipTests -pl device-sims -am
  mvn -B -q -ntp -pl device-sims dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt >/dev/null
  java -cp "device-sims/target/classes:$(cat device-sims/target/classpath.txt)" "$@"
}

case "${1:-}" in
  decode) run io.vitalwire.sims.bench.DecodeBenchmarks ;;
  coap) shift; run io.vitalwire.sims.bench.CoapIntakeBenchmark "$@" ;;
  intake) shift; run io.vitalwire.sims.bench.BufferIntakeBenchmark "$@" ;;
  uplink|drain|footprint)
    what=$1; shift
    deploy/dev/stack.sh start >/dev/null
    eval "$(deploy/dev/stack.sh env)"
    case "$what" in
      uplink) run io.vitalwire.sims.bench.UplinkBenchmark "$@" ;;
      drain) run io.vitalwire.sims.bench.DrainBenchmark "$@" ;;
      footprint) run io.vitalwire.sims.bench.FootprintBenchmark "$@" ;;
    esac
    ;;
  *)
    echo "usage: $0 decode | coap [devices] [per pack] [s] | intake [readings] [batch] [writers] [pack]" >&2
    echo "       | uplink [readings] | drain [backlog] [live/s] | footprint [heap] [devices] [s]" >&2
    exit 2
    ;;
esac
