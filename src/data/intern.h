/* intern: dense integer ids for strings, so per-driver, per-constructor
 * and per-value state can live in flat arrays instead of being looked up
 * by name row after row.
 *
 * One open-addressing hash table per call (O(n) expected), freed before
 * returning; no state is kept between calls. */
#ifndef F1_DATA_INTERN_H
#define F1_DATA_INTERN_H

#include "core/err.h"

/* Gives each distinct string of keys[0..n) an id in 0..count-1, in order
 * of first appearance, and writes ids[i] for keys[i]; a NULL key gets id
 * -1.  Returns count, or -1 when out of memory.  keys are only read. */
int intern_strings(const char *const *keys, int n, int *ids, err *e);

#endif
