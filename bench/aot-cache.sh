#!/usr/bin/env bash
# Builds the form the container image runs: the aot-jar packaging in target/quarkus-aot (Maven profile
# "aot", built on JDK 17 like everything else) and its JDK AOT cache, target/quarkus-aot/app.aot,
# trained on JDK 25 under the Goals API (bench/aot-train.sh) against the local PostgreSQL server. Then
# starts it once more and counts the classes the JVM took from the cache.
# Usage: bench/aot-cache.sh   JAVA25, if set, names the JDK 25 java (the cache is valid for that build only).
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for "postgres".
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

DATABASE=goalkeeper_aot
LOG=$(mktemp)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -f "$LOG"' EXIT

"$JAVA25" -version 2>&1 | grep -q 'version "2[5-9]' || { echo "$JAVA25 is not a JDK 25 or newer" >&2; exit 1; }
./mvnw -B -q package -DskipTests -Paot
fresh_database "$DATABASE"

export QUARKUS_HTTP_PORT
QUARKUS_HTTP_PORT=$(free_port)
export QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DATABASE
export QUARKUS_DATASOURCE_USERNAME=$ROLE
export MP_JWT_VERIFY_PUBLICKEY_LOCATION=$PWD/dev/jwt/public.pem
JAVA=$JAVA25 JAVA_OPTS=$AOT_JAVA_OPTS bench/aot-train.sh target/quarkus-aot dev/jwt/private.pem

# AOTMode=on stops the start if the cache cannot be used, instead of running on without it.
(cd target/quarkus-aot && GOALKEEPER_SYNC_INTERVAL=off \
    exec "$JAVA25" $AOT_JAVA_OPTS -XX:AOTCache=app.aot -XX:AOTMode=on -Xlog:aot -Xlog:class+load \
        -jar quarkus-run.jar) > "$LOG" 2>&1 &
PID=$!
until curl -sf -o /dev/null "http://127.0.0.1:$QUARKUS_HTTP_PORT/q/health/ready"; do
    kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; exit 1; }
    sleep 0.05
done
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
grep -q 'Using AOT-linked classes: true' "$LOG" || { echo "the cache was not used:" >&2; grep '\[aot' "$LOG" >&2; exit 1; }
echo "next start: $(grep -c 'source: shared objects file' "$LOG") classes from the AOT cache," \
    "$(grep '\[class,load' "$LOG" | grep -vc 'source: shared objects file') loaded otherwise"
