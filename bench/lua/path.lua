-- GET $URL_PATH (path and query) as the user in $TOKEN_FILE (first line); only counts answers.
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

local req
response = common.counter(common.is_2xx)

function init(args)
  req = wrk.format("GET", os.getenv("URL_PATH"), { ["Authorization"] = "Bearer " .. common.lines(os.getenv("TOKEN_FILE"))[1] })
end

function request()
  return req
end
