/* jsonfile: loading a JSON file written by an earlier stage, and reading
 * values out of it by dotted path ("model.precision").
 *
 * The loader returns a cJSON tree the caller frees with cJSON_Delete().
 * The getters only borrow the tree; what they return lives as long as it. */
#ifndef F1_CORE_JSONFILE_H
#define F1_CORE_JSONFILE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/err.h"

/* Parses exactly the len bytes at data as one JSON value (whitespace may
 * follow it, nothing else).  `what` names the data in the error.  Returns
 * the tree, or NULL with e set (kind ERR_DATA). */
cJSON *jsonfile_parse(const char *data, size_t len, const char *what, err *e);

/* Reads and parses the file of data-dir at path, as fs_read_file does: a
 * regular file (no symlink, FIFO or device) of at most cap bytes (0 =
 * FS_READ_MAX).  Returns the tree, or NULL with e set (kind ERR_DATA) when
 * the file cannot be read or is not JSON. */
cJSON *jsonfile_load(const char *path, size_t cap, err *e);

/* The item at a dotted path of object keys and array indexes
 * ("data.train_seasons.0"), or NULL when any step is missing (root may be
 * NULL). */
const cJSON *jsonfile_get(const cJSON *root, const char *path);

/* The number at path, or dflt when it is missing or not a number. */
double jsonfile_num(const cJSON *root, const char *path, double dflt);

/* The string at path, or dflt when it is missing or not a string. */
const char *jsonfile_str(const cJSON *root, const char *path, const char *dflt);

#endif
