#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs the JDK and Maven if missing, starts the local
# stack of real services (deploy/dev/stack.sh), then `mvn verify` (unit tests in Surefire, integration and
# end-to-end tests in Failsafe). Extra arguments go to Maven, e.g. `deploy/dev/test.sh -pl gateway`, or
# `deploy/dev/test.sh -Dvitalwire.faults.partition=5m` for the issue's five-minute network partition (PartitionIT;
# 75 s otherwise), `-Dvitalwire.faults.pg-cut=5m` for a five-minute cut between cloud-ingest and PostgreSQL
# (PostgresCutIT; 60 s otherwise).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

deploy/dev/stack.sh start
eval "$(deploy/dev/stack.sh env)"

mvn -B -ntp verify "$@"

# The suite-wide log grep, after every other test (issue 14, point 7): no log the run wrote (Surefire/Failsafe output,
# the services the end-to-end tests started, the stack's logs) holds a known secret, a simulated device's identifier,
# a test patient or a value the end-to-end tests send. See device-sims' SuiteLogsIT.
if [[ -d device-sims/target/test-classes ]]; then
  # -am and the test-compile phase so that device-sims' dependencies come from this build's reactor (without a
  # phase Maven looks for them in the local repository, which a fresh machine does not have: nothing is installed);
  # test-compile runs no test, and in the other modules the filter matches none.
  mvn -B -ntp -pl device-sims -am test-compile failsafe:integration-test@suite-logs failsafe:verify@suite-logs \
    -Dit.test=SuiteLogsIT -Dfailsafe.failIfNoSpecifiedTests=false
fi

# A short coverage-guided fuzzing run of every parser of untrusted input (Jazzer, 30 s per target); the long run,
# a million executions per target, is `deploy/dev/fuzz.sh --long`.
deploy/dev/fuzz.sh
