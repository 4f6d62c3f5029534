/* checkpoint_int.h: internals shared by the checkpoint files: the column
 * transforms (checkpoint_codec.c), used by the writer and reader (checkpoint.c). */
#ifndef PW_IO_CHECKPOINT_INT_H
#define PW_IO_CHECKPOINT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strpool.h"

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

#endif
