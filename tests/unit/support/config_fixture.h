/* config_fixture.h: shared helpers of the configuration unit tests
 * (test_config.c, test_plan_config.c): load a YAML text into a config, expect
 * an error message, capture stderr, dump the effective configuration. */
#ifndef PW_TEST_CONFIG_FIXTURE_H
#define PW_TEST_CONFIG_FIXTURE_H

#include "model/config.h"

extern struct pw_config cfg;   /* the configuration the last load() filled */
extern struct pw_err err;      /* its error, if any */

int load(const char *yaml);
/* Loads yaml expecting PW_ECONFIG with a message that contains want. */
void expect_error(const char *yaml, const char *want);
/* Everything written to stderr between begin and end is returned (free() it). */
void capture_begin(void);
char *capture_end(void);
int count_lines(const char *s);
/* The YAML `config show` prints for c (free() it). */
char *dump(const struct pw_config *c);

#endif
