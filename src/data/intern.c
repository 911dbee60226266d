#include "data/intern.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* FNV-1a: short keys (driver ids, nationalities), no adversary. */
static uint32_t hash_string(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int intern_strings(const char *const *keys, int n, int *ids, err *e)
{
    /* At most half full, so probe runs stay short. */
    size_t cap = 16;
    while (cap < 2 * (size_t)n)
        cap *= 2;
    int *slot_row = malloc(cap * sizeof *slot_row); /* a row holding the slot's key */
    if (slot_row == NULL)
        return err_set(e, "intern: out of memory");
    memset(slot_row, 0xff, cap * sizeof *slot_row); /* -1 = empty */
    int count = 0;
    for (int i = 0; i < n; i++) {
        ids[i] = -1;
        if (keys[i] == NULL)
            continue;
        size_t s = hash_string(keys[i]) & (cap - 1);
        while (slot_row[s] >= 0 && strcmp(keys[slot_row[s]], keys[i]) != 0)
            s = (s + 1) & (cap - 1);
        if (slot_row[s] < 0) {
            slot_row[s] = i;
            ids[i] = count++;
        } else {
            ids[i] = ids[slot_row[s]];
        }
    }
    free(slot_row);
    return count;
}
