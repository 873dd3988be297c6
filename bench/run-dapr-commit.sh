#!/usr/bin/env bash
# Transaction confirmation benchmark (issue 7, item 3): builds bench/DaprCommit (Release) and measures a booking-shaped
# transaction through the real Dapr SDK against the sidecar double, with and without the bulk get that confirms it.
#
#   bench/run-dapr-commit.sh                               # 10 rounds x 200 each, then 5 s x 16 callers
#   bench/run-dapr-commit.sh --rounds 5 --seconds 3        # any of --rounds, --per-round, --seconds, --concurrency
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/bench/DaprCommit/Appointments.Bench.DaprCommit.csproj" -c Release -nologo -v q -clp:ErrorsOnly
fi
exec dotnet "$ROOT/bench/DaprCommit/bin/Release/net10.0/Appointments.Bench.DaprCommit.dll" "$@"
