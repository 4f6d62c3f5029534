/* checkpoint.h: year checkpoints of the carried simulation state (LZ4 frame).
 *
 * What is carried from year Y to Y+1 is described in model/carried.h: the
 * workforce R_{Y+1} (every column of PW_WORKFORCE_COLUMNS, model/workforce.h),
 * the id/SSN strings its columns point to, and struct pw_carried. A checkpoint
 * holds exactly that, plus enough identity to refuse it for another run.
 *
 * File layout (all integers little-endian; docs/checkpoints.md has the details):
 *
 *   header   fixed part (200 bytes): magic "\x89PWCK\r\n\x1a", format version,
 *            column count, schema hash, config hash, seed, scenario id, year Y,
 *            row count, body sizes, the struct pw_carried scalars;
 *            column directory (80 bytes per column): name, type, width,
 *            transform, decimal scale, raw bytes, offset and size in the decompressed body,
 *            offset and size in the LZ4 frame;
 *            SHA-1 of everything above (20 bytes).
 *   body     one LZ4 frame (content size, block and content checksums) holding
 *            the columns one after the other, each transformed before
 *            compression (byte-plane split, deltas, front-coded strings,
 *            doubles that are whole cents as integers: the writer keeps the
 *            transform that compresses a sample best). The
 *            frame is flushed at every column end, so each column's stored size
 *            is known.
 *
 * The schema hash is SHA-1 of the column layout (names, types, widths, and the
 * scalar fields): a build with other workforce columns refuses the file. The
 * config hash is pw_config_hash() of the effective configuration, so command-line
 * overrides count. The same state always gives byte-identical files.
 *
 * Writing goes to a temporary file in the target folder, which is fsync'd and
 * renamed over the target; then the folder is fsync'd. A crash leaves either the
 * previous file or the new one, plus at worst a hidden ".year-YYYY.pwck.tmp<pid>"
 * that discovery ignores.
 *
 * Reading verifies the magic, the format version, the header checksum, the file
 * size, the directory, the schema hash, the identity (config hash, scenario,
 * seed) and, while decompressing, the LZ4 block and content checksums and the
 * decoded values (ids sorted and non-empty, levels and flags in range). Any
 * failure returns PW_ECHECKPOINT (PW_EIO when the file cannot be read) with a
 * message naming the file and what is wrong; nothing of a refused checkpoint is
 * left in the caller's workforce. */
#ifndef PW_IO_CHECKPOINT_H
#define PW_IO_CHECKPOINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "core/strpool.h"
#include "model/carried.h"
#include "model/config.h"
#include "model/workforce.h"

#define PW_CHECKPOINT_VERSION 1        /* format version this build writes and reads */
#define PW_CHECKPOINT_MAX_COLUMNS 256  /* a larger column count is a corrupt header */
#define PW_CHECKPOINT_NAME_MAX 32      /* bytes of a column name in the directory (NUL-padded) */

/* Column value types (directory byte "type"). */
enum pw_checkpoint_type {
    PW_CK_U8 = 1,    /* uint8_t: flags, levels, methods */
    PW_CK_I16 = 2,   /* int16_t: counts */
    PW_CK_U32 = 3,   /* uint32_t: lengths */
    PW_CK_I32 = 4,   /* int32_t: dates (days since 1970-01-01, PW_NO_DATE = INT32_MIN) */
    PW_CK_U64 = 5,   /* uint64_t: RNG keys */
    PW_CK_F64 = 6,   /* double: dollars, rates */
    PW_CK_STR = 7    /* NUL-terminated string or NULL (ids, SSNs) */
};

/* Transform flags (directory byte "transform"); 0 = the values as they are in memory. */
enum pw_checkpoint_transform {
    PW_CK_DELTA = 1,   /* integers: each value minus the previous one (wrapping), first minus 0 */
    PW_CK_SHUFFLE = 2, /* byte planes: all first bytes, then all second bytes, ... (string lengths too) */
    PW_CK_FRONT = 4,   /* strings: length shared with the previous string + the rest */
    PW_CK_DECIMAL = 8  /* doubles that are all exactly n / 10^k (cents, ...): the int64 n, k = scale */
};

/* Who a checkpoint belongs to; a reader refuses a file with another identity. */
struct pw_checkpoint_id {
    uint8_t config_hash[20];                 /* pw_config_hash() of the effective configuration */
    uint64_t seed;                           /* random_seed */
    char scenario_id[PW_SCENARIO_MAX + 1];   /* 1-64 bytes */
};

/* Fills id from the effective configuration. Returns 0 or PW_ENOMEM. */
int pw_checkpoint_id_from_config(const struct pw_config *cfg, struct pw_checkpoint_id *id);
/* Folds more identity into id->config_hash (SHA-1 of the old hash and data):
 * the configuration names the census and assumption files but not their
 * contents, so a caller that wants a changed file to invalidate checkpoints
 * mixes in its bytes (or size and modification time). */
void pw_checkpoint_id_mix(struct pw_checkpoint_id *id, const void *data, size_t len);

/* One entry of the column directory. */
struct pw_checkpoint_column {
    char name[PW_CHECKPOINT_NAME_MAX + 1];
    uint8_t type;            /* enum pw_checkpoint_type */
    uint8_t width;           /* bytes per value; 0 for strings */
    uint8_t transform;       /* enum pw_checkpoint_transform flags */
    uint8_t scale;           /* k of PW_CK_DECIMAL (0-9), else 0 */
    uint64_t raw_bytes;      /* untransformed size: rows x width; strings 4 x rows + text bytes */
    uint64_t body_offset;    /* offset of the transformed column in the decompressed body */
    uint64_t body_bytes;     /* transformed size */
    uint64_t stored_offset;  /* offset of the column's first block in the LZ4 frame */
    uint64_t stored_bytes;   /* compressed bytes of the column (block headers and checksums included) */
};

/* The header of a checkpoint file as read (pw_checkpoint_header). */
struct pw_checkpoint_header {
    uint32_t version;                        /* format version */
    uint8_t schema_hash[20];
    uint8_t config_hash[20];
    uint64_t seed;
    char scenario_id[PW_SCENARIO_MAX + 1];
    uint64_t rows;                           /* workforce rows = |R_{Y+1}| */
    struct pw_carried carried;               /* carried.year is Y */
    uint32_t column_count;
    struct pw_checkpoint_column *columns;    /* column_count entries, owned by the reader */
    uint64_t header_bytes;                   /* fixed part + directory + checksum */
    uint64_t raw_bytes;                      /* sum of the columns' raw_bytes */
    uint64_t body_bytes;                     /* decompressed body = sum of body_bytes */
    uint64_t stored_bytes;                   /* LZ4 frame, frame header and end mark included */
    uint64_t file_bytes;                     /* header_bytes + stored_bytes */
    bool schema_matches;                     /* schema hash and directory equal this build's */
};

/* ---- writing ---- */

struct pw_checkpoint_options {
    bool transforms;         /* try transforms and keep the best (true); false = store values as they are */
    size_t trial_bytes;      /* per candidate transform, compress a sample of about this many bytes
                                (spread over the column) to choose; 0 = the whole column */
};
/* transforms on, trial_bytes 64 KiB. */
void pw_checkpoint_options_init(struct pw_checkpoint_options *o);

/* What one pw_checkpoint_write produced. */
struct pw_checkpoint_stats {
    uint64_t raw_bytes;      /* columns before transforms */
    uint64_t body_bytes;     /* columns after transforms (LZ4 input) */
    uint64_t stored_bytes;   /* LZ4 frame */
    uint64_t file_bytes;     /* whole file */
    double seconds;          /* wall time of the write, fsyncs and rename included */
};

/* A writer owns its compression context and scratch buffers, which grow to the
 * largest column once and are reused by every later write (one per run). */
struct pw_checkpoint_writer;

/* o NULL = defaults. Returns 0 or PW_ENOMEM. */
int pw_checkpoint_writer_new(struct pw_checkpoint_writer **out, const struct pw_checkpoint_options *o,
                             struct pw_err *err);
void pw_checkpoint_writer_free(struct pw_checkpoint_writer *w);

/* Writes wf (rows [0, wf->count)) and c as checkpoint path, atomically (see
 * above); the folder must exist (pw_checkpoint_prepare_dir). stats may be NULL.
 * Returns 0, or PW_EIO / PW_ENOMEM / PW_ECHECKPOINT (a string over 4 GiB) with a
 * message naming the file; on failure path is unchanged and no temporary file
 * is left. */
int pw_checkpoint_write(struct pw_checkpoint_writer *w, const char *path, const struct pw_checkpoint_id *id,
                        const struct pw_workforce *wf, const struct pw_carried *c,
                        struct pw_checkpoint_stats *stats, struct pw_err *err);

/* ---- reading ---- */

struct pw_checkpoint_reader;

/* Reads the file and checks magic, version, header checksum, file size and
 * directory. name is used in messages. */
int pw_checkpoint_open(struct pw_checkpoint_reader **out, const char *path, struct pw_err *err);
/* The same on bytes in memory (copied), e.g. for the fuzz driver. */
int pw_checkpoint_open_buffer(struct pw_checkpoint_reader **out, const char *name, const void *data, size_t size,
                              struct pw_err *err);
const struct pw_checkpoint_header *pw_checkpoint_header(const struct pw_checkpoint_reader *r);
/* Decompresses the body and checks the LZ4 checksums and sizes (done once;
 * pw_checkpoint_load calls it). */
int pw_checkpoint_verify(struct pw_checkpoint_reader *r, struct pw_err *err);
/* Refuses a checkpoint of another build (schema) or another run (expect: config
 * hash, scenario, seed; expect NULL checks the schema only). */
int pw_checkpoint_check(const struct pw_checkpoint_reader *r, const struct pw_checkpoint_id *expect,
                        struct pw_err *err);
/* Verifies the body, checks the schema, and decodes the state: wf is
 * initialised here (pw_workforce_release it), its strings are added to strings;
 * c receives the scalars. On failure wf is left released. */
int pw_checkpoint_load(struct pw_checkpoint_reader *r, struct pw_strpool *strings, struct pw_workforce *wf,
                       struct pw_carried *c, struct pw_err *err);
void pw_checkpoint_close(struct pw_checkpoint_reader *r);

/* open + check(expect) + load + close. */
int pw_checkpoint_read(const char *path, const struct pw_checkpoint_id *expect, struct pw_strpool *strings,
                       struct pw_workforce *wf, struct pw_carried *c, struct pw_err *err);

/* ---- names and discovery: <dir>/<scenario>/year-YYYY.pwck ---- */

/* Formats the checkpoint path of (dir, scenario, year). Refuses a scenario id
 * that is not a plain file name (empty, '/', '.' or '..', a leading '.') and a
 * path longer than size. Returns 0 or PW_EUSAGE / PW_ERANGE. */
int pw_checkpoint_path(char *out, size_t size, const char *dir, const char *scenario, int year, struct pw_err *err);
/* Creates <dir> and <dir>/<scenario> when missing. Returns 0 or PW_EIO. */
int pw_checkpoint_prepare_dir(const char *dir, const char *scenario, struct pw_err *err);
/* The checkpoint of the latest year <= max_year in <dir>/<scenario> by file name
 * (exactly "year-YYYY.pwck"; temporary and other files are ignored). Returns 1
 * and fills path and *year when there is one, 0 when there is none (or no such
 * folder), or a negative PW_E* code. The file is not opened: read it with
 * pw_checkpoint_read, which refuses a damaged one (do not fall back silently). */
int pw_checkpoint_find_last(const char *dir, const char *scenario, int max_year, char *path, size_t size, int *year,
                            struct pw_err *err);
/* Removes every checkpoint and leftover temporary file of the scenario (a new,
 * non-resumed run starts clean). Returns 0 or PW_EIO. */
int pw_checkpoint_clear(const char *dir, const char *scenario, struct pw_err *err);

/* ---- names for reports ---- */

const char *pw_checkpoint_type_name(int type);   /* "u8", "i16", ..., "str"; "?" if unknown */
/* "none", "shuffle", "delta+shuffle", "front+shuffle", "dec2+delta+shuffle", ... */
void pw_checkpoint_transform_name(int transform, int scale, char *buf, size_t size);

#endif
