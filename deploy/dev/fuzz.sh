#!/usr/bin/env bash
# Fuzzes every parser of untrusted input with Jazzer (coverage-guided), one target after another:
#   GATT characteristic values from BLE devices, SenML JSON/CBOR packs from CoAP devices, the contract's messages
#   (what cloud-ingest consumes) and its stored readings (what the gateway's buffer holds).
#
#   deploy/dev/fuzz.sh           each target for its @FuzzTest maxDuration (30 s): what test.sh runs in CI
#   deploy/dev/fuzz.sh --long    each target for 1,000,000 executions (minutes each on the dev machine)
#   deploy/dev/fuzz.sh --long 'SenmlPackFuzzTest#anyPack'    one target only
#
# Seeds are the committed inputs under each module's src/test/resources/<package>/<Test>Inputs/<target>/, which
# `mvn test` also replays on every build (regression mode). A finding is written there as crash-<sha1>: rename it to
# say what it found and commit it with the fix, so that it stays a regression seed. Logs: target/fuzz/<target>.log.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
source deploy/dev/toolchain.sh

readonly TARGETS=(
  "gateway GattDecodersFuzzTest#anyCharacteristic"
  "gateway SenmlPackFuzzTest#anyPack"
  "contract ContractCodecFuzzTest#anyMessage"
  "contract ContractCodecFuzzTest#storedReading"
)

long=false
if [[ ${1:-} == --long ]]; then
  long=true
  shift
fi
only=${1:-}

# Jazzer's JUnit integration takes libFuzzer flags as jazzer.internal.arg.N, argument 0 being the program name.
runs=()
if $long; then
  runs=(-Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-runs=1000000 -Djazzer.internal.arg.2=-max_total_time=3600)
fi

mkdir -p target/fuzz
mvn -B -ntp -q -pl gateway,contract -am test-compile
for entry in "${TARGETS[@]}"; do
  read -r module target <<<"$entry"
  [[ -z $only || $only == "$target" ]] || continue
  log=target/fuzz/${target//#/.}.log
  # test-compile with the goal: without a phase, Maven takes the module's reactor dependencies from the local
  # repository, which on a fresh machine does not have them (nothing is installed), instead of from this build.
  if ! JAZZER_FUZZ=1 mvn -B -ntp -pl "$module" -am test-compile surefire:test -Dtest="$target" \
      -Dsurefire.failIfNoSpecifiedTests=false \
      "${runs[@]}" >"$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzzing $target found a problem: see $log and the crash file it names" >&2
    exit 1
  fi
  echo "fuzzing: $target — $(grep -E '^Done [0-9]+ runs' "$log" | tail -n 1 || echo 'no summary')"
done
