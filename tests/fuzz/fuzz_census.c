/* fuzz_census.c: fuzz target for the census row rules (model/census.h) and the
 * census CSV reader (io/census_reader.h).
 *
 * Input: byte 0 selects how the rest is used:
 *   mode 0  rows of text fields straight into pw_census_add_row: one row per
 *           line, fields separated by tabs in the order of enum pw_census_col
 *           (employee_id, birth date, hire date, compensation, termination
 *           date, active, ssn, deferral rate, hours, auto_escalation_opt_out,
 *           eligibility_override, level_id); a missing trailing field is an
 *           absent column, "\\N" a NULL value. This reaches every row rule
 *           without a file format in the way.
 *   mode 1  the rest is a census CSV file read with pw_census_read: the header
 *           record parser, the column mapping and DuckDB's reader in front of
 *           the same rules.
 * Whatever the rows, the census must reject or accept them without crashing or
 * leaking, and a finished roster must keep the promises MODEL 2.1 makes for
 * it: sorted by employee_id without repeats, every row accounted for, values
 * inside their ranges. A broken promise aborts, so the drivers report it. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "fuzz.h"
#include "io/census_reader.h"
#include "model/census.h"

static struct pw_tables tables;       /* large: off the stack */
static struct pw_config cfg;
static char path[] = "/tmp/pw-fuzz-census-XXXXXX.csv";

static void remove_file(void) { unlink(path); }

static void setup(void)
{
    static int done;
    if (done) return;
    done = 1;
    pw_log_set_verbosity(PW_QUIET);
    struct pw_err err = {0};
    if (pw_tables_load(&tables, "", &err) != 0) {
        fprintf(stderr, "fuzz_census: %s\n", err.msg);
        abort();
    }
    pw_config_init_defaults(&cfg);
    if (pw_config_finalize(&cfg, &err) != 0) abort();
    int fd = mkstemps(path, 4);
    if (fd < 0) abort();
    close(fd);
    atexit(remove_file);
}

static void fail(const char *what, size_t row)
{
    fprintf(stderr, "fuzz_census: %s (roster row %zu)\n", what, row);
    abort();
}

/* The promises of a finished census (MODEL 2.1 and census.h's counting rules). */
static void check_roster(const struct pw_census *c)
{
    const struct pw_census_stats *s = &c->stats;
    const struct pw_workforce *wf = &c->roster;
    if (s->rows_read != s->valid_rows + s->rejected_rows) fail("rows read != valid + rejected", 0);
    if (s->rejected_rows != c->rejected_count) fail("rejected count differs from the list", 0);
    if (wf->count != s->valid_rows - s->duplicate_ids - s->terminated_rows) fail("roster size does not add up", 0);
    for (size_t r = 0; r < wf->count; r++) {
        if (r && pw_id_cmp(wf->employee_id[r - 1], wf->id_len[r - 1], wf->employee_id[r], wf->id_len[r]) >= 0)
            fail("roster not sorted by employee_id, or an id repeated", r);
        if (wf->id_len[r] == 0 || wf->id_len[r] != strlen(wf->employee_id[r])) fail("bad id length", r);
        if (wf->hire_date[r] <= wf->birth_date[r] || wf->hire_date[r] > cfg.plan_year_end_date)
            fail("hire date out of range", r);
        int age = pw_age(wf->birth_date[r], cfg.plan_year_end_date);
        if (age < 14 || age > 100) fail("age out of range", r);
        if (!(wf->salary[r] > 0) || !isfinite(wf->salary[r])) fail("compensation not positive and finite", r);
        if (!(wf->hours_per_week[r] > 0 && wf->hours_per_week[r] <= 80)) fail("hours outside (0, 80]", r);
        if (!(wf->deferral_rate[r] >= 0 && wf->deferral_rate[r] <= cfg.plan_deferral_cap))
            fail("deferral rate outside [0, cap]", r);
        if (wf->level[r] < 1 || wf->level[r] > tables.levels.count) fail("level outside the job levels", r);
    }
    for (size_t i = 0; i < c->rejected_count; i++)
        if (!c->rejected[i].reason[0] || !c->rejected[i].column[0]) fail("a rejected row without a reason", i);
}

/* Mode 0: tab-separated fields per line. */
static void rows(const char *text, size_t len)
{
    struct pw_strpool strings;
    struct pw_census census;
    pw_strpool_init(&strings);
    if (pw_census_init(&census, &strings) != 0) abort();
    size_t row = 0;
    for (size_t start = 0; start < len;) {
        size_t end = start;
        while (end < len && text[end] != '\n') end++;
        struct pw_census_fields f;
        memset(&f, 0, sizeof f);
        int col = 0;
        for (size_t at = start; col < PW_CC_COUNT;) {
            size_t stop = at;
            while (stop < end && text[stop] != '\t') stop++;
            if (!(stop - at == 2 && text[at] == '\\' && text[at + 1] == 'N')) {
                f.value[col] = text + at;
                f.len[col] = stop - at;
            }
            col++;
            if (stop >= end) break;
            at = stop + 1;
        }
        if (pw_census_add_row(&census, &f, ++row, &cfg, &tables) != 0) abort();
        start = end + 1;
    }
    struct pw_err err = {0};
    int rc = pw_census_finish(&census, &err);
    if (rc == 0) check_roster(&census);
    else if (census.roster.count != 0 || !err.msg[0]) fail("a failed census without a message", 0);
    pw_census_log_summary(&census, 3);
    pw_census_release(&census);
    pw_strpool_release(&strings);
}

/* Mode 1: the bytes as a CSV file. */
static void csv_file(const uint8_t *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return;
    if (len && fwrite(data, 1, len, f) != len) abort();
    fclose(f);
    struct pw_strpool strings;
    struct pw_census census;
    pw_strpool_init(&strings);
    if (pw_census_init(&census, &strings) != 0) abort();
    struct pw_err err = {0};
    if (pw_census_read(path, &census, &cfg, &tables, &err) == 0) check_roster(&census);
    else if (!err.msg[0]) fail("a refused census file without a message", 0);
    pw_census_release(&census);
    pw_strpool_release(&strings);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1) return 0;
    if (data[0] % 2 == 0) {
        /* Fields are handed over with lengths; a NUL after the text keeps the
         * copy like the reader's NUL-terminated values. */
        char *text = malloc(size);
        if (!text) return 0;
        memcpy(text, data + 1, size - 1);
        text[size - 1] = '\0';
        rows(text, size - 1);
        free(text);
    } else {
        csv_file(data + 1, size - 1);
    }
    return 0;
}

/* Rows that pass and rows that fail each rule: duplicates, percentages,
 * clamped rates, hours fallbacks, terminated and inactive rows, levels. */
static const char seed_text[] =
    "EMP_3\t1980-05-17\t2010-03-01\t85000\t\ttrue\t123-45-6789\t0.06\t40\tfalse\ttrue\t2\n"
    "EMP_1\t1990-02-28\t2020-02-29\t52000.50\t\t\t\t6\t\n"
    "EMP_2\t1975-12-31\t2001-07-04\t150000\t2024-06-30\tfalse\n"
    "EMP_1\t1990-02-28\t2021-01-01\t51000\n"
    "EMP_4\t2012-01-01\t2024-01-01\t30000\n"
    "EMP_5\t1985-01-01\t2015-01-01\t-5\n"
    "  EMP_6  \t1970-06-15\t1999-09-09\t1e5\t\\N\tyes\t\\N\t0.9\t95\tt\tf\t9\n"
    "EMP_7\t1960-01-01\t2026-01-01\t70000\n"
    "\t1960-01-01\t2000-01-01\t70000\n"
    "EMP_8\t1960-13-01\t2000-01-01\t70000\n"
    "EMP_9\t1966-04-04\t2005-05-05\t99999.99\t\tmaybe\n";

size_t pw_fuzz_seed(uint8_t **out)
{
    size_t n = sizeof seed_text - 1;
    *out = malloc(n + 1);
    if (!*out) return 0;
    (*out)[0] = 0;
    memcpy(*out + 1, seed_text, n);
    return n + 1;
}
