/* fuzz_checkpoint.c: fuzz target for the checkpoint reader (io/checkpoint.h).
 *
 * Input: byte 0 selects how the rest is used, so mutations get past the
 * checksums that would otherwise stop almost every input at the header:
 *   mode 0  the rest is a checkpoint file as it is;
 *   mode 1  the same with the header checksum recomputed first (reaches the
 *           directory checks and the LZ4 frame);
 *   mode 2  the rest edits the decompressed body of a small valid checkpoint:
 *           a hash of it picks an offset and a length (1-16), and that many of
 *           its bytes are written there (any mutation moves the edit); the body
 *           is recompressed with valid LZ4
 *           checksums under a resealed header (reaches the column decoders and
 *           the value checks of every column).
 * Every input is opened, checked against this build's schema and loaded; the
 * reader must refuse or accept without crashing or leaking. */
#include <lz4frame.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/uuid.h"
#include "fuzz.h"
#include "io/checkpoint.h"

enum { H_NCOLS = 12, H_BODY = 144, H_STORED = 152, H_FIXED = 200, D_ENTRY = 80, D_STORED_OFF = 64, D_STORED = 72 };

static uint8_t *tmpl;          /* a valid checkpoint of a small workforce */
static size_t tmpl_size, tmpl_header;
static uint64_t tmpl_body;
static uint8_t *tmpl_raw;      /* its decompressed body */

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
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static size_t header_size(const uint8_t *p, size_t size)
{
    if (size < H_FIXED) return 0;
    uint32_t n = get32(p + H_NCOLS);
    if (n == 0 || n > PW_CHECKPOINT_MAX_COLUMNS) return 0;
    size_t h = H_FIXED + (size_t)D_ENTRY * n + 20;
    return h <= size ? h : 0;
}

static void reseal(uint8_t *p, size_t size)
{
    size_t h = header_size(p, size);
    if (h) pw_sha1(p, h - 20, p + h - 20);
}

static void make_template(void)
{
    if (tmpl) return;
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce wf;
    const size_t n = 48;
    if (pw_workforce_init(&wf, &strings, n) != 0) abort();
    wf.count = n;
    char id[32];
    for (size_t r = 0; r < n; r++) {
        int len = snprintf(id, sizeof id, "EMP_%06zu%.*s", r * 7, (int)(r % 3), "xyz");
        wf.employee_id[r] = pw_strpool_add(&strings, id, (size_t)len);
        wf.id_len[r] = (uint32_t)len;
        wf.ssn[r] = r % 4 ? pw_strpool_add(&strings, id + 2, 5) : NULL;
        wf.key[r] = r * 0x9E3779B97F4A7C15ULL;
        wf.level[r] = (uint8_t)(1 + r % 5);
        wf.birth_date[r] = (pw_date)(r * 97 % 9000);
        wf.hire_date[r] = (pw_date)(15000 + r * 3);
        wf.salary[r] = (double)(5000000 + 12345 * (int64_t)r) / 100.0;
        wf.hours_per_week[r] = 40;
        wf.deferral_rate[r] = (double)(r % 9) / 100.0;
        wf.match_balance[r] = 0.1 * (double)r;
        wf.escalation_count[r] = (int16_t)(r % 3);
        wf.is_enrolled[r] = (uint8_t)(r % 2);
        wf.enrollment_method[r] = (uint8_t)(r % 6);
    }
    struct pw_checkpoint_id cid = {{0}, 42, "fuzz"};
    struct pw_carried c = {.year = 2026, .prior_year_hires_active = 3, .census_roster_size = 40};
    char path[] = "/tmp/pw-fuzz-ckpt-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) abort();
    close(fd);
    struct pw_checkpoint_writer *w;
    struct pw_err err = {0};
    if (pw_checkpoint_writer_new(&w, NULL, &err) != 0 || pw_checkpoint_write(w, path, &cid, &wf, &c, NULL, &err) != 0) {
        fprintf(stderr, "fuzz_checkpoint: cannot write the template: %s\n", err.msg);
        abort();
    }
    pw_checkpoint_writer_free(w);
    pw_workforce_release(&wf);
    pw_strpool_release(&strings);
    FILE *f = fopen(path, "rb");
    if (!f) abort();
    fseek(f, 0, SEEK_END);
    tmpl_size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    tmpl = malloc(tmpl_size);
    if (!tmpl || fread(tmpl, 1, tmpl_size, f) != tmpl_size) abort();
    fclose(f);
    unlink(path);
    tmpl_header = header_size(tmpl, tmpl_size);
    tmpl_body = get64(tmpl + H_BODY);
    tmpl_raw = malloc(tmpl_body + 1);
    LZ4F_dctx *d;
    size_t out = tmpl_body, in = tmpl_size - tmpl_header;
    if (!tmpl_raw || LZ4F_isError(LZ4F_createDecompressionContext(&d, LZ4F_VERSION)) ||
        LZ4F_decompress(d, tmpl_raw, &out, tmpl + tmpl_header, &in, NULL) != 0 || out != tmpl_body)
        abort();
    LZ4F_freeDecompressionContext(d);
}

/* Mode 2: the template's header around a new, valid frame of body bytes. */
static uint8_t *with_body(const uint8_t *data, size_t size, size_t *out_size)
{
    uint8_t *body = malloc(tmpl_body + 1);
    if (!body) return NULL;
    memcpy(body, tmpl_raw, tmpl_body);
    if (size > 0 && tmpl_body > 0) {
        uint64_t h = 0xcbf29ce484222325ULL;
        for (size_t i = 0; i < size; i++) h = (h ^ data[i]) * 0x100000001b3ULL;
        size_t at = h % tmpl_body, k = 1 + (h >> 32) % 16, from = (h >> 40) % size;
        if (k > size - from) k = size - from;
        if (k > tmpl_body - at) k = tmpl_body - at;
        memcpy(body + at, data + from, k);
    }
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled;
    prefs.frameInfo.blockChecksumFlag = LZ4F_blockChecksumEnabled;
    prefs.frameInfo.contentSize = tmpl_body;
    size_t bound = LZ4F_compressFrameBound(tmpl_body, &prefs);
    uint8_t *file = malloc(tmpl_header + bound);
    if (!file) {
        free(body);
        return NULL;
    }
    memcpy(file, tmpl, tmpl_header);
    size_t z = LZ4F_compressFrame(file + tmpl_header, bound, body, tmpl_body, &prefs);
    free(body);
    if (LZ4F_isError(z)) {
        free(file);
        return NULL;
    }
    put64(file + H_STORED, z);
    uint32_t n = get32(file + H_NCOLS);
    for (uint32_t i = 0; i < n; i++) {   /* column blocks are no longer known: empty ranges */
        put64(file + H_FIXED + (size_t)D_ENTRY * i + D_STORED_OFF, 0);
        put64(file + H_FIXED + (size_t)D_ENTRY * i + D_STORED, 0);
    }
    reseal(file, tmpl_header);
    *out_size = tmpl_header + z;
    return file;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    make_template();
    if (size < 1) return 0;
    const int mode = data[0] % 3;
    size_t n = size - 1;
    uint8_t *buf;
    if (mode == 2) {
        buf = with_body(data + 1, n, &n);
        if (!buf) return 0;
    } else {
        buf = malloc(n + 1);
        if (!buf) return 0;
        memcpy(buf, data + 1, n);
        if (mode == 1) reseal(buf, n);
    }
    struct pw_err err = {0};
    struct pw_checkpoint_reader *r;
    if (pw_checkpoint_open_buffer(&r, "fuzz.pwck", buf, n, &err) == 0) {
        const struct pw_checkpoint_header *h = pw_checkpoint_header(r);
        char t[64];
        for (uint32_t i = 0; i < h->column_count; i++)
            pw_checkpoint_transform_name(h->columns[i].transform, h->columns[i].scale, t, sizeof t);
        struct pw_strpool strings;
        pw_strpool_init(&strings);
        struct pw_workforce wf;
        struct pw_carried c;
        if (pw_checkpoint_check(r, NULL, &err) == 0 && pw_checkpoint_load(r, &strings, &wf, &c, &err) == 0)
            pw_workforce_release(&wf);
        pw_strpool_release(&strings);
        pw_checkpoint_close(r);
    }
    free(buf);
    return 0;
}

size_t pw_fuzz_seed(uint8_t **out)
{
    make_template();
    *out = malloc(tmpl_size + 1);
    if (!*out) return 0;
    (*out)[0] = 0;
    memcpy(*out + 1, tmpl, tmpl_size);
    return tmpl_size + 1;
}
