/* scratch.c: the per-program temporary folder of scratch.h. */
#define _XOPEN_SOURCE 700   /* nftw */
#include "scratch.h"

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

char pw_test_dir[64];

int pw_test_scratch_create(const char *prefix)
{
    snprintf(pw_test_dir, sizeof pw_test_dir, "/tmp/%s_XXXXXX", prefix);
    return mkdtemp(pw_test_dir) ? 0 : -1;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

int pw_test_scratch_remove(void)
{
    if (!pw_test_dir[0]) return 0;
    return nftw(pw_test_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS) == 0 ? 0 : -1;
}

const char *pw_test_path(const char *name)
{
    static char buf[4][512];
    static int next;
    char *p = buf[next++ % 4];
    snprintf(p, sizeof buf[0], "%s/%s", pw_test_dir, name);
    return p;
}

const char *pw_test_write_file(const char *name, const char *text)
{
    const char *p = pw_test_path(name);
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    return p;
}
