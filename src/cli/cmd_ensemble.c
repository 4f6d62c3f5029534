/* cmd_ensemble.c: `planwise ensemble`: many seeds of one or more plan designs,
 * each (design, seed) simulated in memory with no event log (ensemble_tasks.c),
 * reduced to yearly metrics per level, age band and income band, then bands over
 * seeds and paired differences between designs written in one transaction
 * (io/ensemble_store.c), after any --keep scenarios (ensemble_keep.c). This file
 * holds the options and the outline; under MPI rank 0 loads and shares the
 * inputs and alone writes (ensemble_mpi.c). */
#include <getopt.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "cli/ensemble_int.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/uuid.h"
#include "io/census_map.h"
#include "io/db.h"
#include "io/ensemble_store.h"
#include "sim/ensemble.h"

static const char usage[] =
    "usage: planwise ensemble --seeds LIST [--config FILE] [options]\n"
    "\n"
    "Simulate every seed of LIST for each plan design in memory (no event log) and\n"
    "write yearly metrics (in total and per job level; the plan metrics also per age\n"
    "band and income band), their bands over seeds (mean, sd, p05..p95) and each\n"
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
    "      --keep SEED          also write that seed (one of LIST) of every design as\n"
    "                           an ordinary scenario <ID>_<design>_seed<SEED>, with\n"
    "                           the tables of 'planwise run'. Repeatable, at most 16\n"
    "      --threads N          seeds simulated at once (default: CPUs, at most 8);\n"
    "                           results are identical for any N\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -v, --verbose            also say what each rank loaded or received and\n"
    "                           when it starts simulating\n"
    "  -h, --help               show this help\n"
    "\n"
    "Seed S of design D gives exactly the numbers of 'planwise run --seed S' with\n"
    "that design. Nothing is written unless every (design, seed) succeeds; an\n"
    "interrupted ensemble leaves the database as it was.\n"
    "Under MPI (a 'make MPI=1' build, started by mpirun or srun) the seeds are\n"
    "spread over the ranks; rank 0 alone reads the input files, sends them to the\n"
    "other ranks and writes the database.\n"
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
    enum { OPT_CENSUS = 256, OPT_SEEDS, OPT_YEARS, OPT_DESIGN, OPT_DB, OPT_ID, OPT_THREADS, OPT_KEEP };
    static const struct option longopts[] = {
        {"config", required_argument, 0, 'c'}, {"census", required_argument, 0, OPT_CENSUS},
        {"seeds", required_argument, 0, OPT_SEEDS}, {"years", required_argument, 0, OPT_YEARS},
        {"design", required_argument, 0, OPT_DESIGN}, {"db", required_argument, 0, OPT_DB},
        {"ensemble", required_argument, 0, OPT_ID}, {"threads", required_argument, 0, OPT_THREADS},
        {"keep", required_argument, 0, OPT_KEEP},
        {"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    o->db = "ensemble.duckdb";
    o->id = "ensemble";
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":c:qvh", longopts, NULL)) != -1) {
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
        case OPT_KEEP: {
            uint64_t k;
            if (!pw_cli_parse_u64(optarg, 0x7FFFFFFFFFFFFFFFULL, &k))
                return pw_cli_usage_error("ensemble", "invalid --keep '%s' (expected a seed)", optarg);
            if (o->keep_count == MAX_KEEP)
                return pw_cli_usage_error("ensemble", "too many --keep options (at most %d)", MAX_KEEP);
            o->keep[o->keep_count++] = k;
            break;
        }
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
        case 'v': pw_log_set_verbosity(PW_VERBOSE); break;
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
    for (int k = 0; k < o->keep_count; k++) {
        bool listed = false, again = false;
        for (int s = 0; s < o->seed_count && !listed; s++) listed = o->seeds[s] == o->keep[k];
        for (int j = 0; j < k; j++) again |= o->keep[j] == o->keep[k];
        if (!listed || again)
            return pw_cli_usage_error("ensemble", "--keep %llu: %s", (unsigned long long)o->keep[k],
                                      again ? "given twice" : "not one of --seeds");
        for (int d = 0; d < o->designs; d++) {
            char id[256];
            if (!pw__ensemble_keep_id(o->id, o->design_name[d], o->keep[k], id, sizeof id))
                return pw_cli_usage_error("ensemble", "--keep %llu: '%s' is not a valid scenario id (1 to 64 of "
                                          "A-Z a-z 0-9 _ - .); choose a shorter --ensemble id or design name",
                                          (unsigned long long)o->keep[k], id);
        }
    }
    return 0;
}

/* The metric and dimension names of every value, in layout order. */
struct series_names {
    const char **metric;
    char **dimension;
    int count;
};

static int series_names_init(struct series_names *n, const struct pw_ens_layout *lo)
{
    n->count = lo->series;
    n->metric = calloc((size_t)lo->series, sizeof *n->metric);
    n->dimension = calloc((size_t)lo->series, sizeof *n->dimension);
    if (!n->metric || !n->dimension) return -1;
    for (int s = 0; s < lo->series; s++) {
        char dim[64];
        int m;
        pw_ensemble_series(lo, s, &m, dim, sizeof dim);
        n->metric[s] = pw_ensemble_metric_names[m];
        if (!(n->dimension[s] = strdup(dim))) return -1;
    }
    return 0;
}

static void series_names_release(struct series_names *n)
{
    for (int s = 0; n->dimension && s < n->count; s++) free(n->dimension[s]);
    free(n->dimension);
    free((void *)n->metric);
}

/* Rank 0: the base, then every design, checked to line up with the first. */
static int load_inputs(struct ensemble *e, char **text, struct pw_err *err)
{
    const struct ens_options *o = e->o;
    struct pw_config base;
    int rc = pw__ens_build_base(o, &base, text, err);
    for (int d = 0; d < o->designs && rc == 0; d++) {
        struct design *de = &e->designs[d];
        rc = pw__ens_load_design(de, &base, *text, o, o->design_file[d], err);
        /* The design may not change the horizon: bands line up year by year. */
        if (rc == 0 && (de->cfg.start_year != base.start_year || de->cfg.end_year != base.end_year))
            rc = pw_err_set(err, PW_ECONFIG, "design '%s' ('%s') changes the simulated years; use --years instead",
                            o->design_name[d], o->design_file[d]);
        /* Nor the groups of the dimensions: bands and differences line up value by value. */
        if (rc == 0 && !pw_ensemble_layout_equal(&de->layout, &e->designs[0].layout))
            rc = pw_err_set(err, PW_ECONFIG, "design '%s' ('%s') changes the job levels, age bands or income groups "
                            "of design '%s'; every design must keep them", o->design_name[d], o->design_file[d],
                            o->design_name[0]);
    }
    return rc;
}

static void config_hash(const char *text, char out[41])
{
    out[0] = '\0';
    if (!text) return;
    uint8_t dg[20];
    pw_sha1(text, strlen(text), dg);
    for (int i = 0; i < 20; i++) snprintf(out + 2 * i, 3, "%02x", dg[i]);
}

/* Rank 0, after every task: the kept scenarios, then the ensemble tables in one
 * transaction. A database file this run created is removed again on failure. */
static int write_results(struct ensemble *e, const char *text, int threads, double t0, double sim_seconds,
                         struct pw_err *err)
{
    const struct ens_options *o = e->o;
    const struct pw_config *cfg = &e->designs[0].cfg;
    struct series_names names = {0};
    if (series_names_init(&names, &e->designs[0].layout) != 0) {
        series_names_release(&names);
        return pw_err_set(err, PW_ENOMEM, "out of memory");
    }
    char hash[41];
    config_hash(text, hash);
    struct pw_ensemble_result r = {
        .ensemble_id = o->id, .designs = o->designs, .design_names = o->design_name,
        .design_files = o->design_file, .seeds = o->seed_count, .seed_values = o->seeds,
        .first_year = cfg->start_year, .years = e->years, .series = e->series, .metric_names = names.metric,
        .dimensions = (const char *const *)names.dimension, .values = e->values, .program_version = PW_VERSION,
        .config_text = text, .config_hash = hash, .census_path = cfg->census_path, .threads = threads,
        .simulate_seconds = sim_seconds,
    };
    struct stat st;
    bool created = stat(o->db, &st) != 0;
    struct pw_db *db = NULL;
    struct pw_db_options dbo = {.threads = threads};
    int rc = pw_db_open(&db, o->db, &dbo, err);
    if (rc == 0 && o->keep_count) rc = pw__ensemble_keep(e, db, threads, err);
    r.wall_seconds = pw_wall_seconds() - t0;
    if (rc == 0) rc = pw_ensemble_store_write(db, &r, err);
    pw_db_close(db);
    series_names_release(&names);
    if (rc && created) {
        char wal[PW_PATH_MAX + 8];
        snprintf(wal, sizeof wal, "%s.wal", o->db);
        remove(o->db);
        remove(wal);
    }
    return rc;
}

static int ensemble_main(const struct ens_options *o, int rank, int ranks, struct pw_err *err)
{
    double t0 = pw_wall_seconds();
    struct ensemble e;
    memset(&e, 0, sizeof e);
    e.o = o;
    e.rank = rank;
    e.ranks = ranks;
    pthread_mutex_init(&e.lock, NULL);
    e.designs = calloc((size_t)o->designs, sizeof *e.designs);
    char *text = NULL;
    static struct pw_census_map census_map;
    int rc = e.designs ? 0 : pw_err_set(err, PW_ENOMEM, "out of memory");
    /* Only rank 0 reads files; the census.columns block of --config maps the census as in `planwise run`. */
    if (rc == 0 && rank == 0 && (rc = pw_cli_census_map_setup(NULL, o->config, &census_map, err)) == 0 &&
        (rc = load_inputs(&e, &text, err)) == 0)
        pw_debug("rank 0: %d design%s loaded, census '%s' with %zu employees in the roster", o->designs,
                 o->designs == 1 ? "" : "s", e.designs[0].cfg.census_path, e.designs[0].census.roster.count);
#ifdef PW_MPI
    if (ranks > 1 && e.designs) rc = pw__ens_mpi_share_inputs(&e, rc, err);
#endif
    int tasks = o->designs * o->seed_count;
    int threads = o->threads > 0 ? o->threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
    if (threads > tasks) threads = tasks;
    if (rc == 0) {
        e.years = e.designs[0].cfg.end_year - e.designs[0].cfg.start_year + 1;
        e.series = e.designs[0].layout.series;
        e.values = calloc((size_t)tasks * (size_t)e.years * (size_t)e.series, sizeof *e.values);
        if (!e.values) rc = pw_err_set(err, PW_ENOMEM, "out of memory for the ensemble metrics");
    }
#ifdef PW_MPI
    if (ranks > 1 && !pw__ens_mpi_agree(rc) && rc == 0)
        rc = pw_err_set(err, PW_ENOMEM, "rank %d: another rank could not start (see its message)", rank);
    if (rc == 0 && rank > 0) {
        pw__ensemble_crash_messages(&e, true);
        pw__ens_mpi_work(&e);
        pw__ensemble_crash_messages(&e, false);
        goto out;
    }
#endif
    if (rc == 0) {
        void (*serve)(struct ensemble *, double, bool) = NULL;
#ifdef PW_MPI
        if (ranks > 1) serve = pw__ens_mpi_serve;
#endif
        pw__ensemble_crash_messages(&e, true);
        double sim_seconds = pw__ensemble_run_all(&e, threads, serve);
        pw__ensemble_crash_messages(&e, false);
        if (atomic_load(&e.failed)) {
            char what[256];
            pw__ensemble_task_name(&e, e.fail_task, what, sizeof what);
            rc = pw_err_set(err, e.fail_err.code ? e.fail_err.code : PW_EINTERNAL,
                            "%s failed on rank %d: %s; nothing was written", what, e.fail_rank, e.fail_err.msg);
        }
        if (rc == 0) rc = write_results(&e, text, threads, t0, sim_seconds, err);
        if (rc == 0) {
            double seed_years = (double)tasks * e.years;
            pw_info("ensemble '%s': %d design%s x %d seeds x %d years in %.2f s (%.0f seed-years/s, %d threads, "
                    "%d rank%s); written to '%s'", o->id, o->designs, o->designs == 1 ? "" : "s", o->seed_count,
                    e.years, sim_seconds, sim_seconds > 0 ? seed_years / sim_seconds : 0.0, threads, ranks,
                    ranks == 1 ? "" : "s", o->db);
        }
    }
#ifdef PW_MPI
out:
#endif
#ifdef PW_MPI
    if (e.mpi_lost) {
        /* A rank is unreachable: MPI_Finalize would wait for it forever. */
        pw_cli_fail(err);
        pw__ens_mpi_abort();
    }
#endif
    pthread_mutex_destroy(&e.lock);
    free(e.values);
    for (int d = 0; e.designs && d < o->designs; d++) pw__ens_release_design(&e.designs[d]);
    free(e.designs);
    free(text);
    pw_census_map_use(NULL);
    pw_census_map_release(&census_map);
    return rc;
}

/* Each task allocates a whole workforce and frees it at the end; the next task
 * allocates the same sizes again. Keeping freed memory inside the process saves
 * faulting every page in again for each task (a fifth of a task's time on this
 * machine's virtualised page faults): no mmap per large array, no trimming, and
 * one arena, since glibc unmaps a thread arena's heap as soon as it is empty.
 * The few large allocations per task do not contend for it. The peak resident
 * size is unchanged: it is set by the tasks running at once. */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 1024 * 1024 * 1024);
#endif
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
    keep_freed_memory();   /* before MPI or DuckDB start threads */
    int rank = 0, ranks = 1;
#ifdef PW_MPI
    if (pw__ens_mpi_init(&argc, &argv, &rank, &ranks) != 0) {
        free(o.seeds);
        fprintf(stderr, "planwise: cannot start MPI\n");
        return PW_EXIT_ERROR;
    }
#endif
    struct pw_err err = {0};
    rc = ensemble_main(&o, rank, ranks, &err);
    free(o.seeds);
    /* Ranks > 0 report only their own errors; rank 0 reports the ensemble's. */
    int code = PW_EXIT_OK;
    if (rc) code = rank == 0 || err.msg[0] ? pw_cli_fail(&err) : PW_EXIT_ERROR;
#ifdef PW_MPI
    pw__ens_mpi_finalize();
#endif
    return code;
}
