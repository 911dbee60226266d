#include "core/bigmem.h"

#include <stdint.h>
#include <sys/mman.h>

/* The mapping's length is kept in front of the block, one cache line so
 * the block stays aligned. */
#define HEADER 64

void *bigmem_alloc(size_t n)
{
    if (n > SIZE_MAX - HEADER)
        return NULL;
    size_t len = n + HEADER;
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
                   -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    *(size_t *)m = len;
    return (char *)m + HEADER;
}

void bigmem_free(void *p)
{
    if (p == NULL)
        return;
    char *m = (char *)p - HEADER;
    munmap(m, *(size_t *)m);
}
