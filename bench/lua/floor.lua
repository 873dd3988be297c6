-- GET /ping on the floor app; only counts answers.
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

ok, bad, statuses = 0, 0, ""
local counts = {}

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1 else
    bad = bad + 1
    counts[status] = (counts[status] or 0) + 1
    local parts = {}
    for code, c in pairs(counts) do parts[#parts + 1] = code .. "=" .. c end
    statuses = table.concat(parts, ",")
  end
end
