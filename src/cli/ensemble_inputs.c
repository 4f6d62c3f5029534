/* ensemble_inputs.c: the inputs of `planwise ensemble`: the base configuration,
 * each design (base plus overlay, assumption tables, census), and a byte image
 * of a loaded design so that MPI ranks other than 0 need none of the files:
 * rank 0 reads and checks everything, the others rebuild the same design from
 * its image. The image holds the configuration and tables as they are in
 * memory, so every rank must run the same build (which mpirun/srun of one
 * binary gives); a header of struct sizes refuses anything else. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/ensemble_int.h"
#include "io/census_reader.h"
#include "io/yaml_config.h"
#include "sim/plan_money.h"

static void apply_cli_overrides(const struct ens_options *o, struct pw_config *cfg)
{
    if (o->census) snprintf(cfg->census_path, sizeof cfg->census_path, "%s", o->census);
    if (o->years_set) {
        cfg->start_year = o->first_year;
        cfg->end_year = o->last_year;
    }
}

int pw__ens_build_base(const struct ens_options *o, struct pw_config *cfg, char **text, struct pw_err *err)
{
    pw_config_init_defaults(cfg);
    *text = NULL;
    int rc;
    if (o->config) {
        size_t len;
        if ((rc = pw_config_read_text(o->config, text, &len, err))) return rc;
        if ((rc = pw_config_load_file(cfg, o->config, err))) return rc;
    }
    apply_cli_overrides(o, cfg);
    return pw_config_finalize(cfg, err);
}

/* The YAML a `planwise run` of this design stores in run_metadata: the base
 * file, then "# --scenario-file FILE" and the overlay (the overlay alone when
 * there is no base file: it is then the whole configuration). */
static int design_text(struct design *de, const char *base_text, const char *file, struct pw_err *err)
{
    char *more = NULL;
    size_t len = 0;
    if (file[0]) {
        int rc = pw_config_read_text(file, &more, &len, err);
        if (rc) return rc;
    }
    if (!base_text) {
        de->config_text = more;
        return 0;
    }
    size_t have = strlen(base_text), head = strlen(file) + 24;
    de->config_text = malloc(have + head + len + 1);
    if (!de->config_text) {
        free(more);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    memcpy(de->config_text, base_text, have + 1);
    if (more) {
        int n = snprintf(de->config_text + have, head, "\n# --scenario-file %s\n", file);
        memcpy(de->config_text + have + (size_t)n, more, len + 1);
    }
    free(more);
    return 0;
}

/* The base plus the design's overlay, merged as `planwise run --scenario-file`
 * merges (io/yaml_config.h), then the command line again: --census and --years
 * win over what an overlay says, as they win over the base file. */
int pw__ens_load_design(struct design *de, const struct pw_config *base, const char *base_text,
                        const struct ens_options *o, const char *file, struct pw_err *err)
{
    de->cfg = *base;
    int rc;
    if (file[0]) {
        const char *layers[2] = {o->config, file};
        int first = o->config ? 0 : 1; /* no --config: the overlay lies over the defaults */
        if ((rc = pw_config_load_layers(&de->cfg, layers + first, 2 - first, err))) return rc;
        apply_cli_overrides(o, &de->cfg);
        if ((rc = pw_config_finalize(&de->cfg, err))) return rc;
    }
    if ((rc = design_text(de, base_text, file, err))) return rc;
    const char *files[PW_ASSUMPTION_TABLES];
    for (int i = 0; i < PW_ASSUMPTION_TABLES; i++)
        files[i] = de->cfg.assumption_files[i][0] ? de->cfg.assumption_files[i] : NULL;
    if ((rc = pw_tables_load_with(&de->tables, de->cfg.assumptions_directory, files, err))) return rc;
    de->tables_ready = true;
    if ((rc = pw_plan_money_check(&de->cfg.plan, &de->tables, err))) return rc;
    pw_ensemble_layout_init(&de->layout, &de->tables);
    pw_strpool_init(&de->strings);
    if ((rc = pw_census_init(&de->census, &de->strings))) return pw_err_set(err, rc, "out of memory");
    de->census_ready = true;
    /* Each design reads the census itself: its settings (deferral cap, census
     * date) shape how rows are normalised. */
    if ((rc = pw_census_read(de->cfg.census_path, &de->census, &de->cfg, &de->tables, err))) return rc;
    if (de->census.rejected_count > 0 && de->cfg.on_bad_rows == PW_BAD_ROWS_FAIL)
        return pw_err_set(err, PW_ECENSUS, "census '%s' has %zu invalid rows (see 'planwise run' or 'planwise "
                          "validate' for the list)", de->cfg.census_path, de->census.rejected_count);
    return 0;
}

void pw__ens_release_design(struct design *de)
{
    if (de->census_ready) {
        pw_census_release(&de->census);
        pw_strpool_release(&de->strings);
    }
    free(de->config_text);
    /* the assumption tables hold no heap memory */
    memset(de, 0, sizeof *de);
}

/* ---- byte image of a design ---- */

static const char magic[8] = "PWENSD1";

struct image_head {
    char magic[8];
    uint64_t sizes[5];           /* config, tables, layout, census stats, workforce struct */
    uint64_t rows;
    uint64_t string_bytes;
};

static void head_sizes(uint64_t s[5])
{
    s[0] = sizeof(struct pw_config);
    s[1] = sizeof(struct pw_tables);
    s[2] = sizeof(struct pw_ens_layout);
    s[3] = sizeof(struct pw_census_stats);
    s[4] = sizeof(struct pw_workforce);
}

/* Strings of row r: id, then a 0/1 byte for an SSN and the SSN with its NUL. */
static size_t row_strings(const struct pw_workforce *wf, size_t r)
{
    return wf->id_len[r] + 1 + (wf->ssn[r] ? strlen(wf->ssn[r]) + 1 : 0);
}

int pw__ens_pack_design(const struct design *de, char **out, size_t *len)
{
    const struct pw_workforce *wf = &de->census.roster;
    size_t n = wf->count, strings = 0, columns = 0;
    for (size_t r = 0; r < n; r++) strings += row_strings(wf, r);
#define COLUMN_BYTES(col) columns += n * sizeof *wf->col;
    PW_WORKFORCE_COLUMNS(COLUMN_BYTES)
#undef COLUMN_BYTES
    struct image_head h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, magic, sizeof magic);
    head_sizes(h.sizes);
    h.rows = n;
    h.string_bytes = strings;
    size_t total = sizeof h + sizeof de->cfg + sizeof de->tables + sizeof de->layout + sizeof de->census.stats +
                   columns + strings;
    char *p = malloc(total);
    if (!p) return PW_ENOMEM;
    char *at = p;
#define PUT(ptr, bytes) (memcpy(at, (ptr), (bytes)), at += (bytes))
    PUT(&h, sizeof h);
    PUT(&de->cfg, sizeof de->cfg);
    PUT(&de->tables, sizeof de->tables);
    PUT(&de->layout, sizeof de->layout);
    PUT(&de->census.stats, sizeof de->census.stats);
    /* the pointer columns (ids, SSNs) go too and are rebuilt from the strings */
#define PUT_COLUMN(col) PUT((const void *)wf->col, n * sizeof *wf->col);
    PW_WORKFORCE_COLUMNS(PUT_COLUMN)
#undef PUT_COLUMN
    for (size_t r = 0; r < n; r++) {
        PUT(wf->employee_id[r], wf->id_len[r]);
        *at++ = wf->ssn[r] ? 1 : 0;
        if (wf->ssn[r]) PUT(wf->ssn[r], strlen(wf->ssn[r]) + 1);
    }
#undef PUT
    *out = p;
    *len = total;
    return 0;
}

int pw__ens_unpack_design(struct design *de, const char *buf, size_t len, struct pw_err *err)
{
    struct image_head h;
    uint64_t sizes[5];
    head_sizes(sizes);
    if (len < sizeof h || (memcpy(&h, buf, sizeof h), memcmp(h.magic, magic, sizeof magic) != 0) ||
        memcmp(h.sizes, sizes, sizeof sizes) != 0)
        return pw_err_set(err, PW_EINTERNAL, "the inputs from rank 0 come from another build of planwise (every "
                          "rank must run the same binary)");
    const char *at = buf + sizeof h, *end = buf + len;
#define TAKE(ptr, bytes)                                                                       \
    do {                                                                                       \
        if ((size_t)(end - at) < (bytes)) goto short_image;                                    \
        memcpy((ptr), at, (bytes));                                                            \
        at += (bytes);                                                                         \
    } while (0)
    TAKE(&de->cfg, sizeof de->cfg);
    TAKE(&de->tables, sizeof de->tables);
    de->tables_ready = true;
    TAKE(&de->layout, sizeof de->layout);
    pw_strpool_init(&de->strings);
    if (pw_census_init(&de->census, &de->strings) != 0) return pw_err_set(err, PW_ENOMEM, "out of memory");
    de->census_ready = true;
    TAKE(&de->census.stats, sizeof de->census.stats);
    struct pw_workforce *wf = &de->census.roster;
    size_t n = (size_t)h.rows;
    if (pw_workforce_reserve(wf, n + 64) != 0) return pw_err_set(err, PW_ENOMEM, "out of memory for the census");
#define TAKE_COLUMN(col) TAKE((void *)wf->col, n * sizeof *wf->col);
    PW_WORKFORCE_COLUMNS(TAKE_COLUMN)
#undef TAKE_COLUMN
#undef TAKE
    wf->count = n;
    for (size_t r = 0; r < n; r++) {
        if ((size_t)(end - at) < (size_t)wf->id_len[r] + 1) goto short_image;
        if (!(wf->employee_id[r] = pw_strpool_add(&de->strings, at, wf->id_len[r])))
            return pw_err_set(err, PW_ENOMEM, "out of memory for the census ids");
        at += wf->id_len[r];
        wf->ssn[r] = NULL;
        if (*at++) {
            size_t l = strnlen(at, (size_t)(end - at));
            if (l == (size_t)(end - at)) goto short_image;
            if (!(wf->ssn[r] = pw_strpool_add(&de->strings, at, l)))
                return pw_err_set(err, PW_ENOMEM, "out of memory for the census ids");
            at += l + 1;
        }
    }
    if (at != end) goto short_image;
    return 0;
short_image:
    return pw_err_set(err, PW_EINTERNAL, "the inputs received from rank 0 are cut short (%zu bytes)", len);
}
