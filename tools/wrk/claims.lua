-- wrk script: POST /api/v1/drops/{id}/claims with a customer token per request, taken in turn from a
-- file of tokens (tokens.py). Arguments after "--": <claims path> <token file>.
-- A file with more tokens than the run sends: every claim is a new customer's. A small file: the
-- same customers again and again (retries of claims already made: the duplicate answers).
-- Assumes wrk -t2 (two threads interleave their customers).
local tokens = {}
local path
local counter = 0
local n_threads = 0

function setup(thread)
  thread:set("id", n_threads)
  n_threads = n_threads + 1
end

function init(args)
  path = args[1]
  for line in io.lines(args[2]) do tokens[#tokens + 1] = line end
end

function request()
  counter = counter + 1
  local i = ((counter * 2 + id) % #tokens) + 1
  return wrk.format("POST", path, {["Authorization"] = "Bearer " .. tokens[i], ["Idempotency-Key"] = "k"}, nil)
end

function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.0f p50_ms=%.1f p99_ms=%.1f non2xx=%d errors_connect=%d read=%d timeout=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.timeout))
end
