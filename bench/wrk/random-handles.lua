-- GET /api/activities/@<random handle>: a handle nobody has used, per request.
local counter = 0
local thread_id = 0

setup = function(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
end

init = function(args)
  math.randomseed(os.time() + (tid or 0) * 7919)
end

request = function()
  counter = counter + 1
  return wrk.format("GET", "/api/activities/@r" .. (tid or 0) .. "_" .. counter .. "_" .. math.random(1, 1000000000))
end
