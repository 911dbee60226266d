/* github_artifact: a baseline model from another workflow run, for the
 * input `baseline-model: artifact:NAME` (issue 13): the newest unexpired
 * artifact called NAME that a run on the repository's default branch
 * uploaded, found through the REST API, downloaded, and its model.json
 * read out of the archive.
 *
 *   GET {api}/repos/{owner}/{repo}/actions/artifacts?name=NAME&per_page=100
 *     paged (github_list); items kept when `expired` is false and
 *     workflow_run.head_branch is the default branch; the newest
 *     created_at wins, ties to the larger id.
 *   GET its archive_download_url (on the API's origin) -> 302 to a signed
 *     URL on another host, fetched without the token (github_download).
 *
 * What the archive holds: f1-mlops uploads f1-model.zip as the artifact's
 * content as is (src/gha/artifact.h), and GitHub serves a v4 artifact's
 * blob as it was uploaded, so the download normally is f1-model.zip, with
 * model.json at its top.  An artifact uploaded by actions/upload-artifact
 * is a zip of the uploaded files instead: model.json, or f1-model.zip
 * holding it, one level down.  github_artifact_model_json takes all three.
 *
 * Errors name the input `baseline-model` and say what was expected; kind
 * ERR_INPUT when the token, the repository or the name is at fault (401,
 * 403, 404, 410, no matching artifact, an archive without a model),
 * ERR_NETWORK when GitHub failed.  No state; the caller owns every
 * struct and buffer. */
#ifndef F1_NET_GITHUB_ARTIFACT_H
#define F1_NET_GITHUB_ARTIFACT_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"
#include "net/github.h"

/* Largest archive downloaded, and largest model.json read out of one. */
#define GITHUB_ARTIFACT_MAX ((size_t)256 << 20)
#define GITHUB_MODEL_JSON_MAX ((size_t)1 << 30)

/* One artifact as the API lists it (the fields f1-mlops uses). */
typedef struct {
    long long id;
    char name[256];
    long long size_in_bytes;
    char created_at[40];         /* ISO 8601, as listed */
    long long run_id;            /* workflow_run.id */
    char head_branch[256];       /* workflow_run.head_branch */
    char head_sha[48];           /* workflow_run.head_sha */
    char download_url[2048];     /* archive_download_url */
} github_artifact;

/* Finds the newest unexpired artifact called name whose run was on
 * branch.  Returns 0 with *out filled; 1 when none matches (e set, kind
 * ERR_INPUT, the message counting what was listed: expired, other
 * branches), which a caller may take as "no baseline yet"; or -1 with e
 * set when the lookup failed.
 * An empty name or one with a control character is refused (ERR_INPUT)
 * before any request. */
int github_artifact_find(github_client *g, const char *name, const char *branch, github_artifact *out,
                         err *e);

/* Downloads a's archive to path (written atomically; at most cap bytes,
 * 0 = GITHUB_ARTIFACT_MAX), the token going to the API only.  Returns 0,
 * or -1 with e set (also when the bytes are not a zip). */
int github_artifact_download(github_client *g, const github_artifact *a, const char *path, size_t cap,
                             err *e);

/* find + download for `artifact:NAME`: the default branch from ev (may
 * be NULL) or the API, then the newest matching artifact, saved to
 * zip_path.  Returns 0 with *out describing what was downloaded, 1 when
 * no artifact matches (as github_artifact_find), or -1 with e set. */
int github_artifact_baseline(github_client *g, const github_event *ev, const char *name,
                             const char *zip_path, github_artifact *out, err *e);

/* Appends the model.json of the archive at zip_path to json: its
 * top-level model.json, else the model.json of its top-level
 * f1-model.zip.  Members are capped at cap bytes (0 =
 * GITHUB_MODEL_JSON_MAX) before and while inflating (src/core/unzip.h).
 * Returns 0, or -1 with e set (kind ERR_INPUT, naming baseline-model). */
int github_artifact_model_json(const char *zip_path, size_t cap, buf *json, err *e);

#endif
