-- GET /api/appointments/{id}, cycling over the ids in $IDS_FILE, with the token in $TOKEN_FILE (first line).
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local ids, auth, n = nil, nil, 0
ok, bad, statuses = 0, 0, ""
local counts = {}

function init(args)
  ids = common.lines(os.getenv("IDS_FILE"))
  auth = "Bearer " .. common.lines(os.getenv("TOKEN_FILE"))[1]
  n = id or 0
end

function request()
  n = n + 1
  return wrk.format("GET", "/api/appointments/" .. ids[(n % #ids) + 1], { ["Authorization"] = auth })
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else
    bad = bad + 1
    counts[status] = (counts[status] or 0) + 1
    local parts = {}
    for code, c in pairs(counts) do parts[#parts + 1] = code .. "=" .. c end
    statuses = table.concat(parts, ",")
  end
end
