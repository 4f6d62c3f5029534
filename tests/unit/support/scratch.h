/* scratch.h: a temporary folder per test program, for tests that read files:
 * create it in the group setup, write named files into it, remove it in the
 * group teardown. */
#ifndef PW_TEST_SCRATCH_H
#define PW_TEST_SCRATCH_H

extern char pw_test_dir[64];   /* the folder, "" before pw_test_scratch_create */

/* Creates /tmp/<prefix>_XXXXXX; 0 or -1 (cmocka group setup convention). */
int pw_test_scratch_create(const char *prefix);
/* Removes the folder and everything in it; 0 or -1. */
int pw_test_scratch_remove(void);
/* <folder>/<name>; the result stays valid for the next three calls. */
const char *pw_test_path(const char *name);
/* Writes text to <folder>/<name> (asserting success) and returns the path. */
const char *pw_test_write_file(const char *name, const char *text);

#endif
