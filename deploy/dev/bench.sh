#!/usr/bin/env bash
# Benchmarks, each printing ratios to a baseline measured in the same run (see BENCHMARKS.md).
#   deploy/dev/bench.sh decode                         GATT decode throughput per characteristic (JMH, ~4 min)
#   deploy/dev/bench.sh coap [devices] [per pack] [s]  readings/s over CoAP/DTLS into the durable buffer
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
  *)
    echo "usage: $0 decode | coap [devices] [readings per pack] [seconds]" >&2
    exit 2
    ;;
esac
