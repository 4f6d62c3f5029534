/* test_ensemble_inputs.c: the value layout of planwise ensemble (sim/ensemble.c:
 * which metric and dimension each value of a year is) and the byte image of a
 * design that MPI rank 0 sends to the other ranks (cli/ensemble_inputs.c): it
 * rebuilds the same configuration, tables, layout and roster with its ids, and a
 * cut or foreign image is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli/ensemble_int.h"
#include "sim/ensemble.h"

static struct pw_tables tables;

static int group_setup(void **state)
{
    (void)state;
    struct pw_err err = {0};
    return pw_tables_load(&tables, "", &err) != 0 ? -1 : 0;
}

static void expect_series(const struct pw_ens_layout *lo, int s, int metric, const char *dim)
{
    int m = -1;
    char d[64];
    pw_ensemble_series(lo, s, &m, d, sizeof d);
    assert_int_equal(m, metric);
    assert_string_equal(d, dim);
}

static void test_layout(void **state)
{
    (void)state;
    struct pw_ens_layout lo;
    pw_ensemble_layout_init(&lo, &tables);
    /* built-in tables: 5 levels, 6 age bands, 4 income groups */
    assert_int_equal(lo.groups[PW_ED_LEVEL], 5);
    assert_int_equal(lo.groups[PW_ED_AGE_BAND], 6);
    assert_int_equal(lo.groups[PW_ED_INCOME_BAND], 4);
    assert_int_equal(lo.series, 17 * (1 + 5) + 10 * (6 + 4));
    expect_series(&lo, 0, PW_EM_HEADCOUNT_START, "all");
    expect_series(&lo, 16, PW_EM_EMPLOYER_COST_PCT_PAYROLL, "all");
    expect_series(&lo, 17, PW_EM_HEADCOUNT_START, "level=1");
    expect_series(&lo, 17 * 5 + 6, PW_EM_PAYROLL, "level=5");
    expect_series(&lo, 17 * 6, PW_EM_ELIGIBLE, "age_band=< 25");
    expect_series(&lo, 17 * 6 + 10 * 5 + 9, PW_EM_EMPLOYER_COST_PCT_PAYROLL, "age_band=65+");
    expect_series(&lo, 17 * 6 + 10 * 6, PW_EM_ELIGIBLE, "income_band=low");
    expect_series(&lo, lo.series - 1, PW_EM_EMPLOYER_COST_PCT_PAYROLL, "income_band=executive");
    /* every (metric, dimension) once */
    for (int a = 0; a < lo.series; a++)
        for (int b = a + 1; b < lo.series; b++) {
            int ma, mb;
            char da[64], db[64];
            pw_ensemble_series(&lo, a, &ma, da, sizeof da);
            pw_ensemble_series(&lo, b, &mb, db, sizeof db);
            assert_false(ma == mb && strcmp(da, db) == 0);
        }
    struct pw_ens_layout other = lo;
    assert_true(pw_ensemble_layout_equal(&lo, &other));
    strcpy(other.label[PW_ED_AGE_BAND][2], "35-45");
    assert_false(pw_ensemble_layout_equal(&lo, &other));
    other = lo;
    other.groups[PW_ED_LEVEL] = 4;
    assert_false(pw_ensemble_layout_equal(&lo, &other));
}

/* A design with three roster rows, two of them with an SSN. */
static void make_design(struct design *de)
{
    memset(de, 0, sizeof *de);
    pw_config_init_defaults(&de->cfg);
    de->cfg.random_seed = 77;
    de->tables = tables;
    pw_ensemble_layout_init(&de->layout, &de->tables);
    pw_strpool_init(&de->strings);
    assert_int_equal(pw_census_init(&de->census, &de->strings), 0);
    de->census_ready = true;
    de->census.stats.rows_read = 7;
    de->census.stats.rejected_rows = 4;
    static const char *const ids[] = {"E1", "E22", "E333"};
    static const char *const ssns[] = {NULL, "123-45-6789", "987-65-4321"};
    struct pw_workforce *wf = &de->census.roster;
    for (int i = 0; i < 3; i++) {
        size_t r = pw_workforce_push(wf);
        wf->employee_id[r] = pw_strpool_add(&de->strings, ids[i], strlen(ids[i]));
        wf->id_len[r] = (uint32_t)strlen(ids[i]);
        wf->ssn[r] = ssns[i] ? pw_strpool_add(&de->strings, ssns[i], strlen(ssns[i])) : NULL;
        wf->key[r] = 1000u + (uint64_t)i;
        wf->level[r] = (uint8_t)(i + 1);
        wf->salary[r] = 50000.25 * (i + 1);
        wf->birth_date[r] = -3000 - i;
        wf->match_balance[r] = 12.5 * i;
    }
}

static void test_design_image_roundtrip(void **state)
{
    (void)state;
    struct design a, b;
    make_design(&a);
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(pw__ens_pack_design(&a, &buf, &len), 0);
    memset(&b, 0, sizeof b);
    struct pw_err err = {0};
    assert_int_equal(pw__ens_unpack_design(&b, buf, len, &err), 0);
    assert_memory_equal(&a.cfg, &b.cfg, sizeof a.cfg);
    assert_memory_equal(&a.tables, &b.tables, sizeof a.tables);
    assert_true(pw_ensemble_layout_equal(&a.layout, &b.layout));
    assert_int_equal(b.census.stats.rows_read, 7);
    assert_int_equal(b.census.stats.rejected_rows, 4);
    const struct pw_workforce *x = &a.census.roster, *y = &b.census.roster;
    assert_int_equal(y->count, 3);
    for (size_t r = 0; r < 3; r++) {
        assert_string_equal(y->employee_id[r], x->employee_id[r]);
        assert_ptr_not_equal(y->employee_id[r], x->employee_id[r]);   /* in b's own pool */
        assert_int_equal(y->id_len[r], x->id_len[r]);
        if (x->ssn[r]) assert_string_equal(y->ssn[r], x->ssn[r]);
        else assert_null(y->ssn[r]);
        assert_int_equal(y->key[r], x->key[r]);
        assert_int_equal(y->level[r], x->level[r]);
        assert_true(y->salary[r] == x->salary[r] && y->match_balance[r] == x->match_balance[r]);
        assert_int_equal(y->birth_date[r], x->birth_date[r]);
    }
    pw__ens_release_design(&b);
    /* cut short: refused, whatever the cut */
    for (size_t cut = 1; cut < 64; cut += 7) {
        struct design c;
        memset(&c, 0, sizeof c);
        struct pw_err e2 = {0};
        assert_int_equal(pw__ens_unpack_design(&c, buf, len - cut, &e2), PW_EINTERNAL);
        assert_non_null(strstr(e2.msg, "cut short"));
        pw__ens_release_design(&c);
    }
    /* another build (other struct sizes in the header) */
    buf[8] ^= 1;
    struct design d;
    memset(&d, 0, sizeof d);
    struct pw_err e3 = {0};
    assert_int_equal(pw__ens_unpack_design(&d, buf, len, &e3), PW_EINTERNAL);
    assert_non_null(strstr(e3.msg, "another build"));
    pw__ens_release_design(&d);
    free(buf);
    pw__ens_release_design(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_design_image_roundtrip),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
