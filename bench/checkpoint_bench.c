/* checkpoint_bench.c: size and speed of year checkpoints (io/checkpoint.h) on a
 * real run. Loads a configuration and a census like `planwise run`, simulates the
 * years (no database), and after every year close writes the carried state three
 * ways, each --reps times (median wall time, fsyncs and rename included):
 *
 *   auto     transforms chosen per column on a 64 KiB sample (the default)
 *   full     transforms chosen on the whole column
 *   none     no transforms: the columns as they are in memory, LZ4 only
 *
 * and reads the auto file back (open + verify + decode, median). Prints one row
 * per year; the last year's files stay in --dir for `planwise checkpoint inspect`.
 *
 *   checkpoint_bench --census FILE [--config YAML] [--dir DIR] [--reps N] [--threads N]
 *
 * Built and run by bench/checkpoint.sh (cc, linked against build/libplanwise.a). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/log.h"
#include "core/pool.h"
#include "core/strpool.h"
#include "io/census_reader.h"
#include "io/checkpoint.h"
#include "io/yaml_config.h"
#include "model/census.h"
#include "sim/sim.h"

#define MODES 3
static const char *const mode_names[MODES] = {"auto", "full", "none"};

struct bench {
    const char *dir;
    int reps;
    struct pw_checkpoint_writer *writer[MODES];
    struct pw_checkpoint_id id;
    struct pw_strpool read_strings;
    double sim_t0;
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int after_year(void *p, const struct pw_sim *sim, struct pw_err *err)
{
    struct bench *b = p;
    double sim_seconds = pw_wall_seconds() - b->sim_t0;
    struct pw_carried c;
    pw_sim_carried(sim, &c);
    struct pw_checkpoint_stats st[MODES];
    double ms[MODES], t[64];
    char path[MODES][1100];
    for (int m = 0; m < MODES; m++) {
        snprintf(path[m], sizeof path[m], "%s/year-%04d-%s.pwck", b->dir, c.year, mode_names[m]);
        for (int r = 0; r < b->reps; r++) {
            int rc = pw_checkpoint_write(b->writer[m], path[m], &b->id, &sim->wf, &c, &st[m], err);
            if (rc) return rc;
            t[r] = st[m].seconds;
        }
        ms[m] = 1000 * median(t, b->reps);
    }
    for (int r = 0; r < b->reps; r++) {
        struct pw_workforce wf;
        struct pw_carried back;
        double t0 = pw_wall_seconds();
        int rc = pw_checkpoint_read(path[0], &b->id, &b->read_strings, &wf, &back, err);
        t[r] = pw_wall_seconds() - t0;
        if (rc) return rc;
        pw_workforce_release(&wf);
        pw_strpool_release(&b->read_strings);
        pw_strpool_init(&b->read_strings);
    }
    double read_ms = 1000 * median(t, b->reps);
    printf("%d %8zu %10.2f", c.year, sim->wf.count, st[0].raw_bytes / 1048576.0);
    for (int m = 0; m < MODES; m++)
        printf(" | %8.3f %6.2fx %7.1f", st[m].file_bytes / 1048576.0, (double)st[m].raw_bytes / (double)st[m].file_bytes,
               ms[m]);
    printf(" | %7.1f | %7.1f\n", read_ms, 1000 * sim_seconds);
    fflush(stdout);
    for (int m = 0; m < MODES; m++)
        if (c.year < sim->cfg->end_year) remove(path[m]);
    b->sim_t0 = pw_wall_seconds();
    return 0;
}

static int fail(const struct pw_err *err)
{
    fprintf(stderr, "checkpoint_bench: %s\n", err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    const char *census = NULL, *config = "config/simulation_config.yaml";
    struct bench b = {.dir = "build/bench/checkpoints", .reps = 5};
    int threads = 1;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) goto usage;
        if (strcmp(a, "--census") == 0) census = v;
        else if (strcmp(a, "--config") == 0) config = v;
        else if (strcmp(a, "--dir") == 0) b.dir = v;
        else if (strcmp(a, "--reps") == 0) b.reps = atoi(v);
        else if (strcmp(a, "--threads") == 0) threads = atoi(v);
        else goto usage;
        i++;
    }
    if (!census || b.reps < 1 || b.reps > 64 || threads < 1) goto usage;

    struct pw_err err = {0};
    static struct pw_config cfg;
    static struct pw_tables tables;
    pw_log_set_verbosity(PW_QUIET);
    if (pw_config_load_file(&cfg, config, &err) != 0) return fail(&err);
    snprintf(cfg.census_path, sizeof cfg.census_path, "%s", census);
    cfg.threads = threads;
    if (pw_config_finalize(&cfg, &err) != 0 || pw_tables_load(&tables, cfg.assumptions_directory, &err) != 0)
        return fail(&err);
    struct pw_strpool strings;
    static struct pw_census c;
    pw_strpool_init(&strings);
    pw_strpool_init(&b.read_strings);
    if (pw_census_init(&c, &strings) != 0 || pw_census_read(census, &c, &cfg, &tables, &err) != 0) return fail(&err);
    struct pw_pool *pool = pw_pool_new(threads);
    static struct pw_sim sim;
    if (!pool || pw_sim_init(&sim, &cfg, &tables, &c, pool, &err) != 0) return fail(&err);
    if (pw_checkpoint_id_from_config(&cfg, &b.id) != 0) return 1;
    for (int m = 0; m < MODES; m++) {
        struct pw_checkpoint_options o;
        pw_checkpoint_options_init(&o);
        if (m == 1) o.trial_bytes = 0;
        if (m == 2) o.transforms = false;
        if (pw_checkpoint_writer_new(&b.writer[m], &o, &err) != 0) return fail(&err);
    }
    printf("census %s (%zu in the starting roster), years %d-%d, %d thread(s), %d rep(s), files in %s\n", census,
           sim.wf.count, cfg.start_year, cfg.end_year, threads, b.reps, b.dir);
    printf("MiB = 2^20 bytes; ratio = raw / whole file; ms = median wall time of one write (fsyncs included)\n");
    printf("year     rows    raw MiB | auto: MiB  ratio      ms | full: MiB  ratio      ms | none: MiB  ratio      ms |"
           " read ms |  sim ms\n");
    struct pw_sink sink = {&b, NULL, after_year};
    b.sim_t0 = pw_wall_seconds();
    if (pw_sim_run(&sim, &sink, &err) != 0) return fail(&err);
    for (int m = 0; m < MODES; m++) pw_checkpoint_writer_free(b.writer[m]);
    pw_sim_release(&sim);
    pw_pool_free(pool);
    pw_census_release(&c);
    pw_strpool_release(&strings);
    pw_strpool_release(&b.read_strings);
    return 0;
usage:
    fprintf(stderr, "usage: checkpoint_bench --census FILE [--config YAML] [--dir DIR] [--reps N] [--threads N]\n");
    return 2;
}
