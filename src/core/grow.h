/* grow: the one rule for growable arrays (double, starting at `first`).
 *
 * grow_array() makes room for at least `need` elements of `size` bytes in
 * the array *items (allocated *alloc elements so far), reallocating it;
 * the caller owns and frees the array.  Returns 0, or -1 with e set when
 * out of memory (the old array is kept and stays valid). */
#ifndef F1_CORE_GROW_H
#define F1_CORE_GROW_H

#include <stddef.h>

#include "core/err.h"

int grow_array(void *items, int *alloc, int need, size_t size, int first, err *e);

#endif
