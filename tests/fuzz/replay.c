/* replay.c: a driver for the fuzz targets that needs no libFuzzer, so the
 * targets run under gcc and the sanitizer builds.
 *
 *   fuzz_<name> [-n N] [FILE|DIR]...
 *
 * Runs the target once on every FILE (and every regular file in every DIR:
 * crash reproducers, a corpus), then on N inputs made from the target's seed
 * (pw_fuzz_seed) by deterministic random edits: byte flips, overwrites,
 * truncations, insertions, duplicated ranges. Prints the number of inputs run.
 * A crash or sanitizer report ends the process with a non-zero status. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static size_t runs;

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "replay: cannot open '%s'\n", path);
        return 1;
    }
    size_t cap = 1 << 16, n = 0;
    uint8_t *buf = malloc(cap);
    for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) {
            uint8_t *p = realloc(buf, cap *= 2);
            if (!p) break;
            buf = p;
        }
    }
    fclose(f);
    if (!buf) return 1;
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    runs++;
    return 0;
}

static int run_path(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "replay: cannot open '%s'\n", path);
        return 1;
    }
    if (!S_ISDIR(st.st_mode)) return run_file(path);
    DIR *d = opendir(path);
    if (!d) return 1;
    int rc = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) rc |= run_file(p);
    }
    closedir(d);
    return rc;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static void mutate_runs(long n)
{
    uint8_t *seed;
    size_t len = pw_fuzz_seed(&seed);
    if (!len) return;
    uint8_t *buf = malloc(2 * len + 64);
    if (!buf) return;
    for (long i = 0; i < n; i++) {
        size_t m = len;
        memcpy(buf, seed, len);
        int edits = 1 + (int)(next() % 4);
        for (int e = 0; e < edits && m > 1; e++) {
            size_t at = 1 + next() % (m - 1);   /* byte 0 selects the target's mode: keep it */
            switch (next() % 6) {
            case 0: buf[at] ^= (uint8_t)(1u << (next() % 8)); break;
            case 1: buf[at] = (uint8_t)next(); break;
            case 2: m = at; break;
            case 3:
                if (m < 2 * len) {
                    memmove(buf + at + 1, buf + at, m - at);
                    buf[at] = (uint8_t)next();
                    m++;
                }
                break;
            case 4: {
                size_t k = next() % 16;
                for (size_t j = 0; j < k && at + j < m; j++) buf[at + j] = 0xff;
                break;
            }
            default: {
                size_t from = next() % m, k = next() % 64;
                if (k > m - from) k = m - from;
                if (k > m - at) k = m - at;
                memmove(buf + at, buf + from, k);
                break;
            }
            }
        }
        buf[0] = (uint8_t)i;   /* cycle through the target's modes */
        LLVMFuzzerTestOneInput(buf, m);
        runs++;
    }
    free(buf);
    free(seed);
}

int main(int argc, char **argv)
{
    long n = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) n = strtol(argv[++i], NULL, 10);
        else rc |= run_path(argv[i]);
    }
    mutate_runs(n);
    printf("%s: %zu inputs\n", argv[0], runs);
    return rc;
}
