/* checkpoint.c: the checkpoint file format (checkpoint.h): column directory,
 * header, writer and reader. Transforms are in checkpoint_codec.c, file names
 * and the temporary-file dance in checkpoint_files.c. */
#include "io/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4.h>
#include <lz4frame.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/uuid.h"
#include "io/checkpoint_int.h"

/* ---- the columns of this build: every field of PW_WORKFORCE_COLUMNS ---- */

struct ck_col {
    const char *name;
    uint8_t type;
    void *(*ptr)(const struct pw_workforce *wf);   /* the column's array */
};

#define CK_TYPE(col)                                                                                    \
    _Generic(((struct pw_workforce *)0)->col[0], uint8_t: PW_CK_U8, int16_t: PW_CK_I16, uint32_t: PW_CK_U32, \
             int32_t: PW_CK_I32, uint64_t: PW_CK_U64, double: PW_CK_F64, const char *: PW_CK_STR)
#define CK_ACCESSOR(col) \
    static void *ck_ptr_##col(const struct pw_workforce *wf) { return (void *)wf->col; }
PW_WORKFORCE_COLUMNS(CK_ACCESSOR)
#undef CK_ACCESSOR
#define CK_ENTRY(col) {#col, CK_TYPE(col), ck_ptr_##col},
static const struct ck_col ck_cols[] = {PW_WORKFORCE_COLUMNS(CK_ENTRY)};
#undef CK_ENTRY
#define CK_NCOLS (sizeof ck_cols / sizeof *ck_cols)

/* The scalar fields of the fixed header (struct pw_carried), part of the schema. */
static const char ck_scalars[] =
    "year:i32,prior_year_hires_active:i64,hire_excluded_share:f64,census_roster_size:u64,total_events:u64,"
    "total_snapshot_rows:u64";

static int type_width(int type)
{
    switch (type) {
    case PW_CK_U8: return 1;
    case PW_CK_I16: return 2;
    case PW_CK_U32: case PW_CK_I32: return 4;
    case PW_CK_U64: case PW_CK_F64: return 8;
    default: return 0;
    }
}

const char *pw_checkpoint_type_name(int type)
{
    static const char *const names[] = {"?", "u8", "i16", "u32", "i32", "u64", "f64", "str"};
    return type >= PW_CK_U8 && type <= PW_CK_STR ? names[type] : "?";
}

void pw_checkpoint_transform_name(int transform, int scale, char *buf, size_t size)
{
    if (!transform) {
        snprintf(buf, size, "none");
        return;
    }
    char dec[16] = "";
    if (transform & PW_CK_DECIMAL) snprintf(dec, sizeof dec, "dec%d", scale);
    const char *part[] = {dec, transform & PW_CK_FRONT ? "front" : "", transform & PW_CK_DELTA ? "delta" : "",
                          transform & PW_CK_SHUFFLE ? "shuffle" : ""};
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof part / sizeof *part; i++) {
        if (!part[i][0]) continue;
        int k = snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? "+" : "", part[i]);
        if (k > 0) n += (size_t)k;
    }
}

/* Transforms allowed for a type (the reader refuses others). */
static int transform_mask(int type)
{
    switch (type) {
    case PW_CK_U8: return PW_CK_DELTA;
    case PW_CK_F64: return PW_CK_DECIMAL | PW_CK_DELTA | PW_CK_SHUFFLE;
    case PW_CK_STR: return PW_CK_SHUFFLE | PW_CK_FRONT;
    default: return PW_CK_DELTA | PW_CK_SHUFFLE;
    }
}

static void schema_hash(uint8_t out[20])
{
    char text[4096];
    size_t n = 0;
    for (size_t i = 0; i < CK_NCOLS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s:%s:%d\n", ck_cols[i].name,
                              pw_checkpoint_type_name(ck_cols[i].type), type_width(ck_cols[i].type));
    n += (size_t)snprintf(text + n, sizeof text - n, "%s\n", ck_scalars);
    PW_ASSERT(n < sizeof text);
    pw_sha1(text, n, out);
}

int pw_checkpoint_id_from_config(const struct pw_config *cfg, struct pw_checkpoint_id *id)
{
    memset(id, 0, sizeof *id);
    id->seed = cfg->random_seed;
    snprintf(id->scenario_id, sizeof id->scenario_id, "%s", cfg->scenario_id);
    return pw_config_hash(cfg, id->config_hash);
}

void pw_checkpoint_id_mix(struct pw_checkpoint_id *id, const void *data, size_t len)
{
    uint8_t *buf = malloc(20 + len);
    PW_ASSERT(buf != NULL);
    memcpy(buf, id->config_hash, 20);
    if (len) memcpy(buf + 20, data, len);
    pw_sha1(buf, 20 + len, id->config_hash);
    free(buf);
}

static void hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* ---- header layout ---- */

static const uint8_t ck_magic[8] = {0x89, 'P', 'W', 'C', 'K', '\r', '\n', 0x1a};

enum {
    H_MAGIC = 0, H_VERSION = 8, H_NCOLS = 12, H_SCHEMA = 16, H_CONFIG = 36, H_SEED = 56, H_SCENARIO = 64,
    H_YEAR = 128, H_RESERVED = 132, H_ROWS = 136, H_BODY = 144, H_STORED = 152, H_HPREV = 160, H_SHARE = 168,
    H_ROSTER = 176, H_EVENTS = 184, H_SNAPSHOTS = 192, H_FIXED = 200,
    D_NAME = 0, D_TYPE = 32, D_WIDTH = 33, D_TRANSFORM = 34, D_SCALE = 35, D_RESERVED = 36, D_RAW = 40, D_BODY_OFF = 48,
    D_BODY = 56, D_STORED_OFF = 64, D_STORED = 72, D_ENTRY = 80,
    H_SUM = 20
};

static size_t header_size(size_t ncols) { return H_FIXED + D_ENTRY * ncols + H_SUM; }

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}
static uint64_t get64(const uint8_t *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void encode_header(uint8_t *h, const struct pw_checkpoint_header *hd)
{
    memset(h, 0, header_size(hd->column_count));
    memcpy(h + H_MAGIC, ck_magic, 8);
    put32(h + H_VERSION, hd->version);
    put32(h + H_NCOLS, hd->column_count);
    memcpy(h + H_SCHEMA, hd->schema_hash, 20);
    memcpy(h + H_CONFIG, hd->config_hash, 20);
    put64(h + H_SEED, hd->seed);
    memcpy(h + H_SCENARIO, hd->scenario_id, strnlen(hd->scenario_id, PW_SCENARIO_MAX));
    put32(h + H_YEAR, (uint32_t)hd->carried.year);
    put64(h + H_ROWS, hd->rows);
    put64(h + H_BODY, hd->body_bytes);
    put64(h + H_STORED, hd->stored_bytes);
    put64(h + H_HPREV, (uint64_t)hd->carried.prior_year_hires_active);
    memcpy(h + H_SHARE, &hd->carried.hire_excluded_share, 8);
    put64(h + H_ROSTER, hd->carried.census_roster_size);
    put64(h + H_EVENTS, hd->carried.total_events);
    put64(h + H_SNAPSHOTS, hd->carried.total_snapshot_rows);
    for (uint32_t i = 0; i < hd->column_count; i++) {
        uint8_t *d = h + H_FIXED + (size_t)D_ENTRY * i;
        const struct pw_checkpoint_column *c = &hd->columns[i];
        memcpy(d + D_NAME, c->name, strnlen(c->name, PW_CHECKPOINT_NAME_MAX));
        d[D_TYPE] = c->type, d[D_WIDTH] = c->width, d[D_TRANSFORM] = c->transform, d[D_SCALE] = c->scale;
        put64(d + D_RAW, c->raw_bytes);
        put64(d + D_BODY_OFF, c->body_offset);
        put64(d + D_BODY, c->body_bytes);
        put64(d + D_STORED_OFF, c->stored_offset);
        put64(d + D_STORED, c->stored_bytes);
    }
    size_t n = header_size(hd->column_count) - H_SUM;
    pw_sha1(h, n, h + n);
}

/* ---- writer ---- */

#define CK_CHUNK ((size_t)1 << 20)    /* LZ4F input per update call */

struct pw_checkpoint_writer {
    struct pw_checkpoint_options opt;
    LZ4F_cctx *cctx;
    LZ4F_preferences_t prefs;
    uint8_t *body, *tmp, *sample, *cand, *comp, *out;
    size_t body_cap, tmp_cap, sample_cap, cand_cap, comp_cap, out_cap;
    const char **sample_str;
    size_t sample_str_cap;
    struct pw_checkpoint_column cols[CK_NCOLS];
};

void pw_checkpoint_options_init(struct pw_checkpoint_options *o)
{
    o->transforms = true;
    o->trial_bytes = 64 * 1024;
}

static int grow(uint8_t **p, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t want = *cap ? *cap : 4096;
    while (want < need) want *= 2;
    void *q = realloc(*p, want);
    if (!q) return -1;
    *p = q, *cap = want;
    return 0;
}

int pw_checkpoint_writer_new(struct pw_checkpoint_writer **out, const struct pw_checkpoint_options *o,
                             struct pw_err *err)
{
    *out = NULL;
    struct pw_checkpoint_writer *w = calloc(1, sizeof *w);
    if (!w) return pw_err_set(err, PW_ENOMEM, "out of memory for the checkpoint writer");
    if (o) w->opt = *o;
    else pw_checkpoint_options_init(&w->opt);
    memset(&w->prefs, 0, sizeof w->prefs);
    w->prefs.frameInfo.blockSizeID = LZ4F_max1MB;
    w->prefs.frameInfo.blockMode = LZ4F_blockLinked;
    w->prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    w->prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
    if (LZ4F_isError(LZ4F_createCompressionContext(&w->cctx, LZ4F_VERSION)) ||
        grow(&w->out, &w->out_cap, LZ4F_compressBound(CK_CHUNK, &w->prefs) + LZ4F_HEADER_SIZE_MAX) != 0) {
        pw_checkpoint_writer_free(w);
        return pw_err_set(err, PW_ENOMEM, "out of memory for the checkpoint writer");
    }
    *out = w;
    return 0;
}

void pw_checkpoint_writer_free(struct pw_checkpoint_writer *w)
{
    if (!w) return;
    LZ4F_freeCompressionContext(w->cctx);
    free(w->body), free(w->tmp), free(w->sample), free(w->cand), free(w->comp), free(w->out);
    free(w->sample_str);
    free(w);
}

/* Encoded size of column i under transform t (rows given by src). */
static size_t encoded_size(const struct ck_col *c, const void *src, size_t rows, int t)
{
    if (c->type == PW_CK_STR) return pw__ck_strings_size(src, rows, t, NULL);
    return rows * (size_t)type_width(c->type);
}

/* Encodes rows values of src with transform t (decimal scale k) into *dst (grown); returns the size. */
static int encode(struct pw_checkpoint_writer *w, const struct ck_col *c, const void *src, size_t rows, int t, int k,
                  uint8_t **dst, size_t *dst_cap, size_t *size)
{
    *size = encoded_size(c, src, rows, t);
    if (*size == SIZE_MAX) return PW_ECHECKPOINT;
    size_t tmp_need = c->type == PW_CK_STR ? 4 * rows : *size;
    if (grow(dst, dst_cap, *size + 1) != 0 || grow(&w->tmp, &w->tmp_cap, tmp_need + 1) != 0) return PW_ENOMEM;
    if (c->type == PW_CK_STR) pw__ck_encode_strings(src, rows, t, *dst, w->tmp);
    else pw__ck_encode_fixed(src, rows, type_width(c->type), t, k, *dst, w->tmp);
    return 0;
}

/* The transform (and decimal scale) that compresses a sample of the column
 * best; the first candidate wins ties. */
static int choose_transform(struct pw_checkpoint_writer *w, const struct ck_col *c, const void *col, size_t rows,
                            int *best, int *scale)
{
    static const int ints[] = {0, PW_CK_SHUFFLE, PW_CK_DELTA, PW_CK_DELTA | PW_CK_SHUFFLE};
    static const int reals[] = {0, PW_CK_SHUFFLE, PW_CK_DECIMAL | PW_CK_SHUFFLE,
                                PW_CK_DECIMAL | PW_CK_DELTA | PW_CK_SHUFFLE};
    static const int strs[] = {PW_CK_SHUFFLE, PW_CK_SHUFFLE | PW_CK_FRONT};
    const int *cand = ints;
    size_t ncand = 4;
    *scale = 0;
    if (c->type == PW_CK_U8) ncand = 1;
    else if (c->type == PW_CK_STR) cand = strs, ncand = 2;
    else if (c->type == PW_CK_F64) {
        /* Decimal candidates only when every value of the column is exact. */
        int k = w->opt.transforms ? pw__ck_decimal_scale(col, rows) : -1;
        cand = reals, ncand = k >= 0 ? 4 : 2;
        *scale = k >= 0 ? k : 0;
    }
    *best = w->opt.transforms ? cand[0] : 0;
    if (!w->opt.transforms || ncand == 1 || rows == 0) goto done;

    /* The sample: up to trial_bytes of values in 4 windows spread over the column. */
    const size_t width = c->type == PW_CK_STR ? sizeof(char *) : (size_t)type_width(c->type);
    size_t n = w->opt.trial_bytes ? w->opt.trial_bytes / (c->type == PW_CK_STR ? 12 : width) : rows;
    if (n == 0) n = 1;
    if (n > rows) n = rows;
    if (n > (size_t)LZ4_MAX_INPUT_SIZE / 16) n = (size_t)LZ4_MAX_INPUT_SIZE / 16;
    const void *sample = col;
    if (n < rows) {
        const int windows = n >= 64 ? 4 : 1;
        size_t per = n / (size_t)windows;
        n = per * (size_t)windows;
        uint8_t *dst;
        if (c->type == PW_CK_STR) {
            if (n > w->sample_str_cap) {
                void *p = realloc(w->sample_str, n * sizeof *w->sample_str);
                if (!p) return PW_ENOMEM;
                w->sample_str = p, w->sample_str_cap = n;
            }
            dst = (uint8_t *)w->sample_str;
        } else {
            if (grow(&w->sample, &w->sample_cap, n * width) != 0) return PW_ENOMEM;
            dst = w->sample;
        }
        for (int k = 0; k < windows; k++) {
            size_t start = windows > 1 ? (size_t)k * (rows - per) / (size_t)(windows - 1) : 0;
            memcpy(dst + (size_t)k * per * width, (const uint8_t *)col + start * width, per * width);
        }
        sample = dst;
    }
    size_t best_size = SIZE_MAX;
    for (size_t i = 0; i < ncand; i++) {
        size_t size;
        int rc = encode(w, c, sample, n, cand[i], *scale, &w->cand, &w->cand_cap, &size);
        if (rc) return rc;
        if (size > (size_t)LZ4_MAX_INPUT_SIZE) break;
        if (grow(&w->comp, &w->comp_cap, (size_t)LZ4_compressBound((int)size)) != 0) return PW_ENOMEM;
        int z = LZ4_compress_default((const char *)w->cand, (char *)w->comp, (int)size, (int)w->comp_cap);
        size_t stored = z > 0 ? (size_t)z : size + 1;
        if (stored < best_size) best_size = stored, *best = cand[i];
    }
done:
    if (!(*best & PW_CK_DECIMAL)) *scale = 0;
    return 0;
}

static int write_all(int fd, const void *buf, size_t n)
{
    const uint8_t *p = buf;
    while (n > 0) {
        ssize_t k = write(fd, p, n);
        if (k < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += k, n -= (size_t)k;
    }
    return 0;
}

static int lz4_fail(struct pw_err *err, const char *tmp, size_t code)
{
    return pw_err_set(err, PW_EIO, "cannot compress checkpoint '%s': %s", tmp, LZ4F_getErrorName(code));
}

/* Feeds n bytes of one column to the frame and writes what comes out; with
 * last set, flushes so the column ends on a block boundary. */
static int compress_chunk(struct pw_checkpoint_writer *w, int fd, const uint8_t *src, size_t n, bool last,
                          uint64_t *stored, size_t *lz4_error)
{
    size_t k = 0;
    if (n) {
        k = LZ4F_compressUpdate(w->cctx, w->out, w->out_cap, src, n, NULL);
        if (LZ4F_isError(k)) return *lz4_error = k, -1;
    }
    if (last) {
        size_t f = LZ4F_flush(w->cctx, w->out + k, w->out_cap - k, NULL);
        if (LZ4F_isError(f)) return *lz4_error = f, -1;
        k += f;
    }
    if (write_all(fd, w->out, k) != 0) return -1;
    *stored += k;
    return 0;
}

static int write_body(struct pw_checkpoint_writer *w, int fd, const char *tmp, const struct pw_workforce *wf,
                      struct pw_checkpoint_header *hd, struct pw_err *err)
{
    const size_t rows = wf->count;
    uint64_t body = 0;
    /* The directory first: transforms and sizes (the frame header records the body size). */
    for (size_t i = 0; i < CK_NCOLS; i++) {
        const struct ck_col *c = &ck_cols[i];
        struct pw_checkpoint_column *d = &hd->columns[i];
        int transform, scale;
        int rc = choose_transform(w, c, c->ptr(wf), rows, &transform, &scale);
        size_t raw = rows * (size_t)type_width(c->type), size = encoded_size(c, c->ptr(wf), rows, transform);
        if (c->type == PW_CK_STR) pw__ck_strings_size(c->ptr(wf), rows, 0, &raw);
        if (rc == PW_ENOMEM) return pw_err_set(err, PW_ENOMEM, "out of memory writing checkpoint '%s'", tmp);
        if (rc || size == SIZE_MAX)
            return pw_err_set(err, PW_ECHECKPOINT, "cannot write checkpoint '%s': column '%s' holds a string of 4 GiB or more",
                              tmp, c->name);
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", c->name);
        d->type = c->type;
        d->width = (uint8_t)type_width(c->type);
        d->transform = (uint8_t)transform;
        d->scale = (uint8_t)scale;
        d->raw_bytes = raw;
        d->body_offset = body;
        d->body_bytes = size;
        body += size;
    }
    w->prefs.frameInfo.contentSize = body;
    size_t lz4_error = 0;
    size_t z = LZ4F_compressBegin(w->cctx, w->out, w->out_cap, &w->prefs);
    if (LZ4F_isError(z)) return lz4_fail(err, tmp, z);
    uint64_t stored = z;
    if (write_all(fd, w->out, z) != 0) goto io_error;
    for (size_t i = 0; i < CK_NCOLS; i++) {
        const struct ck_col *c = &ck_cols[i];
        struct pw_checkpoint_column *d = &hd->columns[i];
        size_t size;
        if (encode(w, c, c->ptr(wf), rows, d->transform, d->scale, &w->body, &w->body_cap, &size) != 0)
            return pw_err_set(err, PW_ENOMEM, "out of memory writing checkpoint '%s'", tmp);
        PW_ASSERT(size == d->body_bytes);
        d->stored_offset = stored;
        size_t off = 0;
        do {
            size_t n = size - off < CK_CHUNK ? size - off : CK_CHUNK;
            if (compress_chunk(w, fd, w->body + off, n, off + n == size, &stored, &lz4_error) != 0) goto fail;
            off += n;
        } while (off < size);
        d->stored_bytes = stored - d->stored_offset;
    }
    z = LZ4F_compressEnd(w->cctx, w->out, w->out_cap, NULL);
    if (LZ4F_isError(z)) return lz4_fail(err, tmp, z);
    if (write_all(fd, w->out, z) != 0) goto io_error;
    stored += z;
    hd->body_bytes = body;
    hd->stored_bytes = stored;
    return 0;
fail:
    if (lz4_error) return lz4_fail(err, tmp, lz4_error);
io_error:
    return pw_err_set(err, PW_EIO, "cannot write checkpoint '%s': %s", tmp, strerror(errno));
}

int pw_checkpoint_write(struct pw_checkpoint_writer *w, const char *path, const struct pw_checkpoint_id *id,
                        const struct pw_workforce *wf, const struct pw_carried *c,
                        struct pw_checkpoint_stats *stats, struct pw_err *err)
{
    double t0 = pw_wall_seconds();
    struct pw_checkpoint_header hd;
    memset(&hd, 0, sizeof hd);
    hd.version = PW_CHECKPOINT_VERSION;
    schema_hash(hd.schema_hash);
    memcpy(hd.config_hash, id->config_hash, 20);
    hd.seed = id->seed;
    snprintf(hd.scenario_id, sizeof hd.scenario_id, "%s", id->scenario_id);
    hd.rows = wf->count;
    hd.carried = *c;
    hd.column_count = (uint32_t)CK_NCOLS;
    hd.columns = w->cols;
    const size_t hsize = header_size(CK_NCOLS);
    uint8_t *header = calloc(1, hsize);
    if (!header) return pw_err_set(err, PW_ENOMEM, "out of memory writing checkpoint '%s'", path);

    char tmp[PW_PATH_MAX + 64];
    int fd;
    int rc = pw__ck_create_temp(path, tmp, sizeof tmp, &fd, err);
    if (rc) {
        free(header);
        return rc;
    }
    if (write_all(fd, header, hsize) != 0) rc = pw_err_set(err, PW_EIO, "cannot write checkpoint '%s': %s", tmp, strerror(errno));
    if (!rc) rc = write_body(w, fd, tmp, wf, &hd, err);
    if (!rc) {
        encode_header(header, &hd);
        if (pwrite(fd, header, hsize, 0) != (ssize_t)hsize)
            rc = pw_err_set(err, PW_EIO, "cannot write checkpoint '%s': %s", tmp, strerror(errno));
    }
    free(header);
    if (rc) {
        close(fd);
        unlink(tmp);
        return rc;
    }
    if ((rc = pw__ck_commit_temp(fd, tmp, path, err))) return rc;
    if (stats) {
        stats->body_bytes = hd.body_bytes;
        stats->stored_bytes = hd.stored_bytes;
        stats->file_bytes = hsize + hd.stored_bytes;
        stats->raw_bytes = 0;
        for (size_t i = 0; i < CK_NCOLS; i++) stats->raw_bytes += w->cols[i].raw_bytes;
        stats->seconds = pw_wall_seconds() - t0;
    }
    return 0;
}

/* ---- reader ---- */

struct pw_checkpoint_reader {
    char name[PW_PATH_MAX];
    uint8_t *data;                 /* the whole file */
    size_t size;
    struct pw_checkpoint_header h;
    uint8_t *body;                 /* decompressed body once verified */
    bool verified;
};

#define FAIL(code, ...) pw_err_set(err, code, __VA_ARGS__)

static int parse_header(struct pw_checkpoint_reader *r, struct pw_err *err)
{
    const char *name = r->name;
    const uint8_t *p = r->data;
    const size_t size = r->size;
    struct pw_checkpoint_header *h = &r->h;
    if (size == 0) return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is empty", name);
    if (memcmp(p, ck_magic, size < 8 ? size : 8) != 0)
        return FAIL(PW_ECHECKPOINT, "'%s' is not a planwise checkpoint (bad magic number)", name);
    if (size < H_FIXED)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is truncated: %zu bytes, the header needs at least %d", name,
                    size, H_FIXED);
    h->version = get32(p + H_VERSION);
    if (h->version != PW_CHECKPOINT_VERSION)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has format version %u; this build reads version %d", name,
                    (unsigned)h->version, PW_CHECKPOINT_VERSION);
    h->column_count = get32(p + H_NCOLS);
    if (h->column_count == 0 || h->column_count > PW_CHECKPOINT_MAX_COLUMNS)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has a corrupt header (column count %u)", name,
                    (unsigned)h->column_count);
    h->header_bytes = header_size(h->column_count);
    if (size < h->header_bytes)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is truncated: %zu bytes, the header needs %llu", name, size,
                    (unsigned long long)h->header_bytes);
    uint8_t sum[20];
    pw_sha1(p, h->header_bytes - H_SUM, sum);
    if (memcmp(sum, p + h->header_bytes - H_SUM, 20) != 0)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has a corrupt header (header checksum mismatch)", name);

    /* The checksum holds: from here on only a crafted file can fail. */
    memcpy(h->schema_hash, p + H_SCHEMA, 20);
    memcpy(h->config_hash, p + H_CONFIG, 20);
    h->seed = get64(p + H_SEED);
    memcpy(h->scenario_id, p + H_SCENARIO, PW_SCENARIO_MAX);
    h->scenario_id[PW_SCENARIO_MAX] = '\0';
    h->carried.year = (int32_t)get32(p + H_YEAR);
    h->rows = get64(p + H_ROWS);
    h->body_bytes = get64(p + H_BODY);
    h->stored_bytes = get64(p + H_STORED);
    h->carried.prior_year_hires_active = (int64_t)get64(p + H_HPREV);
    memcpy(&h->carried.hire_excluded_share, p + H_SHARE, 8);
    h->carried.census_roster_size = get64(p + H_ROSTER);
    h->carried.total_events = get64(p + H_EVENTS);
    h->carried.total_snapshot_rows = get64(p + H_SNAPSHOTS);
    if (h->stored_bytes > size - h->header_bytes)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is truncated: %zu bytes, expected %llu", name, size,
                    (unsigned long long)(h->header_bytes + h->stored_bytes));
    h->file_bytes = h->header_bytes + h->stored_bytes;
    if (size > h->file_bytes)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has %llu unexpected bytes after its body (expected %llu bytes)",
                    name, (unsigned long long)(size - h->file_bytes), (unsigned long long)h->file_bytes);
    size_t sc = strnlen(h->scenario_id, PW_SCENARIO_MAX);
    for (size_t i = sc; i < PW_SCENARIO_MAX; i++)
        if (p[H_SCENARIO + i]) sc = 0;
    if (sc == 0 || get32(p + H_RESERVED) != 0 || h->carried.year < 1900 || h->carried.year > 2200)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has a corrupt header (scenario id, year or reserved bytes)", name);
    /* LZ4 expands at most about 255 times; a larger body is not from this writer. */
    if (h->body_bytes / 255 > h->stored_bytes || h->rows > h->body_bytes)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has a corrupt header (%llu body bytes for %llu stored bytes and %llu rows)",
                    name, (unsigned long long)h->body_bytes, (unsigned long long)h->stored_bytes,
                    (unsigned long long)h->rows);

    h->columns = calloc(h->column_count, sizeof *h->columns);
    if (!h->columns) return FAIL(PW_ENOMEM, "out of memory reading checkpoint '%s'", name);
    uint64_t body = 0, stored = 0;
    for (uint32_t i = 0; i < h->column_count; i++) {
        const uint8_t *d = p + H_FIXED + (size_t)D_ENTRY * i;
        struct pw_checkpoint_column *c = &h->columns[i];
        memcpy(c->name, d + D_NAME, PW_CHECKPOINT_NAME_MAX);
        c->name[PW_CHECKPOINT_NAME_MAX] = '\0';
        c->type = d[D_TYPE], c->width = d[D_WIDTH], c->transform = d[D_TRANSFORM], c->scale = d[D_SCALE];
        c->raw_bytes = get64(d + D_RAW);
        c->body_offset = get64(d + D_BODY_OFF);
        c->body_bytes = get64(d + D_BODY);
        c->stored_offset = get64(d + D_STORED_OFF);
        c->stored_bytes = get64(d + D_STORED);
        const char *why = NULL;
        bool reserved = false;
        for (int k = D_RESERVED; k < D_RAW; k++) reserved |= d[k] != 0;
        size_t nl = strnlen(c->name, PW_CHECKPOINT_NAME_MAX);
        for (size_t k = nl; k < PW_CHECKPOINT_NAME_MAX; k++) reserved |= d[D_NAME + k] != 0;
        const uint64_t fixed = h->rows * c->width;
        if (nl == 0 || reserved) why = "name or reserved bytes";
        else if (type_width(c->type) != c->width || (c->type != PW_CK_STR && c->width == 0) ||
                 (c->type == PW_CK_STR && c->width != 0))
            why = "type";
        else if ((c->transform & ~transform_mask(c->type)) ||
                 ((c->transform & PW_CK_DECIMAL) ? c->scale > PW__CK_MAX_SCALE : c->scale != 0))
            why = "transform";
        else if (c->body_offset != body || c->body_bytes > h->body_bytes - body) why = "body offset or size";
        else if (c->stored_offset < stored || c->stored_offset > h->stored_bytes ||
                 c->stored_bytes > h->stored_bytes - c->stored_offset)
            why = "stored offset or size";
        else if (c->type != PW_CK_STR && (c->body_bytes != fixed || c->raw_bytes != fixed)) why = "size for its row count";
        else if (c->type == PW_CK_STR &&
                 (c->body_bytes < ((c->transform & PW_CK_FRONT) ? 8 : 4) * h->rows || c->raw_bytes < 4 * h->rows))
            why = "size for its row count";
        if (why)
            return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has a corrupt column directory (column %u '%s': %s)", name,
                        (unsigned)i + 1, c->name, why);
        body += c->body_bytes;
        stored = c->stored_offset + c->stored_bytes;
        h->raw_bytes += c->raw_bytes;
    }
    if (body != h->body_bytes)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has a corrupt column directory (columns hold %llu bytes, header says %llu)",
                    name, (unsigned long long)body, (unsigned long long)h->body_bytes);

    uint8_t mine[20];
    schema_hash(mine);
    h->schema_matches = memcmp(mine, h->schema_hash, 20) == 0 && h->column_count == CK_NCOLS;
    for (size_t i = 0; h->schema_matches && i < CK_NCOLS; i++)
        h->schema_matches = strcmp(h->columns[i].name, ck_cols[i].name) == 0 && h->columns[i].type == ck_cols[i].type;
    return 0;
}

int pw_checkpoint_open_buffer(struct pw_checkpoint_reader **out, const char *name, const void *data, size_t size,
                              struct pw_err *err)
{
    *out = NULL;
    struct pw_checkpoint_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->data = malloc(size ? size : 1))) {
        free(r);
        return FAIL(PW_ENOMEM, "out of memory reading checkpoint '%s'", name);
    }
    snprintf(r->name, sizeof r->name, "%s", name);
    if (size) memcpy(r->data, data, size);
    r->size = size;
    int rc = parse_header(r, err);
    if (rc) {
        pw_checkpoint_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

int pw_checkpoint_open(struct pw_checkpoint_reader **out, const char *path, struct pw_err *err)
{
    *out = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return FAIL(PW_EIO, "cannot open checkpoint '%s': %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return FAIL(PW_EIO, "cannot read checkpoint '%s': %s", path, strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return FAIL(PW_EIO, "cannot read checkpoint '%s': not a regular file", path);
    }
    size_t size = (size_t)st.st_size, got = 0;
    /* A file that does not start like a checkpoint (a census given by mistake) is
     * refused before reading all of it. */
    uint8_t magic[8];
    ssize_t m = pread(fd, magic, sizeof magic, 0);
    if (m > 0 && memcmp(magic, ck_magic, (size_t)m) != 0) {
        close(fd);
        return FAIL(PW_ECHECKPOINT, "'%s' is not a planwise checkpoint (bad magic number)", path);
    }
    uint8_t *data = malloc(size ? size : 1);
    if (!data) {
        close(fd);
        return FAIL(PW_ENOMEM, "out of memory reading checkpoint '%s'", path);
    }
    while (got < size) {
        ssize_t k = read(fd, data + got, size - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    int e = errno;
    close(fd);
    if (got < size) {
        free(data);
        return FAIL(PW_EIO, "cannot read checkpoint '%s': %s", path, got < size && e ? strerror(e) : "short read");
    }
    struct pw_checkpoint_reader *r = calloc(1, sizeof *r);
    if (!r) {
        free(data);
        return FAIL(PW_ENOMEM, "out of memory reading checkpoint '%s'", path);
    }
    snprintf(r->name, sizeof r->name, "%s", path);
    r->data = data, r->size = size;
    int rc = parse_header(r, err);
    if (rc) {
        pw_checkpoint_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

const struct pw_checkpoint_header *pw_checkpoint_header(const struct pw_checkpoint_reader *r) { return &r->h; }

void pw_checkpoint_close(struct pw_checkpoint_reader *r)
{
    if (!r) return;
    free(r->h.columns);
    free(r->body);
    free(r->data);
    free(r);
}

static const char *lz4_reason(size_t code)
{
    const char *n = LZ4F_getErrorName(code);
    if (strstr(n, "contentChecksum")) return "content checksum mismatch";
    if (strstr(n, "blockChecksum")) return "block checksum mismatch";
    if (strstr(n, "frameSize_wrong")) return "size differs from the frame header";
    return n;
}

int pw_checkpoint_verify(struct pw_checkpoint_reader *r, struct pw_err *err)
{
    if (r->verified) return 0;
    const struct pw_checkpoint_header *h = &r->h;
    if (!r->body && !(r->body = malloc(h->body_bytes ? h->body_bytes : 1)))
        return FAIL(PW_ENOMEM, "out of memory reading checkpoint '%s' (%llu bytes)", r->name,
                    (unsigned long long)h->body_bytes);
    LZ4F_dctx *dctx;
    if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION)))
        return FAIL(PW_ENOMEM, "out of memory reading checkpoint '%s'", r->name);
    const uint8_t *src = r->data + h->header_bytes;
    size_t in = 0, outp = 0, ret = 1;
    const size_t in_total = h->stored_bytes, out_total = h->body_bytes;
    const char *why = NULL;
    while (ret != 0) {
        size_t src_n = in_total - in, dst_n = out_total - outp;
        if (src_n == 0) {
            why = "the frame ends early";
            break;
        }
        ret = LZ4F_decompress(dctx, r->body + outp, &dst_n, src + in, &src_n, NULL);
        if (LZ4F_isError(ret)) {
            why = lz4_reason(ret);
            break;
        }
        in += src_n, outp += dst_n;
        if (ret != 0 && src_n == 0 && dst_n == 0) {
            why = outp == out_total ? "more data than the directory says" : "the frame does not progress";
            break;
        }
    }
    LZ4F_freeDecompressionContext(dctx);
    if (!why && in != in_total) why = "bytes left over after the end of the frame";
    if (!why && outp != out_total) why = "fewer bytes than the directory says";
    if (why) return FAIL(PW_ECHECKPOINT, "checkpoint '%s' has a corrupt body (%s)", r->name, why);
    r->verified = true;
    return 0;
}

int pw_checkpoint_check(const struct pw_checkpoint_reader *r, const struct pw_checkpoint_id *expect,
                        struct pw_err *err)
{
    const struct pw_checkpoint_header *h = &r->h;
    char a[41], b[41];
    if (!h->schema_matches) {
        uint8_t mine[20];
        schema_hash(mine);
        hex(h->schema_hash, 8, a), hex(mine, 8, b);
        return FAIL(PW_ECHECKPOINT,
                    "checkpoint '%s' was written by a build with other workforce columns (schema %s, this build %s)",
                    r->name, a, b);
    }
    if (!expect) return 0;
    if (strcmp(h->scenario_id, expect->scenario_id) != 0)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' belongs to scenario '%s', not '%s'", r->name, h->scenario_id,
                    expect->scenario_id);
    if (h->seed != expect->seed)
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' was written with seed %llu, not %llu", r->name,
                    (unsigned long long)h->seed, (unsigned long long)expect->seed);
    if (memcmp(h->config_hash, expect->config_hash, 20) != 0) {
        hex(h->config_hash, 20, a), hex(expect->config_hash, 20, b);
        return FAIL(PW_ECHECKPOINT,
                    "checkpoint '%s' was written with another configuration (config hash %s, this run %s)", r->name,
                    a, b);
    }
    return 0;
}

/* Values a later year relies on: ids sorted and unique (the canonical order),
 * levels and enum/flag bytes in range, scalars consistent. */
static int validate(const struct pw_checkpoint_reader *r, const struct pw_workforce *wf, const struct pw_carried *c,
                    struct pw_err *err)
{
    const char *name = r->name;
    for (size_t i = 0; i < wf->count; i++) {
        const char *id = wf->employee_id[i];
        if (!id || !*id || strlen(id) != wf->id_len[i])
            return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is corrupt: row %zu has an empty id or a wrong id length", name, i);
        if (i > 0 && pw_id_cmp(wf->employee_id[i - 1], wf->id_len[i - 1], id, wf->id_len[i]) >= 0)
            return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is corrupt: ids out of order at row %zu ('%s')", name, i, id);
        if (wf->level[i] < 1 || wf->level[i] > PW_MAX_LEVELS)
            return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is corrupt: row %zu ('%s') has level %d", name, i, id,
                        wf->level[i]);
        if (wf->enrollment_method[i] > PW_ENROLL_YEAR_OVER_YEAR)
            return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is corrupt: row %zu ('%s') has enrollment method %d", name, i,
                        id, wf->enrollment_method[i]);
        const uint8_t flags[] = {wf->is_census[i],      wf->plan_excluded[i], wf->auto_escalation_opt_out[i],
                                 wf->eligibility_override_false[i], wf->is_eligible[i], wf->is_enrolled[i],
                                 wf->ever_opted_out[i], wf->window_decided[i], wf->voluntary_decided[i]};
        for (size_t k = 0; k < sizeof flags; k++)
            if (flags[k] > 1)
                return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is corrupt: row %zu ('%s') has a flag byte of %d", name,
                            i, id, flags[k]);
    }
    if (c->prior_year_hires_active < 0 || (uint64_t)c->prior_year_hires_active > wf->count ||
        !(c->hire_excluded_share >= 0 && c->hire_excluded_share <= 1))
        return FAIL(PW_ECHECKPOINT, "checkpoint '%s' is corrupt: carried scalars out of range", name);
    return 0;
}

int pw_checkpoint_load(struct pw_checkpoint_reader *r, struct pw_strpool *strings, struct pw_workforce *wf,
                       struct pw_carried *c, struct pw_err *err)
{
    memset(wf, 0, sizeof *wf);
    int rc = pw_checkpoint_verify(r, err);
    if (!rc) rc = pw_checkpoint_check(r, NULL, err);
    if (rc) return rc;
    const struct pw_checkpoint_header *h = &r->h;
    const size_t rows = (size_t)h->rows;
    uint8_t *tmp = malloc(8 * rows + 1);
    if (!tmp || pw_workforce_init(wf, strings, rows) != 0) {
        free(tmp);
        pw_workforce_release(wf);
        return FAIL(PW_ENOMEM, "out of memory loading checkpoint '%s' (%zu rows)", r->name, rows);
    }
    wf->count = rows;
    for (size_t i = 0; i < CK_NCOLS && !rc; i++) {
        const struct pw_checkpoint_column *col = &h->columns[i];
        const uint8_t *src = r->body + col->body_offset;
        if (col->type == PW_CK_STR) {
            char why[160];
            rc = pw__ck_decode_strings(src, col->body_bytes, rows, col->transform, strings, ck_cols[i].ptr(wf), tmp,
                                       why, sizeof why);
            if (rc) FAIL(rc, "checkpoint '%s' is corrupt: column '%s': %s", r->name, col->name, why);
        } else {
            pw__ck_decode_fixed(src, rows, col->width, col->transform, col->scale, ck_cols[i].ptr(wf), tmp);
        }
    }
    free(tmp);
    *c = h->carried;
    if (!rc) rc = validate(r, wf, c, err);
    if (rc) pw_workforce_release(wf);
    return rc;
}

int pw_checkpoint_read(const char *path, const struct pw_checkpoint_id *expect, struct pw_strpool *strings,
                       struct pw_workforce *wf, struct pw_carried *c, struct pw_err *err)
{
    struct pw_checkpoint_reader *r;
    memset(wf, 0, sizeof *wf);
    int rc = pw_checkpoint_open(&r, path, err);
    if (rc) return rc;
    rc = pw_checkpoint_check(r, expect, err);
    if (!rc) rc = pw_checkpoint_load(r, strings, wf, c, err);
    pw_checkpoint_close(r);
    return rc;
}
