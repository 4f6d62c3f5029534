/* cmd_batch.c: `planwise batch`: every plan design (an overlay YAML, merged over
 * --config as --scenario-file is) runs as its own scenario, named after its file, into
 * one database; then the SQL models run once over all of them and the designs are
 * compared with the first (io/compare.c).
 *
 * Each design is one `planwise run` of this same binary, in a child process, one
 * after another, each with all the worker threads. Why not several at once: DuckDB
 * lets one process write a database file, so designs side by side in one file means
 * several runs writing through one database handle in one process, which rests on
 * how the output layer stores and commits rows (being rewritten); two designs at a
 * time into two separate files, the best case of that, measured about 17% faster on
 * the shared 2-core machine (bench/batch.sh, README "Batch runs"). A child per design
 * keeps every design's failure its own (a bad file, a census problem, even a crash)
 * and gives it exactly the semantics of `planwise run`, whose outputs, checkpoints
 * and run_metadata it writes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/clock.h"
#include "core/log.h"
#include "core/pool.h"
#include "dag/dag.h"
#include "io/compare.h"
#include "io/db.h"
#include "io/yaml_config.h"
#include "model/config.h"
#include "model/scenario_id.h"

static const char usage[] =
    "usage: planwise batch [--config BASE] --designs DIR_OR_FILE... [--census FILE] [--db FILE] [options]\n"
    "\n"
    "Run every plan design as its own scenario of one database, then compare them with\n"
    "the first. A design is a YAML file in the simulation_config.yaml layout holding the\n"
    "keys that differ from BASE; it is deep-merged over BASE as --scenario-file is\n"
    "(mappings key by key, scalars and lists replace). Without --config each design is\n"
    "a whole configuration. A folder stands for its *.yaml and *.yml files in name order\n"
    "(not its subfolders). The scenario id of a design is its file name without\n"
    "'.yaml' or '.yml'; its earlier rows in the database are replaced.\n"
    "\n"
    "Designs run one after another, each as 'planwise run' with all the worker threads,\n"
    "and a line per design reports how it went. A design that fails is reported with\n"
    "its reason and the others still run. After the last design the SQL models run once,\n"
    "and a table compares each design's last year with the first design's (every year\n"
    "and metric: 'planwise compare').\n"
    "\n"
    "options:\n"
    "  -c, --config FILE        base configuration\n"
    "      --designs PATH...    design files or folders: every argument after it that is\n"
    "                           not an option (repeatable)\n"
    "      --scenario-file F    overlay applied to every design, between --config and the\n"
    "                           design (repeatable)\n"
    "      --census FILE        census CSV or Parquet (default: setup.census_parquet_path)\n"
    "      --census-map FILE    census column mapping (default: the config's census.columns)\n"
    "      --db FILE            output database (default: simulation.duckdb)\n"
    "      --years A-B          simulate years A..B, or one year A\n"
    "      --seed N             random seed of every design\n"
    "      --threads N          worker threads of each run (default: CPUs, at most 8)\n"
    "      --memory-limit X     DuckDB memory limit, a share of RAM (75%) or a size (4GB)\n"
    "      --connections N      DuckDB connections of each run, 1 to 16\n"
    "      --tables DIR         folder of assumption CSVs replacing built-in tables\n"
    "      --on-bad-rows MODE   fail (default) or skip invalid census rows\n"
    "      --checkpoint-dir D   checkpoint folder (default <db>.checkpoints)\n"
    "      --no-checkpoints     do not write year checkpoints\n"
    "      --no-compliance      skip the compliance tests of every design\n"
    "      --models DIR         also run the SQL models in DIR after the last design\n"
    "      --var NAME=VALUE     value of {{ var('NAME') }} in the SQL models (repeatable)\n"
    "      --no-models          do not run the SQL models after the last design\n"
    "  -q, --quiet              print nothing but errors\n"
    "  -v, --verbose            also print each run's report and every SQL model\n"
    "  -h, --help               show this help\n"
    "\n"
    "Exit codes: 0 every design ran (and the models passed), 1 a design, a model or the\n"
    "comparison failed (the other designs' results are kept), 2 usage error.\n";

struct design {
    char *path;                          /* the file, as given or joined to its folder */
    char name[PW_SCENARIO_MAX + 1];      /* scenario id: file name without .yaml/.yml */
    bool ok;                             /* its run completed */
    char reason[PW_ERR_MSG_MAX];         /* why it failed */
};

struct batch {
    const char *config, *db, *models_dir;
    const char *overlays[PW_CONFIG_LAYERS_MAX - 2]; /* one layer is left for the design */
    int overlay_count;
    const char *pass[24];                /* run options handed to every design, flag then value */
    int pass_count;
    const char *vars[64];
    int var_count;
    int threads, connections;            /* 0 = the run's default */
    const char *memory_limit;
    bool no_models;
    char **paths;                        /* design arguments as given */
    int path_count;
    struct design *designs;
    int design_count;
};

/* An option given again replaces its value, as in `planwise run` (the last wins), so
 * pass[] holds each of the eleven options at most once. */
static void pass_option(struct batch *b, const char *flag, const char *value)
{
    for (int i = 0; i < b->pass_count; i++)
        if (strcmp(b->pass[i], flag) == 0) {
            if (value) b->pass[i + 1] = value;
            return;
        }
    b->pass[b->pass_count++] = flag;
    if (value) b->pass[b->pass_count++] = value;
}

static int parse_options(int argc, char **argv, struct batch *b)
{
    enum { OPT_DESIGNS = 256, OPT_SCENARIO_FILE, OPT_CENSUS, OPT_CENSUS_MAP, OPT_DB, OPT_YEARS, OPT_SEED,
           OPT_THREADS, OPT_MEMORY, OPT_CONNECTIONS, OPT_TABLES, OPT_BAD_ROWS, OPT_CHECKPOINT_DIR,
           OPT_NO_CHECKPOINTS, OPT_MODELS, OPT_VAR, OPT_NO_MODELS, OPT_NO_COMPLIANCE };
    static const struct option longopts[] = {
        {"config", required_argument, 0, 'c'}, {"designs", required_argument, 0, OPT_DESIGNS},
        {"scenario-file", required_argument, 0, OPT_SCENARIO_FILE}, {"census", required_argument, 0, OPT_CENSUS},
        {"census-map", required_argument, 0, OPT_CENSUS_MAP}, {"db", required_argument, 0, OPT_DB},
        {"years", required_argument, 0, OPT_YEARS}, {"seed", required_argument, 0, OPT_SEED},
        {"threads", required_argument, 0, OPT_THREADS}, {"memory-limit", required_argument, 0, OPT_MEMORY},
        {"connections", required_argument, 0, OPT_CONNECTIONS}, {"tables", required_argument, 0, OPT_TABLES},
        {"on-bad-rows", required_argument, 0, OPT_BAD_ROWS},
        {"checkpoint-dir", required_argument, 0, OPT_CHECKPOINT_DIR},
        {"no-checkpoints", no_argument, 0, OPT_NO_CHECKPOINTS}, {"models", required_argument, 0, OPT_MODELS},
        {"no-compliance", no_argument, 0, OPT_NO_COMPLIANCE},
        {"var", required_argument, 0, OPT_VAR}, {"no-models", no_argument, 0, OPT_NO_MODELS},
        {"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    memset(b, 0, sizeof *b);
    b->db = "simulation.duckdb";
    b->paths = calloc((size_t)argc + 1, sizeof *b->paths);
    if (!b->paths) return pw_cli_usage_error("batch", "out of memory");
    bool designs_given = false;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":c:qvh", longopts, NULL)) != -1) {
        int64_t v;
        int first, last;
        uint64_t u;
        switch (c) {
        case 'c': b->config = optarg; break;
        case OPT_DESIGNS:
            designs_given = true;
            b->paths[b->path_count++] = optarg;
            break;
        case OPT_SCENARIO_FILE:
            if (b->overlay_count == (int)(sizeof b->overlays / sizeof *b->overlays))
                return pw_cli_usage_error("batch", "too many --scenario-file options (at most %d)",
                                          PW_CONFIG_LAYERS_MAX - 2);
            b->overlays[b->overlay_count++] = optarg;
            break;
        case OPT_CENSUS: pass_option(b, "--census", optarg); break;
        case OPT_CENSUS_MAP: pass_option(b, "--census-map", optarg); break;
        case OPT_DB: b->db = optarg; break;
        case OPT_YEARS:
            if (!pw_cli_parse_years(optarg, &first, &last))
                return pw_cli_usage_error("batch", "invalid --years '%s' (expected e.g. 2025-2029)", optarg);
            pass_option(b, "--years", optarg);
            break;
        case OPT_SEED:
            if (!pw_cli_parse_u64(optarg, 0x7FFFFFFFFFFFFFFFULL, &u))
                return pw_cli_usage_error("batch", "invalid --seed '%s' (expected 0 to 2^63-1)", optarg);
            pass_option(b, "--seed", optarg);
            break;
        case OPT_THREADS:
            if (!pw_cli_parse_i64(optarg, 1, 256, &v))
                return pw_cli_usage_error("batch", "invalid --threads '%s' (expected 1 to 256)", optarg);
            b->threads = (int)v;
            pass_option(b, "--threads", optarg);
            break;
        case OPT_MEMORY:
            if (pw_config_memory_bytes(optarg, (uint64_t)1 << 40, &u))
                return pw_cli_usage_error("batch", "invalid --memory-limit '%s' (expected a share of RAM from 10%% "
                                          "to 95%%, e.g. 75%%, or a size of at least 64MB, e.g. 4GB)", optarg);
            b->memory_limit = optarg;
            pass_option(b, "--memory-limit", optarg);
            break;
        case OPT_CONNECTIONS:
            if (!pw_cli_parse_i64(optarg, 1, 16, &v))
                return pw_cli_usage_error("batch", "invalid --connections '%s' (expected 1 to 16)", optarg);
            b->connections = (int)v;
            pass_option(b, "--connections", optarg);
            break;
        case OPT_TABLES: pass_option(b, "--tables", optarg); break;
        case OPT_BAD_ROWS:
            if (strcmp(optarg, "fail") != 0 && strcmp(optarg, "skip") != 0)
                return pw_cli_usage_error("batch", "invalid --on-bad-rows '%s' (expected fail or skip)", optarg);
            pass_option(b, "--on-bad-rows", optarg);
            break;
        case OPT_CHECKPOINT_DIR: pass_option(b, "--checkpoint-dir", optarg); break;
        case OPT_NO_CHECKPOINTS: pass_option(b, "--no-checkpoints", NULL); break;
        case OPT_NO_COMPLIANCE: pass_option(b, "--no-compliance", NULL); break;
        case OPT_MODELS: b->models_dir = optarg; break;
        case OPT_VAR:
            if (!strchr(optarg, '=') || optarg[0] == '=')
                return pw_cli_usage_error("batch", "invalid --var '%s' (expected NAME=VALUE)", optarg);
            if (b->var_count == (int)(sizeof b->vars / sizeof *b->vars))
                return pw_cli_usage_error("batch", "too many --var options (at most 64)");
            b->vars[b->var_count++] = optarg;
            break;
        case OPT_NO_MODELS: b->no_models = true; break;
        case 'q': pw_log_set_verbosity(PW_QUIET); break;
        case 'v': pw_log_set_verbosity(PW_VERBOSE); break;
        case 'h': fputs(usage, stdout); return -1;
        case ':': return pw_cli_usage_error("batch", "option '%s' needs a value", argv[optind - 1]);
        default: return pw_cli_usage_error("batch", "unknown option '%s'", argv[optind - 1]);
        }
    }
    /* getopt moved the operands to the end: they are the rest of --designs. */
    if (optind < argc && !designs_given)
        return pw_cli_usage_error("batch", "unexpected argument '%s' (designs follow --designs)", argv[optind]);
    for (int i = optind; i < argc; i++) b->paths[b->path_count++] = argv[i];
    if (b->path_count == 0) return pw_cli_usage_error("batch", "give the designs with --designs DIR_OR_FILE...");
    if (b->overlay_count && !b->config)
        return pw_cli_usage_error("batch", "--scenario-file needs --config (the base configuration)");
    if (b->models_dir && b->no_models) return pw_cli_usage_error("batch", "--models and --no-models exclude each other");
    return 0;
}

/* ---- the designs ---------------------------------------------------------- */

static bool yaml_name(const char *file)
{
    size_t n = strlen(file);
    return (n > 5 && strcmp(file + n - 5, ".yaml") == 0) || (n > 4 && strcmp(file + n - 4, ".yml") == 0);
}

static int add_design(struct batch *b, const char *path, struct pw_err *err)
{
    struct design *grown = realloc(b->designs, (size_t)(b->design_count + 1) * sizeof *grown);
    if (!grown) return pw_err_set(err, PW_ENOMEM, "out of memory listing the designs");
    b->designs = grown;
    struct design *d = &b->designs[b->design_count];
    memset(d, 0, sizeof *d);
    if (!(d->path = strdup(path))) return pw_err_set(err, PW_ENOMEM, "out of memory listing the designs");
    b->design_count++;
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".yaml") == 0) n -= 5;
    else if (n > 4 && strcmp(base + n - 4, ".yml") == 0) n -= 4;
    char name[PW_PATH_MAX];
    snprintf(name, sizeof name, "%.*s", (int)n, base);
    if (!pw_scenario_id_valid(name))
        return pw_err_set(err, PW_EUSAGE, "design '%s': its file name '%s' is not a scenario id (" PW_SCENARIO_ID_RULE
                          "); rename the file", path, name);
    memcpy(d->name, name, strlen(name) + 1);   /* valid ids are at most PW_SCENARIO_MAX long */
    for (int i = 0; i < b->design_count - 1; i++)
        if (strcmp(b->designs[i].name, d->name) == 0)
            return pw_err_set(err, PW_EUSAGE, "designs '%s' and '%s' would both be scenario '%s'; rename one",
                              b->designs[i].path, path, d->name);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The YAML files of a folder, in name order. */
static int add_folder(struct batch *b, const char *dir, struct pw_err *err)
{
    DIR *d = opendir(dir);
    if (!d) return pw_err_set(err, PW_EIO, "cannot open design folder '%s': %s", dir, strerror(errno));
    char **names = NULL;
    size_t n = 0;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL && !rc;) {
        if (e->d_name[0] == '.' || !yaml_name(e->d_name)) continue;
        char path[PW_PATH_MAX];
        struct stat st;
        int len = snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        if (len < 0 || len >= (int)sizeof path) {
            rc = pw_err_set(err, PW_EIO, "design '%s/%s': the path is longer than %d characters", dir, e->d_name,
                            PW_PATH_MAX - 1);
            break;
        }
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue;
        char **grown = realloc(names, (n + 1) * sizeof *names);
        if (!grown || !(grown[n] = strdup(path))) rc = pw_err_set(err, PW_ENOMEM, "out of memory listing '%s'", dir);
        if (grown) names = grown;
        if (!rc) n++;
    }
    closedir(d);
    if (!rc && n == 0) rc = pw_err_set(err, PW_EIO, "design folder '%s' holds no .yaml or .yml files", dir);
    if (!rc) qsort(names, n, sizeof *names, cmp_names);
    for (size_t i = 0; i < n && !rc; i++) rc = add_design(b, names[i], err);
    for (size_t i = 0; i < n; i++) free(names[i]);
    free(names);
    return rc;
}

static int list_designs(struct batch *b, struct pw_err *err)
{
    for (int i = 0; i < b->path_count; i++) {
        struct stat st;
        const char *p = b->paths[i];
        if (stat(p, &st) != 0) return pw_err_set(err, PW_EIO, "cannot open design '%s': %s", p, strerror(errno));
        int rc = S_ISDIR(st.st_mode) ? add_folder(b, p, err) : add_design(b, p, err);
        if (rc) return rc;
    }
    return 0;
}

/* ---- one child per design -------------------------------------------------- */

struct captured {
    char *text;
    size_t len, cap;
};

static void capture(struct captured *c, const char *buf, size_t n)
{
    if (c->len + n + 1 > c->cap) {
        size_t cap = c->cap ? c->cap : 4096;
        while (cap < c->len + n + 1) cap *= 2;
        char *p = realloc(c->text, cap);
        if (!p) return;   /* the messages are lost, not the run: its exit status still counts */
        c->text = p, c->cap = cap;
    }
    memcpy(c->text + c->len, buf, n);
    c->len += n;
    c->text[c->len] = '\0';
}

/* Runs this binary with argv (argv[0] included), stdin from /dev/null; its stderr,
 * and with with_stdout its stdout too, go to out, otherwise stdout is discarded.
 * Returns the wait status, or -1 with err set when it could not start. */
static int run_child(char *const *argv, bool with_stdout, struct captured *out, struct pw_err *err)
{
    int fds[2];
    if (pipe(fds) != 0) return pw_err_set(err, PW_EIO, "cannot start a run: %s", strerror(errno)), -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return pw_err_set(err, PW_EIO, "cannot start a run: %s", strerror(errno)), -1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) dup2(null, STDIN_FILENO);
        dup2(with_stdout || null < 0 ? fds[1] : null, STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        if (null > STDERR_FILENO) close(null);
        execv("/proc/self/exe", argv);
        fprintf(stderr, "planwise: cannot run '/proc/self/exe': %s\n", strerror(errno));
        _exit(PW_EXIT_ERROR);
    }
    close(fds[1]);
    char buf[4096];
    for (;;) {
        ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0) capture(out, buf, (size_t)n);
        else if (n == 0 || errno != EINTR) break;
    }
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return pw_err_set(err, PW_EIO, "lost a run: %s", strerror(errno)), -1;
    return status;
}

/* The message a failed run ended with: its last "planwise: " line that is not a warning. */
static void failure_reason(const struct captured *c, int status, char *out, size_t size)
{
    if (WIFSIGNALED(status)) {
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
        return;
    }
    snprintf(out, size, "exit code %d", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    for (const char *line = c->text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        if (strncmp(line, "planwise: ", 10) == 0 && strncmp(line, "planwise: warning: ", 19) != 0)
            snprintf(out, size, "%.*s", (int)(n - 10), line + 10);
        line = end ? end + 1 : line + n;
    }
}

/* The child's lines, indented under the design's line. */
static void relay(const struct captured *c, FILE *out)
{
    for (const char *line = c->text; line && *line;) {
        const char *end = strchr(line, '\n');
        size_t n = end ? (size_t)(end - line) : strlen(line);
        fprintf(out, "      %.*s\n", (int)n, line);
        line = end ? end + 1 : line + n;
    }
}

static void run_design(struct batch *b, struct design *d, int index)
{
    const char *argv[PW_CONFIG_LAYERS_MAX * 2 + 96];
    int n = 0;
    argv[n++] = "planwise";
    argv[n++] = "run";
    if (b->config) {
        argv[n++] = "--config", argv[n++] = b->config;
        for (int i = 0; i < b->overlay_count; i++) argv[n++] = "--scenario-file", argv[n++] = b->overlays[i];
        argv[n++] = "--scenario-file";
    } else {
        argv[n++] = "--config";
    }
    argv[n++] = d->path;
    argv[n++] = "--scenario", argv[n++] = d->name;
    argv[n++] = "--db", argv[n++] = b->db;
    argv[n++] = "--no-models";   /* the models run once, after the last design */
    for (int i = 0; i < b->pass_count; i++) argv[n++] = b->pass[i];
    if (pw_log_verbosity() == PW_QUIET) argv[n++] = "-q";
    argv[n] = NULL;

    bool quiet = pw_log_verbosity() == PW_QUIET;
    if (!quiet) {
        printf("[%d/%d] %s: ", index + 1, b->design_count, d->name);
        fflush(stdout);
    }
    double t0 = pw_wall_seconds();
    struct captured out = {0};
    struct pw_err err = {0};
    int status = run_child((char *const *)argv, pw_log_verbosity() >= PW_VERBOSE, &out, &err);
    double seconds = pw_wall_seconds() - t0;
    if (status == -1) snprintf(d->reason, sizeof d->reason, "%s", err.msg);
    else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) d->ok = true;
    else failure_reason(&out, status, d->reason, sizeof d->reason);
    if (!quiet) {
        /* a failure's reason is among the relayed lines, and repeated at the end */
        printf("%s in %.2f s\n", d->ok ? "ok" : "FAILED", seconds);
        relay(&out, stdout);
    }
    free(out.text);
}

/* ---- after the designs: models and the comparison -------------------------- */

static int run_models(struct batch *b, struct pw_db *db)
{
    int threads = b->threads ? b->threads : (pw_cpu_count() < 8 ? pw_cpu_count() : 8);
    int connections = b->connections ? b->connections : 4;
    struct pw_dag_options opt = {.threads = connections < threads ? connections : threads,
                                 .models_dir = b->models_dir, .vars = b->vars, .var_count = b->var_count,
                                 .diag = stderr};
    struct pw_dag_summary sum;
    struct pw_err err = {0};
    int rc = pw_dag_run(db, &opt, &sum, &err);
    bool verbose = pw_log_verbosity() >= PW_VERBOSE;
    if (sum.count > 0 && pw_log_verbosity() >= PW_NORMAL) pw_dag_print_summary(&sum, stdout, verbose, verbose);
    pw_dag_summary_release(&sum);
    if (rc == PW_EMODEL) {
        pw_error("%s; the designs' results in '%s' are complete and kept", err.msg, b->db);
        return PW_EXIT_ERROR;
    }
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}

static int compare_designs(struct batch *b, struct pw_db *db)
{
    const char **ok = malloc((size_t)b->design_count * sizeof *ok);
    if (!ok) return pw_error("out of memory"), PW_EXIT_ERROR;
    size_t n = 0;
    for (int i = 0; i < b->design_count; i++)
        if (b->designs[i].ok) ok[n++] = b->designs[i].name;
    bool quiet = pw_log_verbosity() == PW_QUIET;
    if (n < 2) {
        if (!quiet) printf("\nnothing to compare: %zu design%s ran\n", n, n == 1 ? "" : "s");
        free(ok);
        return PW_EXIT_OK;
    }
    struct pw_compare_request req = {.base = ok[0], .others = ok + 1, .n_others = n - 1};
    struct pw_compare_result res = {0};
    struct pw_err err = {0};
    int rc = pw_compare_build(db, &req, &res, &err);
    if (!rc && res.warning[0]) pw_warn("%s", res.warning);
    if (!rc && !quiet) {
        printf("\ncompared with '%s' in %d", req.base, res.last_year);
        if (!b->designs[0].ok) printf(" (the first design, '%s', failed)", b->designs[0].name);
        printf(" (every year and metric: planwise compare --db %s", b->db);
        for (size_t i = 0; i < n; i++) printf(" %s", ok[i]);
        printf("):\n");
        rc = pw_compare_print_summary(db, &req, res.last_year, stdout, &err);
    }
    free(ok);
    return rc ? pw_cli_fail(&err) : PW_EXIT_OK;
}

static int finish(struct batch *b)
{
    int failed = 0;
    for (int i = 0; i < b->design_count; i++) failed += !b->designs[i].ok;
    int code = failed ? PW_EXIT_ERROR : PW_EXIT_OK;
    if (failed < b->design_count) {
        struct pw_db_options opt = {.threads = b->threads};
        uint64_t memory = 0;
        if (b->memory_limit && pw_config_memory_bytes(b->memory_limit, pw_physical_memory_bytes(), &memory) == 0)
            opt.memory_limit = memory;
        struct pw_db *db = NULL;
        struct pw_err err = {0};
        if (pw_db_open(&db, b->db, &opt, &err)) return pw_cli_fail(&err);
        int rc = b->no_models ? PW_EXIT_OK : run_models(b, db);
        int rc2 = compare_designs(b, db);
        pw_db_close(db);
        if (rc || rc2) code = PW_EXIT_ERROR;
    }
    for (int i = 0; i < b->design_count; i++)
        if (!b->designs[i].ok) pw_error("design '%s' (%s) failed: %s", b->designs[i].name, b->designs[i].path,
                                        b->designs[i].reason);
    if (failed) pw_error("%d of %d designs failed", failed, b->design_count);
    return code;
}

static void release(struct batch *b)
{
    for (int i = 0; i < b->design_count; i++) free(b->designs[i].path);
    free(b->designs);
    free(b->paths);
}

int pw_cmd_batch(int argc, char **argv)
{
    struct batch b;
    int rc = parse_options(argc, argv, &b);
    if (rc) {
        release(&b);
        return rc < 0 ? PW_EXIT_OK : rc;
    }
    struct pw_err err = {0};
    if (list_designs(&b, &err) || pw_db_check_file(b.db, &err)) {
        release(&b);
        return err.code == PW_EUSAGE ? pw_cli_usage_error("batch", "%s", err.msg) : pw_cli_fail(&err);
    }
    double t0 = pw_wall_seconds();
    if (pw_log_verbosity() >= PW_NORMAL)
        printf("batch: %d design%s into '%s', one after another\n", b.design_count, b.design_count == 1 ? "" : "s",
               b.db);
    for (int i = 0; i < b.design_count; i++) run_design(&b, &b.designs[i], i);
    rc = finish(&b);
    if (pw_log_verbosity() >= PW_NORMAL) printf("\nbatch finished in %.2f s\n", pw_wall_seconds() - t0);
    release(&b);
    return rc;
}
