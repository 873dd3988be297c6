-- GET /ping on the floor app; only counts answers.
package.path = (os.getenv("LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.done

response = common.counter(common.is_2xx)
