#!/usr/bin/env bash
# The PostgreSQL goal of the scale issue, measured side by side: what one claim per transaction on a single
# stock row gets from pgbench (the floor), then Dropwise's group commit on the same machine
# (ClaimCommitBenchmark, the store's real commit path, one batch after the other on one drop).
# Needs: PostgreSQL server binaries (initdb, pg_ctl, pgbench: apt-get install postgresql), a built tree.
# Usage: tools/pgbench/hot-row.sh [seconds per pgbench run, default 10]. Stops the server it started.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-10}
BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$BIN/pgbench" ] || { echo "pgbench not found: apt-get install postgresql" >&2; exit 3; }
WORK=$(mktemp -d); chmod 755 "$WORK"
PORT=15432
AS=(); [ "$(id -u)" = 0 ] && AS=(runuser -u postgres --)
mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
cleanup() { "${AS[@]}" "$BIN/pg_ctl" stop -m fast -D "$WORK/pg" > /dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
"${AS[@]}" "$BIN/initdb" -D "$WORK/pg" -U dropwise --auth=trust > /dev/null
# the settings a throwaway test server runs with (ThrowawayPostgres): durable commits, defaults otherwise
"${AS[@]}" "$BIN/pg_ctl" start -w -D "$WORK/pg" -l "$WORK/pg/server.log" -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=200" > /dev/null
PSQL=("$BIN/psql" -q -h 127.0.0.1 -p $PORT -U dropwise -d postgres -v ON_ERROR_STOP=1)
# the store's migrations in order, each in its PostgreSQL version where it has one (V4__x.postgresql.sql)
for f in $(ls bundles/io.dropwise.store/src/main/resources/io/dropwise/store/internal/V*.sql | grep -v '\.postgresql\.sql$' | sort -V); do
  own=${f%.sql}.postgresql.sql; [ -f "$own" ] && f=$own; "${PSQL[@]}" -f "$f" > /dev/null
done
"${PSQL[@]}" -c "INSERT INTO drops VALUES ('d-hot', 'hot row', 'a coffee', 'STOCK', 2000000000, NULL, 0, 0, 0, 0, NULL, 1, '[]', 'DENY', 'x', 'x', 0, 0, NULL)" > /dev/null
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}'), synchronous_commit $("${PSQL[@]}" -Atc 'SHOW synchronous_commit')"
for c in 1 16 64; do
  echo "pgbench, one claim per transaction on one stock row, $c clients: $("$BIN/pgbench" -n -h 127.0.0.1 -p $PORT -U dropwise -c $c -j 2 -T "$SECS" -f tools/pgbench/hot-row.sql postgres 2>&1 | grep -E '^tps|latency average' | tr '\n' ' ')"
done
echo "claims written: $("${PSQL[@]}" -Atc "SELECT claimed FROM drops WHERE id = 'd-hot'")"
"${AS[@]}" "$BIN/pg_ctl" stop -m fast -D "$WORK/pg" > /dev/null
echo "Dropwise group commit (ClaimCommitBenchmark on a throwaway PostgreSQL of its own):"
mvn -B -q -o -Pbenchmarks -DskipTests test -pl bundles/io.dropwise.store -am \
  -Djmh.args="ClaimCommitBenchmark -p store=POSTGRESQL -f 1 -wi 3 -w 1s -i 5 -r 1s" 2>&1 | grep -E "^Benchmark|ClaimCommitBenchmark\.|^#.*(Run complete)" || true
