#!/usr/bin/env bash
# HTTP load run: the Appointments host (Release, Production, embedded SQLite) against a bare minimal-API floor app,
# both on 127.0.0.1, driven by wrk. Every process it starts is stopped on exit; every wrk run has a fixed duration.
#
#   bench/run-http.sh                          # defaults below
#   THREADS=2 CONNECTIONS=64 DURATION=20s WARMUP=5s bench/run-http.sh
#   SCENARIOS="floor get" bench/run-http.sh     # a subset (floor get list post slots slots-busy agenda agenda-busy)
#   BUSY_APPOINTMENTS=50000 SCENARIOS="floor slots slots-busy agenda agenda-busy" bench/run-http.sh
#   DB_IN_CONTENT_ROOT=1 bench/run-http.sh      # database under the host's content root, as by default
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-20s}"
WARMUP="${WARMUP:-5s}"
HOST_PORT="${HOST_PORT:-5301}"
FLOOR_PORT="${FLOOR_PORT:-5302}"
SCENARIOS="${SCENARIOS:-floor get list post}"
POST_USERS="${POST_USERS:-1000}"
# The availability scenarios' doctors: dr-avail has 500 appointments, dr-busy this many, with the same week.
BUSY_APPOINTMENTS="${BUSY_APPOINTMENTS:-50000}"
SKIP_BUILD="${SKIP_BUILD:-0}"
WORK="$(mktemp -d /tmp/appointments-bench.XXXXXX)"
# The host runs in $WORK/run (its content root). The database is kept OUTSIDE it by default: ASP.NET Core watches
# the content root recursively for appsettings changes, and a database inside it wakes that watcher on every
# WAL write (see README). DB_IN_CONTENT_ROOT=1 reproduces the default layout (data/appointments.db under it).
DB_DIR="$WORK/db"
[ "${DB_IN_CONTENT_ROOT:-0}" = 1 ] && DB_DIR="$WORK/run/data"
mkdir -p "$WORK/run" "$DB_DIR"
export JWT_SECRET_KEY="${JWT_SECRET_KEY:-bench-signing-key-0123456789abcdef-0123456789}"
export LUA_DIR="$BENCH/lua"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP_WORK:-0}" != 1 ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

if [ "$SKIP_BUILD" != 1 ]; then
  echo "== building (Release)"
  dotnet build "$ROOT/src/Host/Appointments.Host.csproj" -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build "$BENCH/Floor/Appointments.Bench.Floor.csproj" -c Release -nologo -v q -clp:ErrorsOnly
  dotnet build "$BENCH/Tokens/Appointments.Bench.Tokens.csproj" -c Release -nologo -v q -clp:ErrorsOnly
fi
HOST_DLL="$ROOT/src/Host/bin/Release/net10.0/Appointments.Host.dll"
FLOOR_DLL="$BENCH/Floor/bin/Release/net10.0/Appointments.Bench.Floor.dll"
TOKENS_DLL="$BENCH/Tokens/bin/Release/net10.0/Appointments.Bench.Tokens.dll"

echo "== starting host on 127.0.0.1:$HOST_PORT (db $DB_DIR/appointments.db) and floor on 127.0.0.1:$FLOOR_PORT"
# UserService__Enabled=false: the user check is an HTTP call to another service per booking; this bench
# measures this service, not that hop (and there is no user service on this machine).
( cd "$WORK/run" && exec env ASPNETCORE_ENVIRONMENT=Production \
    UserService__Enabled=false \
    Logging__LogLevel__Default=Warning \
    "ConnectionStrings__Appointments=Data Source=$DB_DIR/appointments.db" \
    dotnet "$HOST_DLL" --urls "http://127.0.0.1:$HOST_PORT" >"$WORK/host.log" 2>&1 ) &
PIDS+=($!)
( cd "$WORK/run" && exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
    dotnet "$FLOOR_DLL" --urls "http://127.0.0.1:$FLOOR_PORT" >"$WORK/floor.log" 2>&1 ) &
PIDS+=($!)

wait_ready() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "not ready: $1" >&2; cat "$WORK"/*.log >&2; exit 1
}
wait_ready "http://127.0.0.1:$HOST_PORT/health/ready"
wait_ready "http://127.0.0.1:$FLOOR_PORT/ping"

echo "== minting tokens and seeding over HTTP"
dotnet "$TOKENS_DLL" bench-user >"$WORK/token.txt"
dotnet "$TOKENS_DLL" --prefix bench-p --count "$POST_USERS" >"$WORK/tokens.txt"
TOKEN="$(head -1 "$WORK/token.txt")"
: >"$WORK/ids.txt"
for i in $(seq 0 19); do
  body=$(printf '{"doctor":"dr-seed-%02d","date_time":"2027-06-%02d 10:00:00","email":"bench-user@example.com","slot":"slot-%02d"}' "$i" $((i + 1)) "$i")
  curl -fsS -X POST "http://127.0.0.1:$HOST_PORT/api/appointments" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' -d "$body" | jq -r '._id' >>"$WORK/ids.txt"
done
[ "$(grep -c . "$WORK/ids.txt")" = 20 ] || { echo "seeding failed" >&2; exit 1; }
count=$(curl -fsS "http://127.0.0.1:$HOST_PORT/api/appointments" -H "Authorization: Bearer $TOKEN" | jq length)
[ "$count" = 20 ] || { echo "bench-user has $count appointments, expected 20" >&2; exit 1; }
curl -fsS "http://127.0.0.1:$HOST_PORT/api/appointments/$(head -1 "$WORK/ids.txt")" -H "Authorization: Bearer $TOKEN" | jq -c '{_id, doctor, date_time}'

# The availability scenarios book both doctors over HTTP (as an admin, before they have hours, so any time is
# bookable), then give them the same hours: every day 08:00-20:00 in 15-minute slots. See availability-bodies.awk.
WEEK="$(date -u -d 'next monday + 7 days' +%F)"
WEEK_END="$(date -u -d "$WEEK + 6 days" +%F)"
if [[ " $SCENARIOS " =~ \ (slots|slots-busy|agenda|agenda-busy)\  ]]; then
  echo "== seeding availability: dr-avail 500 appointments, dr-busy $BUSY_APPOINTMENTS, both with the same week from $WEEK"
  dotnet "$TOKENS_DLL" bench-admin --role admin >"$WORK/admin.txt"
  dotnet "$TOKENS_DLL" dr-avail --role doctor >"$WORK/dr-avail.txt"
  dotnet "$TOKENS_DLL" dr-busy --role doctor >"$WORK/dr-busy.txt"
  TZ=UTC awk -v week="$WEEK" -v busy="$BUSY_APPOINTMENTS" -f "$BENCH/availability-bodies.awk" >"$WORK/bodies.txt"
  seeded=$(env BODIES_FILE="$WORK/bodies.txt" TOKEN_FILE="$WORK/admin.txt" THREADS="$THREADS" \
    wrk -t"$THREADS" -c32 -d600s -s "$BENCH/lua/seed.lua" "http://127.0.0.1:$HOST_PORT" | sed -n 's/^BENCH //p')
  echo "   $seeded"
  [[ "$seeded" == "2xx=$((500 + BUSY_APPOINTMENTS)) non2xx=0 "* ]] || { echo "seeding failed" >&2; exit 1; }
  hours='{"slot_minutes": 15, "weekly": {'
  for day in monday tuesday wednesday thursday friday saturday sunday; do hours+="\"$day\": [{\"start\": \"08:00\", \"end\": \"20:00\"}],"; done
  hours="${hours%,}}}"
  for dr in dr-avail dr-busy; do
    curl -fsS -X PUT "http://127.0.0.1:$HOST_PORT/api/doctors/$dr/schedule" -H "Authorization: Bearer $(head -1 "$WORK/admin.txt")" \
      -H 'Content-Type: application/json' -d "$hours" >/dev/null
    free=$(curl -fsS "http://127.0.0.1:$HOST_PORT/api/doctors/$dr/slots?from=$WEEK&to=$WEEK_END" -H "Authorization: Bearer $TOKEN" | jq length)
    day=$(curl -fsS "http://127.0.0.1:$HOST_PORT/api/doctors/$dr/appointments?date=$WEEK" -H "Authorization: Bearer $(head -1 "$WORK/$dr.txt")" | jq length)
    echo "   $dr: $free free slots in the week, $day appointments on its first day"
    [ "$free" = 72 ] && [ "$day" = 24 ] || { echo "unexpected availability for $dr" >&2; exit 1; }
  done
fi

# run <name> <url> <script> [env...]: a warm-up run, then the measured run; keeps wrk's output.
run() {
  local name="$1" url="$2" script="$3"; shift 3
  echo "== $name: warm-up $WARMUP, then $DURATION with $THREADS threads, $CONNECTIONS connections"
  env "$@" RUN="${name}w" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/lua/$script" "$url" >/dev/null
  env "$@" RUN="${name}m" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$BENCH/lua/$script" "$url" | tee "$WORK/$name.out"
}

for s in $SCENARIOS; do
  case "$s" in
    floor) run floor "http://127.0.0.1:$FLOOR_PORT/ping" floor.lua ;;
    get)   run get "http://127.0.0.1:$HOST_PORT" get.lua IDS_FILE="$WORK/ids.txt" TOKEN_FILE="$WORK/token.txt" ;;
    list)  run list "http://127.0.0.1:$HOST_PORT" path.lua URL_PATH=/api/appointments TOKEN_FILE="$WORK/token.txt" ;;
    slots|slots-busy)
      dr=dr-avail; [ "$s" = slots-busy ] && dr=dr-busy
      run "$s" "http://127.0.0.1:$HOST_PORT" path.lua URL_PATH="/api/doctors/$dr/slots?from=$WEEK&to=$WEEK_END" TOKEN_FILE="$WORK/token.txt" ;;
    agenda|agenda-busy)
      dr=dr-avail; [ "$s" = agenda-busy ] && dr=dr-busy
      run "$s" "http://127.0.0.1:$HOST_PORT" path.lua URL_PATH="/api/doctors/$dr/appointments?date=$WEEK" TOKEN_FILE="$WORK/$dr.txt" ;;
    post)  run post "http://127.0.0.1:$HOST_PORT" post.lua TOKENS_FILE="$WORK/tokens.txt" ;;
    *) echo "unknown scenario $s" >&2; exit 2 ;;
  esac
done

# wrk prints latencies as 1.23ms / 456.00us / 1.02s; the table shows milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v * 0.001; else if (v ~ /ms$/) printf "%.2f", v + 0; else if (v ~ /s$/) printf "%.2f", v * 1000; else print v }'; }
field() { awk -v p="$2" '$1 == p { print $2 }' "$WORK/$1.out"; }
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/$1.out"; }

echo
echo "== summary ($(nproc) cores, $THREADS threads, $CONNECTIONS connections, $DURATION)"
printf '| %-34s | %10s | %9s | %9s | %9s | %8s | %10s |\n' scenario "requests/s" "p50 ms" "p99 ms" "% floor" "non-2xx" "sock err"
printf '|%s|%s|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "------------" "-----------" "-----------" "-----------" "----------" "------------"
floor_rps=""
[ -f "$WORK/floor.out" ] && floor_rps=$(rps floor)
for s in $SCENARIOS; do
  case "$s" in
    floor) label="GET /ping (floor)";; get) label="GET /api/appointments/{id}";;
    list) label="GET /api/appointments (20)";; post) label="POST /api/appointments";;
    slots) label="GET slots, 7 days (500 booked)";; slots-busy) label="GET slots, 7 days ($BUSY_APPOINTMENTS booked)";;
    agenda) label="GET agenda, 24 (500 booked)";; agenda-busy) label="GET agenda, 24 ($BUSY_APPOINTMENTS booked)";;
  esac
  r=$(rps "$s")
  pct="-"; [ -n "$floor_rps" ] && [ "$s" != floor ] && pct=$(awk -v a="$r" -v b="$floor_rps" 'BEGIN { printf "%.0f%%", 100 * a / b }')
  non2xx=$(sed -n 's/^BENCH .*non2xx=\([0-9]*\).*/\1/p' "$WORK/$s.out")
  sock=$(sed -n 's/^BENCH .*socket_errors=\([0-9]*\).*/\1/p' "$WORK/$s.out")
  printf '| %-34s | %10s | %9s | %9s | %9s | %8s | %10s |\n' "$label" "$r" "$(to_ms "$(field "$s" 50%)")" "$(to_ms "$(field "$s" 99%)")" "$pct" "$non2xx" "$sock"
done
echo
echo "database after the run: $(du -h "$DB_DIR/appointments.db" | cut -f1) (+ WAL $(du -h "$DB_DIR/appointments.db-wal" 2>/dev/null | cut -f1)); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -iE 'fail|error|exception' "$WORK/host.log" | head -5 || true
