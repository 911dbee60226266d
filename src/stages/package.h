/* package: f1-model.zip, the deliverable of a run (docs/pipeline.md §6).
 *
 * The zip holds exactly five members, in this order: model.json,
 * metrics.json, predictions.csv, MODEL_CARD.md and manifest.json, whose
 * "files" object gives the size and SHA-256 of the other four.  stage_package
 * (declared in stage.h) writes MODEL_CARD.md into data-dir too, builds the
 * zip under a temporary name, reads it back and checks it against the files
 * on disk, and only then renames it to f1-model.zip, so a reader sees the
 * previous zip or a complete verified one.  The zip is byte-identical for
 * identical inputs (see archive.h for the fixed timestamps). */
#ifndef F1_STAGES_PACKAGE_H
#define F1_STAGES_PACKAGE_H

#include "core/err.h"

#define PACKAGE_CARD "MODEL_CARD.md"
#define PACKAGE_MEMBERS 5

/* Checks the zip at zip_path: it opens as a consistent zip, every member
 * passes its CRC, the members are exactly the five above, and each member's
 * size and SHA-256 match manifest.json.  Returns 0, or -1 with e naming the
 * problem (kind ERR_DATA): truncated file, altered, extra or missing member. */
int package_verify(const char *zip_path, err *e);

#endif
