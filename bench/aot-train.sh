#!/usr/bin/env bash
# Writes a JDK AOT cache (JEP 483/514/515, JDK 25) for the aot-jar packaging by running the service
# under the Goals API for a while and stopping it with SIGTERM, which is when the JVM writes the cache.
# Usage: bench/aot-train.sh <app directory, holding quarkus-run.jar> <private key PEM>
# Environment: JAVA (a JDK 25 java; default: java), TRAIN_SECONDS (default 15), the service's own
# settings (QUARKUS_DATASOURCE_*, MP_JWT_VERIFY_PUBLICKEY_LOCATION matching the key) and JAVA_OPTS,
# the options the cache will run with, so the recorded profiles are those of the production JVM.
# Used by bench/aot-cache.sh on this machine and by src/main/docker/Dockerfile.aot inside the image.
set -euo pipefail

APP=$(cd "$1" && pwd)
KEY=$2
JAVA=${JAVA:-java}
SECONDS_OF_WORK=${TRAIN_SECONDS:-15}
PORT=${QUARKUS_HTTP_PORT:-8080}
BASE=http://127.0.0.1:$PORT
WORK=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# RS256 tokens made with openssl: a runtime image has no compiler to run bench/MintTokens.java.
base64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
token() {
    local now header claims
    now=$(date +%s)
    header=$(printf '{"alg":"RS256","typ":"JWT"}' | base64url)
    claims=$(printf '{"sub":"%s","iat":%d,"exp":%d}' "$1" "$now" $((now + 3600)) | base64url)
    printf '%s.%s.%s' "$header" "$claims" \
        "$(printf '%s.%s' "$header" "$claims" | openssl dgst -sha256 -sign "$KEY" -binary | base64url)"
}

rm -f "$APP/app.aot"
# Run from the app directory, as the image does: the cache records the class path as given.
# Every round calls "Initialize": the per-user limit would refuse the training's calls after a few seconds.
(cd "$APP" && QUARKUS_HTTP_PORT=$PORT QUARKUS_SHUTDOWN_DELAY=0s GOALKEEPER_INITIALIZE_LIMIT=off \
    exec "$JAVA" ${JAVA_OPTS:-} -XX:AOTCacheOutput=app.aot -jar quarkus-run.jar) > "$WORK/service.log" 2>&1 &
PID=$!
until curl -sf -o /dev/null "$BASE/q/health/ready"; do
    kill -0 "$PID" 2>/dev/null || { cat "$WORK/service.log" >&2; exit 1; }
    sleep 0.1
done

# One user's session: every call of the API, the usual answers and the usual refusals.
session() {
    local auth="Authorization: Bearer $(token "aot-training-$1")" json='Content-Type: application/json'
    local deadline=$(( $(date +%s) + SECONDS_OF_WORK )) round=0 id milestone
    while [ "$(date +%s)" -lt "$deadline" ]; do
        round=$((round + 1))
        id=$(curl -sf -D - -o /dev/null -H "$auth" -H "$json" "$BASE/api/v1/goals" \
                -d "{\"title\":\"Run a marathon, take $round\",\"category\":\"health\",\"targetDate\":\"2027-05-01\"}" \
            | tr -d '\r' | awk -F/ 'tolower($0) ~ /^location:/ { print $NF }')
        curl -sf -o /dev/null -H "$auth" "$BASE/api/v1/goals"
        curl -sf -o /dev/null -H "$auth" "$BASE/api/v1/goals/$id"
        milestone=$(curl -sf -X POST -H "$auth" "$BASE/api/v1/goals/$id/milestones/initialize" \
            | grep -o '"milestones":\[{"id":"[^"]*"' | grep -o '[0-9a-f-]\{36\}')
        curl -sf -o /dev/null -X POST -H "$auth" "$BASE/api/v1/goals/$id/milestones/$milestone/complete"
        curl -sf -o /dev/null -X POST -H "$auth" "$BASE/api/v1/goals/$id/complete"
        curl -sf -o /dev/null -X PUT -H "$auth" -H "$json" "$BASE/api/v1/goals/$id" \
            -d '{"title":"Run a marathon","description":"Under four hours","milestones":[{"title":"10 km"},{"title":"Half"}]}'
        curl -sf -o /dev/null -X PUT -H "$auth" -H "$json" "$BASE/api/v1/goals" \
            -d "[{\"title\":\"Learn Spanish $round\",\"milestones\":[{\"title\":\"A1\"},{\"title\":\"A2\"}]},{\"title\":\"Read 12 books\"}]"
        curl -s -o /dev/null -X PUT -H "$auth" -H "$json" -H 'If-Match: "0"' "$BASE/api/v1/goals" -d '[]'
        curl -s -o /dev/null -H "$auth" -H "$json" "$BASE/api/v1/goals" -d '{"title":""}'
        curl -s -o /dev/null -H "$auth" "$BASE/api/v1/goals/00000000-0000-4000-8000-000000000000"
        curl -s -o /dev/null "$BASE/api/v1/goals"
        curl -sf -o /dev/null "$BASE/q/health/ready"
    done
    curl -sf -o /dev/null "$BASE/q/metrics"
}

SESSIONS=()
for user in 1 2 3 4; do
    session "$user" &
    SESSIONS+=($!)
done
for session in "${SESSIONS[@]}"; do
    wait "$session" || { echo "a training session got an unexpected answer:" >&2; cat "$WORK/service.log" >&2; exit 1; }
done

kill -TERM "$PID"
wait "$PID" || true
PID=
[ -s "$APP/app.aot" ] || { echo "no AOT cache was written:" >&2; cat "$WORK/service.log" >&2; exit 1; }
echo "AOT cache written: $APP/app.aot ($(du -m "$APP/app.aot" | cut -f1) MB), trained for $SECONDS_OF_WORK s"
