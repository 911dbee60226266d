#!/bin/bash
# Container entry point of the f1-mlops action: prepares the environment,
# then runs the program in its place (exec, so signals and the exit code
# reach the runner unchanged).  Everything else (outputs, summary, masking,
# file ownership) is the program's job.
#
# bash, not sh: the runner passes inputs as INPUT_<NAME> with the hyphens
# kept (INPUT_N-ESTIMATORS), which are not shell identifiers; dash and
# busybox sh silently drop such variables from the environment of what they
# exec, bash passes them on.
set -eu

# act in host mode (-P ...=-self-hosted) passes the host's path, which does
# not exist inside the container; the container's working directory is then
# the workspace.
if [ "${ACT:-}" = "true" ] && [ -n "${GITHUB_WORKSPACE:-}" ] && [ ! -d "$GITHUB_WORKSPACE" ]; then
    GITHUB_WORKSPACE=$(pwd)
    export GITHUB_WORKSPACE
fi

# Same for the file-command paths (act's host directory is mounted at
# /var/run/act in the container).
for var in GITHUB_OUTPUT GITHUB_STEP_SUMMARY GITHUB_ENV GITHUB_PATH GITHUB_STATE; do
    eval "path=\${$var:-}"
    if [ "${ACT:-}" = "true" ] && [ -n "$path" ] && [ ! -d "${path%/*}" ] && [ -d /var/run/act/workflow ]; then
        export "$var=/var/run/act/workflow/${path##*/}"
    fi
done

# data-dir is relative to the workspace; the runner sets the working
# directory with --workdir, but nothing guarantees it for other callers.
if [ -n "${GITHUB_WORKSPACE:-}" ]; then
    cd "$GITHUB_WORKSPACE"
fi

exec /usr/local/bin/f1-mlops "$@"
