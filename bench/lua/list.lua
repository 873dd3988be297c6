-- GET /api/appointments?limit=20 as the user in $TOKEN_FILE (first line): the first page of 20, whether the
-- user has 20 appointments or 20,000.
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local req
response = common.counter(common.is_2xx)

function init(args)
  req = wrk.format("GET", "/api/appointments?limit=20", { ["Authorization"] = "Bearer " .. common.lines(os.getenv("TOKEN_FILE"))[1] })
end

function request()
  return req
end
