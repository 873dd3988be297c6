#!/usr/bin/env bash
# Reminder scan benchmark: builds bench/ReminderScan (Release) and times IAppointmentSchedule.StartingBetweenAsync(now, now+24h)
# with 100,000 and 1,000,000 stored appointments, 1,000 due in each. Databases go to a temp directory and are deleted.
#
#   bench/run-scan.sh                                   # 100k and 1M, 15 timed runs each
#   bench/run-scan.sh --sizes 100000 --runs 5           # any of --sizes, --due, --runs, --dir, --keep
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$(mktemp -d /tmp/appointments-scan.XXXXXX)"
trap 'rm -rf "$DIR"' EXIT
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  dotnet build "$ROOT/bench/ReminderScan/Appointments.Bench.ReminderScan.csproj" -c Release -nologo -v q -clp:ErrorsOnly
fi
dotnet "$ROOT/bench/ReminderScan/bin/Release/net10.0/Appointments.Bench.ReminderScan.dll" --dir "$DIR" "$@"
