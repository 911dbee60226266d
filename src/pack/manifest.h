/* manifest: manifest.json, the package's table of contents and provenance.
 *
 * Layout:
 *   {"tool": "f1-mlops", "tool_version": F1_VERSION,
 *    "inputs": {"seasons", "test-season", "backtest", "wikipedia",
 *               "artifact-name", and the model parameters n-estimators ...
 *               seed},
 *    "data": metrics.json's "data" object (row, race and feature counts,
 *            weather coverage),
 *    "files": {"<member>": {"sha256": "<64 hex>", "size": N}, ...}}
 * "files" lists every other member of the zip, in zip order.  The model
 * parameters are the ones metrics.json says the model was trained with
 * (package may run in a later job than train); the other inputs are this
 * run's.  Secrets (mongodb-uri) are never written.  The text is
 * deterministic: the same inputs give the same bytes. */
#ifndef F1_PACK_MANIFEST_H
#define F1_PACK_MANIFEST_H

#include <cjson/cJSON.h>

#include "config/config.h"
#include "core/buf.h"
#include "core/err.h"
#include "core/archive.h"

#define MANIFEST_NAME "manifest.json"

/* Appends the manifest for the n files (borrowed) to out.  metrics may be
 * NULL (no data counts, parameters taken from cfg).  Returns 0 or -1. */
int manifest_render(buf *out, const config *cfg, const cJSON *metrics, const archive_member *files,
                    int n, err *e);

/* Checks the manifest member of c against c's other members: "files" must
 * list exactly those members, each with the size and SHA-256 of its bytes.
 * Returns 0, or -1 with e naming the first difference (kind ERR_DATA). */
int manifest_verify(const archive_contents *c, err *e);

#endif
