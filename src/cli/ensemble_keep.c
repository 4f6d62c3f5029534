/* ensemble_keep.c: `planwise ensemble --keep SEED`. After every task has
 * finished, each kept seed of every design is simulated once more, this time
 * with its events, and written through the output writer of `planwise run`
 * (io/output.h) as an ordinary scenario <ensemble>_<design>_seed<S>: the five
 * tables, run_metadata with the design's YAML, and the rejected census rows.
 * It is the same simulation as the ensemble's task, so its metrics must equal
 * the values the task stored; they are compared bit for bit while it is
 * written, and a difference is an internal error. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/ensemble_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/uuid.h"
#include "io/checkpoint.h"
#include "io/output.h"
#include "io/store_schema.h"
#include "model/scenario_id.h"
#include "sim/plan_money.h"
#include "sim/sim.h"

bool pw__ensemble_keep_id(const char *ensemble_id, const char *design, uint64_t seed, char *out, size_t size)
{
    int n = snprintf(out, size, "%s_%s_seed%llu", ensemble_id, design, (unsigned long long)seed);
    return n > 0 && (size_t)n < size && pw_scenario_id_valid(out);
}

struct keep_sink {
    struct pw_output *out;
    const struct pw_config *cfg;
    const struct pw_tables *tables;
    const struct pw_ens_layout *layout;
    const double *expect;        /* the task's values, [year][series] */
    double *got;                 /* scratch of one year */
    int mismatch_year;           /* first year whose metrics differ, 0 = none */
};

static int keep_write_year(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    struct keep_sink *k = p;
    const struct pw_year *y = &sim->year;
    pw_ensemble_year_metrics(sim, k->layout, k->got);
    size_t bytes = (size_t)k->layout->series * sizeof *k->got;
    if (memcmp(k->got, k->expect + (size_t)(y->year - k->cfg->start_year) * (size_t)k->layout->series, bytes) != 0 &&
        !k->mismatch_year)
        k->mismatch_year = y->year;
    struct pw_year_output yo;
    pw_cli_year_output(sim, &yo);
    return pw_output_write_year(k->out, &yo, err);
}

/* An id for this execution only (run_metadata.run_id), as `planwise run` makes one. */
static void new_run_id(char out[37], int n)
{
    char seed[160];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int len = snprintf(seed, sizeof seed, "ensemble-keep.%lld.%ld.%d.%d", (long long)ts.tv_sec, ts.tv_nsec,
                       (int)getpid(), n);
    uint8_t u[16];
    pw_uuid5(pw_event_namespace, seed, (size_t)len, u);
    u[6] = (uint8_t)((u[6] & 0x0F) | 0x40);
    pw_uuid_format(u, out);
}

static void sha1_hex(const char *text, char out[41])
{
    out[0] = '\0';
    if (!text) return;
    uint8_t d[20];
    pw_sha1(text, strlen(text), d);
    for (int i = 0; i < 20; i++) snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static int keep_one(struct ensemble *e, struct pw_db *db, int d, int s, int threads, struct pw_err *err)
{
    const struct ens_options *o = e->o;
    struct design *de = &e->designs[d];
    double t0 = pw_wall_seconds();
    struct pw_config cfg = de->cfg;
    cfg.random_seed = o->seeds[s];
    cfg.threads = threads;
    pw__ensemble_keep_id(o->id, o->design_name[d], o->seeds[s], cfg.scenario_id, sizeof cfg.scenario_id);
    int rc = pw_config_finalize(&cfg, err);
    if (rc) return rc;

    /* The task's copy of the census roster, as in pw__ensemble_run_task. */
    struct pw_strpool strings;
    pw_strpool_init(&strings);
    struct pw_census c;
    memset(&c, 0, sizeof c);
    c.stats = de->census.stats;
    const struct pw_workforce *from = &de->census.roster;
    if (pw_workforce_init(&c.roster, &strings, from->count + 64) != 0) {
        pw_strpool_release(&strings);
        return pw_err_set(err, PW_ENOMEM, "out of memory for the workforce");
    }
    for (size_t r = 0; r < from->count; r++) pw_workforce_copy_row(&c.roster, pw_workforce_push(&c.roster), from, r);
    struct pw_pool *pool = pw_pool_new(threads);
    double *got = malloc((size_t)e->series * sizeof *got);
    struct pw_sim sim;
    bool sim_ready = false;
    if (!pool || !got) rc = pw_err_set(err, PW_ENOMEM, "out of memory");
    else if ((rc = pw_sim_init(&sim, &cfg, &de->tables, &c, pool, err)) == 0) sim_ready = true;
    if (!sim_ready) pw_workforce_release(&c.roster);

    struct pw_run_metadata m = {
        .scenario_id = cfg.scenario_id, .seed = cfg.random_seed, .start_year = cfg.start_year,
        .end_year = cfg.end_year, .program_version = PW_VERSION, .config_path = o->config ? o->config : "",
        .config_text = de->config_text, .census_path = cfg.census_path,
        .census_rows_read = de->census.stats.rows_read, .census_rows_rejected = de->census.rejected_count,
        .roster_size = de->census.roster.count, .threads = threads, .started_at = (double)time(NULL),
    };
    new_run_id(m.run_id, d * o->seed_count + s);
    sha1_hex(de->config_text, m.config_hash);
    struct pw_output *out = NULL;
    struct pw_output_options oo = {.layout = PW_LAYOUT_TABLES, .cfg = &cfg, .tables = &de->tables};
    if (rc == 0) rc = pw_output_begin(&out, db, &m, &oo, err);
    struct keep_sink k = {out, &cfg, &de->tables, &de->layout,
                          e->values + (size_t)(d * o->seed_count + s) * (size_t)e->years * (size_t)e->series, got, 0};
    if (rc == 0) rc = pw_sim_run(&sim, &(struct pw_sink){&k, keep_write_year, NULL, NULL}, err);
    if (rc == 0 && k.mismatch_year)
        rc = pw_err_set(err, PW_EINTERNAL, "--keep: seed %llu of design '%s' gave other metrics in %d than the "
                        "ensemble's simulation of it", (unsigned long long)o->seeds[s], o->design_name[d],
                        k.mismatch_year);
    if (rc == 0) {
        char timings[64];
        snprintf(timings, sizeof timings, "{\"simulate_and_write\": %.6f}", pw_wall_seconds() - t0);
        m.timings_json = timings;
        m.event_rows = sim.total_events;
        m.snapshot_rows = sim.total_snapshot_rows;
        m.last_completed_year = cfg.end_year;
        m.wall_seconds = pw_wall_seconds() - t0;
        rc = pw_output_finish(out, &de->census, &m, err);
        out = NULL;
        /* As `planwise run` does once its run is the one shown: earlier checkpoints
         * of the scenario no longer describe its rows. */
        char dir[PW_PATH_MAX + 16];
        if (cfg.perf.checkpoint_directory[0]) snprintf(dir, sizeof dir, "%s", cfg.perf.checkpoint_directory);
        else snprintf(dir, sizeof dir, "%s.checkpoints", o->db);
        struct stat st;
        if (rc == 0 && stat(dir, &st) == 0) rc = pw_checkpoint_clear(dir, cfg.scenario_id, err);
        if (rc == 0) pw_info("kept seed %llu of design '%s' as scenario '%s' (%zu events, %zu snapshot rows)",
                             (unsigned long long)o->seeds[s], o->design_name[d], cfg.scenario_id, sim.total_events,
                             sim.total_snapshot_rows);
    }
    if (out) pw_output_abort(out, err);
    if (sim_ready) pw_sim_release(&sim);
    pw_pool_free(pool);
    free(got);
    pw_strpool_release(&strings);
    return rc;
}

int pw__ensemble_keep(struct ensemble *e, struct pw_db *db, int threads, struct pw_err *err)
{
    const struct ens_options *o = e->o;
    for (int k = 0; k < o->keep_count; k++) {
        int s = 0;
        while (s < o->seed_count && o->seeds[s] != o->keep[k]) s++;
        for (int d = 0; d < o->designs; d++) {
            int rc = keep_one(e, db, d, s, threads, err);
            if (rc) return rc;
        }
    }
    return 0;
}
