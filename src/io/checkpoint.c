/* checkpoint.c: what the checkpoint format is made of in this build: the column
 * directory generated from PW_WORKFORCE_COLUMNS, type and transform names, the
 * schema hash, and the run identity a checkpoint is matched by. The writer is in
 * checkpoint_write.c, the reader in checkpoint_read.c, the transforms in
 * checkpoint_codec.c, file names and the temporary-file dance in
 * checkpoint_files.c; the header layout is in checkpoint_int.h. */
#include "io/checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/uuid.h"
#include "io/checkpoint_int.h"

/* ---- the columns of this build: every field of PW_WORKFORCE_COLUMNS ---- */

#define CK_TYPE(col)                                                                                    \
    _Generic(((struct pw_workforce *)0)->col[0], uint8_t: PW_CK_U8, int16_t: PW_CK_I16, uint32_t: PW_CK_U32, \
             int32_t: PW_CK_I32, uint64_t: PW_CK_U64, double: PW_CK_F64, const char *: PW_CK_STR)
#define CK_ACCESSOR(col) \
    static void *ck_ptr_##col(const struct pw_workforce *wf) { return (void *)wf->col; }
PW_WORKFORCE_COLUMNS(CK_ACCESSOR)
#undef CK_ACCESSOR
#define CK_ENTRY(col) {#col, CK_TYPE(col), ck_ptr_##col},
const struct pw__ck_col pw__ck_cols[] = {PW_WORKFORCE_COLUMNS(CK_ENTRY)};
#undef CK_ENTRY
_Static_assert(sizeof pw__ck_cols / sizeof *pw__ck_cols == PW__CK_NCOLS, "column count");

/* The scalar fields of the fixed header (struct pw_carried), part of the schema. */
static const char ck_scalars[] =
    "year:i32,prior_year_hires_active:i64,hire_excluded_share:f64,census_roster_size:u64,total_events:u64,"
    "total_snapshot_rows:u64";

int pw__ck_type_width(int type)
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
int pw__ck_transform_mask(int type)
{
    switch (type) {
    case PW_CK_U8: return PW_CK_DELTA;
    case PW_CK_F64: return PW_CK_DECIMAL | PW_CK_DELTA | PW_CK_SHUFFLE;
    case PW_CK_STR: return PW_CK_SHUFFLE | PW_CK_FRONT;
    default: return PW_CK_DELTA | PW_CK_SHUFFLE;
    }
}

void pw__ck_schema_hash(uint8_t out[20])
{
    char text[4096];
    size_t n = 0;
    for (size_t i = 0; i < PW__CK_NCOLS; i++)
        n += (size_t)snprintf(text + n, sizeof text - n, "%s:%s:%d\n", pw__ck_cols[i].name,
                              pw_checkpoint_type_name(pw__ck_cols[i].type), pw__ck_type_width(pw__ck_cols[i].type));
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

void pw__ck_hex(const uint8_t *d, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

const uint8_t pw__ck_magic[8] = {0x89, 'P', 'W', 'C', 'K', '\r', '\n', 0x1a};
