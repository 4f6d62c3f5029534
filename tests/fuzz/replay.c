/* replay.c: a driver for the fuzz targets that needs no libFuzzer, so the
 * targets run under gcc and the sanitizer builds.
 *
 *   fuzz_<name> [-n N] [-t SECONDS] [FILE|DIR]...
 *
 * Runs the target once on every FILE (and every regular file in every DIR:
 * crash reproducers, a corpus), then on up to N inputs made by deterministic
 * random edits (byte flips, overwrites, truncations, insertions, duplicated
 * ranges) of the target's seed (pw_fuzz_seed) and of the files it ran: the
 * seed's edits cycle byte 0 through the target's modes, a file's edits keep
 * its byte 0, so a corpus entry is mutated in the mode it was written for.
 * -t stops the edits after SECONDS of wall time, which bounds `make fuzz`
 * however slow a target is. Prints the number of inputs run. A crash or
 * sanitizer report ends the process with a non-zero status; on a fatal signal
 * (sanitizers raise one with ASAN_OPTIONS=abort_on_error=1) the input being
 * run is first written to <program>.crash, ready to replay. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fuzz.h"

static size_t runs;

/* The input being run, for the fatal-signal handler. */
static const uint8_t *volatile current;
static volatile size_t current_size;
static char crash_path[4096];

static void on_fatal(int sig)
{
    int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        const uint8_t *p = current;
        for (size_t n = current_size, k; p && n > 0; p += k, n -= k) {
            ssize_t w = write(fd, p, n);
            if (w <= 0) break;
            k = (size_t)w;
        }
        close(fd);
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void run_one(const uint8_t *data, size_t size)
{
    current = data, current_size = size;
    LLVMFuzzerTestOneInput(data, size);
    current = NULL, current_size = 0;
    runs++;
}

/* Files run from the command line, kept as bases for the edits. */
#define MAX_BASES 256
#define MAX_BASE_SIZE (1u << 16)
static struct {
    uint8_t *p;
    size_t n;
} bases[MAX_BASES];
static size_t base_count;

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
    run_one(buf, n);
    if (n >= 2 && n <= MAX_BASE_SIZE && base_count < MAX_BASES) {
        bases[base_count].p = buf;
        bases[base_count++].n = n;
    } else {
        free(buf);
    }
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
    /* In name order, so the edits made from the files are the same everywhere. */
    struct dirent **names;
    int count = scandir(path, &names, NULL, alphasort);
    if (count < 0) return 1;
    int rc = 0;
    for (int i = 0; i < count; i++) {
        if (names[i]->d_name[0] != '.') {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", path, names[i]->d_name);
            if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) rc |= run_file(p);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return rng;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static void mutate_runs(long n, double seconds)
{
    uint8_t *seed;
    size_t seed_len = pw_fuzz_seed(&seed), cap = seed_len;
    for (size_t b = 0; b < base_count; b++)
        if (bases[b].n > cap) cap = bases[b].n;
    if (!cap) return;
    uint8_t *buf = malloc(2 * cap + 64);
    if (!buf) return;
    const double deadline = seconds > 0 ? now() + seconds : 0;
    for (long i = 0; i < n; i++) {
        if (deadline > 0 && now() > deadline) break;
        /* Without files every edit starts from the seed, as it always did. */
        bool from_seed = seed_len && (base_count == 0 || i % 2 == 0);
        long turn = base_count && seed_len ? i / 2 : i;
        const uint8_t *base = from_seed ? seed : bases[turn % (long)base_count].p;
        size_t len = from_seed ? seed_len : bases[turn % (long)base_count].n, m = len;
        memcpy(buf, base, len);
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
        if (from_seed) buf[0] = (uint8_t)turn;   /* cycle through the target's modes */
        run_one(buf, m);
    }
    free(buf);
    free(seed);
}

int main(int argc, char **argv)
{
    snprintf(crash_path, sizeof crash_path, "%s.crash", argv[0]);
    static const int fatal[] = {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL};
    for (size_t i = 0; i < sizeof fatal / sizeof fatal[0]; i++) signal(fatal[i], on_fatal);
    long n = 0;
    double seconds = 0;
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-n") == 0 && i + 1 < argc) n = strtol(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "-t") == 0 && i + 1 < argc) seconds = strtod(argv[++i], NULL);
        else rc |= run_path(argv[i]);
    }
    size_t from_files = runs;
    mutate_runs(n, seconds);
    printf("%s: %zu inputs (%zu files, %zu edits)\n", argv[0], runs, from_files, runs - from_files);
    for (size_t b = 0; b < base_count; b++) free(bases[b].p);
    return rc;
}
