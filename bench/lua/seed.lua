-- Books every body in $BODIES_FILE once (POST /api/appointments, as the admin in $TOKEN_FILE), the bodies shared out
-- over the $THREADS threads; each thread stops once all of its bookings are answered. done() reports 201s as 2xx.
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup

local bodies, auth, health, sent, answered = {}, nil, nil, 0, 0
local count = common.counter(function(status) return status == 201 end)

function init(args)
  local all = common.lines(os.getenv("BODIES_FILE"))
  local threads = tonumber(os.getenv("THREADS"))
  for i = id + 1, #all, threads do bodies[#bodies + 1] = all[i] end
  auth = "Bearer " .. common.lines(os.getenv("TOKEN_FILE"))[1]
  -- Built here, not at load: wrk adds the Host header only once the target is known.
  health = wrk.format("GET", "/health/live")
end

function request()
  sent = sent + 1
  if sent > #bodies then return health end
  return wrk.format("POST", "/api/appointments", { ["Authorization"] = auth, ["Content-Type"] = "application/json" }, bodies[sent])
end

-- Only the bookings count (200 is the health check a finished connection sends until its thread stops).
function response(status, headers, body)
  if status == 200 then return end
  count(status, headers, body)
  answered = answered + 1
  if answered >= #bodies then wrk.thread:stop() end
end

done = common.done
