/* numfmt: doubles as text that reads back to the same bits.
 *
 * cJSON prints numbers with 15 significant digits unless that is "close
 * enough" to the value, which does not round-trip every double; model
 * files and predictions must.  numfmt writes the shortest of %.15g, %.16g
 * and %.17g that strtod reads back exactly (%.17g always does), so 0.5
 * stays "0.5" and 1/7 becomes "0.14285714285714285". */
#ifndef F1_ML_NUMFMT_H
#define F1_ML_NUMFMT_H

#include <cjson/cJSON.h>

#define NUMFMT_MAX 32

/* Writes v (finite) into out (NUMFMT_MAX bytes) and returns out. */
char *numfmt_double(double v, char *out);

/* A cJSON item printing v exactly (a raw number), or NULL when out of
 * memory.  The caller owns it (usually by adding it to an array). */
cJSON *numfmt_json(double v);

/* An array of n exactly printed numbers, or NULL when out of memory. */
cJSON *numfmt_json_array(const double *v, int n);

#endif
