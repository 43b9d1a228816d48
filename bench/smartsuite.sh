#!/usr/bin/env bash
# The SmartSuite push benchmark: 10,000 goals pushed to the fake SmartSuite at the service's default
# pace, on the local PostgreSQL server. Prints the calls made, the wall time against the ideal time
# (calls / 4 a second) and the heap growth.
# Needs PostgreSQL on 127.0.0.1:5432 with trust auth for "postgres".
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

DATABASE=goalkeeper_smartsuite_bench

# A fresh database owned by an ordinary role, as in production.
fresh_database "$DATABASE"

QUARKUS_DATASOURCE_REACTIVE_URL=postgresql://127.0.0.1:5432/$DATABASE \
QUARKUS_DATASOURCE_USERNAME=$ROLE \
    ./mvnw -B test -Dtest=SmartSuiteBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Xmx256m \
    | tee "${TMPDIR:-/tmp}/smartsuite-benchmark.log" | grep -E 'SmartSuite benchmark:|Tests run:|FAIL' || true
grep -q 'Tests run: 1, Failures: 0, Errors: 0' "${TMPDIR:-/tmp}/smartsuite-benchmark.log"
