/* bigmem: zeroed arrays of megabytes (feature tables, training copies)
 * mapped with all their pages at once.
 *
 * Why: a fresh page costs a fault on first touch, and on the virtual
 * machines CI runs on a fault costs ~10 µs: a 15 MB table faulted page by
 * page costs more than everything the stage computes with it.  Mapping it
 * with MAP_POPULATE takes the pages in one system call.
 *
 * The caller owns the block and frees it with bigmem_free (NULL: no-op);
 * never with free().  Nothing here keeps state. */
#ifndef F1_CORE_BIGMEM_H
#define F1_CORE_BIGMEM_H

#include <stddef.h>

/* n zeroed bytes (at least one page), 64-byte aligned; NULL when out of
 * memory. */
void *bigmem_alloc(size_t n);
/* Frees memory bigmem_alloc returned (NULL: no-op). */
void bigmem_free(void *p);

#endif
