/* test_checkpoint.c: year checkpoints (io/checkpoint.h) and resuming a run from
 * one (sim/sim_state.c).
 *
 * The state comes from the real pipeline: a synthetic census of N_EMPLOYEES
 * (model/census_gen.h) simulated with the default configuration (retirement plan
 * on), so ids, dates, balances, enrollment and escalation columns hold real
 * values. Cases:
 *   - round trip: every column and scalar read back equal; the same state gives
 *     the same bytes; the same with transforms off;
 *   - identity: 2025-2029 straight through vs 2025-2026, checkpoint, stop,
 *     restore into a fresh sim (new string pool, other thread count), 2027-2029:
 *     per-year hashes of everything the output writer receives, and the final
 *     workforce, are equal;
 *   - corruption: a byte flipped in every header field, the directory, the
 *     header checksum, and the start, middle and end of the body; truncation at
 *     several offsets and trailing bytes: every case refused with its message,
 *     the file named, and nothing left in the workforce;
 *   - mismatch: another configuration, seed, scenario, format version, schema;
 *     values out of order behind a valid checksum;
 *   - file names and discovery (temporary files ignored). */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <ftw.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/strpool.h"
#include "core/uuid.h"
#include "io/checkpoint.h"
#include "model/census.h"
#include "model/census_gen.h"
#include "sim/sim.h"
#include "support/world.h"

#define N_EMPLOYEES 3000
#define FIRST 2025
#define LAST 2029
#define CUT 2026   /* checkpoint after this year */

static struct pw_tables tables;
static char tmpdir[256];

/* ---- the world of support/world.h with a generated census ---- */

static void base_config(struct pw_config *cfg)
{
    struct pw_err err = {0};
    pw_config_init_defaults(cfg);
    cfg->start_year = FIRST;
    cfg->end_year = LAST;
    cfg->threads = 1;
    assert_int_equal(pw_config_finalize(cfg, &err), 0);
}

/* Builds the census of n generated employees and initialises the sim from it. */
static void world_init(struct pw_test_world *w, size_t n, int threads)
{
    struct pw_err err = {0};
    pw_test_world_begin(w, &tables);
    w->cfg.start_year = FIRST;
    w->cfg.end_year = LAST;
    pw_test_world_finalize(w);
    struct pw_census_gen_options o;
    pw_census_gen_options_init(&o);
    o.employees = n;
    o.seed = 42;
    o.start_year = FIRST;
    assert_int_equal(pw_census_gen_check(&o, &tables.levels, &err), 0);
    for (size_t i = 0; i < n; i++) {
        struct pw_census_gen_row g;
        pw_census_gen_row(&o, &tables.levels, i, &g);
        char birth[11], hire[11], comp[32], rate[32], hours[32], level[8];
        pw_date_format(g.birth_date, birth);
        pw_date_format(g.hire_date, hire);
        snprintf(comp, sizeof comp, "%.2f", g.compensation);
        snprintf(rate, sizeof rate, "%.4f", g.deferral_rate);
        snprintf(hours, sizeof hours, "%g", g.hours_per_week);
        snprintf(level, sizeof level, "%d", g.level_id);
        struct pw_census_fields f;
        memset(&f, 0, sizeof f);
        pw_test_field(&f, PW_CC_EMPLOYEE_ID, g.employee_id);
        pw_test_field(&f, PW_CC_SSN, g.ssn);
        pw_test_field(&f, PW_CC_BIRTH_DATE, birth);
        pw_test_field(&f, PW_CC_HIRE_DATE, hire);
        pw_test_field(&f, PW_CC_GROSS_COMPENSATION, comp);
        pw_test_field(&f, PW_CC_ACTIVE, "true");
        pw_test_field(&f, PW_CC_DEFERRAL_RATE, rate);
        pw_test_field(&f, PW_CC_HOURS, hours);
        pw_test_field(&f, PW_CC_AUTO_ESCALATION_OPT_OUT, g.auto_escalation_opt_out ? "true" : "false");
        pw_test_field(&f, PW_CC_LEVEL_ID, level);
        pw_test_world_add(w, &f);
    }
    assert_int_equal(w->census.rejected_count, 0);
    pw_test_world_start(w, threads);
}

/* ---- hashing what the output writer sees ---- */

struct hash {
    uint64_t h;
};
static void hash_bytes(struct hash *h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) h->h = (h->h ^ b[i]) * 0x100000001b3ULL;
}
static void hash_str(struct hash *h, const char *s)
{
    if (s) hash_bytes(h, s, strlen(s) + 1);
    else hash_bytes(h, "\xff", 1);
}
#define HASH(h, v) hash_bytes(h, &(v), sizeof(v))

static uint64_t hash_year(const struct pw_sim *sim)
{
    struct hash h = {0xcbf29ce484222325ULL};
    const struct pw_year *y = &sim->year;
    const struct pw_plan_money *m = &sim->money;
    HASH(&h, y->year);
    HASH(&h, y->needs);
    HASH(&h, y->by_level);
    for (size_t p = 0; p < y->n_pop; p++) {
        uint32_t r = y->order[p];
        hash_str(&h, sim->wf.employee_id[r]);
        HASH(&h, y->term_kind[r]), HASH(&h, y->term_date[r]), HASH(&h, y->start_level[r]), HASH(&h, y->end_level[r]);
        HASH(&h, y->prorated_comp[r]), HASH(&h, y->current_comp[r]), HASH(&h, y->hours_worked[r]);
        HASH(&h, y->age[r]), HASH(&h, y->tenure[r]), HASH(&h, y->promo_date[r]), HASH(&h, y->raise_date[r]);
        HASH(&h, m->deferrals[r]), HASH(&h, m->pre_tax[r]), HASH(&h, m->roth[r]), HASH(&h, m->match[r]);
        HASH(&h, m->core[r]), HASH(&h, m->match_balance[r]), HASH(&h, m->core_balance[r]);
        HASH(&h, m->vested_balance[r]), HASH(&h, m->forfeit_total[r]), HASH(&h, m->eff_rate[r]);
        struct pw_plan_snapshot s;
        pw_plan_year_snapshot(&sim->plan, r, &sim->wf, r, &s);
        HASH(&h, s.eligibility_date), HASH(&h, s.is_enrolled), HASH(&h, s.enrollment_date), HASH(&h, s.method);
        HASH(&h, s.ever_opted_out), HASH(&h, s.current_deferral_rate), HASH(&h, s.original_deferral_rate);
        HASH(&h, s.total_deferral_escalations), HASH(&h, s.last_escalation_date);
        hash_str(&h, s.eligibility_status);
    }
    struct pw_year_view view;
    pw_sim_year_view(sim, &view);
    for (size_t c = 0; c < sim->chunk_count; c++)
        for (size_t i = 0; i < sim->chunks[c].count; i++) {
            const struct pw_event *e = &sim->chunks[c].events[i];
            struct pw_event_values v;
            pw_event_values(&view, e, &v);
            char details[160];
            pw_event_details_format(&view, e, &v, details, sizeof details);
            hash_str(&h, sim->wf.employee_id[e->row]);
            HASH(&h, e->date), HASH(&h, e->type), HASH(&h, e->category), HASH(&h, v.level), HASH(&h, e->sequence);
            HASH(&h, v.compensation), HASH(&h, v.previous_compensation), HASH(&h, v.deferral_rate);
            HASH(&h, v.previous_deferral_rate), HASH(&h, v.probability);
            hash_str(&h, details);
        }
    return h.h;
}

static void hash_column(struct hash *h, const void *col, size_t width, size_t rows, int is_str)
{
    if (is_str)
        for (size_t r = 0; r < rows; r++) hash_str(h, ((const char *const *)col)[r]);
    else
        hash_bytes(h, col, width * rows);
}

static uint64_t hash_workforce(const struct pw_workforce *wf)
{
    struct hash h = {0xcbf29ce484222325ULL};
    HASH(&h, wf->count);
#define HASH_COL(col) hash_column(&h, wf->col, sizeof wf->col[0], wf->count, _Generic(wf->col[0], const char *: 1, default: 0));
    PW_WORKFORCE_COLUMNS(HASH_COL)
#undef HASH_COL
    return h.h;
}

/* First column where two workforces differ, or NULL. */
static const char *workforce_diff(const struct pw_workforce *a, const struct pw_workforce *b)
{
    if (a->count != b->count) return "count";
#define CMP_COL(col)                                                                              \
    for (size_t r = 0; r < a->count; r++) {                                                       \
        int str_ = _Generic(a->col[0], const char *: 1, default: 0);                              \
        const void *x_ = &a->col[r], *y_ = &b->col[r];                                            \
        if (str_) {                                                                               \
            const char *s_, *t_;                                                                  \
            memcpy(&s_, x_, sizeof s_), memcpy(&t_, y_, sizeof t_);                               \
            if ((s_ == NULL) != (t_ == NULL) || (s_ && strcmp(s_, t_) != 0)) return #col;          \
        } else if (memcmp(x_, y_, sizeof a->col[0]) != 0) {                                       \
            return #col;                                                                          \
        }                                                                                         \
    }
    PW_WORKFORCE_COLUMNS(CMP_COL)
#undef CMP_COL
    return NULL;
}

static void assert_carried_equal(const struct pw_carried *a, const struct pw_carried *b)
{
    assert_int_equal(a->year, b->year);
    assert_int_equal(a->prior_year_hires_active, b->prior_year_hires_active);
    assert_memory_equal(&a->hire_excluded_share, &b->hire_excluded_share, sizeof(double));
    assert_int_equal(a->census_roster_size, b->census_roster_size);
    assert_int_equal(a->total_events, b->total_events);
    assert_int_equal(a->total_snapshot_rows, b->total_snapshot_rows);
}

/* ---- the recording sink ---- */

struct recorder {
    uint64_t year_hash[LAST - FIRST + 1];
    int years;
    int checkpoint_year;          /* write a checkpoint after this year (0 = none) */
    bool stop_after_checkpoint;   /* then stop the run, as if the process died */
    struct pw_checkpoint_writer *writer;
    struct pw_checkpoint_id id;
    char path[512];
    struct pw_checkpoint_stats stats;
};

static int rec_write_year(void *ctx, const struct pw_sim *sim, struct pw_err *err)
{
    (void)err;
    struct recorder *rec = ctx;
    rec->year_hash[sim->year.year - FIRST] = hash_year(sim);
    rec->years++;
    return 0;
}

static int rec_after_year(void *ctx, const struct pw_sim *sim, struct pw_err *err)
{
    struct recorder *rec = ctx;
    if (sim->year.year != rec->checkpoint_year) return 0;
    struct pw_carried c;
    pw_sim_carried(sim, &c);
    assert_int_equal(c.year, rec->checkpoint_year);
    int rc = pw_checkpoint_write(rec->writer, rec->path, &rec->id, &sim->wf, &c, &rec->stats, err);
    if (rc) return rc;
    return rec->stop_after_checkpoint ? pw_err_set(err, PW_EINTERNAL, "stopped after %d", sim->year.year) : 0;
}

static void recorder_init(struct recorder *rec, const struct pw_config *cfg, int checkpoint_year, const char *file)
{
    struct pw_err err = {0};
    memset(rec, 0, sizeof *rec);
    rec->checkpoint_year = checkpoint_year;
    assert_int_equal(pw_checkpoint_writer_new(&rec->writer, NULL, &err), 0);
    assert_int_equal(pw_checkpoint_id_from_config(cfg, &rec->id), 0);
    snprintf(rec->path, sizeof rec->path, "%s/%s", tmpdir, file);
}

/* ---- helpers for files ---- */

static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *size = (size_t)n;
    return p;
}

static void spit(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    if (n) assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* The state after CUT of the standard world, written once for several tests. */
static char state_path[512];
static struct pw_workforce state_wf;   /* a copy of the checkpointed workforce (strings in state_strings) */
static struct pw_strpool state_strings;
static struct pw_carried state_carried;
static struct pw_checkpoint_id state_id;
static struct pw_config state_cfg;

static int group_setup(void **state)
{
    (void)state;
    if (pw_test_tables_load(&tables) != 0) return -1;
    pw_log_set_verbosity(PW_QUIET);
    snprintf(tmpdir, sizeof tmpdir, "%s/pw-ckpt-test.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) return -1;
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

static int group_teardown(void **state)
{
    (void)state;
    pw_workforce_release(&state_wf);
    pw_strpool_release(&state_strings);
    nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* Runs the standard world to CUT, writes the checkpoint, keeps a copy of the state. */
static void make_state(void)
{
    if (state_path[0]) return;
    static struct pw_test_world w;
    world_init(&w, N_EMPLOYEES, 2);
    struct recorder rec;
    recorder_init(&rec, &w.cfg, CUT, "state.pwck");
    rec.stop_after_checkpoint = true;
    struct pw_sink sink = {&rec, rec_write_year, rec_after_year, NULL};
    struct pw_err err = {0};
    assert_int_equal(pw_sim_run(&w.sim, &sink, &err), PW_EINTERNAL);
    assert_string_equal(err.msg, "stopped after 2026");
    snprintf(state_path, sizeof state_path, "%s", rec.path);
    /* Keep the state in memory for comparisons. */
    pw_strpool_init(&state_strings);
    assert_int_equal(pw_workforce_init(&state_wf, &state_strings, w.sim.wf.count), 0);
    state_wf.count = w.sim.wf.count;
    for (size_t r = 0; r < w.sim.wf.count; r++) {
        pw_workforce_copy_row(&state_wf, r, &w.sim.wf, r);
        /* w's string pool goes away below: keep copies of the strings. */
        const char *id = w.sim.wf.employee_id[r], *ssn = w.sim.wf.ssn[r];
        state_wf.employee_id[r] = pw_strpool_add(&state_strings, id, strlen(id));
        state_wf.ssn[r] = ssn ? pw_strpool_add(&state_strings, ssn, strlen(ssn)) : NULL;
    }
    pw_sim_carried(&w.sim, &state_carried);
    state_id = rec.id;
    state_cfg = w.cfg;
    pw_checkpoint_writer_free(rec.writer);
    pw_test_world_end(&w);
}

/* ---- round trip ---- */

static void test_round_trip(void **state)
{
    (void)state;
    static struct pw_test_world w;
    world_init(&w, N_EMPLOYEES, 1);
    struct recorder rec;
    recorder_init(&rec, &w.cfg, CUT, "round.pwck");
    struct pw_sink sink = {&rec, rec_write_year, rec_after_year, NULL};
    struct pw_err err = {0};
    /* Stop right after the checkpoint so w.sim.wf is the checkpointed state. */
    rec.stop_after_checkpoint = true;
    assert_int_equal(pw_sim_run(&w.sim, &sink, &err), PW_EINTERNAL);
    const struct pw_workforce *wf = &w.sim.wf;

    /* The plan columns are not trivial. */
    size_t enrolled = 0, escalated = 0, balance = 0, opted_out = 0, hires = 0, eligible = 0;
    for (size_t r = 0; r < wf->count; r++) {
        enrolled += wf->is_enrolled[r];
        escalated += wf->escalation_count[r] > 0;
        balance += wf->match_balance[r] > 0 && wf->core_balance[r] > 0;
        opted_out += wf->ever_opted_out[r];
        hires += !wf->is_census[r];
        eligible += wf->is_eligible[r];
    }
    assert_true(wf->count > N_EMPLOYEES / 2);
    assert_true(enrolled > wf->count / 2 && escalated > 100 && balance > 100 && opted_out > 0 && hires > 100);
    assert_true(eligible > enrolled);

    /* Read back: every column and scalar equal. */
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce back;
    struct pw_carried c;
    int rc = pw_checkpoint_read(rec.path, &rec.id, &strings, &back, &c, &err);
    if (rc) print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);
    const char *diff = workforce_diff(wf, &back);
    if (diff) print_error("column '%s' differs\n", diff);
    assert_null(diff);
    assert_int_equal(hash_workforce(wf), hash_workforce(&back));
    struct pw_carried want;
    pw_sim_carried(&w.sim, &want);
    assert_int_equal(c.year, CUT);
    assert_int_equal(c.prior_year_hires_active, want.prior_year_hires_active);
    assert_true(c.hire_excluded_share == want.hire_excluded_share);
    assert_int_equal(c.census_roster_size, want.census_roster_size);
    assert_int_equal(c.total_events, want.total_events);
    assert_int_equal(c.total_snapshot_rows, want.total_snapshot_rows);
    assert_true(c.prior_year_hires_active > 0 && c.total_events > 0);
    pw_workforce_release(&back);

    /* The same state gives the same bytes; and the stats add up. */
    size_t n1, n2;
    uint8_t *a = slurp(rec.path, &n1);
    assert_int_equal(n1, rec.stats.file_bytes);
    assert_true(rec.stats.stored_bytes < rec.stats.raw_bytes / 2);
    struct pw_carried cc;
    pw_sim_carried(&w.sim, &cc);
    char again[600];
    snprintf(again, sizeof again, "%s/again.pwck", tmpdir);
    assert_int_equal(pw_checkpoint_write(rec.writer, again, &rec.id, wf, &cc, NULL, &err), 0);
    uint8_t *b = slurp(again, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a), free(b);

    /* Transforms off: bigger, same state. */
    struct pw_checkpoint_options o;
    pw_checkpoint_options_init(&o);
    o.transforms = false;
    struct pw_checkpoint_writer *plain;
    assert_int_equal(pw_checkpoint_writer_new(&plain, &o, &err), 0);
    struct pw_checkpoint_stats st;
    assert_int_equal(pw_checkpoint_write(plain, again, &rec.id, wf, &cc, &st, &err), 0);
    assert_true(st.stored_bytes > rec.stats.stored_bytes);
    assert_int_equal(st.raw_bytes, rec.stats.raw_bytes);
    assert_int_equal(pw_checkpoint_read(again, &rec.id, &strings, &back, &c, &err), 0);
    assert_null(workforce_diff(wf, &back));
    pw_workforce_release(&back);
    /* Whole-column trials (no sampling) read back the same too. */
    o.transforms = true;
    o.trial_bytes = 0;
    struct pw_checkpoint_writer *full;
    assert_int_equal(pw_checkpoint_writer_new(&full, &o, &err), 0);
    assert_int_equal(pw_checkpoint_write(full, again, &rec.id, wf, &cc, &st, &err), 0);
    assert_int_equal(pw_checkpoint_read(again, &rec.id, &strings, &back, &c, &err), 0);
    assert_null(workforce_diff(wf, &back));
    pw_workforce_release(&back);
    pw_checkpoint_writer_free(full);
    pw_checkpoint_writer_free(plain);

    pw_strpool_release(&strings);
    pw_checkpoint_writer_free(rec.writer);
    pw_test_world_end(&w);
}

static void test_empty_workforce(void **state)
{
    (void)state;
    struct pw_err err = {0};
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce wf, back;
    assert_int_equal(pw_workforce_init(&wf, &strings, 0), 0);
    struct pw_checkpoint_writer *w;
    assert_int_equal(pw_checkpoint_writer_new(&w, NULL, &err), 0);
    struct pw_checkpoint_id id = {{0}, 7, "empty"};
    struct pw_carried c = {.year = 2030}, c2;
    char path[600];
    snprintf(path, sizeof path, "%s/empty.pwck", tmpdir);
    assert_int_equal(pw_checkpoint_write(w, path, &id, &wf, &c, NULL, &err), 0);
    assert_int_equal(pw_checkpoint_read(path, &id, &strings, &back, &c2, &err), 0);
    assert_int_equal(back.count, 0);
    assert_int_equal(c2.year, 2030);
    pw_workforce_release(&back);
    pw_workforce_release(&wf);
    pw_checkpoint_writer_free(w);
    pw_strpool_release(&strings);
}

/* Edge values through every transform: NULL and empty strings, ids sharing
 * long prefixes, -0.0, NaN, infinities, huge and inexact doubles next to whole
 * cents, sentinel dates, extreme keys. */
static void test_edge_values(void **state)
{
    (void)state;
    struct pw_err err = {0};
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce wf, back;
    const size_t n = 3000;
    assert_int_equal(pw_workforce_init(&wf, &strings, n), 0);
    wf.count = n;
    char id[64];
    for (size_t r = 0; r < n; r++) {
        /* ids sorted in byte order: long shared prefixes, varying lengths */
        int len = snprintf(id, sizeof id, "ACME-DIVISION-%02zu-%06zu%.*s", r / 100, r, (int)(r % 5), "-abcd");
        wf.employee_id[r] = pw_strpool_add(&strings, id, (size_t)len);
        wf.id_len[r] = (uint32_t)len;
        wf.ssn[r] = r % 3 == 0 ? NULL : r % 3 == 1 ? pw_strpool_add(&strings, "", 0) : pw_strpool_add(&strings, id + 5, 6);
        wf.key[r] = r % 2 ? UINT64_MAX - r : r * 0x9E3779B97F4A7C15ULL;
        wf.level[r] = (uint8_t)(1 + r % PW_MAX_LEVELS);
        wf.birth_date[r] = r % 5 ? (pw_date)(r * 37 % 20000) - 5000 : PW_NO_DATE;
        wf.hire_date[r] = r % 11 ? INT32_MAX - (pw_date)r : PW_NO_DATE;
        wf.escalation_count[r] = (int16_t)(r % 4 ? -(int)r : 32767);
        wf.salary[r] = (double)(123456 + 37 * (int64_t)r) / 100.0;   /* whole cents */
        wf.hours_per_week[r] = r == 7 ? -0.0 : 40.0;             /* one -0.0: no decimal */
        wf.deferral_rate[r] = 0.1 + 0.2 * (double)(r % 3);       /* inexact sums */
        wf.match_balance[r] = r % 10 == 0 ? NAN : (double)r / 100.0;
        wf.core_balance[r] = r == 1 ? INFINITY : r == 2 ? -INFINITY : r == 3 ? 1e300 : r == 4 ? 9007199254740993.0 : 0.5;
        wf.prior_prorated_comp[r] = (double)(-(int64_t)r) / 10000.0;   /* negative basis points (no -0.0) */
        wf.original_deferral_rate[r] = (double)r / 1e6;
        wf.enrollment_method[r] = (uint8_t)(r % (PW_ENROLL_YEAR_OVER_YEAR + 1));
        wf.is_enrolled[r] = (uint8_t)(r % 2);
    }
    struct pw_checkpoint_id cid = {{1, 2, 3}, 99, "edge"};
    struct pw_carried c = {.year = 2031, .prior_year_hires_active = 17, .hire_excluded_share = 0.1,
                           .census_roster_size = 12345, .total_events = 1, .total_snapshot_rows = 2}, c2;
    char path[600];
    snprintf(path, sizeof path, "%s/edge.pwck", tmpdir);
    for (int mode = 0; mode < 3; mode++) {
        struct pw_checkpoint_options o;
        pw_checkpoint_options_init(&o);
        o.transforms = mode != 1;
        o.trial_bytes = mode == 2 ? 0 : 4096;
        struct pw_checkpoint_writer *w;
        assert_int_equal(pw_checkpoint_writer_new(&w, &o, &err), 0);
        assert_int_equal(pw_checkpoint_write(w, path, &cid, &wf, &c, NULL, &err), 0);
        pw_checkpoint_writer_free(w);
        int rc = pw_checkpoint_read(path, &cid, &strings, &back, &c2, &err);
        if (rc) print_error("mode %d: %s\n", mode, err.msg);
        assert_int_equal(rc, 0);
        const char *diff = workforce_diff(&wf, &back);
        if (diff) print_error("mode %d: column '%s' differs\n", mode, diff);
        assert_null(diff);
        assert_carried_equal(&c, &c2);
        /* The transforms in the directory are the ones that can hold these values. */
        struct pw_checkpoint_reader *r;
        assert_int_equal(pw_checkpoint_open(&r, path, &err), 0);
        const struct pw_checkpoint_header *h = pw_checkpoint_header(r);
        for (uint32_t i = 0; i < h->column_count; i++) {
            const struct pw_checkpoint_column *col = &h->columns[i];
            if (mode == 1) assert_int_equal(col->transform, 0);
            if (strcmp(col->name, "hours_per_week") == 0 || strcmp(col->name, "deferral_rate") == 0 ||
                strcmp(col->name, "match_balance") == 0 || strcmp(col->name, "core_balance") == 0)
                assert_false(col->transform & PW_CK_DECIMAL);
            if (mode != 1 && strcmp(col->name, "salary") == 0) assert_int_equal(col->scale, 2);
            if (mode != 1 && strcmp(col->name, "prior_prorated_comp") == 0) assert_int_equal(col->scale, 4);
            if (mode != 1 && strcmp(col->name, "original_deferral_rate") == 0) assert_int_equal(col->scale, 6);
        }
        pw_checkpoint_close(r);
        pw_workforce_release(&back);
    }
    pw_workforce_release(&wf);
    pw_strpool_release(&strings);
}

static void test_names(void **state)
{
    (void)state;
    char b[64];
    pw_checkpoint_transform_name(0, 0, b, sizeof b);
    assert_string_equal(b, "none");
    pw_checkpoint_transform_name(PW_CK_DELTA | PW_CK_SHUFFLE, 0, b, sizeof b);
    assert_string_equal(b, "delta+shuffle");
    pw_checkpoint_transform_name(PW_CK_FRONT | PW_CK_SHUFFLE, 0, b, sizeof b);
    assert_string_equal(b, "front+shuffle");
    pw_checkpoint_transform_name(PW_CK_DECIMAL | PW_CK_DELTA | PW_CK_SHUFFLE, 2, b, sizeof b);
    assert_string_equal(b, "dec2+delta+shuffle");
    assert_string_equal(pw_checkpoint_type_name(PW_CK_STR), "str");
    assert_string_equal(pw_checkpoint_type_name(PW_CK_I32), "i32");
    assert_string_equal(pw_checkpoint_type_name(99), "?");
}

/* ---- identity: straight through vs resumed ---- */

static void test_resume_identical(void **state)
{
    (void)state;
    struct pw_err err = {0};
    /* A: 2025-2029 straight through, two worker threads. */
    static struct pw_test_world a;
    world_init(&a, N_EMPLOYEES, 2);
    struct recorder ra;
    recorder_init(&ra, &a.cfg, 0, "unused.pwck");
    struct pw_sink sink_a = {&ra, rec_write_year, rec_after_year, NULL};
    assert_int_equal(pw_sim_run(&a.sim, &sink_a, &err), 0);
    assert_int_equal(ra.years, LAST - FIRST + 1);
    uint64_t final_a = hash_workforce(&a.sim.wf);

    /* B: 2025-2026, checkpoint, the run dies. */
    static struct pw_test_world b;
    world_init(&b, N_EMPLOYEES, 1);
    struct recorder rb;
    recorder_init(&rb, &b.cfg, CUT, "resume.pwck");
    rb.stop_after_checkpoint = true;
    struct pw_sink sink_b = {&rb, rec_write_year, rec_after_year, NULL};
    assert_int_equal(pw_sim_run(&b.sim, &sink_b, &err), PW_EINTERNAL);
    assert_int_equal(rb.years, CUT - FIRST + 1);
    for (int y = FIRST; y <= CUT; y++) assert_int_equal(rb.year_hash[y - FIRST], ra.year_hash[y - FIRST]);
    pw_test_world_end(&b);   /* nothing of B survives but the file */

    /* C: a new process: config, tables, the checkpoint; no census. */
    struct pw_config cfg;
    base_config(&cfg);
    struct pw_checkpoint_id id;
    assert_int_equal(pw_checkpoint_id_from_config(&cfg, &id), 0);
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce wf;
    struct pw_carried c;
    assert_int_equal(pw_checkpoint_read(rb.path, &id, &strings, &wf, &c, &err), 0);
    struct pw_pool *pool = pw_pool_new(2);
    static struct pw_sim sim;
    int rc = pw_sim_init_resume(&sim, &cfg, &tables, &wf, &c, pool, &err);
    if (rc) print_error("%s\n", err.msg);
    assert_int_equal(rc, 0);
    assert_int_equal(sim.first_year, CUT + 1);
    assert_int_equal(wf.count, 0);   /* taken over */
    struct recorder rc_;
    recorder_init(&rc_, &cfg, 0, "unused.pwck");
    struct pw_sink sink_c = {&rc_, rec_write_year, rec_after_year, NULL};
    assert_int_equal(pw_sim_run(&sim, &sink_c, &err), 0);
    assert_int_equal(rc_.years, LAST - CUT);
    for (int y = CUT + 1; y <= LAST; y++) {
        if (rc_.year_hash[y - FIRST] != ra.year_hash[y - FIRST]) print_error("year %d differs\n", y);
        assert_true(rc_.year_hash[y - FIRST] == ra.year_hash[y - FIRST]);
    }
    assert_true(hash_workforce(&sim.wf) == final_a);
    assert_null(workforce_diff(&sim.wf, &a.sim.wf));
    assert_int_equal(sim.total_events, a.sim.total_events);
    assert_int_equal(sim.total_snapshot_rows, a.sim.total_snapshot_rows);
    assert_int_equal(sim.census_roster_size, a.sim.census_roster_size);

    /* A checkpoint of a year outside the run is refused. */
    struct pw_config other = cfg;
    other.start_year = 2027;
    static struct pw_sim bad;
    struct pw_workforce empty;
    assert_int_equal(pw_workforce_init(&empty, &strings, 0), 0);
    assert_int_equal(pw_sim_init_resume(&bad, &other, &tables, &empty, &c, pool, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "year 2026"));
    pw_workforce_release(&empty);

    pw_sim_release(&sim);
    pw_pool_free(pool);
    pw_strpool_release(&strings);
    pw_checkpoint_writer_free(ra.writer);
    pw_checkpoint_writer_free(rb.writer);
    pw_checkpoint_writer_free(rc_.writer);
    pw_test_world_end(&a);
}

/* ---- corruption ---- */

static size_t header_bytes(const uint8_t *p)
{
    uint32_t n;
    memcpy(&n, p + 12, 4);
    return 200 + 80 * (size_t)n + 20;
}

/* Writes bytes to bad.pwck and expects pw_checkpoint_read to refuse it with want. */
static void expect_refused(const uint8_t *p, size_t n, const char *want, const char *what)
{
    char path[600];
    snprintf(path, sizeof path, "%s/bad.pwck", tmpdir);
    spit(path, p, n);
    struct pw_err err = {0};
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce wf;
    struct pw_carried c;
    int rc = pw_checkpoint_read(path, &state_id, &strings, &wf, &c, &err);
    if (rc != PW_ECHECKPOINT || !strstr(err.msg, want) || !strstr(err.msg, path)) {
        print_error("%s: rc %d, message '%s', want '%s'\n", what, rc, err.msg, want);
        fail();
    }
    assert_null(wf.employee_id);   /* nothing left behind */
    assert_int_equal(wf.count, 0);
    pw_strpool_release(&strings);
}

static void test_corruption(void **state)
{
    (void)state;
    make_state();
    size_t n;
    uint8_t *good = slurp(state_path, &n);
    uint8_t *p = malloc(n + 16);
    const size_t hsize = header_bytes(good);
    assert_true(n > hsize + 1000);

    /* One byte flipped in each header field. */
    static const struct {
        size_t off;
        const char *field, *want;
    } fields[] = {
        {0, "magic", "not a planwise checkpoint"},
        {7, "magic end", "not a planwise checkpoint"},
        {8, "version", "format version"},
        {12, "column count", "corrupt header"},
        {15, "column count (high byte)", "corrupt header (column count"},
        {16, "schema hash", "header checksum mismatch"},
        {36, "config hash", "header checksum mismatch"},
        {56, "seed", "header checksum mismatch"},
        {64, "scenario id", "header checksum mismatch"},
        {128, "year", "header checksum mismatch"},
        {132, "reserved", "header checksum mismatch"},
        {136, "row count", "header checksum mismatch"},
        {144, "body bytes", "header checksum mismatch"},
        {152, "stored bytes", "header checksum mismatch"},
        {160, "prior_year_hires_active", "header checksum mismatch"},
        {168, "hire_excluded_share", "header checksum mismatch"},
        {176, "census_roster_size", "header checksum mismatch"},
        {184, "total_events", "header checksum mismatch"},
        {192, "total_snapshot_rows", "header checksum mismatch"},
    };
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
        memcpy(p, good, n);
        p[fields[i].off] ^= 0x5a;
        expect_refused(p, n, fields[i].want, fields[i].field);
    }
    /* Every field of a few directory entries, and the checksum itself. */
    static const size_t dir_fields[] = {0, 5, 32, 33, 34, 35, 40, 48, 56, 64, 72, 79};
    const size_t entries[] = {0, 1, 17, (hsize - 220) / 80 - 1};
    for (size_t e = 0; e < 4; e++)
        for (size_t f = 0; f < sizeof dir_fields / sizeof *dir_fields; f++) {
            memcpy(p, good, n);
            p[200 + 80 * entries[e] + dir_fields[f]] ^= 0x01;
            expect_refused(p, n, "header checksum mismatch", "directory");
        }
    for (size_t k = hsize - 20; k < hsize; k += 19) {
        memcpy(p, good, n);
        p[k] ^= 0x80;
        expect_refused(p, n, "header checksum mismatch", "header checksum");
    }
    /* The body: frame header, first block, middle, content checksum at the end. */
    const size_t body_at[] = {hsize, hsize + 4, hsize + 7, hsize + 12, hsize + 40, hsize + (n - hsize) / 3,
                              hsize + (n - hsize) / 2, n - 12, n - 8, n - 5, n - 1};
    for (size_t i = 0; i < sizeof body_at / sizeof *body_at; i++) {
        memcpy(p, good, n);
        p[body_at[i]] ^= 0x24;
        char what[64];
        snprintf(what, sizeof what, "body byte %zu", body_at[i] - hsize);
        expect_refused(p, n, "corrupt body", what);
    }
    /* Truncated anywhere, or with bytes appended. */
    const size_t cuts[] = {1, 4, 8, 100, 199, 200, hsize - 1, hsize, hsize + 1, hsize + 100, (hsize + n) / 2, n - 1};
    for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
        char what[64];
        snprintf(what, sizeof what, "truncated at %zu", cuts[i]);
        expect_refused(good, cuts[i], "truncated", what);
    }
    expect_refused(good, 0, "is empty", "empty file");
    memcpy(p, good, n);
    memcpy(p + n, "garbage", 7);
    expect_refused(p, n + 7, "unexpected bytes after its body", "appended bytes");

    /* A missing file is an I/O error naming it. */
    struct pw_err err = {0};
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce wf;
    struct pw_carried c;
    char missing[600];
    snprintf(missing, sizeof missing, "%s/missing.pwck", tmpdir);
    assert_int_equal(pw_checkpoint_read(missing, &state_id, &strings, &wf, &c, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "cannot open checkpoint"));
    assert_non_null(strstr(err.msg, "missing.pwck"));
    pw_strpool_release(&strings);
    free(p);
    free(good);
}

/* Rewrites the header checksum after a deliberate change. */
static void reseal(uint8_t *p)
{
    size_t h = header_bytes(p);
    pw_sha1(p, h - 20, p + h - 20);
}

static void test_mismatch(void **state)
{
    (void)state;
    make_state();
    size_t n;
    uint8_t *good = slurp(state_path, &n);
    uint8_t *p = malloc(n);

    /* Another format version or schema behind a valid header checksum. */
    memcpy(p, good, n);
    p[8] = 2;
    reseal(p);
    expect_refused(p, n, "has format version 2; this build reads version 1", "version 2");
    memcpy(p, good, n);
    p[16] ^= 0xff;
    reseal(p);
    expect_refused(p, n, "written by a build with other workforce columns", "schema hash");
    memcpy(p, good, n);
    p[200 + 80 * 3] = 'X';   /* a column renamed: the directory no longer matches this build */
    reseal(p);
    expect_refused(p, n, "other workforce columns", "column name");
    memcpy(p, good, n);
    p[200 + 80 * 3 + 34] = 0x40;   /* an unknown transform */
    reseal(p);
    expect_refused(p, n, "corrupt column directory", "transform");

    /* Another run: configuration, seed, scenario. */
    struct pw_err err = {0};
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_workforce wf;
    struct pw_carried c;
    struct pw_config cfg = state_cfg;
    struct pw_checkpoint_id id;
    cfg.target_growth_rate += 0.01;   /* as a --growth override would */
    assert_int_equal(pw_checkpoint_id_from_config(&cfg, &id), 0);
    assert_int_equal(pw_checkpoint_read(state_path, &id, &strings, &wf, &c, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "written with another configuration"));
    assert_null(wf.employee_id);
    cfg = state_cfg;
    cfg.plan.match_enabled = !cfg.plan.match_enabled;
    assert_int_equal(pw_checkpoint_id_from_config(&cfg, &id), 0);
    assert_int_equal(pw_checkpoint_read(state_path, &id, &strings, &wf, &c, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "another configuration"));
    id = state_id;
    id.seed++;
    assert_int_equal(pw_checkpoint_read(state_path, &id, &strings, &wf, &c, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "seed 42, not 43"));
    id = state_id;
    snprintf(id.scenario_id, sizeof id.scenario_id, "other");
    assert_int_equal(pw_checkpoint_read(state_path, &id, &strings, &wf, &c, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "belongs to scenario 'default', not 'other'"));

    /* What does not change results does not change the hash. */
    cfg = state_cfg;
    cfg.threads = 8;
    snprintf(cfg.config_path, sizeof cfg.config_path, "elsewhere/config.yaml");
    assert_int_equal(pw_checkpoint_id_from_config(&cfg, &id), 0);
    assert_memory_equal(id.config_hash, state_id.config_hash, 20);
    assert_int_equal(pw_checkpoint_read(state_path, &id, &strings, &wf, &c, &err), 0);
    pw_workforce_release(&wf);
    /* Extra identity (a census file's bytes) mixed in: refused as another configuration. */
    pw_checkpoint_id_mix(&id, "census bytes", 12);
    assert_int_equal(pw_checkpoint_read(state_path, &id, &strings, &wf, &c, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "another configuration"));

    /* Values that break the canonical order behind valid checksums. */
    struct pw_checkpoint_writer *w;
    assert_int_equal(pw_checkpoint_writer_new(&w, NULL, &err), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/unsorted.pwck", tmpdir);
    const char *t = state_wf.employee_id[10];
    state_wf.employee_id[10] = state_wf.employee_id[11];
    state_wf.employee_id[11] = t;
    assert_int_equal(pw_checkpoint_write(w, path, &state_id, &state_wf, &state_carried, NULL, &err), 0);
    state_wf.employee_id[11] = state_wf.employee_id[10];
    state_wf.employee_id[10] = t;
    assert_int_equal(pw_checkpoint_read(path, &state_id, &strings, &wf, &c, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "ids out of order at row 11"));
    assert_null(wf.employee_id);
    uint8_t lv = state_wf.level[5];
    state_wf.level[5] = 0;
    assert_int_equal(pw_checkpoint_write(w, path, &state_id, &state_wf, &state_carried, NULL, &err), 0);
    state_wf.level[5] = lv;
    assert_int_equal(pw_checkpoint_read(path, &state_id, &strings, &wf, &c, &err), PW_ECHECKPOINT);
    assert_non_null(strstr(err.msg, "has level 0"));
    pw_checkpoint_writer_free(w);

    pw_strpool_release(&strings);
    free(p);
    free(good);
}

/* A checkpoint written by a run that then stopped reads back as that state. */
static void test_state_after_stop(void **state)
{
    (void)state;
    make_state();
    struct pw_err err = {0};
    struct pw_workforce wf;
    struct pw_carried c;
    assert_int_equal(pw_checkpoint_read(state_path, &state_id, &state_strings, &wf, &c, &err), 0);
    assert_null(workforce_diff(&wf, &state_wf));
    assert_carried_equal(&c, &state_carried);
    pw_workforce_release(&wf);
}

/* ---- planwise checkpoint inspect ---- */

/* Runs `planwise checkpoint inspect path` in this process; stdout and stderr go
 * to files whose text is returned (free() them). Returns the exit code. */
static int inspect(const char *path, char **out, char **errtext)
{
    char o[600], e[600];
    snprintf(o, sizeof o, "%s/inspect.out", tmpdir);
    snprintf(e, sizeof e, "%s/inspect.err", tmpdir);
    fflush(stdout), fflush(stderr);
    int so = dup(1), se = dup(2);
    int fo = open(o, O_WRONLY | O_CREAT | O_TRUNC, 0644), fe = open(e, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(so >= 0 && se >= 0 && fo >= 0 && fe >= 0);
    dup2(fo, 1), dup2(fe, 2);
    char *argv[] = {"checkpoint", "inspect", (char *)path, NULL};
    int rc = pw_cmd_checkpoint(3, argv);
    fflush(stdout), fflush(stderr);
    dup2(so, 1), dup2(se, 2);
    close(so), close(se), close(fo), close(fe);
    size_t n;
    *out = (char *)slurp(o, &n);
    (*out)[n] = '\0';
    *errtext = (char *)slurp(e, &n);
    (*errtext)[n] = '\0';
    return rc;
}

static void test_inspect_command(void **state)
{
    (void)state;
    make_state();
    char *out, *errtext;
    assert_int_equal(inspect(state_path, &out, &errtext), PW_EXIT_OK);
    char want[160];
    snprintf(want, sizeof want, "rows             %zu,%03zu\n", state_wf.count / 1000, state_wf.count % 1000);
    assert_non_null(strstr(out, want));
    assert_non_null(strstr(out, "year             2026 (state at the start of 2027)"));
    assert_non_null(strstr(out, "scenario         default"));
    assert_non_null(strstr(out, "(this build)"));
    assert_non_null(strstr(out, "\nemployee_id "));
    assert_non_null(strstr(out, "\ncore_balance "));
    assert_non_null(strstr(out, "compression      "));
    assert_non_null(strstr(out, "checksums        header ok, body ok"));
    assert_string_equal(errtext, "");
    free(out), free(errtext);

    /* A damaged body: the header is still shown, then exit 1 with the reason. */
    size_t n;
    uint8_t *p = slurp(state_path, &n);
    p[n / 2] ^= 0x10;
    char bad[600];
    snprintf(bad, sizeof bad, "%s/damaged.pwck", tmpdir);
    spit(bad, p, n);
    assert_int_equal(inspect(bad, &out, &errtext), PW_EXIT_ERROR);
    assert_non_null(strstr(out, "rows "));
    assert_non_null(strstr(out, "body DAMAGED"));
    assert_non_null(strstr(errtext, "has a corrupt body"));
    assert_non_null(strstr(errtext, "damaged.pwck"));
    free(out), free(errtext);
    /* A damaged header: only the reason. */
    p[n / 2] ^= 0x10;
    p[130] ^= 0x01;
    spit(bad, p, n);
    assert_int_equal(inspect(bad, &out, &errtext), PW_EXIT_ERROR);
    assert_string_equal(out, "");
    assert_non_null(strstr(errtext, "header checksum mismatch"));
    free(out), free(errtext);
    free(p);
}

/* ---- names and discovery ---- */

static void touch(const char *dir, const char *name)
{
    char p[800];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    spit(p, (const uint8_t *)"x", 1);
}

static void test_files(void **state)
{
    (void)state;
    struct pw_err err = {0};
    char root[600], path[900], sdir[700];
    int year = 0;
    snprintf(root, sizeof root, "%s/ck/nested", tmpdir);
    assert_int_equal(pw_checkpoint_path(path, sizeof path, root, "base", 2027, &err), 0);
    snprintf(sdir, sizeof sdir, "%s/base/year-2027.pwck", root);
    assert_string_equal(path, sdir);
    /* Nothing there yet. */
    assert_int_equal(pw_checkpoint_find_last(root, "base", 9999, path, sizeof path, &year, &err), 0);
    assert_int_equal(pw_checkpoint_prepare_dir(root, "base", &err), 0);
    assert_int_equal(pw_checkpoint_prepare_dir(root, "base", &err), 0);   /* again: fine */
    assert_int_equal(pw_checkpoint_find_last(root, "base", 9999, path, sizeof path, &year, &err), 0);
    snprintf(sdir, sizeof sdir, "%s/base", root);
    touch(sdir, "year-2025.pwck");
    touch(sdir, "year-2026.pwck");
    touch(sdir, ".year-2027.pwck.tmp1234");   /* a write that died before its rename */
    touch(sdir, "year-2028.pwck.bak");
    touch(sdir, "year-20x9.pwck");
    touch(sdir, "notes.txt");
    assert_int_equal(pw_checkpoint_find_last(root, "base", 9999, path, sizeof path, &year, &err), 1);
    assert_int_equal(year, 2026);
    assert_non_null(strstr(path, "/base/year-2026.pwck"));
    assert_int_equal(pw_checkpoint_find_last(root, "base", 2025, path, sizeof path, &year, &err), 1);
    assert_int_equal(year, 2025);
    assert_int_equal(pw_checkpoint_find_last(root, "base", 2024, path, sizeof path, &year, &err), 0);
    /* Clear removes checkpoints and temporary files only. */
    assert_int_equal(pw_checkpoint_clear(root, "base", &err), 0);
    assert_int_equal(pw_checkpoint_find_last(root, "base", 9999, path, sizeof path, &year, &err), 0);
    snprintf(path, sizeof path, "%s/.year-2027.pwck.tmp1234", sdir);
    assert_int_equal(access(path, F_OK), -1);
    snprintf(path, sizeof path, "%s/notes.txt", sdir);
    assert_int_equal(access(path, F_OK), 0);
    /* Scenario ids that are not plain names. */
    assert_int_equal(pw_checkpoint_path(path, sizeof path, root, "../up", 2025, &err), PW_EUSAGE);
    assert_non_null(strstr(err.msg, "'../up'"));
    assert_int_equal(pw_checkpoint_path(path, sizeof path, root, "a/b", 2025, &err), PW_EUSAGE);
    assert_int_equal(pw_checkpoint_path(path, sizeof path, root, "", 2025, &err), PW_EUSAGE);
    assert_int_equal(pw_checkpoint_path(path, 20, root, "base", 2025, &err), PW_ERANGE);

    /* A real write leaves no temporary file behind and is found. */
    make_state();
    struct pw_checkpoint_writer *w;
    assert_int_equal(pw_checkpoint_writer_new(&w, NULL, &err), 0);
    assert_int_equal(pw_checkpoint_path(path, sizeof path, root, "base", 2026, &err), 0);
    assert_int_equal(pw_checkpoint_write(w, path, &state_id, &state_wf, &state_carried, NULL, &err), 0);
    assert_int_equal(pw_checkpoint_find_last(root, "base", 9999, path, sizeof path, &year, &err), 1);
    assert_int_equal(year, 2026);
    size_t entries = 0;
    DIR *d = opendir(sdir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));) entries += e->d_name[0] != '.' || strstr(e->d_name, ".tmp") != NULL;
    closedir(d);
    assert_int_equal(entries, 4);   /* notes.txt, the .bak, year-20x9.pwck and year-2026.pwck */
    /* Writing into a missing folder fails cleanly. */
    snprintf(path, sizeof path, "%s/no/such/folder/year-2026.pwck", tmpdir);
    assert_int_equal(pw_checkpoint_write(w, path, &state_id, &state_wf, &state_carried, NULL, &err), PW_EIO);
    assert_non_null(strstr(err.msg, "cannot create checkpoint"));
    pw_checkpoint_writer_free(w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_empty_workforce),
        cmocka_unit_test(test_edge_values),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_resume_identical),
        cmocka_unit_test(test_state_after_stop),
        cmocka_unit_test(test_corruption),
        cmocka_unit_test(test_mismatch),
        cmocka_unit_test(test_inspect_command),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
