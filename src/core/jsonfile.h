/* jsonfile: the one way JSON is written to a file, read back, and read
 * field by field: the loader, the writer and the getters.
 *
 * Writing has one rule: JSONFILE_PRETTY files (read by people: metrics,
 * coverage, manifest, upload record) are cJSON's formatted text followed
 * by a newline; JSONFILE_COMPACT files (read by programs: model, tune
 * results and shards) are cJSON's unformatted text, nothing after it.
 * Files are written atomically (fs_write_atomic).
 *
 * Getters take a dotted path of object keys and array indexes
 * ("model.precision", "data.train_seasons.0"; a plain key is the common,
 * fast case).  Numbers have one rule too (core/num.h): a finite JSON
 * number, or a string that is one plain decimal number and nothing else
 * (the Ergast API writes every number as a string); never "nan", "inf",
 * hex or an overflow.  An integer is a whole JSON number or a string of
 * decimal digits (a sign allowed).  The _in getters also check the
 * field's range and say what is wrong; the plain ones use
 * +-JSONFILE_INT_MAX (integers) or any finite value.
 *
 * The loader returns a cJSON tree the caller frees with cJSON_Delete().
 * The getters only borrow the tree; what they return lives as long as it. */
#ifndef F1_CORE_JSONFILE_H
#define F1_CORE_JSONFILE_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/buf.h"
#include "core/err.h"

/* Largest integer magnitude jsonfile_int accepts: every integer in this
 * program's data (seasons, rounds, positions, laps, counts) is far below. */
#define JSONFILE_INT_MAX 1000000

typedef enum { JSONFILE_PRETTY, JSONFILE_COMPACT } jsonfile_style;

/* Appends root's text in `style` (the rule above) to out.  Returns 0, or
 * -1 when out of memory or past out's cap. */
int jsonfile_render(buf *out, const cJSON *root, jsonfile_style style, err *e);

/* Writes root to path in `style`, atomically.  Returns 0 or -1 (e names
 * the path). */
int jsonfile_write(const char *path, const cJSON *root, jsonfile_style style, err *e);

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

/* The number at path (a number, or a string holding exactly one), or dflt
 * when it is missing or not a number. */
double jsonfile_num(const cJSON *root, const char *path, double dflt);

/* The integer at path into *out (the rule above).  Returns 0, or -1 when it is missing or
 * not such an integer (*out untouched). */
int jsonfile_int(const cJSON *root, const char *path, int *out);

/* The number at path into *out when it is finite and in [lo, hi] (the
 * rule above; -0 reads as 0).  Returns 0, 1 when path is absent (*out
 * untouched), or -1 (ERR_DATA, "field 'path': '<value>' is ...") when it
 * is present but not such a number: null, "", "NaN", "1e999", 150 for
 * [0, 100]. */
int jsonfile_num_in(const cJSON *root, const char *path, double lo, double hi, double *out, err *e);

/* The same for a whole number in [lo, hi] into *out. */
int jsonfile_int_in(const cJSON *root, const char *path, long lo, long hi, int *out, err *e);

/* Exactly n numbers from the array under key (of obj itself, not a path)
 * into dbls, or into ints when dbls is NULL: each a JSON number (cJSON
 * reads 1e999 as infinity: refused), finite and >= lo; for ints also whole
 * and within +-2e9.  Returns 0, or -1 (ERR_DATA) naming the key and, for a
 * bad value, its entry: "'key' entry 3 is not a finite number >= 0". */
int jsonfile_num_array(const cJSON *obj, const char *key, int n, double lo, double *dbls, int *ints,
                       err *e);

/* The string at path, or dflt when it is missing or not a string. */
const char *jsonfile_str(const cJSON *root, const char *path, const char *dflt);

#endif
