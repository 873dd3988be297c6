#!/usr/bin/env bash
# HTTP load run: the Appointments host (Release, Production, embedded SQLite, the user check against a local stub)
# against a bare minimal-API floor app, all on 127.0.0.1, driven by wrk. Every process it starts is stopped on
# exit; every wrk run has a fixed duration.
#
#   bench/run-http.sh                               # defaults below, one round
#   ROUNDS=3 bench/run-http.sh                      # every scenario three times, interleaved; medians at the end
#   SCENARIOS="floor post post-nonotice" bench/run-http.sh
#   BEFORE_ROOT=/work/wt-before SCENARIOS="floor post-before post" bench/run-http.sh   # an older build beside
#   BEFORE_ROOT=/tmp/wt-before SCENARIOS="get-before get" ROUNDS=3 bench/run-http.sh  # GET by id, older build beside
#   HOST_ENV="Storage__Synchronous=Normal" bench/run-http.sh                              # extra host settings
#   USER_CHECK=0 SMTP_SINK=0 bench/run-http.sh      # no user service stub; email unconfigured (notices fail at once)
#   SPREAD=0 SCENARIOS="floor post" bench/run-http.sh   # each patient books consecutive half-hours (post.lua)
#   DOCTORS=50 SCENARIOS="floor post" bench/run-http.sh # issue 18's clinic: 50 doctors filling their days (post.lua)
#
#   BUSY_APPOINTMENTS=50000 SCENARIOS="floor slots slots-busy agenda agenda-busy" bench/run-http.sh
#
# Scenarios: floor get get-before list list-many post post-idem post-nonotice post-before slots slots-busy agenda agenda-busy
# (see bench/README.md).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-20s}"
# Long enough for tiered compilation to settle on 2 busy cores: dotnet-counters showed ~2,500 methods compiled per
# 5 s for the first ~25 s of POST load, the JIT taking 20% of the host's CPU meanwhile (a perf profile).
WARMUP="${WARMUP:-30s}"
ROUNDS="${ROUNDS:-1}"
SCENARIOS="${SCENARIOS:-floor get list list-many post}"
POST_USERS="${POST_USERS:-1000}"
MANY="${MANY:-20000}"
# The availability scenarios' doctors: dr-avail has 500 appointments, dr-busy this many, with the same week.
BUSY_APPOINTMENTS="${BUSY_APPOINTMENTS:-50000}"
SKIP_BUILD="${SKIP_BUILD:-0}"
# USER_CHECK=1: every booking asks the stub user service (bench/UserStub) over HTTP, as in production.
USER_CHECK="${USER_CHECK:-1}"
# SMTP_SINK=1: the hosts send notices (and reminders) by email to a local SMTP sink (bench/NoticeLatency
# --sink-port-file), so a booking's notice costs what sending it costs; 0 leaves email unconfigured (each notice
# then fails at once and is logged).
SMTP_SINK="${SMTP_SINK:-1}"
# Per-caller limits (RateLimits:*PerMinute, 0 = off) on, but far above what one bench caller sends in a minute.
RATE_LIMIT="${RATE_LIMIT:-100000000}"
# Each bench patient books hundreds of visits ahead: Booking:MaxActivePerPatient (20 in a clinic) far above that.
ACTIVE_LIMIT="${ACTIVE_LIMIT:-10000}"
BEFORE_ROOT="${BEFORE_ROOT:-}"
HOST_ENV="${HOST_ENV:-}"
WORK="$(mktemp -d /tmp/appointments-bench.XXXXXX)"
mkdir -p "$WORK/run"
export JWT_SECRET_KEY="${JWT_SECRET_KEY:-bench-signing-key-0123456789abcdef-0123456789}"
export LUA_DIR="$BENCH/lua"

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install -y wrk)" >&2; exit 1; }
[ "$CONNECTIONS" -ge "$THREADS" ] || { echo "CONNECTIONS must be at least THREADS" >&2; exit 2; }

PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "${KEEP_WORK:-0}" != 1 ]; then rm -rf "$WORK"; else echo "kept $WORK"; fi
}
trap cleanup EXIT

build() { dotnet build "$1" -c Release -nologo -v q -clp:ErrorsOnly; }
if [ "$SKIP_BUILD" != 1 ]; then
  echo "== building (Release)"
  build "$ROOT/src/Host/Appointments.Host.csproj"
  for p in Floor Tokens UserStub Seed NoticeLatency; do build "$BENCH/$p/Appointments.Bench.$p.csproj"; done
  [ -z "$BEFORE_ROOT" ] || build "$BEFORE_ROOT/src/Host/Appointments.Host.csproj"
fi
dll() { echo "$BENCH/$1/bin/Release/net10.0/Appointments.Bench.$1.dll"; }

# Other people's benchmarks run on this machine too: every app gets a port nothing listens on yet (from
# PORT_BASE, default random), so no run ever measures or seeds another run's host.
NEXT_PORT="${PORT_BASE:-$(( 20000 + RANDOM % 20000 ))}"
# free_port <variable>: sets it to the next free port (not in a subshell, so NEXT_PORT moves on).
free_port() {
  while [ -n "$(ss -Hltn "sport = :$NEXT_PORT")" ]; do NEXT_PORT=$(( NEXT_PORT + 1 )); done
  printf -v "$1" '%s' "$NEXT_PORT"; NEXT_PORT=$(( NEXT_PORT + 1 ))
}
free_port FLOOR_PORT
free_port STUB_PORT

# wait_ready <url> <pid>: until the url answers; fails when the process exits first.
wait_ready() {
  for _ in $(seq 1 150); do
    kill -0 "$2" 2>/dev/null || break
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  echo "not ready: $1" >&2; cat "$WORK"/*.log >&2; exit 1
}

# start <log name> <url to wait for> <command...>: runs it in $WORK/run (the content root; each database is kept
# outside it, see bench/README.md, "Finding: keep the database out of the content root") with Production settings.
# No app watches its content root: the floor and the stub would otherwise be woken by every line of the host's
# audit log (in $WORK/run/data), on the cores the host is measured on.
start() {
  local name="$1" ready="$2"; shift 2
  ( cd "$WORK/run" && exec env ASPNETCORE_ENVIRONMENT=Production Logging__LogLevel__Default=Warning \
      DOTNET_hostBuilder__reloadConfigOnChange=false "$@" >"$WORK/$name.log" 2>&1 ) &
  PIDS+=($!)
  wait_ready "$ready" "$!"
}

# Host variants, each on its own port with its own database, started when a scenario first needs one:
# main (this tree), nonotice (this tree, Notices:Enabled=false), before (the build in $BEFORE_ROOT).
declare -A HOST_PORT=() HOST_UP=()
for variant in main nonotice before; do free_port port; HOST_PORT[$variant]=$port; done
host_url() { echo "http://127.0.0.1:${HOST_PORT[$1]}"; }
ensure_host() {
  local variant="$1" root="$ROOT" extra=()
  [ -z "${HOST_UP[$variant]:-}" ] || return 0
  case "$variant" in
    nonotice) extra=(Notices__Enabled=false) ;;
    before) [ -n "$BEFORE_ROOT" ] || { echo "post-before needs BEFORE_ROOT (a worktree of the older commit)" >&2; exit 2; }; root="$BEFORE_ROOT" ;;
  esac
  local user_check=(UserService__Enabled=false) email=()
  [ "$SMTP_SINK" = 1 ] && email=(SMTP_HOST=127.0.0.1 "SMTP_PORT=$SMTP_PORT" EMAIL_ADDRESS=clinic@bench.example)
  [ "$USER_CHECK" = 1 ] && user_check=("USER_SERVICE_URL=http://127.0.0.1:$STUB_PORT")
  mkdir -p "$WORK/db-$variant"
  echo "== starting host '$variant' ($root) on $(host_url "$variant")"
  # shellcheck disable=SC2086 # HOST_ENV is a list of NAME=value words
  start "host-$variant" "$(host_url "$variant")/health/ready" "${user_check[@]}" "${email[@]}" "${extra[@]}" \
    "RateLimits__WritesPerMinute=$RATE_LIMIT" "RateLimits__ReadsPerMinute=$RATE_LIMIT" "Booking__MaxActivePerPatient=$ACTIVE_LIMIT" \
    "ConnectionStrings__Appointments=Data Source=$WORK/db-$variant/appointments.db" $HOST_ENV \
    dotnet "$root/src/Host/bin/Release/net10.0/Appointments.Host.dll" --urls "$(host_url "$variant")"
  HOST_UP[$variant]=1
}

echo "== starting floor on 127.0.0.1:$FLOOR_PORT$([ "$USER_CHECK" = 1 ] && echo " and the user service stub on 127.0.0.1:$STUB_PORT")"
start floor "http://127.0.0.1:$FLOOR_PORT/ping" dotnet "$(dll Floor)" --urls "http://127.0.0.1:$FLOOR_PORT"
if [ "$SMTP_SINK" = 1 ]; then
  ( cd "$WORK/run" && exec dotnet "$(dll NoticeLatency)" --sink-port-file "$WORK/smtp.port" >"$WORK/smtp-sink.log" 2>&1 ) &
  PIDS+=($!)
  for _ in $(seq 1 100); do [ -s "$WORK/smtp.port" ] && break; sleep 0.2; done
  SMTP_PORT="$(cat "$WORK/smtp.port")"
  echo "== SMTP sink on 127.0.0.1:$SMTP_PORT"
fi
[ "$USER_CHECK" != 1 ] || start userstub "http://127.0.0.1:$STUB_PORT/api/auth/user/probe" dotnet "$(dll UserStub)" --urls "http://127.0.0.1:$STUB_PORT"

# Bookings start at BASE (the next full hour + 2 h: past the 1-hour minimum notice for a session of an hour)
# and stay within the 365-day horizon: SLOTS half-hours. Each POST run books its own block of K (post.lua).
NOW=$(date +%s)
BASE=$(( (NOW / 3600 + 3) * 3600 ))
SLOTS=$(( (NOW + 365 * 86400 - 3600 - BASE) / 1800 ))
seconds() { case "$1" in *m) echo $(( ${1%m} * 60 ));; *s) echo "${1%s}";; *) echo "$1";; esac; }
# Every host has its own database, so each books its own blocks of k. With DOCTORS a slot is spent every DOCTORS
# bookings instead of every POST_USERS, so a block leaves room for 8,000 bookings a second rather than 20,000 (both
# far more than this machine does): two rounds of a post scenario per host then stay inside the horizon.
declare -A K_NEXT=()
ROOM=20000 K_LIMIT=$(( POST_USERS * SLOTS ))
[ "${DOCTORS:-0}" -eq 0 ] || { ROOM=8000; K_LIMIT=$(( DOCTORS * SLOTS )); }
# take_block <host url> <duration>: sets K0 to the first k of the next block that host books.
take_block() {
  K0=${K_NEXT[$1]:-0}
  K_NEXT[$1]=$(( K0 + ROOM * $(seconds "$2") ))
  [ "${K_NEXT[$1]}" -le "$K_LIMIT" ] || { echo "out of unique (patient, time) pairs: fewer rounds, shorter runs or more POST_USERS" >&2; exit 2; }
}

echo "== minting tokens"
dotnet "$(dll Tokens)" bench-user >"$WORK/token.txt"
dotnet "$(dll Tokens)" bench-many >"$WORK/token-many.txt"
dotnet "$(dll Tokens)" bench-admin --role admin >"$WORK/token-admin.txt"
dotnet "$(dll Tokens)" --prefix bench-p --count "$POST_USERS" >"$WORK/tokens.txt"

needs() { case " $SCENARIOS " in *" $1 "*) return 0;; *) return 1;; esac; }
# seed_reads <variant>: 20 appointments for bench-user on that host, their ids in $WORK/ids-<variant>.txt.
seed_reads() {
  ensure_host "$1"
  echo "== seeding 20 appointments for bench-user on '$1'"
  TOKEN="$(head -1 "$WORK/token.txt")"
  : >"$WORK/ids-$1.txt"
  for i in $(seq 0 19); do
    start_at=$(date -u -d "@$(( BASE + (i + 1) * 86400 ))" '+%Y-%m-%d %H:%M:%S')
    body=$(printf '{"doctor":"dr-seed-%02d","date_time":"%s","email":"bench-user@example.com","slot":"slot-%02d"}' "$i" "$start_at" "$i")
    curl -fsS -X POST "$(host_url "$1")/api/appointments" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "$body" | jq -r '._id' >>"$WORK/ids-$1.txt"
  done
  [ "$(grep -c . "$WORK/ids-$1.txt")" = 20 ] || { echo "seeding failed" >&2; exit 1; }
  count=$(curl -fsS "$(host_url "$1")/api/appointments" -H "Authorization: Bearer $TOKEN" | jq length)
  [ "$count" = 20 ] || { echo "bench-user has $count appointments, expected 20" >&2; exit 1; }
}
if needs get || needs list; then seed_reads main; cp "$WORK/ids-main.txt" "$WORK/ids.txt"; fi
if needs get-before; then seed_reads before; fi
if needs list-many; then
  ensure_host main
  echo "== seeding $MANY appointments for bench-many, one an hour (as an admin: past the horizon is allowed)"
  dotnet "$(dll Seed)" "$(host_url main)/" "$(head -1 "$WORK/token-admin.txt")" bench-many "$MANY" "$BASE"
  page=$(curl -fsS -D "$WORK/many.headers" "$(host_url main)/api/appointments?limit=20" -H "Authorization: Bearer $(head -1 "$WORK/token-many.txt")" | jq length)
  [ "$page" = 20 ] && grep -qi '^x-next-cursor:' "$WORK/many.headers" || { echo "bench-many's first page is not 20 with a next cursor" >&2; exit 1; }
fi

# The availability scenarios (issue 11) book two doctors over HTTP as an admin, before they have hours (so any time
# is bookable), then give both the same hours: every day 08:00-20:00 in 15-minute slots (availability-bodies.awk).
# dr-avail has 500 appointments, dr-busy $BUSY_APPOINTMENTS, with the same week: only their other days differ.
WEEK="$(date -u -d 'next monday + 7 days' +%F)"
WEEK_END="$(date -u -d "$WEEK + 6 days" +%F)"
if needs slots || needs slots-busy || needs agenda || needs agenda-busy; then
  ensure_host main
  echo "== seeding availability: dr-avail 500 appointments, dr-busy $BUSY_APPOINTMENTS, both with the same week from $WEEK"
  dotnet "$(dll Tokens)" dr-avail --role doctor >"$WORK/dr-avail.txt"
  dotnet "$(dll Tokens)" dr-busy --role doctor >"$WORK/dr-busy.txt"
  TZ=UTC awk -v week="$WEEK" -v busy="$BUSY_APPOINTMENTS" -f "$BENCH/availability-bodies.awk" >"$WORK/bodies.txt"
  # curl, 16 bookings at a time over kept-alive connections; every answer's status is counted (wrk drops a request
  # whose connection breaks, and then never finishes).
  admin="$(head -1 "$WORK/token-admin.txt")"
  sed 's/\\/\\\\/g; s/"/\\"/g' "$WORK/bodies.txt" | awk -v url="$(host_url main)/api/appointments" -v auth="$admin" \
    'NR > 1 { print "next" } { printf "url = \"%s\"\nrequest = \"POST\"\nheader = \"Authorization: Bearer %s\"\nheader = \"Content-Type: application/json\"\ndata = \"%s\"\noutput = \"/dev/null\"\nwrite-out = \"%%{http_code}\\n\"\n", url, auth, $0 }' >"$WORK/seed.curl"
  curl -sS --parallel --parallel-max 16 --config "$WORK/seed.curl" >"$WORK/seed.status"
  created=$(grep -c '^201$' "$WORK/seed.status" || true)
  echo "   $created of $((500 + BUSY_APPOINTMENTS)) booked (201)"
  [ "$created" = $((500 + BUSY_APPOINTMENTS)) ] || { echo "seeding failed: $(sort "$WORK/seed.status" | uniq -c | tr '\n' ' ')" >&2; exit 1; }
  hours='{"slot_minutes": 15, "weekly": {'
  for day in monday tuesday wednesday thursday friday saturday sunday; do hours+="\"$day\": [{\"start\": \"08:00\", \"end\": \"20:00\"}],"; done
  hours="${hours%,}}}"
  for dr in dr-avail dr-busy; do
    curl -fsS -X PUT "$(host_url main)/api/doctors/$dr/schedule" -H "Authorization: Bearer $(head -1 "$WORK/token-admin.txt")" \
      -H 'Content-Type: application/json' -d "$hours" >/dev/null
    free=$(curl -fsS "$(host_url main)/api/doctors/$dr/slots?from=$WEEK&to=$WEEK_END" -H "Authorization: Bearer $(head -1 "$WORK/token.txt")" | jq length)
    day=$(curl -fsS "$(host_url main)/api/doctors/$dr/appointments?date=$WEEK" -H "Authorization: Bearer $(head -1 "$WORK/$dr.txt")" | jq length)
    echo "   $dr: $free free slots in the week, $day appointments on its first day"
    [ "$free" = 72 ] && [ "$day" = 24 ] || { echo "unexpected availability for $dr" >&2; exit 1; }
  done
fi

# run <name> <round> <url> <script> [env...]: a warm-up run, then the measured run; keeps wrk's output.
run() {
  local name="$1" round="$2" url="$3" script="$4"; shift 4
  echo "== $name (round $round): warm-up $WARMUP, then $DURATION with $THREADS threads, $CONNECTIONS connections; load $(cut -d' ' -f1 /proc/loadavg)"
  local warm=() measured=()
  if [ "$script" = post.lua ]; then
    take_block "$url" "$WARMUP"; warm=(K0="$K0")
    take_block "$url" "$DURATION"; measured=(K0="$K0")
  fi
  env "$@" "${warm[@]}" THREADS="$THREADS" RUN="${name}-${round}w" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/lua/$script" "$url" >/dev/null
  env "$@" "${measured[@]}" THREADS="$THREADS" RUN="${name}-${round}m" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$BENCH/lua/$script" "$url" | tee "$WORK/$name.$round.out"
}

post_env=(TOKENS_FILE="$WORK/tokens.txt" BASE="$BASE" SLOTS="$SLOTS")
for round in $(seq 1 "$ROUNDS"); do
  # Even rounds run the scenarios backwards, so that none always runs right after another on the same host (with
  # its database and notice backlog grown by the one before): post against post-idem was biased that way.
  order="$SCENARIOS"
  [ $(( round % 2 )) = 1 ] || order="$(printf '%s\n' $SCENARIOS | tac | tr '\n' ' ')"
  for s in $order; do
    case "$s" in
      floor) run floor "$round" "http://127.0.0.1:$FLOOR_PORT/ping" floor.lua ;;
      get) run get "$round" "$(host_url main)" get.lua IDS_FILE="$WORK/ids.txt" TOKEN_FILE="$WORK/token.txt" ;;
      list) run list "$round" "$(host_url main)" path.lua URL_PATH="/api/appointments?limit=20" TOKEN_FILE="$WORK/token.txt" ;;
      list-many) run list-many "$round" "$(host_url main)" path.lua URL_PATH="/api/appointments?limit=20" TOKEN_FILE="$WORK/token-many.txt" ;;
      slots|slots-busy)
        dr=dr-avail; [ "$s" = slots-busy ] && dr=dr-busy
        run "$s" "$round" "$(host_url main)" path.lua URL_PATH="/api/doctors/$dr/slots?from=$WEEK&to=$WEEK_END" TOKEN_FILE="$WORK/token.txt" ;;
      agenda|agenda-busy)
        dr=dr-avail; [ "$s" = agenda-busy ] && dr=dr-busy
        run "$s" "$round" "$(host_url main)" path.lua URL_PATH="/api/doctors/$dr/appointments?date=$WEEK" TOKEN_FILE="$WORK/$dr.txt" ;;
      post) ensure_host main; run post "$round" "$(host_url main)" post.lua "${post_env[@]}" ;;
      post-idem) ensure_host main; run post-idem "$round" "$(host_url main)" post.lua "${post_env[@]}" IDEMPOTENCY=1 ;;
      post-nonotice) ensure_host nonotice; run post-nonotice "$round" "$(host_url nonotice)" post.lua "${post_env[@]}" ;;
      get-before) run get-before "$round" "$(host_url before)" get.lua IDS_FILE="$WORK/ids-before.txt" TOKEN_FILE="$WORK/token.txt" ;;
      post-before) ensure_host before; run post-before "$round" "$(host_url before)" post.lua "${post_env[@]}" ;;
      *) echo "unknown scenario $s" >&2; exit 2 ;;
    esac
  done
done

# wrk prints latencies as 1.23ms / 456.00us / 1.02s; the tables show milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.2f", v * 0.001; else if (v ~ /ms$/) printf "%.2f", v + 0; else if (v ~ /s$/) printf "%.2f", v * 1000; else print v }'; }
field() { to_ms "$(awk -v p="$2" '$1 == p { print $2 }' "$WORK/$1.out")"; }
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$WORK/$1.out"; }
bench_field() { sed -n "s/^BENCH .*$2=\([0-9]*\).*/\1/p" "$WORK/$1.out"; }
label() {
  case "$1" in
    floor) echo "GET /ping (floor)";; get) echo "GET /api/appointments/{id}";;
    list) echo "GET /api/appointments (20 of 20)";; list-many) echo "GET /api/appointments (20 of $MANY)";;
    post) echo "POST /api/appointments";; post-idem) echo "POST, Idempotency-Key";;
    post-nonotice) echo "POST, Notices:Enabled=false";;
    slots) echo "GET slots, 7 days (500 booked)";; slots-busy) echo "GET slots, 7 days ($BUSY_APPOINTMENTS booked)";;
    agenda) echo "GET agenda, 24 (500 booked)";; agenda-busy) echo "GET agenda, 24 ($BUSY_APPOINTMENTS booked)";; post-before) echo "POST, before ($(git -C "$BEFORE_ROOT" rev-parse --short HEAD))";;
    get-before) echo "GET /api/appointments/{id}, before ($(git -C "$BEFORE_ROOT" rev-parse --short HEAD))";;
  esac
}
pct_of_floor() { [ -f "$WORK/floor.$2.out" ] && [ "$1" != floor ] && awk -v a="$(rps "$1.$2")" -v b="$(rps "floor.$2")" 'BEGIN { printf "%.1f%%", 100 * a / b }' || echo "-"; }

row() { printf '| %-36s | %10s | %9s | %9s | %8s | %8s | %8s |\n' "$@"; }
for round in $(seq 1 "$ROUNDS"); do
  echo
  echo "== round $round ($(nproc) cores, $THREADS threads, $CONNECTIONS connections, $DURATION)"
  row scenario "requests/s" "p50 ms" "p99 ms" "% floor" non-2xx "sock err"
  row "---" "---:" "---:" "---:" "---:" "---:" "---:"
  for s in $SCENARIOS; do
    row "$(label "$s")" "$(rps "$s.$round")" "$(field "$s.$round" 50%)" "$(field "$s.$round" 99%)" "$(pct_of_floor "$s" "$round")" \
      "$(bench_field "$s.$round" non2xx)" "$(bench_field "$s.$round" socket_errors)"
  done
done

if [ "$ROUNDS" -gt 1 ]; then
  # Median over the rounds, with min–max; "% floor" is taken per round (against that round's floor), then the median.
  med() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
  span() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { print lo "–" hi }'; }
  echo
  echo "== medians over $ROUNDS rounds (min–max)"
  printf '| %-36s | %18s | %14s | %8s | %8s |\n' scenario "requests/s" "p99 ms" "% floor" "non-2xx"
  printf '| %-36s | %18s | %14s | %8s | %8s |\n' "---" "---:" "---:" "---:" "---:"
  for s in $SCENARIOS; do
    r=$(for i in $(seq 1 "$ROUNDS"); do rps "$s.$i"; echo; done | grep .)
    p=$(for i in $(seq 1 "$ROUNDS"); do field "$s.$i" 99%; echo; done | grep .)
    f=$(for i in $(seq 1 "$ROUNDS"); do pct_of_floor "$s" "$i" | tr -d '%'; echo; done | grep -v '^-$' | grep . || true)
    bad=$(for i in $(seq 1 "$ROUNDS"); do bench_field "$s.$i" non2xx; done | awk '{ t += $1 } END { print t + 0 }')
    printf '| %-36s | %18s | %14s | %8s | %8s |\n' "$(label "$s")" "$(echo "$r" | med) ($(echo "$r" | span))" \
      "$(echo "$p" | med) ($(echo "$p" | span))" "$([ -n "$f" ] && echo "$(echo "$f" | med)%" || echo -)" "$bad"
  done
fi

echo
for variant in "${!HOST_UP[@]}"; do
  db="$WORK/db-$variant/appointments.db"
  echo "host '$variant': database $(du -h "$db" | cut -f1) (+ WAL $(du -h "$db-wal" 2>/dev/null | cut -f1))"
  grep -iE 'fail|error|exception' "$WORK/host-$variant.log" | head -5 || true
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
