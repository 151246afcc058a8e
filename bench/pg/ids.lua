-- bench/pg/ids.lua: a wrk script for bench/pg/run.sh. Each request GETs
-- /api/v1/contacts/{id} with an id drawn at random from a file (one id a
-- line), so the reads spread over the whole account instead of hitting one
-- cached row; with a list path and N, every Nth request GETs that path
-- instead (a mixed read load). The bearer token comes from wrk's -H.
-- Usage: wrk ... -s bench/pg/ids.lua URL -- IDS_FILE [SEED [LIST_PATH N]]
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local ids = {}
local list, every, n = nil, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  if #ids == 0 then error("no ids in " .. args[1]) end
  math.randomseed((tonumber(args[2]) or 1) * 1000 + (tid or 0))
  list = args[3]
  every = tonumber(args[4] or "0") or 0
end

function request()
  n = n + 1
  if list and every > 0 and n % every == 0 then return wrk.format("GET", list) end
  return wrk.format("GET", "/api/v1/contacts/" .. ids[math.random(#ids)])
end
