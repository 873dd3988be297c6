#!/usr/bin/env bash
# A booking in Dapr mode (issue 18): builds bench/DaprBooking (Release) and books through Booking's own code, the Dapr
# adapter and the real SDK against the sidecar double (MongoDB behaviour), one at a time for p50/p99, then with
# concurrent callers for throughput; prints the sidecar calls one booking makes.
#
#   bench/run-dapr-booking.sh                                 # 2,000 one at a time, then 5 s x 16 callers
#   bench/run-dapr-booking.sh --bookings 500 --latency-ms 2   # any of --bookings, --seconds, --concurrency, --latency-ms
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/bench/DaprBooking/Appointments.Bench.DaprBooking.csproj" -c Release -nologo -v q -clp:ErrorsOnly
fi
exec dotnet "$ROOT/bench/DaprBooking/bin/Release/net10.0/Appointments.Bench.DaprBooking.dll" "$@"
