/* test_config_texts.c: unit tests of loading configuration texts from memory
 * (pw_config_load_texts, how `planwise compare` loads the YAML a run stored in
 * run_metadata) and of the census.columns block being a known key.
 *
 * Run from the repository root: fixtures are read from tests/data/config/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/log.h"
#include "io/yaml_config.h"
#include "model/config.h"
#include "model/config_keys.h"

static struct pw_config cfg, from_files;
static struct pw_err err;

static char *read_all(const char *path, size_t *len)
{
    char *text = NULL;
    struct pw_err e = {0};
    assert_int_equal(pw_config_read_text(path, &text, len, &e), 0);
    return text;
}

/* The texts of a base and an overlay load as the files do; only relative paths differ
 * (left as written, since a stored text has no folder). */
static void test_texts_merge_as_files_do(void **state)
{
    (void)state;
    const char *paths[] = {"tests/data/config/overlay/base.yaml", "tests/data/config/overlay/scen/overlay.yaml"};
    size_t lens[2];
    char *texts[2] = {read_all(paths[0], &lens[0]), read_all(paths[1], &lens[1])};
    const char *names[] = {"base.yaml", "overlay.yaml"};
    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_load_texts(&cfg, (const char *const *)texts, lens, names, 2, &err), 0);
    assert_int_equal(pw_config_load_layers(&from_files, paths, 2, &err), 0);
    assert_true(cfg.random_seed == 7);             /* base only */
    assert_true(cfg.target_growth_rate == 0.05);   /* overlay wins */
    assert_true(cfg.new_hire_level_distribution.value[1] == 0.6 && cfg.new_hire_level_distribution.value[2] == 0.5);
    assert_int_equal(cfg.plan.graded_count, 1);    /* a list replaces the base's whole */
    assert_string_equal(cfg.census_path, "other.csv");
    assert_string_equal(from_files.census_path, "tests/data/config/overlay/scen/other.csv");
    /* Apart from the paths, the two loads are the same configuration. */
    snprintf(cfg.census_path, sizeof cfg.census_path, "%s", from_files.census_path);
    uint8_t a[20], b[20];
    assert_int_equal(pw_config_hash(&cfg, a), 0);
    assert_int_equal(pw_config_hash(&from_files, b), 0);
    assert_memory_equal(a, b, sizeof a);

    /* One text alone is the base; an empty text is the defaults. */
    assert_int_equal(pw_config_load_texts(&cfg, (const char *const *)texts, lens, names, 1, &err), 0);
    assert_int_equal(cfg.plan.graded_count, 2);
    const char *empty = "";
    size_t zero = 0;
    struct pw_config defaults;
    pw_config_init_defaults(&defaults);
    assert_int_equal(pw_config_finalize(&defaults, &err), 0);
    assert_int_equal(pw_config_load_texts(&cfg, &empty, &zero, names, 1, &err), 0);
    assert_int_equal(pw_config_hash(&cfg, a), 0);
    assert_int_equal(pw_config_hash(&defaults, b), 0);
    assert_memory_equal(a, b, sizeof a);
    free(texts[0]);
    free(texts[1]);
}

/* Errors name the text's display name and the line in that text. */
static void test_texts_errors_name_the_layer(void **state)
{
    (void)state;
    const char *texts[] = {"simulation:\n  random_seed: 7\n", "# overlay\nworkforce:\n  total_termination_rate: 2\n"};
    size_t lens[] = {strlen(texts[0]), strlen(texts[1])};
    const char *names[] = {"stored.yaml", "design.yaml"};
    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_load_texts(&cfg, texts, lens, names, 2, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "design.yaml:3: 'workforce.total_termination_rate' must be in [0, 1]"));
    assert_int_equal(pw_config_load_texts(&cfg, texts, lens, names, 0, &err), PW_ECONFIG);
    assert_int_equal(pw_config_load_texts(&cfg, texts, lens, names, PW_CONFIG_LAYERS_MAX + 1, &err), PW_ECONFIG);
}

/* census.columns is known (read by the census mapping); other keys under census are not. */
static void test_census_columns_block(void **state)
{
    (void)state;
    assert_true(pw_config_key_is_section("census"));
    assert_int_equal(pw_config_key_classify("census.columns"), PW_KEY_IGNORED);
    assert_int_equal(pw_config_key_classify("census.columns.employee_id"), PW_KEY_IGNORED);
    assert_int_equal(pw_config_key_classify("census.colums"), PW_KEY_UNKNOWN);
    const char *names[] = {"c.yaml"};
    const char *good = "census:\n  columns:\n    employee_id: Staff No\n    employee_birth_date: Birth\n";
    size_t len = strlen(good);
    unsigned long warnings = pw_log_warning_count();
    memset(&err, 0, sizeof err);
    assert_int_equal(pw_config_load_texts(&cfg, &good, &len, names, 1, &err), 0);
    assert_int_equal(pw_log_warning_count(), warnings);
    const char *typo = "census:\n  colums:\n    employee_id: Staff No\n";
    len = strlen(typo);
    assert_int_equal(pw_config_load_texts(&cfg, &typo, &len, names, 1, &err), 0);
    assert_int_equal(pw_log_warning_count(), warnings + 1);
    const char *scalar = "census: client.csv\n";
    len = strlen(scalar);
    assert_int_equal(pw_config_load_texts(&cfg, &scalar, &len, names, 1, &err), PW_ECONFIG);
    assert_non_null(strstr(err.msg, "c.yaml:1: 'census' must be a mapping of keys"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_texts_merge_as_files_do),
        cmocka_unit_test(test_texts_errors_name_the_layer),
        cmocka_unit_test(test_census_columns_block),
    };
    pw_log_set_verbosity(PW_QUIET); /* warnings are counted, not shown */
    return cmocka_run_group_tests(tests, NULL, NULL);
}
