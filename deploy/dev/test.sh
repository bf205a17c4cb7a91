#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs the JDK and Maven if missing, starts the local
# stack of real services (deploy/dev/stack.sh), then `mvn verify` (unit tests in Surefire, integration and
# end-to-end tests in Failsafe). Extra arguments go to Maven, e.g. `deploy/dev/test.sh -pl gateway`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

deploy/dev/stack.sh start
eval "$(deploy/dev/stack.sh env)"

mvn -B -ntp verify "$@"

# The suite-wide log grep, after every other test (issue 14, point 7): no log the run wrote (Surefire/Failsafe output,
# the services the end-to-end tests started, the stack's logs) holds a known secret, a simulated device's identifier,
# a test patient or a value the end-to-end tests send. See device-sims' SuiteLogsIT.
if [[ -d device-sims/target/test-classes ]]; then
  mvn -B -ntp -pl device-sims failsafe:integration-test@suite-logs failsafe:verify@suite-logs
fi

# A short coverage-guided fuzzing run over every GATT decoder (Jazzer); the longer run is documented in
# gateway/src/test/java/io/vitalwire/gateway/ble/gatt/GattDecodersFuzzTest.java.
mkdir -p target
if ! JAZZER_FUZZ=1 mvn -B -ntp -pl gateway -am surefire:test -Dtest='GattDecodersFuzzTest#anyCharacteristic' \
    -Dsurefire.failIfNoSpecifiedTests=false >target/fuzz.log 2>&1; then
  tail -n 60 target/fuzz.log
  echo "fuzzing found a problem: see target/fuzz.log and the crash file it names" >&2
  exit 1
fi
grep -E '^#[0-9]+ +DONE' target/fuzz.log | tail -n 1 || true
echo "fuzzing: GattDecodersFuzzTest#anyCharacteristic ran 30 s without a finding"
