/* config_fixture.c: the helpers declared in config_fixture.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config_fixture.h"
#include "core/log.h"
#include "io/yaml_config.h"

struct pw_config cfg;
struct pw_err err;

int load(const char *yaml)
{
    memset(&err, 0, sizeof err);
    return pw_config_load_text(&cfg, yaml, strlen(yaml), "t.yaml", "", &err);
}

/* Loads yaml expecting an error whose message contains want. */
void expect_error(const char *yaml, const char *want)
{
    int rc = load(yaml);
    if (rc == 0 || !strstr(err.msg, want)) {
        print_error("yaml:\n%s\nrc=%d msg='%s'\nwanted '%s'\n", yaml, rc, err.msg, want);
        fail();
    }
    assert_int_equal(rc, PW_ECONFIG);
}

/* stderr capture: everything written between begin and end lands in buf. */
static int saved_fd = -1;
static FILE *capture_file;

void capture_begin(void)
{
    fflush(stderr);
    capture_file = tmpfile();
    assert_non_null(capture_file);
    saved_fd = dup(2);
    dup2(fileno(capture_file), 2);
    pw_log_set_verbosity(PW_NORMAL);
}

char *capture_end(void)
{
    fflush(stderr);
    pw_log_set_verbosity(PW_QUIET);
    dup2(saved_fd, 2);
    close(saved_fd);
    long n = ftell(capture_file);
    char *buf = calloc(1, (size_t)(n > 0 ? n : 0) + 1);
    rewind(capture_file);
    if (n > 0) assert_int_equal(fread(buf, 1, (size_t)n, capture_file), (size_t)n);
    fclose(capture_file);
    return buf;
}

int count_lines(const char *s)
{
    int n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

char *dump(const struct pw_config *c)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(pw_config_write_yaml(c, f), 0);
    long n = ftell(f);
    char *buf = calloc(1, (size_t)n + 1);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}
