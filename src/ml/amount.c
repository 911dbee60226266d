#include "ml/amount.h"

#include <stdio.h>
#include <stdlib.h>

void amount_str(amount a, char *out, int n)
{
    if (!a.is_fraction) {
        snprintf(out, (size_t)n, "%d", (int)a.value);
        return;
    }
    /* The shortest of 15-17 digits that reads back exactly: "0.1", not
     * "0.10000000000000001"; a trailing ".0" keeps 1.0 a fraction. */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(out, (size_t)n, "%.*g%s", digits, a.value, a.value == 1.0 ? ".0" : "");
        if (strtod(out, NULL) == a.value)
            return;
    }
}

int amount_resolve(amount a, int avail)
{
    int k = a.is_fraction ? (int)(a.value * avail) : (int)a.value;
    /* scikit-learn rejects a count above what is available; a small season
     * range would then fail on the default max-features, so we clamp (the
     * README documents this difference). */
    if (k > avail)
        k = avail;
    if (k < 1)
        k = 1;
    return k;
}
