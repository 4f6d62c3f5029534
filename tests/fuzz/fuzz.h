/* fuzz.h: the interface between a fuzz target (tests/fuzz/fuzz_<name>.c) and
 * the drivers: libFuzzer (clang -fsanitize=fuzzer links its own main) or the
 * replay driver tests/fuzz/replay.c, which works under gcc. */
#ifndef PW_TEST_FUZZ_H
#define PW_TEST_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* Runs one input; must not crash, leak or hang whatever the bytes. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A valid input to start mutations from (malloc'd, the driver frees it); used by
 * the replay driver's -n mode. Returns its size, 0 when there is none. */
size_t pw_fuzz_seed(uint8_t **out);

#endif
