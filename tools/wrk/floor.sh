#!/usr/bin/env bash
# Dropwise against its floor, measured side by side on this machine with wrk (docs/benchmarks.md, "Against
# the floor"): a bare Jetty 12 handler answering every POST 201 (the floor; sent a plain POST, then the same
# requests as the claims, each with its own bearer token), then the Dropwise claim path:
# new claims (durable), sold-out answers and duplicate answers, at 64 and 256 connections.
# Needs: wrk, python3, a built tree (mvn -q -DskipTests package), ~/.m2 holding the Felix Jetty bundle.
# Usage: tools/wrk/floor.sh [seconds per run, default 10]. Stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_PER_RUN=${1:-10}
WORK=$(mktemp -d)
FLOOR_PORT=19090
DW_PORT=19091
PASSWORD='Floor-Benchmark-Password-42'
M2=${M2_REPO:-$HOME/.m2/repository}
CP="$M2/org/apache/felix/org.apache.felix.http.jetty12/1.1.8/org.apache.felix.http.jetty12-1.1.8.jar:$M2/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar:$M2/jakarta/servlet/jakarta.servlet-api/6.0.0/jakarta.servlet-api-6.0.0.jar"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

SECRET=$(head -c 32 /dev/urandom | xxd -p -c 64)
java -cp "$CP" tools/wrk/BareJetty.java $FLOOR_PORT > "$WORK/floor.log" 2>&1 & PIDS+=($!)
# tuned for the measurement: 256 claims decided at once, and Jetty threads for them
DROPWISE_TOKEN_SECRET=$SECRET DROPWISE_ADMIN_PASSWORD=$PASSWORD DROPWISE_HTTP_PORT=$DW_PORT DROPWISE_DATA="$WORK/data" \
  DROPWISE_CLAIMS_MAX_IN_FLIGHT=256 JDK_JAVA_OPTIONS="-Dorg.apache.felix.http.jetty.threadpool.max=400" \
  java -jar runtime/target/dropwise.jar > "$WORK/dropwise.log" 2>&1 & PIDS+=($!)
python3 tools/wrk/tokens.py "$SECRET" fresh64 400000 "$WORK/fresh64.txt"
python3 tools/wrk/tokens.py "$SECRET" fresh256 400000 "$WORK/fresh256.txt"
python3 tools/wrk/tokens.py "$SECRET" soldout 150000 "$WORK/soldout.txt"
python3 tools/wrk/tokens.py "$SECRET" repeat 4000 "$WORK/repeat.txt"
for i in $(seq 1 60); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "localhost:$DW_PORT/system/health?tags=ready")" = 200 ] && \
  [ "$(curl -s -o /dev/null -w '%{http_code}' -X POST "localhost:$FLOOR_PORT/")" = 201 ] && break
  sleep 1
done
drop() { # title, stock (or "draw": a draw drop of 100 winners)
  local kind="\"kind\":\"stock\",\"stock\":$2"; [ "$2" = draw ] && kind="\"kind\":\"draw\",\"winners\":100"
  curl -sf -u "admin:$PASSWORD" -H 'Content-Type: application/json' -d "{\"title\":\"$1\",\"reward\":\"A coffee\",$kind,\"opensAt\":\"2026-01-01T00:00:00Z\",\"tierOffsets\":{\"employee\":\"PT0S\",\"vip\":\"PT0S\",\"standard\":\"PT0S\"}}" \
    "localhost:$DW_PORT/admin/v1/drops" | python3 -c 'import sys, json; print(json.load(sys.stdin)["id"])'
}
BIG64=$(drop big64 5000000); BIG256=$(drop big256 5000000); ONE=$(drop one 1); REPEAT=$(drop repeat 5000000); WARM=$(drop warm 5000000)
python3 tools/wrk/tokens.py "$SECRET" warm 100000 "$WORK/warm.txt"
ENTRIES=$(drop entries draw)
python3 tools/wrk/tokens.py "$SECRET" entry64 400000 "$WORK/entry64.txt"
python3 tools/wrk/tokens.py "$SECRET" entry256 400000 "$WORK/entry256.txt"
# warm-up (the JIT: C2 still compiles for tens of seconds into a load): new claims on a drop of their own,
# sold-out answers, and the floor
wrk -t2 -c64 -d${SECONDS_PER_RUN}s -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$WARM/claims" "$WORK/warm.txt" > /dev/null
wrk -t2 -c64 -d${SECONDS_PER_RUN}s -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$ONE/claims" "$WORK/warm.txt" > /dev/null
wrk -t2 -c64 -d${SECONDS_PER_RUN}s -s tools/wrk/claims.lua "http://127.0.0.1:$FLOOR_PORT" -- "/api/v1/drops/x/claims" "$WORK/warm.txt" > /dev/null
run() { local what=$1; shift; echo "$what: $(wrk -t2 -d${SECONDS_PER_RUN}s "$@" | grep WRK)"; }
# the duplicates' customers claim once first; the sold-out drop's one unit goes to the first claim
wrk -t2 -c16 -d4s -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$REPEAT/claims" "$WORK/repeat.txt" > /dev/null
run "floor POST, 64 connections" -c64 -s tools/wrk/post.lua "http://127.0.0.1:$FLOOR_PORT/api/v1/drops/x/claims"
# the same floor sent the very requests the claims runs send (a new bearer token each, wrk's Lua per request)
run "floor, claim requests, 64" -c64 -s tools/wrk/claims.lua "http://127.0.0.1:$FLOOR_PORT" -- "/api/v1/drops/x/claims" "$WORK/fresh64.txt"
run "dropwise new claims, 64" -c64 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$BIG64/claims" "$WORK/fresh64.txt"
run "floor POST, 256 connections" -c256 -s tools/wrk/post.lua "http://127.0.0.1:$FLOOR_PORT/api/v1/drops/x/claims"
run "floor, claim requests, 256" -c256 -s tools/wrk/claims.lua "http://127.0.0.1:$FLOOR_PORT" -- "/api/v1/drops/x/claims" "$WORK/fresh256.txt"
run "dropwise new claims, 256" -c256 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$BIG256/claims" "$WORK/fresh256.txt"
run "dropwise draw entries, 64" -c64 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$ENTRIES/claims" "$WORK/entry64.txt"
run "dropwise draw entries, 256" -c256 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$ENTRIES/claims" "$WORK/entry256.txt"
run "dropwise sold-out, 64" -c64 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$ONE/claims" "$WORK/soldout.txt"
run "dropwise sold-out, 256" -c256 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$ONE/claims" "$WORK/soldout.txt"
run "dropwise duplicates, 64" -c64 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$REPEAT/claims" "$WORK/repeat.txt"
run "dropwise duplicates, 256" -c256 -s tools/wrk/claims.lua "http://127.0.0.1:$DW_PORT" -- "/api/v1/drops/$REPEAT/claims" "$WORK/repeat.txt"
run "floor POST, 64 connections, again" -c64 -s tools/wrk/post.lua "http://127.0.0.1:$FLOOR_PORT/api/v1/drops/x/claims"
for d in $BIG64 $BIG256 $ONE $REPEAT $WARM; do
  curl -s -u "admin:$PASSWORD" "localhost:$DW_PORT/admin/v1/drops/$d" | python3 -c 'import sys, json; d = json.load(sys.stdin); print("drop", d["title"], "claimed", d["stats"]["claimed"], "of", d["stock"])'
done
# a run that sent more requests than its token file holds went round to customers who had claimed: its
# figure then mixes in duplicate answers (the counts above show it: claimed = the file's 400,000)
curl -s -u "admin:$PASSWORD" "localhost:$DW_PORT/admin/v1/drops/$ENTRIES" | python3 -c 'import sys, json; d = json.load(sys.stdin); print("drop", d["title"], "entries", d["stats"]["entries"])'

echo "dropwise peak resident memory: $(grep VmHWM /proc/${PIDS[1]}/status | tr -s ' ')"
