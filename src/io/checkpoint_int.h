/* checkpoint_int.h: internals shared by the checkpoint files: the column
 * transforms (checkpoint_codec.c), used by the writer (checkpoint_write.c) and reader
 * (checkpoint_read.c); the column directory and header layout they share. */
#ifndef PW_IO_CHECKPOINT_INT_H
#define PW_IO_CHECKPOINT_INT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/err.h"
#include "core/strpool.h"
#include "model/workforce.h"

#define PW__CK_NULL_LEN UINT32_MAX   /* string length that stands for NULL */

/* Fixed-width columns: rows values of width 1, 2, 4 or 8 bytes. encode writes
 * rows x width bytes to dst; tmp must hold as much. decode is the inverse (src
 * rows x width bytes). scale is the decimal exponent k of PW_CK_DECIMAL (doubles
 * stored as the int64 n = v x 10^k), which needs every value to pass
 * pw__ck_decimal_scale. The stages are decimal, then delta, then shuffle. */
void pw__ck_encode_fixed(const void *src, size_t rows, int width, int transform, int scale, uint8_t *dst,
                         uint8_t *tmp);
void pw__ck_decode_fixed(const uint8_t *src, size_t rows, int width, int transform, int scale, void *dst,
                         uint8_t *tmp);
/* The smallest k of 2, 4, 6 such that every value is exactly (double)n / 10^k
 * for an integer |n| < 2^53 (cents, basis points, ...), or -1. */
int pw__ck_decimal_scale(const double *v, size_t rows);
#define PW__CK_MAX_SCALE 9

/* Strings (NULL allowed). Encoded layout:
 *   plain (no FRONT):  rows x u32 length (PW__CK_NULL_LEN = NULL), then the text bytes
 *   FRONT:             rows x u32 prefix shared with the previous string (a NULL
 *                      counts as ""), rows x u32 suffix length (PW__CK_NULL_LEN =
 *                      NULL, with prefix 0), then the suffix bytes
 * SHUFFLE splits each u32 section into byte planes. */
/* Encoded size, and raw size (4 x rows + text bytes) when raw is non-NULL;
 * SIZE_MAX if a string is 4 GiB or longer. */
size_t pw__ck_strings_size(const char *const *s, size_t rows, int transform, size_t *raw);
/* Writes exactly pw__ck_strings_size bytes to dst; tmp holds 4 x rows bytes. */
void pw__ck_encode_strings(const char *const *s, size_t rows, int transform, uint8_t *dst, uint8_t *tmp);
/* Decodes size bytes into out[rows], copying the text into pool. tmp holds
 * 8 x rows bytes. Returns 0, PW_ENOMEM, or PW_ECHECKPOINT with why filled. */
int pw__ck_decode_strings(const uint8_t *src, size_t size, size_t rows, int transform, struct pw_strpool *pool,
                          const char **out, uint8_t *tmp, char *why, size_t why_size);

/* Files (checkpoint_files.c). create_temp makes a new, empty, hidden file
 * "<dir>/.<base>.tmp<pid>[-n]" next to path (O_EXCL) and returns its descriptor
 * in *fd and its name in tmp. commit_temp fsyncs and closes fd, renames tmp over
 * path and fsyncs the folder; on failure it removes tmp. Both return 0 or PW_EIO. */
int pw__ck_create_temp(const char *path, char *tmp, size_t cap, int *fd, struct pw_err *err);
int pw__ck_commit_temp(int fd, const char *tmp, const char *path, struct pw_err *err);

/* ---- the columns of this build (checkpoint.c) ---- */

struct pw__ck_col {
    const char *name;
    uint8_t type;                                  /* enum pw_checkpoint_type */
    void *(*ptr)(const struct pw_workforce *wf);   /* the column's array */
};
#define PW__CK_COUNT_ONE(col) +1
#define PW__CK_NCOLS (0 PW_WORKFORCE_COLUMNS(PW__CK_COUNT_ONE))
extern const struct pw__ck_col pw__ck_cols[PW__CK_NCOLS];
extern const uint8_t pw__ck_magic[8];
/* Bytes per value of a fixed-width type, 0 for strings. */
int pw__ck_type_width(int type);
/* Transforms allowed for a type (the reader refuses others). */
int pw__ck_transform_mask(int type);
/* SHA-1 of the column directory and the scalar field list of this build. */
void pw__ck_schema_hash(uint8_t out[20]);
/* n bytes as 2n lower-case hex digits and a NUL. */
void pw__ck_hex(const uint8_t *d, size_t n, char *out);

/* ---- header layout (offsets in bytes; docs/checkpoints.md) ---- */

enum {
    H_MAGIC = 0, H_VERSION = 8, H_NCOLS = 12, H_SCHEMA = 16, H_CONFIG = 36, H_SEED = 56, H_SCENARIO = 64,
    H_YEAR = 128, H_RESERVED = 132, H_ROWS = 136, H_BODY = 144, H_STORED = 152, H_HPREV = 160, H_SHARE = 168,
    H_ROSTER = 176, H_EVENTS = 184, H_SNAPSHOTS = 192, H_FIXED = 200,
    D_NAME = 0, D_TYPE = 32, D_WIDTH = 33, D_TRANSFORM = 34, D_SCALE = 35, D_RESERVED = 36, D_RAW = 40, D_BODY_OFF = 48,
    D_BODY = 56, D_STORED_OFF = 64, D_STORED = 72, D_ENTRY = 80,
    H_SUM = 20
};

static inline size_t header_size(size_t ncols) { return H_FIXED + D_ENTRY * ncols + H_SUM; }

static inline void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static inline uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static inline uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}


#endif
