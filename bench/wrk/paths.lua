-- wrk script: round-robin over the paths given after `--`, with an optional fixed pause per connection
-- ("delay=MS") so that C connections offer about C*1000/MS requests per second (wrk has no rate option).
-- wrk measures latency from the write of each request, so the pause is not counted as latency.
local paths, delay_ms, n = {}, 0, 0

function init(args)
  for _, a in ipairs(args) do
    if a:sub(1, 6) == "delay=" then delay_ms = tonumber(a:sub(7)) else paths[#paths + 1] = a end
  end
  if #paths == 0 then paths[1] = wrk.path end
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end

function delay()
  return delay_ms
end
