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

-- A response() hook that counts answers into the thread's globals ok, bad and statuses, which done() reads.
-- is_ok(status) says which answers count as success.
function M.counter(is_ok)
  ok, bad, statuses = 0, 0, ""
  local counts = {}
  return function(status, headers, body)
    if is_ok(status) then ok = ok + 1 else
      bad = bad + 1
      counts[status] = (counts[status] or 0) + 1
      local parts = {}
      for code, c in pairs(counts) do parts[#parts + 1] = code .. "=" .. c end
      statuses = table.concat(parts, ",")
    end
  end
end

function M.is_2xx(status)
  return status >= 200 and status < 300
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
