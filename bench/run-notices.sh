#!/usr/bin/env bash
# Issue 12: time from a booking to its notice leaving. bench/NoticeLatency starts an SMTP sink and the host
# (Release, Production, its own SQLite file, email to the sink) and books at RATE a minute for SECONDS.
#
#   bench/run-notices.sh                                   # 1,000 bookings a minute for 120 s, Notices:Delay 10 s
#   RATE=1000 SECONDS_=60 DELAY=00:00:02 bench/run-notices.sh
#   SKIP_BUILD=1 bench/run-notices.sh --setting Storage__Synchronous=Normal    # extra host settings
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE="${RATE:-1000}"
SECONDS_="${SECONDS_:-120}"
DELAY="${DELAY:-00:00:10}"
export JWT_SECRET_KEY="${JWT_SECRET_KEY:-bench-signing-key-0123456789abcdef-0123456789}"
WORK="$(mktemp -d /tmp/appointments-notices.XXXXXX)"
trap 'if [ "${KEEP_WORK:-0}" != 1 ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi' EXIT

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "== building (Release)"
  for p in "$ROOT/src/Host/Appointments.Host.csproj" "$ROOT/bench/NoticeLatency/Appointments.Bench.NoticeLatency.csproj"; do
    dotnet build "$p" -c Release -nologo -v q -clp:ErrorsOnly
  done
fi

echo "== load $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
dotnet "$ROOT/bench/NoticeLatency/bin/Release/net10.0/Appointments.Bench.NoticeLatency.dll" \
  --host-dll "$ROOT/src/Host/bin/Release/net10.0/Appointments.Host.dll" \
  --rate "$RATE" --seconds "$SECONDS_" --delay "$DELAY" --dir "$WORK" "$@"
echo "== load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
