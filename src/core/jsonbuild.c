#include "core/jsonbuild.h"

cJSON *jsonbuild_add(cJSON *parent, const char *key, cJSON *item, int *oom)
{
    if (item == NULL || parent == NULL) {
        *oom = 1;
        cJSON_Delete(item);
        return NULL;
    }
    if (key)
        cJSON_AddItemToObject(parent, key, item);
    else
        cJSON_AddItemToArray(parent, item);
    return item;
}

int jsonbuild_put(cJSON *obj, const char *key, cJSON *item)
{
    if (item == NULL)
        return -1;
    cJSON_AddItemToObject(obj, key, item);
    return 0;
}
