/* jsonbuild: building cJSON trees without checking every allocation.
 *
 * cJSON's constructors return NULL when out of memory.  Builders pass each
 * new item straight to jsonbuild_add, which attaches it or, when the item
 * or its parent is NULL, frees the item and raises *oom; the builder
 * checks *oom once at the end and drops the whole tree.  No state. */
#ifndef F1_CORE_JSONBUILD_H
#define F1_CORE_JSONBUILD_H

#include <cjson/cJSON.h>

/* Adds item to parent: under key when parent is an object (key non-NULL),
 * else appended to the array parent.  Returns item, or NULL (item freed,
 * *oom set) when item or parent is NULL. */
cJSON *jsonbuild_add(cJSON *parent, const char *key, cJSON *item, int *oom);

/* For builders that check each step: adds item under key to the object
 * obj and returns 0, or returns -1 when item is NULL (out of memory). */
int jsonbuild_put(cJSON *obj, const char *key, cJSON *item);

#endif
