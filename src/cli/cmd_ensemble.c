/* cmd_ensemble.c: `planwise ensemble`: many seeds of one or more plan designs,
 * each (design, seed) simulated in memory with no event log, reduced to yearly
 * metrics, then bands over seeds and paired differences between designs
 * written in one transaction (io/ensemble_store.c).
 *
 * Parallelism is over seeds, not rows: each worker thread takes the next
 * (design, seed) task from a shared counter and runs a whole simulation with a
 * one-thread pool. A simulation's result does not depend on which worker ran
 * it or when (counter-based RNG, sim.h), and results land in a slot indexed by
 * the task, so the tables are identical for any --threads. */
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
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
#include "core/uuid.h"
#include "io/census_reader.h"
#include "io/db.h"
#include "io/ensemble_store.h"
#include "io/yaml_config.h"
#include "sim/plan_money.h"
#include "sim/ensemble.h"
#include "sim/sim.h"


static const char usage[] =
    "usage: planwise ensemble --seeds LIST [--config FILE] [options]\n"
    "\n"
    "Simulate every seed of LIST for each plan design in memory (no event log) and\n"
    "write yearly metrics, their bands over seeds (mean, sd, p05..p95) and each\n"
    "design's paired difference against the first design into a DuckDB database:\n"
    "tables fct_ensemble_metrics, fct_ensemble_bands, fct_ensemble_design_diff,\n"
    "ensemble_metadata and view fct_ensemble_design_diff_seeds.\n"
    "\n"
    "options:\n"
    "  -c, --config FILE        base YAML configuration (default: every setting's default)\n"
    "      --census FILE        census CSV or Parquet (default: setup.census_parquet_path)\n"
    "      --seeds LIST         seeds, e.g. 1-100 or 1,5,9-12 (required)\n"
    "      --years A-B          simulate years A..B, or one year A\n"
    "      --design NAME=FILE   a plan design: FILE is a YAML overlay whose keys\n"
    "                           merge over the base as --scenario-file does;\n"
    "                           NAME= with no file is the base itself. Repeatable, at\n"
    "                           most 16; the first is the reference of the design diff.\n"
    "                           Without --design there is one design, 'base'.\n"
    "      --db FILE            output database (default: ensemble.duckdb)\n"
    "      --ensemble ID        ensemble id; its earlier rows in --db are replaced,\n"
    "                           other ensembles stay (default: ensemble)\n"
    "      --threads N          seeds simulated at once (default: CPUs, at most 8);\n"
    "                           results are identical for any N\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -h, --help               show this help\n"
    "\n"
    "Seed S of design D gives exactly the numbers of 'planwise run --seed S' with\n"
    "that design. Nothing is written unless every (design, seed) succeeds; an\n"
    "interrupted ensemble leaves the database as it was.\n"
    "Exit codes: 0 success, 1 data or runtime error, 2 usage error.\n";


static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* "1-100" or "1,5,9-12": appends to o->seeds; false on bad text or too many. */
static bool parse_seeds(const char *text, struct ens_options *o)
{
    char buf[4096];
    if (strlen(text) >= sizeof buf) return false;
    snprintf(buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *part = strtok_r(buf, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
        uint64_t a, b;
        char *dash = strchr(part, '-');
        if (dash) {
            *dash = '\0';
            if (!pw_cli_parse_u64(part, 0x7FFFFFFFFFFFFFFFULL, &a) || !pw_cli_parse_u64(dash + 1, 0x7FFFFFFFFFFFFFFFULL, &b) || b < a)
                return false;
        } else {
            if (!pw_cli_parse_u64(part, 0x7FFFFFFFFFFFFFFFULL, &a)) return false;
            b = a;
        }
        if (b - a >= MAX_SEEDS || (uint64_t)o->seed_count + (b - a + 1) > MAX_SEEDS) return false;
        uint64_t *p = realloc(o->seeds, ((size_t)o->seed_count + (size_t)(b - a + 1)) * sizeof *p);
        if (!p) return false;
        o->seeds = p;
        for (uint64_t s = a;; s++) {
            o->seeds[o->seed_count++] = s;
            if (s == b) break;
        }
    }
    /* A repeated seed would be counted twice in the bands: refuse it (sorted copy, O(n log n)). */
    uint64_t *sorted = malloc((size_t)o->seed_count * sizeof *sorted);
    if (!sorted) return false;
    memcpy(sorted, o->seeds, (size_t)o->seed_count * sizeof *sorted);
    qsort(sorted, (size_t)o->seed_count, sizeof *sorted, cmp_u64);
    bool distinct = true;
    for (int i = 1; i < o->seed_count && distinct; i++) distinct = sorted[i] != sorted[i - 1];
    free(sorted);
    return o->seed_count > 0 && distinct;
}

static int parse_options(int argc, char **argv, struct ens_options *o)
{
    enum { OPT_CENSUS = 256, OPT_SEEDS, OPT_YEARS, OPT_DESIGN, OPT_DB, OPT_ID, OPT_THREADS };
    static const struct option longopts[] = {
        {"config", required_argument, 0, 'c'}, {"census", required_argument, 0, OPT_CENSUS},
        {"seeds", required_argument, 0, OPT_SEEDS}, {"years", required_argument, 0, OPT_YEARS},
        {"design", required_argument, 0, OPT_DESIGN}, {"db", required_argument, 0, OPT_DB},
        {"ensemble", required_argument, 0, OPT_ID}, {"threads", required_argument, 0, OPT_THREADS},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0},
    };
    o->db = "ensemble.duckdb";
    o->id = "ensemble";
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":c:qh", longopts, NULL)) != -1) {
        int64_t v;
        switch (c) {
        case 'c': o->config = optarg; break;
        case OPT_CENSUS: o->census = optarg; break;
        case OPT_DB: o->db = optarg; break;
        case OPT_SEEDS:
            if (!parse_seeds(optarg, o))
                return pw_cli_usage_error("ensemble", "invalid --seeds '%s' (expected e.g. 1-100 or 1,5,9-12; distinct "
                                          "seeds, at most %d)", optarg, MAX_SEEDS);
            break;
        case OPT_YEARS:
            if (!pw_cli_parse_years(optarg, &o->first_year, &o->last_year))
                return pw_cli_usage_error("ensemble", "invalid --years '%s' (expected e.g. 2025-2029)", optarg);
            o->years_set = true;
            break;
        case OPT_ID:
            if (!*optarg || strlen(optarg) > 64)
                return pw_cli_usage_error("ensemble", "invalid --ensemble '%s' (1 to 64 characters)", optarg);
            o->id = optarg;
            break;
        case OPT_THREADS:
            if (!pw_cli_parse_i64(optarg, 1, 256, &v))
                return pw_cli_usage_error("ensemble", "invalid --threads '%s' (expected 1 to 256)", optarg);
            o->threads = (int)v;
            break;
        case OPT_DESIGN: {
            const char *eq = strchr(optarg, '=');
            size_t n = eq ? (size_t)(eq - optarg) : 0;
            if (!eq || n == 0 || n >= sizeof o->design_buf[0] || memchr(optarg, ',', n))
                return pw_cli_usage_error("ensemble", "invalid --design '%s' (expected NAME=overlay.yaml; NAME of 1 to "
                                          "127 characters without commas)", optarg);
            if (o->designs == MAX_DESIGNS)
                return pw_cli_usage_error("ensemble", "too many --design options (at most %d)", MAX_DESIGNS);
            memcpy(o->design_buf[o->designs], optarg, n);
            o->design_buf[o->designs][n] = '\0';
            for (int i = 0; i < o->designs; i++)
                if (strcmp(o->design_name[i], o->design_buf[o->designs]) == 0)
                    return pw_cli_usage_error("ensemble", "--design '%s' is given twice", o->design_buf[o->designs]);
            o->design_name[o->designs] = o->design_buf[o->designs];
            o->design_file[o->designs++] = eq + 1;
            break;
        }
        case 'q': pw_log_set_verbosity(PW_QUIET); break;
        case 'h': fputs(usage, stdout); return -1;
        case ':': return pw_cli_usage_error("ensemble", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("ensemble", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("ensemble", "unexpected argument '%s'", argv[optind]);
    if (o->seed_count == 0) return pw_cli_usage_error("ensemble", "--seeds is required");
    if (o->designs == 0) {
        o->design_name[0] = "base";
        o->design_file[0] = "";
        o->designs = 1;
    }
    return 0;
}

struct task_sink {
    double *values;              /* [year][metric] of this task */
    int first_year;
};

static int task_write_year(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    (void)err;
    struct task_sink *t = p;
    pw_ensemble_year_metrics(sim, t->values + (size_t)(sim->year.year - t->first_year) * PW_EM_COUNT);
    return 0;
}

/* One (design, seed) simulation. The census roster is copied so the design's
 * census stays intact for its other seeds; hires intern their ids into a pool
 * of this task, so tasks never share a writable structure. */
int pw__ensemble_run_task(struct ensemble *e, int task, struct pw_err *err)
{
    int d = task / e->o->seed_count, s = task % e->o->seed_count;
    struct design *de = &e->designs[d];
    struct pw_config cfg = de->cfg;
    cfg.random_seed = e->o->seeds[s];
    cfg.threads = 1;
    int rc = pw_config_finalize(&cfg, err);
    if (rc) return rc;
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
    struct pw_pool *pool = pw_pool_new(1);
    struct pw_sim sim;
    if (!pool) rc = pw_err_set(err, PW_ENOMEM, "cannot start a worker pool");
    else rc = pw_sim_init(&sim, &cfg, &de->tables, &c, pool, err);
    if (rc == 0) {
        struct task_sink ts = {e->values + (size_t)task * (size_t)e->years * PW_EM_COUNT, cfg.start_year};
        struct pw_sink sink = {&ts, task_write_year, NULL};
        rc = pw_sim_run(&sim, &sink, err);
        pw_sim_release(&sim);
    } else if (pool) {
        pw_workforce_release(&c.roster);
    }
    pw_pool_free(pool);
    pw_strpool_release(&strings);
    return rc;
}

static void *worker(void *p)
{
    struct ensemble *e = p;
    int tasks = e->o->designs * e->o->seed_count;
    for (;;) {
        if (atomic_load(&e->failed)) break;
        int t = atomic_fetch_add(&e->next, 1);
        if (t >= tasks) break;
        struct pw_err err = {0};
        if (pw__ensemble_run_task(e, t, &err) != 0) {
            pthread_mutex_lock(&e->lock);
            if (!atomic_load(&e->failed) || t < e->fail_task) {
                e->fail_task = t;
                e->fail_err = err;
            }
            atomic_store(&e->failed, true);
            pthread_mutex_unlock(&e->lock);
            break;
        }
        atomic_fetch_add(&e->done, 1);
    }
    return NULL;
}

void pw__ensemble_progress(const struct ensemble *e, double t0, bool last)
{
    int tasks = e->o->designs * e->o->seed_count, done = atomic_load(&e->done);
    double el = pw_wall_seconds() - t0;
    if (last) {
        fputs("\r\033[K", stderr);
        return;
    }
    char eta[32] = "--";
    if (done > 0) snprintf(eta, sizeof eta, "%.0f s", el / done * (tasks - done));
    fprintf(stderr, "\r\033[Kensemble: %d of %d seeds done, %.0f s elapsed, ETA %s", done, tasks, el, eta);
    fflush(stderr);
}

static void apply_cli_overrides(const struct ens_options *o, struct pw_config *cfg)
{
    if (o->census) snprintf(cfg->census_path, sizeof cfg->census_path, "%s", o->census);
    if (o->years_set) {
        cfg->start_year = o->first_year;
        cfg->end_year = o->last_year;
    }
}

/* The base plus the design's overlay, merged as `planwise run --scenario-file`
 * merges (io/yaml_config.h), then the command line again: --census and --years
 * win over what an overlay says, as they win over the base file. */
static int load_design(struct design *de, const struct pw_config *base, const struct ens_options *o, const char *file,
                       struct pw_err *err)
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
    const char *files[PW_ASSUMPTION_TABLES];
    for (int i = 0; i < PW_ASSUMPTION_TABLES; i++)
        files[i] = de->cfg.assumption_files[i][0] ? de->cfg.assumption_files[i] : NULL;
    if ((rc = pw_tables_load_with(&de->tables, de->cfg.assumptions_directory, files, err))) return rc;
    de->tables_ready = true;
    if ((rc = pw_plan_money_check(&de->cfg.plan, &de->tables, err))) return rc;
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

static void release_design(struct design *de)
{
    if (de->census_ready) {
        pw_census_release(&de->census);
        pw_strpool_release(&de->strings);
    }
    /* the assumption tables hold no heap memory */
}

static int build_base(const struct ens_options *o, struct pw_config *cfg, char **text, struct pw_err *err)
{
    pw_config_init_defaults(cfg);
    int rc;
    if (o->config) {
        size_t len;
        if ((rc = pw_config_read_text(o->config, text, &len, err))) return rc;
        if ((rc = pw_config_load_file(cfg, o->config, err))) return rc;
    }
    apply_cli_overrides(o, cfg);
    return pw_config_finalize(cfg, err);
}

/* This process's rank and the rank count (1 without MPI). */
static int mpi_size = 1;
#ifdef PW_MPI
static int mpi_rank = 0;
#endif

static int ensemble_main(const struct ens_options *o, struct pw_err *err)
{
    double t0 = pw_wall_seconds();
    struct pw_config base;
    char *text = NULL;
    int rc = build_base(o, &base, &text, err);
    struct design *designs = calloc((size_t)o->designs, sizeof *designs);
    struct ensemble e;
    memset(&e, 0, sizeof e);
    if (!designs && rc == 0) rc = pw_err_set(err, PW_ENOMEM, "out of memory");
    for (int d = 0; d < o->designs && rc == 0; d++) {
        rc = load_design(&designs[d], &base, o, o->design_file[d], err);
        /* The design may not change the horizon: bands line up year by year. */
        if (rc == 0 && (designs[d].cfg.start_year != base.start_year || designs[d].cfg.end_year != base.end_year))
            rc = pw_err_set(err, PW_ECONFIG, "design '%s' ('%s') changes the simulated years; use --years instead",
                            o->design_name[d], o->design_file[d]);
    }
    int threads = o->threads > 0 ? o->threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
    int tasks = o->designs * o->seed_count;
    if (threads > tasks) threads = tasks;
    double sim_seconds = 0;
    if (rc == 0) {
        e.o = o;
        e.designs = designs;
        e.years = base.end_year - base.start_year + 1;
        e.values = calloc((size_t)tasks * (size_t)e.years * PW_EM_COUNT, sizeof *e.values);
        pthread_mutex_init(&e.lock, NULL);
        if (!e.values) rc = pw_err_set(err, PW_ENOMEM, "out of memory for the ensemble metrics");
    }
#ifdef PW_MPI
    /* Every rank reads the inputs itself (shared storage); all go on only if all could. */
    if (!pw__ens_mpi_agree(rc) && rc == 0)
        rc = pw_err_set(err, PW_EIO, "rank %d: another rank could not load the inputs (see its message)", mpi_rank);
    e.ranks = mpi_size;
    if (rc == 0 && mpi_rank > 0) {
        pw__ens_mpi_work(&e);
        goto out;
    }
#endif
    if (rc == 0) {
        pthread_t *tids = calloc((size_t)threads, sizeof *tids);
        int started = 0;
        double ts = pw_wall_seconds();
        for (; tids && started < threads; started++)
            if (pthread_create(&tids[started], NULL, worker, &e) != 0) break;
        if (started == 0) rc = pw_err_set(err, PW_ENOMEM, "cannot start worker threads");
        bool progress = isatty(STDERR_FILENO) && pw_log_verbosity() == PW_NORMAL;
#ifdef PW_MPI
        if (started > 0 && mpi_size > 1) pw__ens_mpi_serve(&e, ts, progress);
#endif
        while (progress && atomic_load(&e.done) < tasks && !atomic_load(&e.failed) && started > 0) {
            pw__ensemble_progress(&e, ts, false);
            struct timespec nap = {0, 200000000};
            nanosleep(&nap, NULL);
        }
        for (int i = 0; i < started; i++) pthread_join(tids[i], NULL);
        if (progress) pw__ensemble_progress(&e, ts, true);
        free(tids);
        sim_seconds = pw_wall_seconds() - ts;
        if (rc == 0 && atomic_load(&e.failed)) {
            int d = e.fail_task / o->seed_count, s = e.fail_task % o->seed_count;
            rc = pw_err_set(err, e.fail_err.code ? e.fail_err.code : PW_EINTERNAL,
                            "seed %llu of design '%s' failed on rank %d: %s; nothing was written",
                            (unsigned long long)o->seeds[s], o->design_name[d], e.fail_rank, e.fail_err.msg);
        }
    }
    if (rc == 0) {
        char hash[41] = "";
        if (text) {
            uint8_t dg[20];
            pw_sha1(text, strlen(text), dg);
            for (int i = 0; i < 20; i++) snprintf(hash + 2 * i, 3, "%02x", dg[i]);
        }
        const char *metric_names[PW_EM_COUNT];
        for (int m = 0; m < PW_EM_COUNT; m++) metric_names[m] = pw_ensemble_metric_names[m];
        struct pw_ensemble_result r = {
            .ensemble_id = o->id, .designs = o->designs, .design_names = o->design_name,
            .design_files = o->design_file, .seeds = o->seed_count, .seed_values = o->seeds,
            .first_year = base.start_year, .years = e.years, .metrics = PW_EM_COUNT, .metric_names = metric_names,
            .values = e.values, .program_version = PW_VERSION, .config_text = text, .config_hash = hash,
            .census_path = base.census_path, .threads = threads, .simulate_seconds = sim_seconds,
        };
        r.wall_seconds = pw_wall_seconds() - t0;
        struct stat st;
        bool created = stat(o->db, &st) != 0;
        struct pw_db *db = NULL;
        struct pw_db_options dbo = {.threads = threads};
        rc = pw_db_open(&db, o->db, &dbo, err);
        if (rc == 0) rc = pw_ensemble_store_write(db, &r, err);
        pw_db_close(db);
        if (rc && created) {
            char wal[4200];
            snprintf(wal, sizeof wal, "%s.wal", o->db);
            remove(o->db);
            remove(wal);
        }
        if (rc == 0) {
            double seed_years = (double)tasks * e.years;
            pw_info("ensemble '%s': %d design%s x %d seeds x %d years in %.2f s (%.0f seed-years/s, %d threads, "
                    "%d rank%s); written to '%s'", o->id, o->designs, o->designs == 1 ? "" : "s", o->seed_count, e.years,
                    sim_seconds, sim_seconds > 0 ? seed_years / sim_seconds : 0.0, threads, mpi_size,
                    mpi_size == 1 ? "" : "s", o->db);
        }
    }
#ifdef PW_MPI
out:
#endif
    if (e.values) pthread_mutex_destroy(&e.lock);
    free(e.values);
    for (int d = 0; designs && d < o->designs; d++) release_design(&designs[d]);
    free(designs);
    free(text);
    return rc;
}

int pw_cmd_ensemble(int argc, char **argv)
{
    struct ens_options o;
    memset(&o, 0, sizeof o);
    int rc = parse_options(argc, argv, &o);
    if (rc) {
        free(o.seeds);
        return rc < 0 ? PW_EXIT_OK : rc;
    }
#ifdef PW_MPI
    if (pw__ens_mpi_init(&argc, &argv, &mpi_rank, &mpi_size) != 0) {
        free(o.seeds);
        fprintf(stderr, "planwise: cannot start MPI\n");
        return PW_EXIT_ERROR;
    }
#endif
    struct pw_err err = {0};
    rc = ensemble_main(&o, &err);
    free(o.seeds);
    /* Ranks > 0 report only their own errors; rank 0 reports the ensemble's. */
    int code = rc ? pw_cli_fail(&err) : PW_EXIT_OK;
#ifdef PW_MPI
    pw__ens_mpi_finalize();
#endif
    return code;
}
