-- GET /api/appointments/{id}, cycling over the ids in $IDS_FILE, with the token in $TOKEN_FILE (first line).
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local ids, auth, n = nil, nil, 0
response = common.counter(common.is_2xx)

function init(args)
  ids = common.lines(os.getenv("IDS_FILE"))
  auth = "Bearer " .. common.lines(os.getenv("TOKEN_FILE"))[1]
  n = id or 0
end

function request()
  n = n + 1
  return wrk.format("GET", "/api/appointments/" .. ids[(n % #ids) + 1], { ["Authorization"] = auth })
end
