#include "core/grow.h"

#include <stdlib.h>
#include <string.h>

int grow_array(void *items, int *alloc, int need, size_t size, int first, err *e)
{
    if (need <= *alloc)
        return 0;
    int n = *alloc > 0 ? *alloc : first;
    while (n < need)
        n *= 2;
    void *old;
    memcpy(&old, items, sizeof old);
    void *p = realloc(old, (size_t)n * size);
    if (p == NULL)
        return err_set(e, "out of memory growing an array to %d elements", n);
    memcpy(items, &p, sizeof p);
    *alloc = n;
    return 0;
}
