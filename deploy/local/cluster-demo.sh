#!/usr/bin/env bash
# Three replicas of the packaged jar on the local PostgreSQL, on ports 8081-8083, sharing one sync
# lock. Shows which replica holds the lock while syncs run, kills the holder (SIGKILL), shows another
# replica take the lock over at its next tick (the holder's database session ended with it), then
# stops everything it started. HOLDER_SESSION=off runs the replicas with the lease alone, for
# comparison: the takeover then waits for the lease to run out.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for "postgres". Logs stay in $WORK (printed).
set -euo pipefail
cd "$(dirname "$0")/../.."

HOLDER_SESSION=${HOLDER_SESSION:-on}
LEASE_SECONDS=60
DATABASE=goalkeeper_cluster
ROLE=goalkeeper_bench
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)
WORK=$(mktemp -d)
declare -A PIDS=()
trap 'for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; echo "logs: $WORK"' EXIT
trap 'exit 130' INT TERM

"${PSQL[@]}" -c "drop database if exists $DATABASE" \
    -c "do \$\$ begin if not exists (select from pg_roles where rolname = '$ROLE') then create role $ROLE login nosuperuser nobypassrls; end if; end \$\$" \
    -c "create database $DATABASE owner $ROLE"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
# The Sync API needs the sync-admin role; the same token writes the demo's goals as its user.
TOKEN=$(java bench/MintTokens.java dev/jwt/private.pem 1 sync-admin)

# A 60 s lease, as long as slow SmartSuite calls may need, a tick every 3 s, and runs slowed to 1 s per
# batch of 5 goals, so a run lasts long enough to be watched.
for n in 1 2 3; do
    QUARKUS_HTTP_PORT=808$n \
    QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DATABASE \
    QUARKUS_DATASOURCE_USERNAME=$ROLE \
    MP_JWT_VERIFY_PUBLICKEY_LOCATION=dev/jwt/public.pem \
    GOALKEEPER_INSTANCE_ID=replica-$n \
    GOALKEEPER_SYNC_INTERVAL=3s GOALKEEPER_SYNC_LEASE=${LEASE_SECONDS}s GOALKEEPER_SYNC_HOLDER_SESSION=$HOLDER_SESSION \
    GOALKEEPER_SYNC_BATCH_SIZE=5 GOALKEEPER_SYNC_DRY_RUN_PAUSE=1s \
        java -jar target/quarkus-app/quarkus-run.jar > "$WORK/replica-$n.log" 2>&1 &
    PIDS[$n]=$!
done
for n in 1 2 3; do
    until curl -sf -o /dev/null "http://127.0.0.1:808$n/q/health/ready"; do
        kill -0 "${PIDS[$n]}" 2>/dev/null || { cat "$WORK/replica-$n.log"; exit 1; }
        sleep 0.2
    done
done
echo "3 replicas ready on ports 8081-8083 (holder session $HOLDER_SESSION)"

goals=$(python3 -c 'import json; print(json.dumps([{"title": f"demo goal {i}"} for i in range(150)]))')
curl -sf -o /dev/null -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "$goals" http://127.0.0.1:8081/api/v1/goals
echo "150 goals created: about 30 s of sync work at 5 goals a second"

# Prints the lock as any live replica reports it, and returns the holder's replica number.
cat > "$WORK/lock.py" <<'PY'
import json, sys
status = json.load(sys.stdin)
lock, run = status["lock"], status.get("lastRun") or {}
line = "  lock %-7s holder %-22s token %-3s last run %s %s" % (
    lock["status"], lock["holder"], lock["token"], run.get("id"), run.get("outcome"))
if run.get("takenOverFrom"):
    line += " (took over from %s: %s)" % (run["takenOverFrom"], run.get("takeoverReason"))
print(line, file=sys.stderr)
print(lock["holder"].split("-")[1] if lock["status"] == "running" else "")
PY
show_lock() {
    local port
    for n in 1 2 3; do
        [ -n "${PIDS[$n]:-}" ] && kill -0 "${PIDS[$n]}" 2>/dev/null && { port=808$n; break; }
    done
    curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port/api/v1/sync/status" | python3 "$WORK/lock.py"
}

holder=""
for _ in $(seq 20); do
    holder=$(show_lock || true)
    [ -n "$holder" ] && break
    sleep 1
done
[ -n "$holder" ] || { echo "no replica took the lock"; exit 1; }
for _ in 1 2 3; do show_lock > /dev/null || true; sleep 1; done

if [ "$HOLDER_SESSION" = on ]; then
    echo "killing the holder, replica-$holder (SIGKILL): its database session ends with it, and the next tick (within 3 s) takes it over"
else
    echo "killing the holder, replica-$holder (SIGKILL): its lease runs out within ${LEASE_SECONDS} s, and the next tick takes it over"
fi
kill -9 "${PIDS[$holder]}"
wait "${PIDS[$holder]}" 2>/dev/null || true
unset "PIDS[$holder]"
killed=$(date +%s%N)
polls=0
while true; do
    # Looks five times a second, prints the lock once a second.
    if (( polls++ % 5 == 0 )); then now=$(show_lock || true); else now=$(show_lock 2>/dev/null || true); fi
    if [ -n "$now" ] && [ "$now" != "$holder" ]; then
        echo "replica-$now took over $(( ($(date +%s%N) - killed) / 1000000 )) ms after the kill"
        break
    fi
    if [ $(( ($(date +%s%N) - killed) / 1000000000 )) -ge $(( LEASE_SECONDS + 30 )) ]; then
        echo "no takeover within $(( LEASE_SECONDS + 30 )) s; see the logs"
        exit 1
    fi
    sleep 0.2
done
for _ in 1 2 3; do show_lock > /dev/null || true; sleep 1; done
echo "stopping the remaining replicas (SIGTERM)"
