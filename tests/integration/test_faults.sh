#!/usr/bin/env bash
# Faults the other tests do not cover: data-dir running out of space, and
# MongoDB lost in the middle of a run.  Each must end in a clear ::error::,
# a non-zero exit, and a store that holds only whole documents.
. "$(dirname "$0")/lib.sh"
FAST=(--api-requests-per-second 1000 --api-requests-per-hour 1000000 --wikipedia false)
start_replay

# --- disk full in data-dir (a 256 KiB tmpfs) --------------------------------
mnt="$WORK/small"
mkdir -p "$mnt"
if mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null; then
    on_exit "umount '$mnt'"
    "$BIN" --stages source --seasons 2015-2019 --data-dir "$mnt/d" --api-base-url "$API_URL" "${FAST[@]}" \
        >"$WORK/full.log" 2>&1
    rc=$?
    check_eq "disk full: exit code 4 (store)" "$rc" 4
    check "disk full: a clear ::error::" grep -q '^::error::.*No space left on device' "$WORK/full.log"
    check "disk full: every stored document is whole JSON" python3 -c "
import glob, json, sys
files = glob.glob(sys.argv[1] + '/d/store/*/*.json')
[json.load(open(f)) for f in files]
sys.exit(0 if files else 1)" "$mnt"
    check "disk full: no temp file left behind" bash -c "! find '$mnt/d' -name '*.tmp.*' | grep -q ."
    umount "$mnt"
else
    check "disk full: this machine can mount a tmpfs (run as root)" false
fi

# --- MongoDB lost mid-run ------------------------------------------------------
start_ferretdb
replay_control slow_ms=40
"$BIN" --stages source --seasons 1950-latest --data-dir "$WORK/m" --mongodb-uri "$MONGO_URI" \
    --api-base-url "$API_URL" "${FAST[@]}" >"$WORK/lost.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    grep -q '^results: ' "$WORK/lost.log" && break
    sleep 0.2
done
stop_ferretdb
timeout 120 tail --pid="$pid" -f /dev/null
wait "$pid"
rc=$?
replay_control slow_ms=0
check_eq "MongoDB lost: exit code 4 (store)" "$rc" 4
check "MongoDB lost: a clear ::error:: naming MongoDB" grep -q '^::error::.*MongoDB' "$WORK/lost.log"
finish
