-- wrk script: POST /api/activities as one caller (bench/timeline).
-- Arguments after `--`: user=HANDLE (sent as X-Cruddur-User; the gateway must run with Cruddur__TrustCallerHeader=true)
-- and optionally ttl=TTL (default 1-day). Each connection posts in a closed loop; the message carries a counter.
local user, ttl, n = "andrewbrown", "1-day", 0
local id = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end

function init(args)
  for _, a in ipairs(args) do
    if a:sub(1, 5) == "user=" then user = a:sub(6)
    elseif a:sub(1, 4) == "ttl=" then ttl = a:sub(5) end
  end
  wrk.method = "POST"
  wrk.path = "/api/activities"
  wrk.headers["X-Cruddur-User"] = user
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  return wrk.format(nil, nil, nil, string.format('{"message":"bench post %d-%d","ttl":"%s"}', id or 0, n, ttl))
end
