#!/usr/bin/env bash
# The Goals API benchmark: the service under wrk beside pgbench running the same SQL transactions,
# at the same concurrency, on the local PostgreSQL server.
# Usage: bench/run.sh [seconds per measured run] [seconds of warm-up per scenario]
# JAVA_OPTS goes to the service's JVM; by default the options of deploy/kubernetes/deployment.yaml
# (DEPLOYMENT_JAVA_OPTS in bench/common.sh).
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for "postgres" (psql, pgbench) and wrk.
# Ends with bench/startup.sh's startup to ready of both forms (AOT on JDK 25, plain jar on JDK 17).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

export JAVA_OPTS=${JAVA_OPTS-$DEPLOYMENT_JAVA_OPTS}
DURATION=${1:-20}
WARMUP=${2:-30}
CONNECTIONS=16
DATABASE=goalkeeper_bench
WORK=$(mktemp -d)
SERVICE_PID=
trap 'stop_children; stop_service; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

stop_children() {
    local child
    for child in $(jobs -p); do
        [ "$child" = "$SERVICE_PID" ] || kill "$child" 2>/dev/null || true
    done
}

stop_service() {
    if [ -n "$SERVICE_PID" ] && kill -0 "$SERVICE_PID" 2>/dev/null; then
        kill "$SERVICE_PID"
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
}

require_tools() {
    command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
    command -v pgbench >/dev/null || { echo "pgbench is missing (Debian: postgresql-client)" >&2; exit 1; }
    "${PSQL[@]}" -c 'select 1' >/dev/null
}

start_service() {
    [ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
    PORT=$(free_port)
    QUARKUS_HTTP_PORT=$PORT \
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DATABASE \
    QUARKUS_DATASOURCE_USERNAME=$ROLE \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION=dev/jwt/public.pem \
        java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$WORK/service.log" 2>&1 &
    SERVICE_PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
        kill -0 "$SERVICE_PID" 2>/dev/null || { cat "$WORK/service.log"; exit 1; }
        sleep 0.02
    done
}

# CPU time (user + system) in clock ticks: of the service process, and of the PostgreSQL server (its
# live processes, plus the backends that have ended, which the postmaster's children times hold).
service_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVICE_PID/stat"; }
postgres_ticks() {
    local postmaster
    postmaster=$(head -1 "$("${PSQL[@]}" -At -c 'show data_directory')/postmaster.pid")
    { awk '{ print $16 + $17 }' "/proc/$postmaster/stat"
      for pid in $(pgrep -P "$postmaster") "$postmaster"; do awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null || true; done
    } | awk '{ total += $1 } END { print total }'
}
# Microseconds of CPU per unit of work: ticks spent over units done.
per_unit_us() { awk -v ticks="$1" -v units="$2" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", ticks * 1e6 / hz / units }'; }

# wrk: one thread per connection, each bound to one user; prints "req/s p50 p99 errors requests".
run_wrk() {
    BENCH_SCENARIO=$1 BENCH_TOKENS=$WORK/tokens wrk -t$CONNECTIONS -c$CONNECTIONS -d"$2"s --latency \
        -s bench/wrk-users.lua "http://127.0.0.1:$PORT" > "$WORK/wrk-$1.txt"
    awk '
        /requests in/ { requests = $1 }
        /Requests\/sec/ { rps = $2 }
        $1 == "50.000%" || $1 == "50%" { p50 = $2 }
        $1 == "99.000%" || $1 == "99%" { p99 = $2 }
        /Non-2xx/ { errors = $5 }
        /Socket errors/ { gsub(/[ ,]+/, ""); sub(/Socketerrors:/, ""); socket = "+socket:" $0 }
        END { printf "%s %s %s %s%s %s\n", rps, p50, p99, (errors == "" ? 0 : errors), socket, requests }' "$WORK/wrk-$1.txt"
}

# pgbench: the same transaction as the service, as the same role, one client per user as wrk has
# one connection per user (pgbench cannot give each client of one process its own parameters, so
# each user gets a single-client pgbench of its own); prints the summed tps and transactions.
run_pgbench() {
    local user pids=()
    for user in $(seq 1 $CONNECTIONS); do
        local variables=()
        while IFS= read -r line; do
            variables+=(-D "$line")
        done < <("${PSQL[@]}" -At -v user="$user" -f bench/pgbench-variables.sql $DATABASE)
        pgbench -n -h 127.0.0.1 -U $ROLE -M prepared -c 1 -j 1 -T "$2" "${variables[@]}" \
            -f "$WORK/pgbench-$1.sql" $DATABASE > "$WORK/pgbench-$1-$user.txt" 2>&1 &
        pids+=($!)
    done
    local pid failed=0
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=1
    done
    if [ $failed = 1 ] || grep -q "aborted" "$WORK"/pgbench-$1-*.txt; then
        echo "pgbench failed:" >&2
        cat "$WORK"/pgbench-$1-*.txt >&2
        exit 1
    fi
    awk '/^tps/ { total += $3 } /actually processed/ { done += $NF } END { printf "%.0f %d\n", total, done }' \
        "$WORK"/pgbench-$1-*.txt
}

require_tools
fresh_database "$DATABASE"
pgbench_scripts "$WORK"
start_service
java bench/MintTokens.java dev/jwt/private.pem $CONNECTIONS > "$WORK/tokens"

# Warm-up: creates every user's 10 goals, then lets the JIT settle: on 2 cores the compilers
# keep a core busy for about 40 s, and a shorter warm-up measures them rather than the service.
run_wrk replace-all "$WARMUP" > /dev/null
run_wrk list "$WARMUP" > /dev/null

# Each measured run between two CPU readings: the service's for wrk, PostgreSQL's for pgbench (the
# service is idle then, and PostgreSQL serves nothing else).
measure_service() {
    local before after rps p50 p99 errors requests
    before=$(service_ticks)
    read -r rps p50 p99 errors requests < <(run_wrk "$1" "$DURATION")
    after=$(service_ticks)
    echo "$rps $p50 $p99 $errors $(per_unit_us $((after - before)) "$requests")"
}
measure_pgbench() {
    local before after tps transactions
    before=$(postgres_ticks)
    read -r tps transactions < <(run_pgbench "$1" "$DURATION")
    after=$(postgres_ticks)
    echo "$tps $(per_unit_us $((after - before)) "$transactions")"
}

read -r REPLACE_RPS REPLACE_P50 REPLACE_P99 REPLACE_ERRORS REPLACE_CPU < <(measure_service replace-all)
read -r REPLACE_TPS REPLACE_PG_CPU < <(measure_pgbench replace-all)
read -r LIST_RPS LIST_P50 LIST_P99 LIST_ERRORS LIST_CPU < <(measure_service list)
read -r LIST_TPS LIST_PG_CPU < <(measure_pgbench list)
RSS_MB=$(( $(awk '/VmRSS/ { print $2 }' "/proc/$SERVICE_PID/status") / 1024 ))

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f%%", 100 * a / b }'; }
echo
echo "goalkeeper benchmark: $CONNECTIONS connections of distinct users, ${DURATION}s a run, $(nproc) cores, JAVA_OPTS='${JAVA_OPTS:-}'"
printf '%-12s %12s %10s %10s %8s %14s %8s\n' scenario "service rps" p50 p99 non-2xx "pgbench tps" ratio
printf '%-12s %12s %10s %10s %8s %14s %8s\n' replace-all "$REPLACE_RPS" "$REPLACE_P50" "$REPLACE_P99" \
    "$REPLACE_ERRORS" "$REPLACE_TPS" "$(ratio "$REPLACE_RPS" "$REPLACE_TPS")"
printf '%-12s %12s %10s %10s %8s %14s %8s\n' list "$LIST_RPS" "$LIST_P50" "$LIST_P99" \
    "$LIST_ERRORS" "$LIST_TPS" "$(ratio "$LIST_RPS" "$LIST_TPS")"
echo "service CPU per request: replace-all $REPLACE_CPU us"
echo "service CPU per request: list $LIST_CPU us"
echo "PostgreSQL CPU per pgbench transaction: replace-all $REPLACE_PG_CPU us"
echo "PostgreSQL CPU per pgbench transaction: list $LIST_PG_CPU us"
echo "resident memory after the runs: ${RSS_MB} MB"

# Startup of both forms, with the service stopped so it takes no CPU from them: the medians of
# bench/startup.sh (the image's AOT form on JDK 25, and the plain jar on JDK 17).
stop_service
bench/startup.sh 3 > "$WORK/startup.txt"
grep -E '^startup to ready(:| \(plain jar)' "$WORK/startup.txt"
