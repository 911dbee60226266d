#!/usr/bin/env bash
# replay.sh: the replay server (tests/replay/replay.py) for integration tests.
# Sourced by lib.sh, which provides ROOT, WORK and on_exit.
#   start_replay [replay.py options...]  start it on a free port, wait for READY,
#       export REPLAY_PORT, REPLAY_URL, API_URL (product's api-base-url),
#       WIKI_URL (product's wikipedia-base-url), REPLAY_LOG; a running one is
#       stopped first and the log starts empty.  Fails after ~10 s without READY.
#   stop_replay                          stop it
#   replay_control key=value...          change faults at run time (e.g.
#       cutoff=2023:10 fail_500=0 rate_per_second=4; cutoff= clears it); quiet,
#       fails on an unknown key or bad value.  Also resets the every-Nth counters.
#   api_requests [STATUS]                API requests logged (of that status)
#   wiki_requests [STATUS]               Wikipedia requests logged
#   replay_log_reset                     forget the requests logged so far

REPLAY_PID=

start_replay() {
    local out="$WORK/replay.out"
    stop_replay
    REPLAY_LOG="$WORK/replay.log"
    : >"$REPLAY_LOG"
    : >"$out"
    # --port 0: the server picks the port and reports it, so no other test can
    # grab it between choosing and binding.
    python3 "$ROOT/tests/replay/replay.py" --port 0 --data "$ROOT/tests/data" \
        --log "$REPLAY_LOG" "$@" >"$out" 2>"$WORK/replay.err" &
    REPLAY_PID=$!
    on_exit "kill $REPLAY_PID"
    for _ in $(seq 100); do
        if grep -q '^READY ' "$out"; then break; fi
        if ! kill -0 "$REPLAY_PID" 2>/dev/null; then break; fi
        sleep 0.1
    done
    REPLAY_PORT=$(sed -n 's/^READY \([0-9][0-9]*\)$/\1/p' "$out")
    if [ -z "$REPLAY_PORT" ]; then
        echo "replay server did not start:" >&2
        cat "$WORK/replay.err" >&2
        stop_replay
        return 1
    fi
    REPLAY_URL="http://127.0.0.1:$REPLAY_PORT"
    API_URL="$REPLAY_URL/ergast/f1"
    WIKI_URL="$REPLAY_URL"
    export REPLAY_PORT REPLAY_URL API_URL WIKI_URL REPLAY_LOG
}

stop_replay() {
    if [ -n "$REPLAY_PID" ]; then
        kill "$REPLAY_PID" 2>/dev/null
        wait "$REPLAY_PID" 2>/dev/null
        REPLAY_PID=
    fi
}

replay_control() {
    local query
    query=$(IFS='&'; echo "$*")
    curl -fsS -o /dev/null "$REPLAY_URL/_control?$query"
}

# kind [status]: how many logged requests of that kind (and status).
replay_count() {
    local pattern="^$1 "
    if [ $# -ge 2 ]; then pattern="^$1 $2 "; fi
    grep -c "$pattern" "$REPLAY_LOG" || true
}

api_requests() { replay_count api "$@"; }
wiki_requests() { replay_count wiki "$@"; }
replay_log_reset() { : >"$REPLAY_LOG"; }
