-- wrk script: count responses by outcome (bench/run.py's fault runs), across threads.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok, stale, s500, s503, other = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status == 200 and headers["X-Page-Cache"] == "stale" then
    stale = stale + 1
  elseif status < 400 then
    ok = ok + 1
  elseif status == 500 then
    s500 = s500 + 1
  elseif status == 503 then
    s503 = s503 + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local totals = {ok = 0, stale = 0, s500 = 0, s503 = 0, other = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do
      totals[name] = totals[name] + thread:get(name)
    end
  end
  io.write(string.format("Status counts: ok %d, stale %d, 500 %d, 503 %d, other %d\n",
                         totals.ok, totals.stale, totals.s500, totals.s503, totals.other))
end
