wrk.method = "POST"
wrk.headers["Idempotency-Key"] = "k"
function done(summary, latency, requests)
  io.write(string.format("WRK requests=%d duration_s=%.2f rps=%.0f p50_ms=%.1f p99_ms=%.1f non2xx=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status))
end
