/* archive: the zip files of f1-mlops, written and read with libzip.
 *
 * Writing is deterministic: members are stored in the order given, deflated,
 * with mode 0644 and one fixed modification time (SOURCE_DATE_EPOCH when
 * set, else 1980-01-01 00:00:00, both as UTC), so the same members always
 * give the same bytes.  Reading checks the archive's consistency and every
 * member's CRC, and bounds memory whatever the zip says: declared sizes are
 * checked against their caps before anything is inflated, and inflating
 * stops one byte past a member's declared size (headers can lie).  The zip
 * file itself is opened as fs_open_read says (never a FIFO or device).  An
 * archive_contents owns all its members' storage. */
#ifndef F1_CORE_ARCHIVE_H
#define F1_CORE_ARCHIVE_H

#include <stddef.h>

#include "core/buf.h"
#include "core/err.h"

/* Largest member, and largest sum of members, archive_read accepts. */
#define ARCHIVE_MEMBER_MAX ((size_t)1 << 30)
#define ARCHIVE_TOTAL_MAX ((size_t)1 << 30)

/* One member: a name and its bytes (data is NUL-terminated after len bytes
 * when it comes from archive_read). */
typedef struct {
    const char *name;
    const char *data;
    size_t len;
} archive_member;

/* Members read from a zip, in the zip's order. */
typedef struct {
    int n;
    archive_member *m;
} archive_contents;

/* Writes the zip holding the n members (borrowed from the caller) to path,
 * atomically through fs_write_atomic (never through a symlink at path).
 * Returns 0, or -1 (path unchanged). */
int archive_write(const char *path, const archive_member *m, int n, err *e);

/* Reads only the member called name of the zip at path (flags: 0, or
 * FS_FOLLOW for a path the user gave) onto the end of out; out's cap is the
 * member's (ARCHIVE_MEMBER_MAX when out has none).  Other members are never
 * inflated.  Returns 0, or -1 with e set (ERR_DATA) when the zip cannot be
 * read, has no such member, or the member is over the cap or damaged. */
int archive_read_one(const char *path, int flags, const char *name, buf *out, err *e);

/* Opens the zip at path (a file of data-dir) and reads every member.  Returns the contents (free
 * with archive_contents_free) or NULL with e set (kind ERR_DATA) when the
 * file is not a consistent zip, a member fails its CRC, or is too big. */
archive_contents *archive_read(const char *path, err *e);

/* Frees c and everything it owns (NULL: no-op). */
void archive_contents_free(archive_contents *c);

/* The member called name, or NULL. */
const archive_member *archive_find(const archive_contents *c, const char *name);

#endif
