-- Shared by the wrk scripts: read lines from a file, count non-2xx answers per thread, report them in done().
local M = {}

function M.lines(path)
  local out = {}
  local f = assert(io.open(path, "r"), "cannot open " .. path)
  for line in f:lines() do
    if #line > 0 then out[#out + 1] = line end
  end
  f:close()
  return out
end

-- setup()/done() run in the main Lua state; each thread has its own state with its own counters.
M.threads = {}

function M.setup(thread)
  thread:set("id", #M.threads)
  M.threads[#M.threads + 1] = thread
end

function M.done(summary)
  local ok, bad, statuses = 0, 0, {}
  for _, t in ipairs(M.threads) do
    ok = ok + (t:get("ok") or 0)
    bad = bad + (t:get("bad") or 0)
    local s = t:get("statuses") or ""
    for code, n in string.gmatch(s, "(%d+)=(%d+)") do
      statuses[code] = (statuses[code] or 0) + tonumber(n)
    end
  end
  local parts = {}
  for code, n in pairs(statuses) do parts[#parts + 1] = code .. "=" .. n end
  table.sort(parts)
  io.write(string.format("BENCH 2xx=%d non2xx=%d statuses=%s socket_errors=%d\n",
    ok, bad, table.concat(parts, ","),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end

return M
