#!/usr/bin/env bash
# The SmartSuite push benchmark: 10,000 goals pushed to the fake SmartSuite at the service's default
# pace, on the local PostgreSQL server. Prints the calls made, the wall time against the ideal time
# (calls / 4 a second) and the heap growth.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for "postgres".
set -euo pipefail
cd "$(dirname "$0")/.."

DATABASE=goalkeeper_smartsuite_bench
ROLE=goalkeeper_bench
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)

# A fresh database owned by an ordinary role, as in production.
"${PSQL[@]}" -c "drop database if exists $DATABASE" \
    -c "do \$\$ begin if not exists (select from pg_roles where rolname = '$ROLE') then create role $ROLE login nosuperuser nobypassrls; end if; end \$\$" \
    -c "create database $DATABASE owner $ROLE"

QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DATABASE \
QUARKUS_DATASOURCE_USERNAME=$ROLE \
    ./mvnw -B test -Dtest=SmartSuiteBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmx256m \
    | tee "${TMPDIR:-/tmp}/smartsuite-benchmark.log" | grep -E 'SmartSuite benchmark:|Tests run:|FAIL' || true
grep -q 'Tests run: 1, Failures: 0, Errors: 0' "${TMPDIR:-/tmp}/smartsuite-benchmark.log"
