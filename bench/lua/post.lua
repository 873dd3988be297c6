-- POST /api/appointments, every booking unique across all runs against one host: no two share a doctor, and no
-- patient meets the same time twice (the clinic rules refuse a patient's overlapping visits with 409).
--
-- Request k (k = K0 + n * threads + thread id; run-http.sh gives every wrk run, warm-up included, its own
-- block of k) is booked by patient p = k % P, as their visit j = k / P, at half-hour slot
-- (j * STEP + p * stride) % SLOTS after BASE. STEP is a prime that does not divide SLOTS, so for one patient
-- different j give different slots (a bijection while j < SLOTS), and a patient's visits land all over the
-- year, a few a month, as a clinic's patients' do, instead of a run of consecutive half-hours (SPREAD=0 books
-- those: step 1, every visit of a run in the same month). BASE is at least an hour ahead (the minimum notice) and
-- BASE + SLOTS half-hours stays inside the 365-day horizon. Patients are the tokens in $TOKENS_FILE; the doctor
-- is "dr-<RUN>-<thread>-<n>".
-- DOCTORS=50 books the clinic-shaped load of issue 18 instead: DOCTORS doctors shared by every run ("dr-clinic-<d>",
-- d = k % DOCTORS), each booking its half-hours one after another (slot k / DOCTORS): a doctor's day fills up, and
-- bookings of one doctor's day really compete. A patient (p = k % P, P a multiple of DOCTORS) then always books the
-- same doctor, 20 half-hours apart, so never twice at one time. The slots run on from each run's block of k, and
-- run-http.sh keeps the blocks of each host small enough for two rounds to stay inside the horizon.
-- IDEMPOTENCY=1 sends a unique Idempotency-Key with every request. Every answer but 201 is counted.
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local tokens, run, n, threads, k0, base, slots, stride, step, keyed, doctors
response = common.counter(function(status) return status == 201 end)

function init(args)
  tokens = common.lines(os.getenv("TOKENS_FILE"))
  for i, t in ipairs(tokens) do tokens[i] = "Bearer " .. t end
  run = os.getenv("RUN") or "run"
  threads = tonumber(os.getenv("THREADS") or "1")
  k0 = tonumber(os.getenv("K0") or "0")
  base = tonumber((assert(os.getenv("BASE"), "BASE (unix seconds of the first slot) is required")))
  slots = tonumber(os.getenv("SLOTS") or "17000")
  stride = math.floor(slots / #tokens)
  step = 1
  if os.getenv("SPREAD") ~= "0" then
    step = 7919
    if slots % step == 0 then step = 7927 end
  end
  keyed = os.getenv("IDEMPOTENCY") == "1"
  doctors = tonumber(os.getenv("DOCTORS") or "0")
  n = 0
end

function request()
  local k = k0 + n * threads + id
  n = n + 1
  local p = k % #tokens
  local slot = (math.floor(k / #tokens) * step + p * stride) % slots
  local doctor = string.format("dr-%s-%d-%d", run, id, n)
  if doctors > 0 then
    slot = math.floor(k / doctors)
    doctor = string.format("dr-clinic-%d", k % doctors)
  end
  local body = string.format(
    '{"doctor":"%s","date_time":"%s","email":"patient%d@example.com","reminder_method":"email"}',
    doctor, os.date("!%Y-%m-%d %H:%M:%S", base + slot * 1800), p)
  local headers = { ["Authorization"] = tokens[p + 1], ["Content-Type"] = "application/json" }
  if keyed then headers["Idempotency-Key"] = run .. "-" .. k end
  return wrk.format("POST", "/api/appointments", headers, body)
end
