-- The seat-map read mix for wrk, identical against the host and nginx (CheckIn.Bench, scenario seatmap).
-- wrk -s seatmap-reads.lua <url> -- <conditionalShare> <clientsPerThread>
--   conditionalShare: share of requests sent with If-None-Match carrying the last ETag this thread received
--                     (the same spread as the .NET loop: request i is conditional when floor((i+1)s) > floor(i*s)).
--   clientsPerThread: 0 = no X-Forwarded-For; n > 0 = each thread speaks for n clients of its own, addresses
--                     10.t.x.y (t = thread), one after another per request, so every client gets an even share.
-- Counts statuses and problem codes per thread; done() prints them as "checkin-bench ..." lines after wrk's report.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local share = 0
local clients = 0
local plain = {}
local conditional = {}
local conditional_tag = {}
local etag = nil
local n = 0
statuses = {}
errors = {}

local function address(k)
  return string.format("10.%d.%d.%d", id % 256, math.floor(k / 250), k % 250 + 1)
end

local function headers(k, tag)
  local h = {}
  if clients > 0 then
    h["X-Forwarded-For"] = address(k)
  end
  if tag then
    h["If-None-Match"] = tag
  end
  return h
end

function init(args)
  share = tonumber(args[1] or "0")
  clients = tonumber(args[2] or "0")
  for k = 0, math.max(clients, 1) - 1 do
    plain[k] = wrk.format("GET", wrk.path, headers(k, nil))
  end
end

function request()
  local k = clients > 0 and n % clients or 0
  local revalidate = math.floor((n + 1) * share) > math.floor(n * share)
  n = n + 1
  if revalidate and etag then
    if conditional_tag[k] ~= etag then
      conditional[k] = wrk.format("GET", wrk.path, headers(k, etag))
      conditional_tag[k] = etag
    end
    return conditional[k]
  end
  return plain[k]
end

function response(status, h, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local tag = h["ETag"] or h["Etag"] or h["etag"]
  if tag then
    etag = tag
  end
  if status ~= 200 and status ~= 304 then
    local code = body and string.match(body, '"code"%s*:%s*"([^"]+)"')
    local kind = code and (key .. " " .. code) or key
    errors[kind] = (errors[kind] or 0) + 1
  end
end

function done(summary, latency, requests)
  local out = {}
  local function line(...)
    table.insert(out, table.concat({ "checkin-bench", ... }, " "))
  end
  line("requests", summary.requests)
  line("duration_us", summary.duration)
  line("socket_errors", summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout)
  for _, p in ipairs({ 50, 75, 90, 99, 99.9 }) do
    line("latency_us", p, latency:percentile(p))
  end
  line("latency_us", "max", latency.max)
  local s, e = {}, {}
  for _, thread in ipairs(threads) do
    for k, v in pairs(thread:get("statuses") or {}) do s[k] = (s[k] or 0) + v end
    for k, v in pairs(thread:get("errors") or {}) do e[k] = (e[k] or 0) + v end
  end
  for k, v in pairs(s) do line("status", k, v) end
  for k, v in pairs(e) do line("error", v, k) end
  io.write(table.concat(out, "\n") .. "\n")
end
