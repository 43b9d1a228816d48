#!/usr/bin/env bash
# Startup to ready and resident memory of both forms on the local PostgreSQL server, with nothing to
# migrate (one start first applies the migrations to a fresh database): the form the container image
# runs (aot-jar with its AOT cache on JDK 25, src/main/docker/Dockerfile.aot) and the plain jar on
# JDK 17, one start of each in turn, so both see the same machine.
# Usage: bench/startup.sh [starts of each]   JAVA_OPTS, if set, goes to both JVMs; JAVA25 names the JDK 25.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for "postgres". Builds what is missing or older
# than the sources (the AOT form with bench/aot-cache.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

STARTS=${1:-5}
ROOT=$PWD
DATABASE=goalkeeper_startup
LOG=$(mktemp)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -f "$LOG"' EXIT

stale() { [ ! -f "$1" ] || [ -n "$(find src/main/java src/main/resources pom.xml -newer "$1" -print -quit)" ]; }
if stale target/quarkus-app/quarkus-run.jar; then ./mvnw -B -q package -DskipTests; fi
AOT=yes
if [ ! -x "$JAVA25" ]; then
    AOT=
    echo "no JDK 25 at $JAVA25 (set JAVA25): only the plain jar is measured" >&2
elif stale target/quarkus-aot/app.aot; then
    bench/aot-cache.sh >&2
fi

fresh_database "$DATABASE"
PORT=$(free_port)

# start_once <directory> <java and its options...>: runs quarkus-run.jar from its directory (as the
# image does: the AOT cache records the class path as given) and sets READY to the milliseconds from
# exec to the first 200 of /q/health/ready and RESULT to a line with the resident memory then and
# Quarkus's own figure. Runs in this shell, so the EXIT trap always sees the process.
start_once() {
    local directory=$1 started
    shift
    started=$(date +%s%N)
    (cd "$directory" && \
     QUARKUS_HTTP_PORT=$PORT \
     QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DATABASE \
     QUARKUS_DATASOURCE_USERNAME=$ROLE \
     MP_JWT_VERIFY_PUBLICKEY_LOCATION=$ROOT/dev/jwt/public.pem \
     GOALKEEPER_SYNC_INTERVAL=off \
        exec "$@" ${JAVA_OPTS:-} -jar quarkus-run.jar) > "$LOG" 2>&1 &
    PID=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$PORT/q/health/ready"; do
        kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
        sleep 0.01
    done
    READY=$(( ($(date +%s%N) - started) / 1000000 ))
    local rss=$(( $(awk '/VmRSS/ {print $2}' "/proc/$PID/status") / 1024 ))
    local quarkus
    quarkus=$(grep -o 'started in [0-9.]*s' "$LOG")
    kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
    RESULT="ready in $READY ms, $rss MB resident ($quarkus)"
}

# nth <n> <times>: the nth smallest of the times; the median of 2k+1 starts is the (k+1)th.
nth() { tr ' ' '\n' <<< "${2# }" | sort -n | sed -n "$1p"; }
summary() { echo "min $(nth 1 "$1") ms, median $(nth $(( (STARTS + 1) / 2 )) "$1") ms"; }

AOT_FORM=("$JAVA25" $AOT_JAVA_OPTS -XX:AOTCache=app.aot)
PLAIN_FORM=(java)
start_once target/quarkus-app "${PLAIN_FORM[@]}"
echo "startup to ready with nothing to migrate, $(nproc) cores, JAVA_OPTS='${JAVA_OPTS:-}'"
[ -n "$AOT" ] && echo "AOT form: ${AOT_FORM[*]} -jar quarkus-run.jar (in target/quarkus-aot)"
echo "plain jar: $(java -version 2>&1 | head -1) -jar quarkus-run.jar (in target/quarkus-app)"
AOT_TIMES=
PLAIN_TIMES=
for i in $(seq "$STARTS"); do
    if [ -n "$AOT" ]; then
        start_once target/quarkus-aot "${AOT_FORM[@]}"
        AOT_TIMES="$AOT_TIMES $READY"
        echo "start $i, AOT form:  $RESULT"
    fi
    start_once target/quarkus-app "${PLAIN_FORM[@]}"
    PLAIN_TIMES="$PLAIN_TIMES $READY"
    echo "start $i, plain jar: $RESULT"
done
[ -n "$AOT" ] && echo "AOT form, $STARTS starts: $(summary "$AOT_TIMES")"
echo "plain jar, $STARTS starts: $(summary "$PLAIN_TIMES")"
# The medians, in the lines bench/run.sh repeats.
if [ -n "$AOT" ]; then
    echo "startup to ready: $(nth $(( (STARTS + 1) / 2 )) "$AOT_TIMES") ms"
else
    echo "startup to ready: not measured (no JDK 25 for the image's AOT form)"
fi
echo "startup to ready (plain jar, JDK 17): $(nth $(( (STARTS + 1) / 2 )) "$PLAIN_TIMES") ms"
