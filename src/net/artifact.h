/* artifact: uploads one file as a GitHub Actions artifact through the
 * Artifacts v4 API, the way @actions/artifact does (see
 * docs/github-actions-runtime.md §1), so the runner and act accept it.
 *
 * One upload = CreateArtifact (Twirp JSON) -> the file in sequential blocks
 * (Azure Put Block, then Put Block List) to the signed URL the service
 * returned -> FinalizeArtifact with the byte count and SHA-256 of exactly
 * the bytes sent.  The file is uploaded as is: a zip becomes the artifact
 * itself, never a zip inside a zip.
 *
 * Secrets: the runtime token and the signed URL's `sig` (raw and
 * URL-decoded) are registered with log_mask() before any request, and no
 * URL with a query string is ever logged.
 *
 * Retries follow the toolkit: Twirp calls 5 attempts (3 s, then random in
 * [3*1.5^a, 3*1.5^(a+1)) s) on HTTP 500/502/503/504/429 and unparseable
 * bodies, other statuses and socket errors fail at once; block PUTs 4 tries
 * (0, 4, 12 s) on HTTP 500/503 and socket errors.  Everything here is
 * stateless between calls; the caller owns every struct. */
#ifndef F1_NET_ARTIFACT_H
#define F1_NET_ARTIFACT_H

#include <stddef.h>
#include <time.h>

#include "core/err.h"
#include "net/pacer.h"

/* Largest block sent (the toolkit's buffer size). */
#define ARTIFACT_CHUNK_MAX ((size_t)8 << 20)

/* Where and as whom to upload: the runner's environment, borrowed. */
typedef struct {
    const char *token;          /* ACTIONS_RUNTIME_TOKEN (a JWT) */
    const char *results_url;    /* ACTIONS_RESULTS_URL; only its origin is used */
    const char *server_url;     /* GITHUB_SERVER_URL; NULL/"" = https://github.com */
    const char *repository;     /* GITHUB_REPOSITORY (owner/name) */
    const char *run_id;         /* GITHUB_RUN_ID */
    const char *max_retention;  /* GITHUB_RETENTION_DAYS; NULL/""/0 = no cap */
    long stall_timeout_ms;      /* per request; ACTIONS_ARTIFACT_UPLOAD_TIMEOUT_MS */
    /* Test hooks; artifact_env_from_environ() sets the real values. */
    time_t now;                 /* 0 = time(NULL), for expires_at */
    size_t chunk_size;          /* 0 = ARTIFACT_CHUNK_MAX; at most that */
    const pacer_clock *clock;   /* retry sleeps; NULL = really sleep */
} artifact_env;

/* Fills *env from the environment (unset variables become NULL; the stall
 * timeout defaults to 300000 ms).  The strings stay owned by the
 * environment. */
void artifact_env_from_environ(artifact_env *env);

/* The two backend ids the service addresses a run's artifacts by. */
typedef struct {
    char workflow_run[256];
    char workflow_job_run[256];
} artifact_ids;

/* Reads the ids from the token's `scp` claim: the first space-separated
 * scope "Actions.Results:<run>:<job run>".  The JWT signature is not
 * checked (the service does that).  Returns 0, or -1 with e set (kind
 * ERR_INPUT) when the token or the claim is missing or malformed. */
int artifact_backend_ids(const char *token, artifact_ids *ids, err *e);

/* Returns 0 when name is a valid artifact name (non-empty, none of
 * " : < > | * ? \ / CR LF), else -1 with e naming the character (ERR_INPUT). */
int artifact_name_check(const char *name, err *e);

/* What a finished upload returns. */
typedef struct {
    char id[32];                /* the service's artifact id, decimal */
    char url[2048];             /* SERVER/REPO/actions/runs/RUN/artifacts/ID */
    char digest[65];            /* SHA-256 of the uploaded bytes, hex */
    long long size;             /* bytes uploaded */
} artifact_result;

/* Uploads the file at path as the artifact `name`, to expire after
 * retention_days (0 = the repository default; clamped to
 * GITHUB_RETENTION_DAYS with a warning).  Returns 0 with *out filled, or -1
 * with e set (kind ERR_INPUT for a bad name, token or GHES server,
 * ERR_NETWORK for a failed call, with the toolkit's message shape, e.g.
 * "Received non-retryable error: Failed request: (409) Conflict: ...").
 * A duplicate name (HTTP 409) fails with a hint to change artifact-name. */
int artifact_upload(const artifact_env *env, const char *name, const char *path,
                    int retention_days, artifact_result *out, err *e);

#endif
