#!/usr/bin/env bash
# ferretdb.sh: a throwaway MongoDB-compatible server for tests: FerretDB
# v1.24 over its SQLite backend (no MongoDB server needed).  Sourced by
# lib.sh, whose free_port, on_exit and WORK it uses.
#   start_ferretdb [FLAG...]  starts it on a free 127.0.0.1 port with its
#       state in a fresh dir under $WORK, waits (at most ~20 s) until it
#       accepts connections, exports MONGO_URI=mongodb://127.0.0.1:PORT/
#       and FERRETDB_PID, and has finish/exit stop it.  Extra flags go to
#       ferretdb; for a server that requires a password:
#         start_ferretdb --test-enable-new-auth --setup-database=f1 \
#             --setup-username=USER --setup-password=PASS
#       (SCRAM; then connect as mongodb://USER:PASS@127.0.0.1:PORT/f1).
#       Returns non-zero, printing the server's log, when it does not come up.
#   stop_ferretdb  kills it (SIGKILL: also how tests simulate a crash) and
#       reaps it; a no-op when none is running.
# The binary is $FERRETDB, else $(go env GOPATH)/bin/ferretdb.

ferretdb_bin() {
    if [ -n "${FERRETDB:-}" ]; then echo "$FERRETDB"; return; fi
    local gopath
    gopath=$(go env GOPATH 2>/dev/null) || gopath="$HOME/go"
    echo "${gopath:-$HOME/go}/bin/ferretdb"
}

start_ferretdb() {
    local bin port dir attempt
    bin=$(ferretdb_bin)
    if [ ! -x "$bin" ]; then
        echo "ferretdb not found at '$bin' (set FERRETDB)" >&2
        return 1
    fi
    # A port free when asked may be taken before ferretdb binds it: retry.
    for attempt in 1 2 3; do
        port=$(free_port)
        dir=$(mktemp -d "$WORK/ferretdb.XXXXXX")
        "$bin" --handler=sqlite --sqlite-url="file:$dir/" --state-dir="$dir" \
            --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable \
            --log-level=warn "$@" >"$dir/ferretdb.log" 2>&1 &
        FERRETDB_PID=$!
        on_exit stop_ferretdb
        for _ in $(seq 1 200); do
            if ! kill -0 "$FERRETDB_PID" 2>/dev/null; then
                break
            fi
            if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
                export MONGO_URI="mongodb://127.0.0.1:$port/" FERRETDB_PID
                return 0
            fi
            sleep 0.1
        done
        echo "ferretdb did not come up on 127.0.0.1:$port (attempt $attempt):" >&2
        tail -n 20 "$dir/ferretdb.log" >&2
        stop_ferretdb
    done
    return 1
}

stop_ferretdb() {
    if [ -n "${FERRETDB_PID:-}" ]; then
        kill -KILL "$FERRETDB_PID" 2>/dev/null
        wait "$FERRETDB_PID" 2>/dev/null
        FERRETDB_PID=
    fi
    return 0
}
