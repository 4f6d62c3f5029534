/* checkpoint_write.c: writing a checkpoint: each column is transformed as
 * measured best (checkpoint_codec.c), compressed into one LZ4 frame with block
 * and content checksums, behind a header with its own checksum; written to a
 * temporary file, fsync'd and renamed (checkpoint_files.c). */
#include "io/checkpoint.h"

#include <errno.h>
#include <lz4.h>
#include <lz4frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/uuid.h"
#include "io/checkpoint_int.h"

static void encode_header(uint8_t *h, const struct pw_checkpoint_header *hd)
{
    memset(h, 0, header_size(hd->column_count));
    memcpy(h + H_MAGIC, pw__ck_magic, 8);
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
    struct pw_checkpoint_column cols[PW__CK_NCOLS];
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
static size_t encoded_size(const struct pw__ck_col *c, const void *src, size_t rows, int t)
{
    if (c->type == PW_CK_STR) return pw__ck_strings_size(src, rows, t, NULL);
    return rows * (size_t)pw__ck_type_width(c->type);
}

/* Encodes rows values of src with transform t (decimal scale k) into *dst (grown); returns the size. */
static int encode(struct pw_checkpoint_writer *w, const struct pw__ck_col *c, const void *src, size_t rows, int t, int k,
                  uint8_t **dst, size_t *dst_cap, size_t *size)
{
    *size = encoded_size(c, src, rows, t);
    if (*size == SIZE_MAX) return PW_ECHECKPOINT;
    size_t tmp_need = c->type == PW_CK_STR ? 4 * rows : *size;
    if (grow(dst, dst_cap, *size + 1) != 0 || grow(&w->tmp, &w->tmp_cap, tmp_need + 1) != 0) return PW_ENOMEM;
    if (c->type == PW_CK_STR) pw__ck_encode_strings(src, rows, t, *dst, w->tmp);
    else pw__ck_encode_fixed(src, rows, pw__ck_type_width(c->type), t, k, *dst, w->tmp);
    return 0;
}

/* The transform (and decimal scale) that compresses a sample of the column
 * best; the first candidate wins ties. */
static int choose_transform(struct pw_checkpoint_writer *w, const struct pw__ck_col *c, const void *col, size_t rows,
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
    const size_t width = c->type == PW_CK_STR ? sizeof(char *) : (size_t)pw__ck_type_width(c->type);
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
    for (size_t i = 0; i < PW__CK_NCOLS; i++) {
        const struct pw__ck_col *c = &pw__ck_cols[i];
        struct pw_checkpoint_column *d = &hd->columns[i];
        int transform, scale;
        int rc = choose_transform(w, c, c->ptr(wf), rows, &transform, &scale);
        size_t raw = rows * (size_t)pw__ck_type_width(c->type), size = encoded_size(c, c->ptr(wf), rows, transform);
        if (c->type == PW_CK_STR) pw__ck_strings_size(c->ptr(wf), rows, 0, &raw);
        if (rc == PW_ENOMEM) return pw_err_set(err, PW_ENOMEM, "out of memory writing checkpoint '%s'", tmp);
        if (rc || size == SIZE_MAX)
            return pw_err_set(err, PW_ECHECKPOINT, "cannot write checkpoint '%s': column '%s' holds a string of 4 GiB or more",
                              tmp, c->name);
        memset(d, 0, sizeof *d);
        snprintf(d->name, sizeof d->name, "%s", c->name);
        d->type = c->type;
        d->width = (uint8_t)pw__ck_type_width(c->type);
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
    for (size_t i = 0; i < PW__CK_NCOLS; i++) {
        const struct pw__ck_col *c = &pw__ck_cols[i];
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
    pw__ck_schema_hash(hd.schema_hash);
    memcpy(hd.config_hash, id->config_hash, 20);
    hd.seed = id->seed;
    snprintf(hd.scenario_id, sizeof hd.scenario_id, "%s", id->scenario_id);
    hd.rows = wf->count;
    hd.carried = *c;
    hd.column_count = (uint32_t)PW__CK_NCOLS;
    hd.columns = w->cols;
    const size_t hsize = header_size(PW__CK_NCOLS);
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
        for (size_t i = 0; i < PW__CK_NCOLS; i++) stats->raw_bytes += w->cols[i].raw_bytes;
        stats->seconds = pw_wall_seconds() - t0;
    }
    return 0;
}

