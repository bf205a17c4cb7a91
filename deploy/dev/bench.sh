#!/usr/bin/env bash
# Benchmarks, each printing ratios to a baseline measured in the same run (see BENCHMARKS.md).
#   deploy/dev/bench.sh decode    GATT decode throughput per characteristic (JMH, ~2 minutes)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

case "${1:-}" in
  decode)
    mvn -B -q -ntp install -DskipTests -pl contract,gateway,device-sims
    mvn -B -q -ntp -pl device-sims dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
    java -cp "device-sims/target/classes:$(cat device-sims/target/classpath.txt)" \
      io.vitalwire.sims.bench.DecodeBenchmarks
    ;;
  *)
    echo "usage: $0 decode" >&2
    exit 2
    ;;
esac
