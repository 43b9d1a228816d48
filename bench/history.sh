#!/usr/bin/env bash
# What the change history costs: replace-all through the service built before the change log (from git)
# and as it is, and the same SQL transaction under pgbench with and without the change log's statement,
# side by side in one run; then many open event streams on one replica, their memory, and the delay from a
# write to its event under write load.
# Usage: bench/history.sh [seconds per measured run] [seconds of warm-up] [streams] [writers]
# Needs what bench/run.sh needs, and JDK 25 ($JAVA25) for the stream client's virtual threads.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

export JAVA_OPTS=${JAVA_OPTS-"-XX:MaxRAM=512m -XX:MaxRAMPercentage=50 -XX:+ExitOnOutOfMemoryError"}
DURATION=${1:-20}
WARMUP=${2:-30}
STREAMS=${3:-1000}
WRITERS=${4:-4}
CONNECTIONS=16
DATABASE=goalkeeper_bench_history
WORK=$(mktemp -d)
SERVICE_PID=
trap 'if [ -n "$SERVICE_PID" ]; then kill "$SERVICE_PID" 2>/dev/null || true; wait "$SERVICE_PID" 2>/dev/null || true; fi
      git worktree remove --force "$WORK/baseline" 2>/dev/null || true; rm -rf "$WORK"' EXIT
# a socket a stream, on both sides
ulimit -n "$(ulimit -Hn)"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
fresh_database "$DATABASE"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
# The service as it was before the change log (the parent of the commit that added its migration),
# built once into $WORK, on a database of its own: replace-all through both, side by side.
BASELINE_REV=${BASELINE_REV:-$(git log -1 --format=%H --diff-filter=A -- src/main/resources/db/migration/V8__record_goal_changes.sql)^}
git worktree add -q --detach "$WORK/baseline" "$BASELINE_REV"
(cd "$WORK/baseline" && ./mvnw -B -q package -DskipTests)
fresh_database "${DATABASE}_baseline"

# start_service <jar> <database>: sets SERVICE_PID and PORT.
start_service() {
    PORT=$(free_port)
    QUARKUS_HTTP_PORT=$PORT \
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$2 \
    QUARKUS_DATASOURCE_USERNAME=$ROLE \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION=$PWD/dev/jwt/public.pem \
    GOALKEEPER_SYNC_INTERVAL=off \
        java ${JAVA_OPTS:-} -jar "$1" > "$WORK/service.log" 2>&1 &
    SERVICE_PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
        kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
        sleep 0.02
    done
}
stop_service() {
    kill "$SERVICE_PID"; wait "$SERVICE_PID" 2>/dev/null || true; SERVICE_PID=
}
java bench/MintTokens.java dev/jwt/private.pem $CONNECTIONS > "$WORK/tokens"

wrk_replace_all() {
    BENCH_SCENARIO=replace-all BENCH_TOKENS=$WORK/tokens wrk -t$CONNECTIONS -c$CONNECTIONS -d"$1"s --latency \
        -s bench/wrk-users.lua "http://127.0.0.1:$PORT"
}
# replace_all_rps <jar> <database>: warms a fresh process up, then sets RPS to its requests per second.
replace_all_rps() {
    start_service "$1" "$2"
    wrk_replace_all "$WARMUP" > /dev/null
    RPS=$(wrk_replace_all "$DURATION" | awk '/Requests\/sec/ { print $2 }')
    stop_service
}
replace_all_rps "$WORK/baseline/target/quarkus-app/quarkus-run.jar" "${DATABASE}_baseline"
BASELINE_RPS=$RPS
replace_all_rps target/quarkus-app/quarkus-run.jar "$DATABASE"
SERVICE_RPS=$RPS
replace_all_rps "$WORK/baseline/target/quarkus-app/quarkus-run.jar" "${DATABASE}_baseline"
BASELINE_AGAIN_RPS=$RPS
start_service target/quarkus-app/quarkus-run.jar "$DATABASE"

# pgbench, one client per user as wrk has one connection per user; prints the summed tps.
pgbench_tps() {
    local user pids=()
    for user in $(seq 1 $CONNECTIONS); do
        local variables=()
        while IFS= read -r line; do
            variables+=(-D "$line")
        done < <("${PSQL[@]}" -At -v user="$user" -f bench/pgbench-variables.sql "$DATABASE")
        pgbench -n -h 127.0.0.1 -U $ROLE -M prepared -c 1 -j 1 -T "$DURATION" "${variables[@]}" \
            -f "$1" "$DATABASE" > "$WORK/pgbench-$user.txt" 2>&1 &
        pids+=($!)
    done
    local pid
    for pid in "${pids[@]}"; do
        wait "$pid" || { cat "$WORK"/pgbench-*.txt >&2; exit 1; }
    done
    awk '/^tps/ { total += $3 } END { printf "%.0f\n", total }' "$WORK"/pgbench-*.txt
}
# The replace-all transaction with the collection's version kept (\gset) and the change log's statement.
sed -e 's/^returning c.version, now() as now;$/returning c.version, now() as now \\gset/' -e '/^COMMIT;$/d' \
    bench/pgbench-replace-all.sql > "$WORK/replace-all-logged.sql"
cat bench/pgbench-record-changes.sql >> "$WORK/replace-all-logged.sql"
echo 'COMMIT;' >> "$WORK/replace-all-logged.sql"
WITHOUT=$(pgbench_tps bench/pgbench-replace-all.sql)
WITH=$(pgbench_tps "$WORK/replace-all-logged.sql")
WITHOUT_AGAIN=$(pgbench_tps bench/pgbench-replace-all.sql)

echo
echo "change history benchmark: $CONNECTIONS connections of distinct users, ${DURATION}s a run, $(nproc) cores"
echo "replace-all through the service: before the change log $BASELINE_RPS requests/s, with it $SERVICE_RPS," \
    "before again $BASELINE_AGAIN_RPS" \
    "($(awk -v a="$SERVICE_RPS" -v b="$BASELINE_RPS" -v c="$BASELINE_AGAIN_RPS" 'BEGIN { printf "%.0f%%", 100 * (1 - 2 * a / (b + c)) }') less)"
echo "replace-all under pgbench: without the log $WITHOUT tps, with it $WITH tps, without again $WITHOUT_AGAIN tps" \
    "($(awk -v a="$WITH" -v b="$WITHOUT" -v c="$WITHOUT_AGAIN" 'BEGIN { printf "%.0f%%", 100 * (1 - 2 * a / (b + c)) }') less)"
echo "change sets kept: $("${PSQL[@]}" -At -c 'select count(*) from change_sets' "$DATABASE")," \
    "$("${PSQL[@]}" -At -c "select pg_size_pretty(pg_total_relation_size('change_sets') + pg_total_relation_size('goal_changes'))" "$DATABASE")"
"$JAVA25" bench/StreamLoad.java "$PORT" dev/jwt/private.pem "$SERVICE_PID" "$STREAMS" "$WRITERS" "$DURATION"
