# Sourced by the benchmark scripts, from the repository's root: the local PostgreSQL server as its
# superuser, the ordinary role the service runs as, and the JDK 25 that runs the AOT form.
PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres)
ROLE=goalkeeper_bench
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
# As src/main/docker/Dockerfile.aot runs the AOT form, and bench/aot-cache.sh trains it: the serial
# collector, which the JVM picks by itself in a pod limited to one CPU.
AOT_JAVA_OPTS=${AOT_JAVA_OPTS:--XX:+UseSerialGC}
# The JVM options of deploy/kubernetes/deployment.yaml, with -XX:MaxRAM standing for the pod's 512 MiB
# memory limit (this machine has far more): what bench/run.sh and bench/history.sh run the service with.
DEPLOYMENT_JAVA_OPTS="-XX:MaxRAM=512m -XX:MaxRAMPercentage=50 -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError"

# A fresh database owned by the ordinary role: Row Level Security applies to it as in production.
fresh_database() {
    "${PSQL[@]}" -c "drop database if exists $1" \
        -c "do \$\$ begin if not exists (select from pg_roles where rolname = '$ROLE') then create role $ROLE login nosuperuser nobypassrls; end if; end \$\$" \
        -c "create database $1 owner $ROLE"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# pgbench_scripts <dir>: the transactions the service runs, for pgbench, into <dir>: list, and replace-all
# as the service writes it, with the change log's table expression after the one that counts the change.
pgbench_scripts() {
    cp bench/pgbench-list.sql "$1/pgbench-list.sql"
    awk -v recorded="$(grep -v '^--' bench/pgbench-record-changes.sql | sed 's/^/    /')" '
        counted && $0 == ")" { print "), recorded as (" ORS recorded; counted = 0 }
        { print }
        /^ *update user_collections set version = version \+ 1 / { counted = 1 }
    ' bench/pgbench-replace-all.sql > "$1/pgbench-replace-all.sql"
    grep -q 'recorded as' "$1/pgbench-replace-all.sql"
}
