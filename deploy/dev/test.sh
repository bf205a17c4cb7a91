#!/usr/bin/env bash
# Runs every test of the project on a fresh machine: installs the JDK and Maven if missing, starts the local
# stack of real services (deploy/dev/stack.sh), then `mvn verify` (unit tests in Surefire, integration and
# end-to-end tests in Failsafe). Extra arguments go to Maven, e.g. `deploy/dev/test.sh -pl gateway`.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  echo "installing JDK 17 and Maven"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi

deploy/dev/stack.sh start
eval "$(deploy/dev/stack.sh env)"

mvn -B -ntp verify "$@"
