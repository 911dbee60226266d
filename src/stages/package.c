#include "stages/package.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/fsutil.h"
#include "core/jsonfile.h"
#include "core/log.h"
#include "core/archive.h"
#include "pack/manifest.h"
#include "pack/model_card.h"
#include "stages/stage.h"

/* The members in zip order; the manifest, which describes the others,
 * comes last. */
static const char *const package_names[PACKAGE_MEMBERS] = {
    FILE_MODEL, FILE_METRICS, FILE_PREDICTIONS, PACKAGE_CARD, MANIFEST_NAME,
};
#define PACKAGE_FILES (PACKAGE_MEMBERS - 1)

/* Stage outputs are held in memory twice (file and read-back zip). */
#define PACKAGE_FILE_MAX ((size_t)512 << 20)

static int package_check_names(const archive_contents *c, const char *zip_path, err *e)
{
    if (c->n != PACKAGE_MEMBERS)
        return err_setk(e, ERR_DATA, "zip '%s' has %d members, expected exactly %s, %s, %s, %s and %s",
                        zip_path, c->n, package_names[0], package_names[1], package_names[2],
                        package_names[3], package_names[4]);
    /* With the count right, finding each distinct name rules out both extra
     * and duplicate members. */
    for (int i = 0; i < PACKAGE_MEMBERS; i++)
        if (archive_find(c, package_names[i]) == NULL)
            return err_setk(e, ERR_DATA, "zip '%s' lacks %s", zip_path, package_names[i]);
    return 0;
}

/* Reads and fully checks the zip; returns its contents for further checks
 * (free with archive_contents_free) or NULL. */
static archive_contents *package_open_verified(const char *zip_path, err *e)
{
    archive_contents *c = archive_read(zip_path, e);
    if (c == NULL)
        return NULL;
    int rc = package_check_names(c, zip_path, e);
    if (rc == 0 && manifest_verify(c, e) != 0)
        rc = err_wrap(e, "zip '%s'", zip_path);
    if (rc != 0) {
        archive_contents_free(c);
        return NULL;
    }
    return c;
}

int package_verify(const char *zip_path, err *e)
{
    archive_contents *c = package_open_verified(zip_path, e);
    if (c == NULL)
        return -1;
    archive_contents_free(c);
    return 0;
}

static int package_read_inputs(const stage_ctx *ctx, buf files[PACKAGE_FILES], err *e)
{
    for (int i = 0; i < PACKAGE_FILES; i++) {
        char path[4200];
        stage_path(ctx, package_names[i], path, sizeof path);
        if (!fs_exists(path))
            return err_setk(e, ERR_DATA, "'%s' does not exist: run the train and evaluate stages first "
                            "(with the same data-dir)", path);
        if (fs_read_file(path, &files[i], e) != 0)
            return -1;
    }
    return 0;
}

static int package_write_card(const stage_ctx *ctx, cJSON **metrics, err *e)
{
    char path[4200];
    stage_path(ctx, FILE_METRICS, path, sizeof path);
    if (!fs_exists(path))
        return err_setk(e, ERR_DATA, "'%s' does not exist: run the evaluate stage first "
                        "(with the same data-dir)", path);
    *metrics = jsonfile_load(path, PACKAGE_FILE_MAX, e);
    if (*metrics == NULL)
        return -1;
    buf card;
    buf_init(&card, PACKAGE_FILE_MAX);
    stage_path(ctx, PACKAGE_CARD, path, sizeof path);
    int rc = model_card_render(&card, *metrics, e);
    if (rc == 0)
        rc = fs_write_atomic(path, card.data, card.len, e);
    buf_release(&card);
    return rc;
}

/* The zip must match the bytes the stage read from data-dir, not just its
 * own manifest: that catches a member swapped or altered while writing. */
static int package_check_against(const char *tmp, const archive_member *want, err *e)
{
    archive_contents *c = package_open_verified(tmp, e);
    if (c == NULL)
        return err_wrap(e, "checking the new zip");
    int rc = 0;
    for (int i = 0; i < PACKAGE_MEMBERS && rc == 0; i++) {
        const archive_member *got = archive_find(c, want[i].name);
        if (got->len != want[i].len || memcmp(got->data, want[i].data, want[i].len) != 0)
            rc = err_setk(e, ERR_DATA, "the new zip's %s differs from the file written", want[i].name);
    }
    archive_contents_free(c);
    return rc;
}

/* rename() alone orders nothing on disk: fsync first so the final name
 * never points at data still in flight (libzip does not sync). */
static int package_sync(const char *path, err *e)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0 || fsync(fd) != 0) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        return err_setk(e, ERR_STORE, "cannot sync '%s': %s", path, strerror(saved));
    }
    close(fd);
    return 0;
}

static int package_install(const stage_ctx *ctx, const char *tmp, const char *zip_path, err *e)
{
    if (package_sync(tmp, e) != 0)
        return -1;
    if (rename(tmp, zip_path) != 0)
        return err_setk(e, ERR_STORE, "cannot rename '%s' to '%s': %s", tmp, zip_path, strerror(errno));
    /* An upload record describes the previous zip; the upload stage writes
     * a new one for this zip. */
    char upload[4200];
    stage_path(ctx, FILE_UPLOAD, upload, sizeof upload);
    if (unlink(upload) != 0 && errno != ENOENT)
        log_warn("cannot remove the stale '%s': %s", upload, strerror(errno));
    return 0;
}

int stage_package(stage_ctx *ctx, err *e)
{
    int rc = -1;
    cJSON *metrics = NULL;
    buf files[PACKAGE_MEMBERS];
    for (int i = 0; i < PACKAGE_MEMBERS; i++)
        buf_init(&files[i], PACKAGE_FILE_MAX);
    char zip_path[4200], tmp[4300];
    stage_path(ctx, FILE_ZIP, zip_path, sizeof zip_path);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", zip_path, (long)getpid());
    if (package_write_card(ctx, &metrics, e) != 0 || package_read_inputs(ctx, files, e) != 0)
        goto out;
    archive_member m[PACKAGE_MEMBERS];
    for (int i = 0; i < PACKAGE_FILES; i++)
        m[i] = (archive_member){package_names[i], files[i].data, files[i].len};
    if (manifest_render(&files[PACKAGE_FILES], ctx->cfg, metrics, m, PACKAGE_FILES, e) != 0)
        goto out;
    m[PACKAGE_FILES] = (archive_member){MANIFEST_NAME, files[PACKAGE_FILES].data, files[PACKAGE_FILES].len};
    if (archive_write(tmp, m, PACKAGE_MEMBERS, e) != 0 || package_check_against(tmp, m, e) != 0 ||
        package_install(ctx, tmp, zip_path, e) != 0)
        goto out;
    log_info("package: wrote %s (%s, %s, %s, %s, %s), verified", zip_path, package_names[0],
             package_names[1], package_names[2], package_names[3], package_names[4]);
    rc = 0;
out:
    if (rc != 0)
        unlink(tmp);
    for (int i = 0; i < PACKAGE_MEMBERS; i++)
        buf_release(&files[i]);
    cJSON_Delete(metrics);
    return rc;
}
