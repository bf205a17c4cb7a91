#!/usr/bin/env bash
# Checks a systemd unit of the project as CI does (deploy/dev/test.sh): `systemd-analyze verify` (syntax, directives,
# the ExecStart binary), and `systemd-analyze security --offline=true`, which fails when the unit's exposure score
# gets worse than the threshold. The threshold is the score measured when the unit was last hardened (its README,
# "Hardening"): loosening the sandbox fails CI until the README and this number are changed with a reason.
#
#   deploy/gateway/check-unit.sh                 the gateway's unit (this directory)
#   deploy/gateway/check-unit.sh cloud-ingest    cloud-ingest's (deploy/cloud-ingest)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

# systemd-analyze's scale is 0–100 for its 0.0–10.0 display; the scores measured with systemd 252.
case "${1:-gateway}" in
  gateway) unit=vitalwire-gateway.service threshold=15 ;;            # 1.5 (README.md)
  cloud-ingest) cd ../cloud-ingest; unit=vitalwire-cloud-ingest.service threshold=11 ;;  # 1.1 (its README.md)
  *) echo "usage: $0 [gateway|cloud-ingest]" >&2; exit 2 ;;
esac

systemd-analyze verify "$unit"
# --offline=true: the unit file as shipped, not a loaded unit (there is no systemd as PID 1 on CI).
if ! report=$(systemd-analyze security --offline=true --threshold="$threshold" --no-pager "$unit" 2>&1); then
  echo "$report" >&2
  echo "check-unit.sh: $unit's exposure is worse than $threshold/100: harden it again or explain in README.md" >&2
  exit 1
fi
echo "$report" | tail -n 1
echo "check-unit.sh: $unit verified, exposure within $(awk "BEGIN{print $threshold/10}")"
