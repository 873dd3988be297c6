-- POST /api/appointments with a body no other request of any run has used: doctor "dr-<run>-<thread>-<n>"
-- (RUN names the wrk invocation, so the warm-up and the measured run never collide), start times spread
-- over 2,000 hours from 2027-01-04 (so start-hour index keys stay as small as in a real clinic), and the
-- caller cycling over the tokens in $TOKENS_FILE (one user per token, so no user's list grows without end).
-- Every answer but 201 is counted and reported by done().
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local tokens, run, n = nil, nil, 0
local base = 1799020800 -- 2027-01-04 00:00:00 UTC
response = common.counter(function(status) return status == 201 end)

function init(args)
  tokens = common.lines(os.getenv("TOKENS_FILE"))
  for i, t in ipairs(tokens) do tokens[i] = "Bearer " .. t end
  run = os.getenv("RUN") or "run"
end

function request()
  n = n + 1
  local body = string.format(
    '{"doctor":"dr-%s-%d-%d","date_time":"%s","email":"patient%d@example.com","reminder_method":"email"}',
    run, id, n, os.date("!%Y-%m-%d %H:%M:%S", base + (n % 2000) * 3600), n % 1000)
  return wrk.format("POST", "/api/appointments", {
    ["Authorization"] = tokens[((n * 7 + id) % #tokens) + 1],
    ["Content-Type"] = "application/json",
  }, body)
end
