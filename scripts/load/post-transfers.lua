-- wrk script: each thread POSTs its own slice of pre-signed transfer bodies, in order, and
-- records the id of every settled receipt it was given (one file per thread).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local file = args[1]
  local total_threads = tonumber(args[2])
  acks = io.open(args[3] .. "." .. index, "w")
  exhausted_marker = args[3] .. "-exhausted." .. index
  exhausted = false
  bodies = {}
  local n = 0
  for line in io.lines(file) do
    if n % total_threads == index then table.insert(bodies, line) end
    n = n + 1
  end
  next_body = 1
  errors = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  if next_body > #bodies then
    -- Out of bodies: ask for something cheap instead of resending (a resend would be a replay),
    -- and leave a mark, so that the load test says its rate is only a floor.
    if not exhausted then
      exhausted = true
      local marker = io.open(exhausted_marker, "w")
      if marker then marker:close() end
    end
    return wrk.format("GET", "/healthz")
  end
  local body = bodies[next_body]
  next_body = next_body + 1
  return wrk.format("POST", "/v1/transfers", nil, body)
end

function response(status, headers, body)
  if status == 200 then
    local id = string.match(body, '"id":"(%x+)"')
    local settled = string.find(body, '"status":"settled"', 1, true)
    if id and settled then acks:write(id, "\n") acks:flush() end
  elseif status ~= 200 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  io.write(string.format("latency_p50_ms %.2f\nlatency_p99_ms %.2f\nrequests %d\nsocket_errors %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
