#!/usr/bin/env bash
# Checks the gateway's systemd unit as CI does (deploy/dev/test.sh): `systemd-analyze verify` (syntax, directives,
# the ExecStart binary), and `systemd-analyze security --offline=true`, which fails when the unit's exposure score
# gets worse than the threshold. The threshold is the score measured when the unit was last hardened (README.md,
# "Hardening"): loosening the sandbox fails CI until the README and this number are changed with a reason.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

unit=vitalwire-gateway.service
# systemd-analyze's scale is 0–100 for its 0.0–10.0 display: 15 = 1.5, the score measured with systemd 252.
threshold=15

systemd-analyze verify "$unit"
# --offline=true: the unit file as shipped, not a loaded unit (there is no systemd as PID 1 on CI).
if ! report=$(systemd-analyze security --offline=true --threshold="$threshold" --no-pager "$unit" 2>&1); then
  echo "$report" >&2
  echo "check-unit.sh: $unit's exposure is worse than $threshold/100: harden it again or explain in README.md" >&2
  exit 1
fi
echo "$report" | tail -n 1
echo "check-unit.sh: $unit verified, exposure within $(awk "BEGIN{print $threshold/10}")"
