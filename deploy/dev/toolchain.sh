# Sourced by the dev scripts: makes sure a JDK 17 and Maven are installed, and moves to the repository root.
# shellcheck shell=bash
vw_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$vw_root"
if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  echo "installing JDK 17 and Maven"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless maven >/dev/null
fi
# The BLE integration tests run the gateway against a simulated BlueZ on a private dbus-daemon (no system bus used).
if ! command -v dbus-daemon >/dev/null 2>&1; then
  echo "installing dbus-daemon"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dbus-daemon >/dev/null
fi
