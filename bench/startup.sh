#!/usr/bin/env bash
# Startup to ready and resident memory of the packaged jar on the local PostgreSQL server, with
# nothing to migrate (one start first applies the migrations to a fresh database).
# Usage: bench/startup.sh [starts]   JAVA_OPTS, if set, goes to the JVM.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for "postgres".
set -euo pipefail
cd "$(dirname "$0")/.."

STARTS=${1:-5}
DATABASE=goalkeeper_startup
ROLE=goalkeeper_bench
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)
LOG=$(mktemp)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -f "$LOG"' EXIT

"${PSQL[@]}" -c "drop database if exists $DATABASE" \
    -c "do \$\$ begin if not exists (select from pg_roles where rolname = '$ROLE') then create role $ROLE login nosuperuser nobypassrls; end if; end \$\$" \
    -c "create database $DATABASE owner $ROLE"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# Sets RESULT to the milliseconds from exec to the first 200 of /q/health/ready, the resident memory
# then, and Quarkus's own figure. Runs in this shell, so the EXIT trap always sees the process.
start_once() {
    local started=$(date +%s%N)
    QUARKUS_HTTP_PORT=$PORT \
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DATABASE \
    QUARKUS_DATASOURCE_USERNAME=$ROLE \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION=dev/jwt/public.pem \
    GOALKEEPER_SYNC_INTERVAL=off \
        java ${JAVA_OPTS:-} -jar target/quarkus-app/quarkus-run.jar > "$LOG" 2>&1 &
    PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
        kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
        sleep 0.01
    done
    local ready=$(( ($(date +%s%N) - started) / 1000000 ))
    local rss=$(( $(awk '/VmRSS/ {print $2}' "/proc/$PID/status") / 1024 ))
    local quarkus
    quarkus=$(grep -o 'started in [0-9.]*s' "$LOG")
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
    RESULT="ready in $ready ms, $rss MB resident ($quarkus)"
}

start_once
echo "startup to ready with nothing to migrate, JAVA_OPTS='${JAVA_OPTS:-}'"
for i in $(seq "$STARTS"); do
    start_once
    echo "start $i: $RESULT"
done
