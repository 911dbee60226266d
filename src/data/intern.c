#include "data/intern.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *key;
    int idx;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    return strcmp(x->key, y->key);
}

int intern_strings(const char *const *keys, int n, int *ids, err *e)
{
    keyed *k = malloc(sizeof *k * (size_t)(n > 0 ? n : 1));
    if (k == NULL)
        return err_set(e, "intern: out of memory");
    int m = 0;
    for (int i = 0; i < n; i++) {
        ids[i] = -1;
        if (keys[i] != NULL)
            k[m++] = (keyed){keys[i], i};
    }
    qsort(k, (size_t)m, sizeof *k, cmp_keyed);
    int count = 0;
    for (int i = 0; i < m; i++) {
        if (i > 0 && strcmp(k[i].key, k[i - 1].key) != 0)
            count++;
        ids[k[i].idx] = count;
    }
    free(k);
    return m > 0 ? count + 1 : 0;
}
