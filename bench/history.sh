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

export JAVA_OPTS=${JAVA_OPTS-$DEPLOYMENT_JAVA_OPTS}
DURATION=${1:-20}
WARMUP=${2:-30}
STREAMS=${3:-1000}
WRITERS=${4:-4}
CONNECTIONS=16
DATABASE=goalkeeper_bench_history
WORK=$(mktemp -d)
SERVICE_PID=
BASELINE_PID=
trap 'for pid in $SERVICE_PID $BASELINE_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
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

# start_service <jar> <database> <log>: sets SERVICE_PID and PORT.
start_service() {
    PORT=$(free_port)
    QUARKUS_HTTP_PORT=$PORT \
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$2 \
    QUARKUS_DATASOURCE_USERNAME=$ROLE \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION=$PWD/dev/jwt/public.pem \
    GOALKEEPER_SYNC_INTERVAL=off \
        java ${JAVA_OPTS:-} -jar "$1" > "$3" 2>&1 &
    SERVICE_PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
        kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$3"; exit 1; }
        sleep 0.02
    done
}
java bench/MintTokens.java dev/jwt/private.pem $CONNECTIONS > "$WORK/tokens"

wrk_replace_all() {
    BENCH_SCENARIO=replace-all BENCH_TOKENS=$WORK/tokens wrk -t$CONNECTIONS -c$CONNECTIONS -d"$2"s --latency \
        -s bench/wrk-users.lua "http://127.0.0.1:$1" | awk '/Requests\/sec/ { print $2 }'
}
# Both services run at once, each warmed up, and take turns under wrk (before, with, with, before, ...),
# so that a machine whose speed drifts over minutes slows both alike; the idle one costs next to nothing.
start_service "$WORK/baseline/target/quarkus-app/quarkus-run.jar" "${DATABASE}_baseline" "$WORK/baseline.log"
BASELINE_PID=$SERVICE_PID
BASELINE_PORT=$PORT
start_service target/quarkus-app/quarkus-run.jar "$DATABASE" "$WORK/service.log"
# compiler_ticks <pid>: CPU time of the JVM's JIT compiler threads so far, in clock ticks. The JVM
# starts and stops compiler threads as it needs them, so one may be gone by the time it is read.
compiler_ticks() {
    local task ticks total=0
    for task in /proc/"$1"/task/*; do
        case "$(cat "$task/comm" 2>/dev/null)" in
            C1\ Compiler*|C2\ Compiler*)
                ticks=$(awk '{ print $14 + $15 }' "$task/stat" 2>/dev/null)
                total=$((total + ${ticks:-0})) ;;
        esac
    done
    echo "$total"
}
# warm_up <port> <pid>: replace-all for the warm-up, then in runs of 10 s until the JIT compilers used
# under 5% of a CPU in the last one (at most 12 more). Under this load on 2 cores, C2 still compiled
# for 30 s after 30 s of warm-up, and turns measured services that were still getting faster.
warm_up() {
    wrk_replace_all "$1" "$WARMUP" > /dev/null
    local run before
    for run in $(seq 1 12); do
        before=$(compiler_ticks "$2")
        wrk_replace_all "$1" 10 > /dev/null
        [ $(($(compiler_ticks "$2") - before)) -lt $((10 * $(getconf CLK_TCK) / 20)) ] && return
    done
    echo "warning: the JIT still compiled after $((WARMUP + 120)) s of warm-up" >&2
}
warm_up "$BASELINE_PORT" "$BASELINE_PID"
warm_up "$PORT" "$SERVICE_PID"
BASELINE_RUNS=()
SERVICE_RUNS=()
for turn in 1 2 3; do
    if [ $((turn % 2)) = 1 ]; then
        BASELINE_RUNS+=("$(wrk_replace_all "$BASELINE_PORT" "$DURATION")")
        SERVICE_RUNS+=("$(wrk_replace_all "$PORT" "$DURATION")")
    else
        SERVICE_RUNS+=("$(wrk_replace_all "$PORT" "$DURATION")")
        BASELINE_RUNS+=("$(wrk_replace_all "$BASELINE_PORT" "$DURATION")")
    fi
done
kill "$BASELINE_PID"; wait "$BASELINE_PID" 2>/dev/null || true; BASELINE_PID=

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
pgbench_scripts "$WORK"
WITHOUT=$(pgbench_tps bench/pgbench-replace-all.sql)
WITH=$(pgbench_tps "$WORK/pgbench-replace-all.sql")
WITHOUT_AGAIN=$(pgbench_tps bench/pgbench-replace-all.sql)

echo
echo "change history benchmark: $CONNECTIONS connections of distinct users, ${DURATION}s a run, $(nproc) cores"
echo "replace-all through the service, requests/s in turns: before the change log ${BASELINE_RUNS[*]}," \
    "with it ${SERVICE_RUNS[*]}" \
    "($(echo "${BASELINE_RUNS[*]} | ${SERVICE_RUNS[*]}" | awk -F'|' '{ split($1, b, " "); split($2, w, " ");
        for (i in b) { before += b[i]; with += w[i] } printf "%.0f%% less", 100 * (1 - with / before) }'))"
echo "replace-all under pgbench: without the log $WITHOUT tps, with it $WITH tps, without again $WITHOUT_AGAIN tps" \
    "($(awk -v a="$WITH" -v b="$WITHOUT" -v c="$WITHOUT_AGAIN" 'BEGIN { printf "%.0f%%", 100 * (1 - 2 * a / (b + c)) }') less)"
echo "change sets kept: $("${PSQL[@]}" -At -c 'select count(*) from change_sets' "$DATABASE")," \
    "$("${PSQL[@]}" -At -c "select pg_size_pretty(pg_total_relation_size('change_sets'))" "$DATABASE")"
"$JAVA25" bench/StreamLoad.java "$PORT" dev/jwt/private.pem "$SERVICE_PID" "$STREAMS" "$WRITERS" "$DURATION"
