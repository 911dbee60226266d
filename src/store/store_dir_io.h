/* store_dir_io: what the embedded store's files share between its parts
 * (store_dir.c, store_dir_parts.c); internal to the store layer. */
#ifndef F1_STORE_STORE_DIR_IO_H
#define F1_STORE_STORE_DIR_IO_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/err.h"
#include "store/store.h"

/* A file's bytes, in storage reused from file to file: a listing reads
 * thousands of documents (the owner frees data with free()). */
typedef struct {
    char *data;
    size_t alloc;
} file_buf;

/* Called per directory entry that is not "." or "..". */
typedef int (*dir_entry_fn)(const char *dir, const char *name, void *ctx, err *e);

/* Calls fn for each entry of the directory at path (stops at its -1). */
int dir_each(const char *path, dir_entry_fn fn, void *ctx, err *e);

/* 1 when name is a document file name ("<key>.json"). */
int dir_is_doc_name(const char *name);

/* *out = the document in the file at path (the caller deletes it); an
 * ERR_STORE error when it cannot be read or is not a JSON object. */
int dir_read_doc(const char *path, file_buf *fb, cJSON **out, err *e);

/* out = the directory of collection coll of the embedded store s. */
int store_dir_collection_path(store *s, const char *coll, char *out, size_t n, err *e);

/* store_ops.list_parts of the embedded store (store_dir_parts.c). */
int dir_list_parts(store *s, const char *coll, int max_parts, store_visit_fn fn,
                   void *const *ctxs, err *e);

#endif
