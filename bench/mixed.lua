-- wrk script for the mixed run (bench/mixed.py): each request asks for a path drawn from
-- a weighted list, and each response is counted by status class and by what the caches
-- said (X-Edge-Cache from Varnish; X-Page-Cache from the app, for what reached it).
--
--   wrk ... -s bench/mixed.lua http://127.0.0.1:PORT -- MIX_FILE
--
-- MIX_FILE has one "<cumulative weight> <path>" a line, weights growing.
local threads = {}
local names = {"s2xx", "s3xx", "s4xx", "s5xx", "page_hit", "page_miss", "page_stale",
               "page_degraded", "page_coalesced", "page_none", "edge_hit", "edge_miss"}

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  paths, bounds = {}, {}
  for line in io.lines(args[1]) do
    local bound, path = line:match("^(%S+) (%S+)$")
    table.insert(bounds, tonumber(bound))
    table.insert(paths, path)
  end
  total = bounds[#bounds]
  math.randomseed(os.time() * 100 + id)
  for _, name in ipairs(names) do
    _G[name] = 0
  end
end

function request()
  -- The first path whose cumulative weight reaches a uniform draw (binary search).
  local draw, low, high = math.random() * total, 1, #bounds
  while low < high do
    local middle = math.floor((low + high) / 2)
    if bounds[middle] < draw then
      low = middle + 1
    else
      high = middle
    end
  end
  return wrk.format(nil, paths[low])
end

local function count(name)
  _G[name] = _G[name] + 1
end

function response(status, headers, body)
  if status < 300 then
    count("s2xx")
  elseif status < 400 then
    count("s3xx")
  elseif status < 500 then
    count("s4xx")
  else
    count("s5xx")
  end
  -- Behind Varnish, a copy it serves carries the header the app gave when it was
  -- fetched: the app's outcome is counted only for what reached the app.
  local edge = headers["X-Edge-Cache"]
  if edge == "hit" then
    count("edge_hit")
    return
  elseif edge == "miss" then
    count("edge_miss")
  end
  local page = headers["X-Page-Cache"]
  if page == "hit" or page == "miss" or page == "stale" or page == "degraded"
      or page == "coalesced" then
    count("page_" .. page)
  else
    count("page_none")
  end
end

function done(summary, latency, requests)
  local parts = {}
  for _, name in ipairs(names) do
    local total = 0
    for _, thread in ipairs(threads) do
      total = total + thread:get(name)
    end
    table.insert(parts, string.format("%s=%d", name, total))
  end
  table.insert(parts, string.format("p50_us=%d", latency:percentile(50)))
  table.insert(parts, string.format("p99_us=%d", latency:percentile(99)))
  table.insert(parts, string.format("max_us=%d", latency.max))
  io.write("Mixed counts: " .. table.concat(parts, " ") .. "\n")
end
