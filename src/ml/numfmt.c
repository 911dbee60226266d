#include "ml/numfmt.h"

#include <stdio.h>
#include <stdlib.h>

char *numfmt_double(double v, char *out)
{
    for (int digits = 15; digits < 17; digits++) {
        snprintf(out, NUMFMT_MAX, "%.*g", digits, v);
        if (strtod(out, NULL) == v)
            return out;
    }
    snprintf(out, NUMFMT_MAX, "%.17g", v);
    return out;
}

cJSON *numfmt_json(double v)
{
    char text[NUMFMT_MAX];
    return cJSON_CreateRaw(numfmt_double(v, text));
}

cJSON *numfmt_json_array(const double *v, int n)
{
    cJSON *a = cJSON_CreateArray();
    for (int i = 0; a != NULL && i < n; i++) {
        cJSON *it = numfmt_json(v[i]);
        if (it == NULL) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, it);
    }
    return a;
}
