/* cmd_benchmark.c: `planwise benchmark`: the same scenario run in the baseline
 * execution mode and in the optimized one, alternating, each run a fresh
 * `planwise run` process so that its peak memory is its own; medians, throughput,
 * peak RSS, and a check that both modes wrote identical tables. */
/* nftw */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/atomic_file.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/sysinfo.h"
#include "io/db.h"
#include "io/output_checksum.h"

extern char **environ;

static const char usage[] =
    "usage: planwise benchmark [--employees N | --census FILE] [options]\n"
    "\n"
    "Run one scenario in the baseline execution mode (one thread, one DuckDB\n"
    "connection, one DuckDB call per value, DuckDB's default settings, the wide\n"
    "table layout of earlier versions) and in the optimized mode (the default\n"
    "run), alternating, and compare. Each run is a separate `planwise run`\n"
    "process writing a fresh database in a scratch folder.\n"
    "\n"
    "options:\n"
    "      --employees N        generate a census of N employees (default 60040)\n"
    "      --census FILE        use this census instead of a generated one\n"
    "      --years A-B          simulated years (default 2025-2029)\n"
    "      --reps N             repetitions of each mode, 1 to 50 (default 3)\n"
    "  -c, --config FILE        YAML configuration for both modes\n"
    "      --seed N             random seed (default 42)\n"
    "      --no-models          leave out the SQL models that follow each run\n"
    "      --output-format F    optimized mode writes duckdb tables (default) or\n"
    "                           parquet files (planwise run --output-format)\n"
    "      --output FILE        also write the results as JSON\n"
    "      --keep DIR           keep the census and databases in DIR (must not exist)\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit codes: 0 success, 1 a run failed or the modes wrote different tables,\n"
    "2 usage error.\n";

enum { MODE_BASELINE, MODE_OPTIMIZED, MODE_COUNT };
static const char *const mode_names[MODE_COUNT] = {"baseline", "optimized"};

#define MAX_REPS 50

struct bench_options {
    int64_t employees, reps;
    const char *census, *config, *output, *keep;
    int first_year, last_year;
    uint64_t seed;
    bool no_models;
    const char *output_format;   /* NULL = the run's default (duckdb) */
};

struct mode_result {
    double wall[MAX_REPS];       /* seconds per repetition, in run order */
    long rss_kb[MAX_REPS];       /* peak resident set of the run process */
    double median, min, max;
    long peak_rss_kb;
};

static int parse_options(int argc, char **argv, struct bench_options *o)
{
    enum { OPT_EMPLOYEES = 256, OPT_CENSUS, OPT_YEARS, OPT_REPS, OPT_SEED, OPT_OUTPUT, OPT_KEEP, OPT_NO_MODELS,
           OPT_OUTPUT_FORMAT };
    static const struct option longopts[] = {
        {"employees", required_argument, 0, OPT_EMPLOYEES}, {"census", required_argument, 0, OPT_CENSUS},
        {"years", required_argument, 0, OPT_YEARS},         {"reps", required_argument, 0, OPT_REPS},
        {"config", required_argument, 0, 'c'},              {"seed", required_argument, 0, OPT_SEED},
        {"output", required_argument, 0, OPT_OUTPUT},       {"keep", required_argument, 0, OPT_KEEP},
        {"no-models", no_argument, 0, OPT_NO_MODELS},       {"output-format", required_argument, 0, OPT_OUTPUT_FORMAT},
        {"quiet", no_argument, 0, 'q'},                     {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    memset(o, 0, sizeof *o);
    o->employees = 60040;
    o->reps = 3;
    o->first_year = 2025;
    o->last_year = 2029;
    o->seed = 42;
    bool employees_set = false;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":c:qh", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_EMPLOYEES:
            if (!pw_cli_parse_i64(optarg, 1, 50000000, &o->employees))
                return pw_cli_usage_error("benchmark", "invalid --employees '%s' (expected 1 to 50000000)", optarg);
            employees_set = true;
            break;
        case OPT_CENSUS: o->census = optarg; break;
        case OPT_YEARS:
            if (!pw_cli_parse_years(optarg, &o->first_year, &o->last_year))
                return pw_cli_usage_error("benchmark", "invalid --years '%s' (expected e.g. 2025-2029)", optarg);
            break;
        case OPT_REPS:
            if (!pw_cli_parse_i64(optarg, 1, MAX_REPS, &o->reps))
                return pw_cli_usage_error("benchmark", "invalid --reps '%s' (expected 1 to %d)", optarg, MAX_REPS);
            break;
        case 'c': o->config = optarg; break;
        case OPT_SEED:
            if (!pw_cli_parse_u64(optarg, 0x7FFFFFFFFFFFFFFFULL, &o->seed))
                return pw_cli_usage_error("benchmark", "invalid --seed '%s' (expected 0 to 2^63-1)", optarg);
            break;
        case OPT_OUTPUT: o->output = optarg; break;
        case OPT_KEEP: o->keep = optarg; break;
        case OPT_NO_MODELS: o->no_models = true; break;
        case OPT_OUTPUT_FORMAT:
            if (strcmp(optarg, "duckdb") != 0 && strcmp(optarg, "parquet") != 0)
                return pw_cli_usage_error("benchmark", "invalid --output-format '%s' (expected duckdb or parquet)", optarg);
            o->output_format = optarg;
            break;
        case 'q': pw_log_set_verbosity(PW_QUIET); break;
        case 'h': fputs(usage, stdout); return -1;
        case ':': return pw_cli_usage_error("benchmark", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("benchmark", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc) return pw_cli_usage_error("benchmark", "unexpected argument '%s'", argv[optind]);
    if (employees_set && o->census)
        return pw_cli_usage_error("benchmark", "--employees and --census exclude each other");
    return 0;
}

/* Runs this program with argv, stdout and stderr into log_path; wall time and
 * the child's peak RSS from wait4. Returns the exit status, 128 + the signal when a
 * signal ended it, or -1 when it could not be started. */
static int run_child(char *const argv[], const char *log_path, double *wall, long *rss_kb)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
    double t0 = pw_wall_seconds();
    pid_t pid;
    int rc = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) return -1;
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return -1;
    *wall = pw_wall_seconds() - t0;
    *rss_kb = ru.ru_maxrss;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;   /* the shell's convention */
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void summarize(struct mode_result *r, int reps)
{
    double sorted[MAX_REPS];
    memcpy(sorted, r->wall, sizeof(double) * (size_t)reps);
    qsort(sorted, (size_t)reps, sizeof *sorted, cmp_double);
    r->median = reps % 2 ? sorted[reps / 2] : (sorted[reps / 2 - 1] + sorted[reps / 2]) / 2;
    r->min = sorted[0];
    r->max = sorted[reps - 1];
    r->peak_rss_kb = 0;
    for (int i = 0; i < reps; i++)
        if (r->rss_kb[i] > r->peak_rss_kb) r->peak_rss_kb = r->rss_kb[i];
}

/* JSON string body with quotes, backslashes and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20) fprintf(f, "\\u%04x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

struct bench_totals {
    int64_t employee_years, output_rows;
    bool identical;
};

static int write_json(const char *path, const struct bench_options *o, const char *census,
                      const struct mode_result res[MODE_COUNT], const struct bench_totals *t, struct pw_err *err)
{
    struct pw_atomic_file af;
    int arc = pw_atomic_file_open(&af, path, err);
    if (arc) return arc;
    FILE *f = af.fp;
    struct pw_sysinfo info;
    pw_sysinfo_read(&info);
    fprintf(f, "{\n  \"format\": \"planwise-benchmark\",\n  \"format_version\": 1,\n");
    fprintf(f, "  \"machine\": {\"cores\": %d, \"memory_bytes\": %llu, \"cpu\": ", info.cores,
            (unsigned long long)info.memory_bytes);
    json_string(f, info.cpu_model);
    fprintf(f, ", \"kernel\": ");
    json_string(f, info.kernel);
    fprintf(f, ", \"compiler\": ");
    json_string(f, info.compiler);
    fprintf(f, ", \"planwise\": \"%s\", \"duckdb\": ", PW_VERSION);
    json_string(f, pw_db_library_version());
    fprintf(f, "},\n  \"scenario\": {\"census\": ");
    json_string(f, census);
    fprintf(f, ", \"employees\": %lld, \"first_year\": %d, \"last_year\": %d, \"seed\": %llu, \"config\": ",
            o->census ? -1LL : (long long)o->employees, o->first_year, o->last_year, (unsigned long long)o->seed);
    if (o->config) json_string(f, o->config);
    else fputs("null", f);
    fprintf(f, ", \"repetitions\": %lld, \"models\": %s, \"output_format\": \"%s\"},\n", (long long)o->reps,
            o->no_models ? "false" : "true", o->output_format ? o->output_format : "duckdb");
    fprintf(f, "  \"employee_years\": %lld,\n  \"output_rows\": %lld,\n", (long long)t->employee_years,
            (long long)t->output_rows);
    fprintf(f, "  \"modes\": {\n");
    for (int m = 0; m < MODE_COUNT; m++) {
        const struct mode_result *r = &res[m];
        fprintf(f, "    \"%s\": {\"median_seconds\": %.4f, \"min_seconds\": %.4f, \"max_seconds\": %.4f, ",
                mode_names[m], r->median, r->min, r->max);
        fprintf(f, "\"employee_years_per_second\": %.0f, \"rows_per_second\": %.0f, \"peak_rss_bytes\": %lld, ",
                (double)t->employee_years / r->median, (double)t->output_rows / r->median,
                (long long)r->peak_rss_kb * 1024);
        fprintf(f, "\"seconds\": [");
        for (int i = 0; i < o->reps; i++) fprintf(f, "%s%.4f", i ? ", " : "", r->wall[i]);
        fprintf(f, "]}%s\n", m + 1 < MODE_COUNT ? "," : "");
    }
    double base = res[MODE_BASELINE].median, opt = res[MODE_OPTIMIZED].median;
    fprintf(f, "  },\n  \"improvement_percent\": %.2f,\n  \"speedup\": %.3f,\n  \"outputs_identical\": %s\n}\n",
            100.0 * (base - opt) / base, base / opt, t->identical ? "true" : "false");
    return pw_atomic_file_commit(&af, err); /* checks flush, fsync and close; renames into place */
}

/* Output checksums and row counts of one mode's database. */
static int inspect_db(const char *path, char *sums, size_t size, struct bench_totals *t, struct pw_err *err)
{
    struct pw_db *db;
    struct pw_db_options dbo = {.read_only = true};
    int rc = pw_db_open(&db, path, &dbo, err);
    if (rc) return rc;
    rc = pw_output_checksums(db, NULL, sums, size, err);
    int64_t rows = 0;
    if (!rc) rc = pw_db_query_int(db, "SELECT count(*) FROM fct_workforce_snapshot", &t->employee_years, err);
    if (!rc)
        rc = pw_db_query_int(db,
                             "SELECT (SELECT count(*) FROM fct_yearly_events) + (SELECT count(*) FROM "
                             "fct_workforce_snapshot) + (SELECT count(*) FROM fct_employer_match_events) + (SELECT "
                             "count(*) FROM fct_workforce_needs) + (SELECT count(*) FROM fct_workforce_needs_by_level)",
                             &rows, err);
    t->output_rows = rows;
    pw_db_close(db);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* Removes a scratch folder or a database with its .wal, .tmp, checkpoints and Parquet files. */
static void remove_tree(const char *path) { nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

static void remove_db(const char *path)
{
    static const char *const suffixes[] = {"", ".wal", ".tmp", ".checkpoints", ".data"};
    char p[4096];
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        remove_tree(p);
    }
}

static int make_scratch(const struct bench_options *o, char *dir, size_t size, struct pw_err *err)
{
    if (o->keep) {
        if (mkdir(o->keep, 0755) != 0)
            return pw_err_set(err, PW_EIO, "cannot create --keep folder '%s': %s", o->keep, strerror(errno));
        snprintf(dir, size, "%s", o->keep);
        return 0;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, size, "%s/planwise-bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) return pw_err_set(err, PW_EIO, "cannot create a scratch folder in '%s': %s",
                                         tmp && *tmp ? tmp : "/tmp", strerror(errno));
    return 0;
}

static void print_summary(const struct bench_options *o, const char *census, const struct mode_result res[MODE_COUNT],
                          const struct bench_totals *t)
{
    char generated[64];
    snprintf(generated, sizeof generated, "generated census of %lld employees", (long long)o->employees);
    printf("scenario: %s, years %d-%d, seed %llu, %s, %lld repetition%s per mode (alternating)\n",
           o->census ? census : generated, o->first_year,
           o->last_year, (unsigned long long)o->seed, o->no_models ? "without the SQL models" : "SQL models included",
           (long long)o->reps, o->reps == 1 ? "" : "s");
    printf("%-10s %9s %8s %8s %17s %12s %10s\n", "mode", "median s", "min s", "max s", "employee-years/s",
           "rows/s", "peak RSS");
    for (int m = 0; m < MODE_COUNT; m++) {
        const struct mode_result *r = &res[m];
        printf("%-10s %9.3f %8.3f %8.3f %17.0f %12.0f %7.0f MB\n", mode_names[m], r->median, r->min, r->max,
               (double)t->employee_years / r->median, (double)t->output_rows / r->median,
               (double)r->peak_rss_kb / 1024.0);
    }
    double base = res[MODE_BASELINE].median, opt = res[MODE_OPTIMIZED].median;
    printf("improvement: %.1f%% less wall time (%.2fx); %lld employee-years, %lld output rows\n",
           100.0 * (base - opt) / base, base / opt, (long long)t->employee_years, (long long)t->output_rows);
    printf("outputs: %s\n", t->identical ? "identical in both modes (row count and row hashes of all five yearly tables)"
                                          : "DIFFERENT between the modes");
}

static int benchmark(const struct bench_options *o, const char dir[1024], struct pw_err *err)
{
    char census[4200], log[1100], years[32], seed[32], db[MODE_COUNT][1100];
    snprintf(log, sizeof log, "%s/runs.log", dir);
    snprintf(years, sizeof years, "%d-%d", o->first_year, o->last_year);
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)o->seed);
    double wall;
    long rss;
    if (o->census) {
        snprintf(census, sizeof census, "%s", o->census);
    } else {
        char n[32];
        snprintf(census, sizeof census, "%s/census.csv", dir);
        snprintf(n, sizeof n, "%lld", (long long)o->employees);
        char *argv[] = {"planwise", "census", "generate", "--employees", n, "--seed", seed, "--out", census, NULL};
        pw_info("generating a census of %lld employees", (long long)o->employees);
        if (run_child(argv, log, &wall, &rss) != 0)
            return pw_err_set(err, PW_EIO, "census generation failed; its messages are in '%s'", log);
    }
    static struct mode_result res[MODE_COUNT];
    memset(res, 0, sizeof res);
    for (int m = 0; m < MODE_COUNT; m++) snprintf(db[m], sizeof db[m], "%s/%s.duckdb", dir, mode_names[m]);
    for (int rep = 0; rep < o->reps; rep++) {
        for (int k = 0; k < MODE_COUNT; k++) {
            /* Alternate which mode goes first, so drift on a shared machine hits both. */
            int m = rep % 2 ? MODE_COUNT - 1 - k : k;
            remove_db(db[m]);
            char *argv[24];
            int a = 0;
            argv[a++] = "planwise", argv[a++] = "run", argv[a++] = "-q";
            argv[a++] = "--census", argv[a++] = census, argv[a++] = "--db", argv[a++] = db[m];
            argv[a++] = "--years", argv[a++] = years, argv[a++] = "--seed", argv[a++] = seed;
            argv[a++] = "--execution", argv[a++] = (char *)mode_names[m];
            if (o->config) argv[a++] = "--config", argv[a++] = (char *)o->config;
            if (o->no_models) argv[a++] = "--no-models";
            if (m == MODE_OPTIMIZED && o->output_format)
                argv[a++] = "--output-format", argv[a++] = (char *)o->output_format;
            argv[a] = NULL;
            int status = run_child(argv, log, &wall, &rss);
            if (status != 0)
                return pw_err_set(err, PW_EIO, "the %s run failed (exit %d%s); its messages are in '%s'", mode_names[m],
                                  status, status > 128 ? ", killed by a signal" : "", log);
            res[m].wall[rep] = wall;
            res[m].rss_kb[rep] = rss;
            pw_info("%-9s repetition %d: %.3f s, peak RSS %.0f MB", mode_names[m], rep + 1, wall, (double)rss / 1024.0);
        }
    }
    for (int m = 0; m < MODE_COUNT; m++) summarize(&res[m], (int)o->reps);
    char sums[MODE_COUNT][1024];
    struct bench_totals t[MODE_COUNT] = {{0}};
    int rc;
    for (int m = 0; m < MODE_COUNT; m++)
        if ((rc = inspect_db(db[m], sums[m], sizeof sums[m], &t[m], err))) return rc;
    t[MODE_OPTIMIZED].identical = strcmp(sums[0], sums[1]) == 0;
    if (pw_log_verbosity() >= PW_NORMAL) print_summary(o, census, res, &t[MODE_OPTIMIZED]);
    if (o->output && (rc = write_json(o->output, o, census, res, &t[MODE_OPTIMIZED], err))) return rc;
    if (!t[MODE_OPTIMIZED].identical) {
        fprintf(stderr, "baseline:\n%soptimized:\n%s", sums[0], sums[1]);
        return pw_err_set(err, PW_EINTERNAL, "the baseline and optimized runs wrote different tables");
    }
    return 0;
}

int pw_cmd_benchmark(int argc, char **argv)
{
    struct bench_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc) return rc < 0 ? PW_EXIT_OK : rc;
    struct pw_err err = {0};
    char dir[1024];
    if ((rc = make_scratch(&o, dir, sizeof dir, &err))) return pw_cli_fail(&err);
    rc = benchmark(&o, dir, &err);
    /* A failed benchmark keeps its folder: the runs' messages are there. */
    if (!o.keep && rc == 0) remove_tree(dir);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}
