#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs the JDK and Maven if missing, starts the local
# stack of real services (deploy/dev/stack.sh), then `mvn verify` (unit tests in Surefire, integration and
# end-to-end tests in Failsafe). Extra arguments go to Maven, e.g. `deploy/dev/test.sh -pl gateway`, or
# `deploy/dev/test.sh -Dvitalwire.faults.partition=5m` for the issue's five-minute network partition (PartitionIT;
# 75 s otherwise), `-Dvitalwire.faults.pg-cut=5m` for a five-minute cut between cloud-ingest and PostgreSQL
# (PostgresCutIT; 60 s otherwise).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/toolchain.sh"

# The gateway's Debian package depends on BlueZ (DebianPackageIT installs it with dpkg -i; bluetoothd is not started),
# and CI checks its unit with systemd-analyze (deploy/gateway/check-unit.sh) and stores its keys with systemd-creds:
# both from Debian's systemd package. A policy-rc.d keeps the packages' maintainer scripts from starting services,
# unless the machine has one already.
# The operator's apt repository (deploy/apt/publish.sh, AptRepositoryIT) is made with apt-ftparchive (apt-utils) and
# signed with gpg (gnupg); cloud-ingest's container image (deploy/cloud-ingest/image.sh, ContainerImageIT) with buildah.
# The hub's pairing page is driven in headless Chromium (PairingPageIT): chromium and its chromium-driver.
if ! command -v systemd-analyze >/dev/null 2>&1 || ! dpkg -s bluez >/dev/null 2>&1 ||
  ! command -v apt-ftparchive >/dev/null 2>&1 || ! command -v gpg >/dev/null 2>&1 ||
  ! command -v buildah >/dev/null 2>&1 || ! command -v chromium >/dev/null 2>&1 ||
  ! command -v chromedriver >/dev/null 2>&1; then
  echo "installing systemd (systemd-analyze, systemd-creds), bluez, apt-utils, gnupg, buildah, chromium and chromium-driver"
  policy=/usr/sbin/policy-rc.d placed_policy=false rc=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# placed by vitalwire deploy/dev/test.sh during apt-get install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    placed_policy=true
  fi
  { apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      systemd bluez apt-utils gnupg buildah chromium chromium-driver >/dev/null; } || rc=$?
  if [[ $placed_policy == true ]]; then rm -f "$policy"; fi
  ((rc == 0)) || { echo "apt-get install of systemd bluez apt-utils gnupg buildah chromium chromium-driver failed" \
    "(exit $rc)" >&2; exit 1; }
fi

# The gateway's and cloud-ingest's systemd units: systemd-analyze verify, and their exposure scores no worse than
# recorded (about a second each).
deploy/gateway/check-unit.sh
deploy/gateway/check-unit.sh cloud-ingest

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
