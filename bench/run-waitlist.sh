#!/usr/bin/env bash
# The waitlist (issue 22): builds bench/WaitlistOffer (Release) and, with 10 and then 1,000 entries waiting for one
# doctor, times settling a freed time alone (timers off), then the time from a cancel to its offer arriving at a real
# SMTP server (timers on, Notices:Delay).
#
#   bench/run-waitlist.sh                                     # 200 settles, 40 offers, Notices:Delay 10 s
#   bench/run-waitlist.sh --rounds 500 --offers 20 --delay 00:00:02
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/bench/WaitlistOffer/Appointments.Bench.WaitlistOffer.csproj" -c Release -nologo -v q -clp:ErrorsOnly
fi
echo "== load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
exec dotnet "$ROOT/bench/WaitlistOffer/bin/Release/net10.0/Appointments.Bench.WaitlistOffer.dll" "$@"
