/* checkpoint_read.c: reading a checkpoint: the header and directory are
 * checked field by field, the body's checksums verified, the run identity and
 * schema compared, and the columns decoded back into a workforce; anything
 * corrupt, truncated or foreign is refused with a message naming the file. */
#include "io/checkpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <lz4frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/uuid.h"
#include "io/checkpoint_int.h"

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
    if (memcmp(p, pw__ck_magic, size < 8 ? size : 8) != 0)
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
        else if (pw__ck_type_width(c->type) != c->width || (c->type != PW_CK_STR && c->width == 0) ||
                 (c->type == PW_CK_STR && c->width != 0))
            why = "type";
        else if ((c->transform & ~pw__ck_transform_mask(c->type)) ||
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
    pw__ck_schema_hash(mine);
    h->schema_matches = memcmp(mine, h->schema_hash, 20) == 0 && h->column_count == PW__CK_NCOLS;
    for (size_t i = 0; h->schema_matches && i < PW__CK_NCOLS; i++)
        h->schema_matches = strcmp(h->columns[i].name, pw__ck_cols[i].name) == 0 && h->columns[i].type == pw__ck_cols[i].type;
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
    if (m > 0 && memcmp(magic, pw__ck_magic, (size_t)m) != 0) {
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
        pw__ck_schema_hash(mine);
        pw__ck_hex(h->schema_hash, 8, a), pw__ck_hex(mine, 8, b);
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
        pw__ck_hex(h->config_hash, 20, a), pw__ck_hex(expect->config_hash, 20, b);
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
                                 wf->ever_opted_out[i], wf->window_decided[i], wf->voluntary_decided[i],
                                 wf->is_5pct_owner[i], wf->is_1pct_owner[i], wf->is_officer[i]};
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
    for (size_t i = 0; i < PW__CK_NCOLS && !rc; i++) {
        const struct pw_checkpoint_column *col = &h->columns[i];
        const uint8_t *src = r->body + col->body_offset;
        if (col->type == PW_CK_STR) {
            char why[160];
            rc = pw__ck_decode_strings(src, col->body_bytes, rows, col->transform, strings, pw__ck_cols[i].ptr(wf), tmp,
                                       why, sizeof why);
            if (rc) FAIL(rc, "checkpoint '%s' is corrupt: column '%s': %s", r->name, col->name, why);
        } else {
            pw__ck_decode_fixed(src, rows, col->width, col->transform, col->scale, pw__ck_cols[i].ptr(wf), tmp);
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
