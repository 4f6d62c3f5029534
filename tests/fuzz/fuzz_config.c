/* fuzz_config.c: fuzz target for the YAML configuration loader (io/yaml_config.h).
 *
 * Input: byte 0 selects how the rest is used:
 *   mode 0  the rest is one configuration text, loaded with pw_config_load_text.
 *           When it loads, the YAML that `config show` prints for it must load
 *           again and describe the same simulation (equal pw_config_hash): the
 *           printed form is what users save and rerun, and what checkpoints hash.
 *   mode 1  the rest is cut at form feeds into up to four files, a base and its
 *           scenario overlays, loaded by pw_config_load_layers and by the
 *           collecting variant `planwise validate` uses. Both must agree on
 *           whether the files are valid, and every reported problem must carry
 *           a message.
 * Anything else must be refused with an error, never crash, leak or hang. A
 * broken property aborts, so the drivers report it like a crash. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"
#include "fuzz.h"
#include "io/yaml_config.h"

#define MAX_LAYERS 4

static char dir[] = "/tmp/pw-fuzz-config-XXXXXX";
static char paths[MAX_LAYERS][64];
static struct pw_config cfg, again;   /* large: off the stack */

static void remove_files(void)
{
    for (int i = 0; i < MAX_LAYERS; i++) unlink(paths[i]);
    rmdir(dir);
}

static void setup(void)
{
    static int done;
    if (done) return;
    done = 1;
    pw_log_set_verbosity(PW_QUIET);   /* unknown-key warnings are expected here */
    if (!mkdtemp(dir)) abort();
    for (int i = 0; i < MAX_LAYERS; i++) snprintf(paths[i], sizeof paths[i], "%s/layer%d.yaml", dir, i);
    atexit(remove_files);
}

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_config: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    abort();
}

/* Mode 0: load, print, load the printed text, compare. */
static void round_trip(const char *text, size_t len)
{
    struct pw_err err = {0};
    if (pw_config_load_text(&cfg, text, len, "fuzz.yaml", "", &err) != 0) {
        if (!err.msg[0]) fail("a refused configuration has no message", NULL);
        return;
    }
    char *shown = NULL;
    size_t shown_len = 0;
    FILE *out = open_memstream(&shown, &shown_len);
    if (!out) return;
    int rc = pw_config_write_yaml(&cfg, out);
    fclose(out);
    if (rc != 0) fail("config show failed on a loaded configuration", NULL);
    if (pw_config_load_text(&again, shown, shown_len, "shown.yaml", "", &err) != 0) {
        fprintf(stderr, "%s\n", shown);
        fail("the printed configuration does not load again", err.msg);
    }
    uint8_t h1[20], h2[20];
    if (pw_config_hash(&cfg, h1) != 0 || pw_config_hash(&again, h2) != 0) fail("cannot hash", NULL);
    if (memcmp(h1, h2, sizeof h1) != 0) {
        fprintf(stderr, "%s\n", shown);
        fail("the printed configuration describes another simulation", NULL);
    }
    free(shown);
}

static int problems;
static void count_problem(void *ctx, const struct pw_err *problem)
{
    (void)ctx;
    if (!problem->msg[0]) fail("a configuration problem has no message", NULL);
    problems++;
}

/* Mode 1: the layers through files, stopping and collecting. */
static void layers(const char *text, size_t len)
{
    const char *list[MAX_LAYERS];
    int n = 0;
    for (size_t start = 0; n < MAX_LAYERS;) {
        size_t end = start;
        while (end < len && (text[end] != '\f' || n == MAX_LAYERS - 1)) end++;
        FILE *f = fopen(paths[n], "wb");
        if (!f) return;
        if (end > start && fwrite(text + start, 1, end - start, f) != end - start) abort();
        fclose(f);
        list[n] = paths[n];
        n++;
        if (end >= len) break;
        start = end + 1;
    }
    struct pw_err err = {0};
    int stop = pw_config_load_layers(&cfg, list, n, &err);
    if (stop != 0 && !err.msg[0]) fail("a refused configuration has no message", NULL);
    problems = 0;
    int each = pw_config_load_layers_each(&again, list, n, count_problem, NULL, &err);
    if ((stop == 0) != (each == 0)) {
        fprintf(stderr, "stopping load %d, collecting load %d (%s)\n", stop, each, err.msg);
        fail("the two loaders disagree", NULL);
    }
    if ((each == 0) != (problems == 0)) fail("the collecting loader's result does not match its problems", NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1) return 0;
    /* The loader takes a length, but keep a NUL after the text as files have. */
    char *text = malloc(size);
    if (!text) return 0;
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (data[0] % 2 == 0) round_trip(text, size - 1);
    else layers(text, size - 1);
    free(text);
    return 0;
}

/* A configuration that sets keys of every kind: scalars, dates, MM-DD days,
 * level maps, enums, a formula table and a core schedule. */
static const char seed_text[] =
    "scenario_id: fuzz_seed\n"
    "simulation:\n"
    "  start_year: 2025\n"
    "  end_year: 2027\n"
    "  random_seed: 7\n"
    "  random_seed_hiring: 11\n"
    "  target_growth_rate: 0.05\n"
    "setup:\n"
    "  plan_year_end_date: '2024-12-31'\n"
    "workforce:\n"
    "  total_termination_rate: 0.10\n"
    "  new_hire_termination_rate: 0.20\n"
    "  new_hire_level_distribution: {1: 0.5, 2: 0.3, 3: 0.2}\n"
    "termination:\n"
    "  selection: uniform\n"
    "compensation:\n"
    "  cola_rate: 0.025\n"
    "  merit_budget: 0.03\n"
    "  promotion_compensation:\n"
    "    distribution_type: normal\n"
    "    level_overrides: {2: 0.18}\n"
    "event_calendar:\n"
    "  promotion: '03-01'\n"
    "  merit: '06-15'\n"
    "raise_timing:\n"
    "  methodology: realistic\n"
    "new_hire_compensation:\n"
    "  percentile_strategy:\n"
    "    default_percentile: 0.40\n"
    "plan_eligibility:\n"
    "  minimum_age: 18\n"
    "  waiting_period_days: 90\n"
    "enrollment:\n"
    "  auto_enrollment:\n"
    "    scope: all_eligible_employees\n"
    "    hire_date_cutoff: null\n"
    "    opt_out_rates:\n"
    "      by_age: {young: 0.2, senior: 0.01}\n"
    "  year_over_year_conversion:\n"
    "    timing: {enrollment_month: 3, enrollment_day: 31}\n"
    "employer_match:\n"
    "  active_formula: my_match\n"
    "  formulas:\n"
    "    my_match:\n"
    "      type: tiered\n"
    "      tiers:\n"
    "        - {employee_min: 0.0, employee_max: 0.04, match_rate: 1.0}\n"
    "        - {employee_min: 0.04, employee_max: 0.06, match_rate: 0.5}\n"
    "      max_match_percentage: 0.05\n"
    "      vesting_schedule: cliff_3\n"
    "employer_core_contribution:\n"
    "  status: graded_by_service\n"
    "  graded_schedule:\n"
    "    - {min_years: 0, max_years: 5, rate: 0.02}\n"
    "    - {min_years: 5, max_years: null, rate: 0.04}\n"
    "deferral_auto_escalation:\n"
    "  effective_day: '04-01'\n"
    "  maximum_rate: 0.12\n"
    "vesting:\n"
    "  match_schedule: graded_5\n"
    "unknown_section:\n"
    "  key: 1\n";

size_t pw_fuzz_seed(uint8_t **out)
{
    size_t n = sizeof seed_text - 1;
    *out = malloc(n + 1);
    if (!*out) return 0;
    (*out)[0] = 0;
    memcpy(*out + 1, seed_text, n);
    return n + 1;
}
