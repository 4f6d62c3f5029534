/* perf.c: the performance monitor. Stages live in an array of pointers (so a
 * registration that grows the array never moves a stage); each stage holds its
 * run totals and one slot per year of the run plus one for calls without a
 * year, all allocated when the stage is registered. One mutex guards it all:
 * a run records a few dozen calls per year, so contention is not a concern. */
#include "core/perf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/err.h"

struct slot {
    uint64_t calls;
    double wall, cpu;          /* seconds */
    uint64_t rows;
    uint64_t rss;              /* peak RSS at the end of the latest call, bytes */
};

struct stage {
    char name[PW_PERF_NAME_MAX + 1];
    struct slot total;
    struct slot *years;        /* [0] = no year, [1 + y - first] = year y */
};

struct pw_perf {
    pthread_mutex_t lock;
    int first_year, last_year;
    int nslots;                /* 1 + number of years */
    struct stage **stages;
    int count, capacity;
};

/* Readers take the lock too; the monitor itself is never a const object (it
 * comes from calloc), so dropping the qualifier to lock it is well defined. */
static pthread_mutex_t *lock_of(const struct pw_perf *p) { return (pthread_mutex_t *)&p->lock; }

/* Slot of year: 0 for no year, 1.. for the run's years, -1 outside the run. */
static int slot_of(const struct pw_perf *p, int year)
{
    if (year == PW_PERF_NO_YEAR) return 0;
    return year >= p->first_year && year <= p->last_year ? 1 + year - p->first_year : -1;
}

struct pw_perf *pw_perf_new(int first_year, int last_year)
{
    if (last_year < first_year || last_year - first_year > 10000) last_year = first_year - 1; /* no per-year detail */
    struct pw_perf *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    if (pthread_mutex_init(&p->lock, NULL) != 0) {
        free(p);
        return NULL;
    }
    p->first_year = first_year;
    p->last_year = last_year;
    p->nslots = 1 + (last_year - first_year + 1);
    return p;
}

void pw_perf_free(struct pw_perf *p)
{
    if (!p) return;
    for (int i = 0; i < p->count; i++) {
        free(p->stages[i]->years);
        free(p->stages[i]);
    }
    free(p->stages);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

static int find(const struct pw_perf *p, const char *name)
{
    for (int i = 0; i < p->count; i++)
        if (strncmp(p->stages[i]->name, name, PW_PERF_NAME_MAX) == 0) return i;
    return -1;
}

int pw_perf_stage(struct pw_perf *p, const char *name)
{
    if (!p) return 0;
    pthread_mutex_lock(&p->lock);
    int id = find(p, name);
    if (id >= 0) goto done;
    if (p->count == p->capacity) {
        int cap = p->capacity ? 2 * p->capacity : 32;
        struct stage **grown = realloc(p->stages, (size_t)cap * sizeof *grown);
        if (!grown) {
            id = PW_ENOMEM;
            goto done;
        }
        p->stages = grown;
        p->capacity = cap;
    }
    struct stage *s = calloc(1, sizeof *s);
    struct slot *years = calloc((size_t)p->nslots, sizeof *years);
    if (!s || !years) {
        free(s);
        free(years);
        id = PW_ENOMEM;
        goto done;
    }
    snprintf(s->name, sizeof s->name, "%s", name);
    s->years = years;
    id = p->count;
    p->stages[p->count++] = s;
done:
    pthread_mutex_unlock(&p->lock);
    return id;
}

struct pw_perf_mark pw_perf_start(void)
{
    struct pw_perf_mark m = {pw_wall_seconds(), pw_cpu_seconds()};
    return m;
}

static void slot_add(struct slot *s, double wall, double cpu, uint64_t rows, uint64_t rss)
{
    s->calls++;
    s->wall += wall;
    s->cpu += cpu;
    s->rows += rows;
    if (rss > s->rss) s->rss = rss;
}

void pw_perf_add(struct pw_perf *p, int stage, int year, double wall, double cpu, uint64_t rows, uint64_t rss)
{
    if (!p) return;
    if (wall < 0) wall = 0;
    if (cpu < 0) cpu = 0;
    pthread_mutex_lock(&p->lock);
    if (stage >= 0 && stage < p->count) {
        struct stage *s = p->stages[stage];
        slot_add(&s->total, wall, cpu, rows, rss);
        int slot = slot_of(p, year);
        if (slot >= 0) slot_add(&s->years[slot], wall, cpu, rows, rss);
    }
    pthread_mutex_unlock(&p->lock);
}

void pw_perf_record(struct pw_perf *p, int stage, int year, struct pw_perf_mark start, uint64_t rows)
{
    if (!p) return;
    double wall = pw_wall_seconds() - start.wall;
    double cpu = pw_cpu_seconds() - start.cpu;
    pw_perf_add(p, stage, year, wall, cpu, rows, pw_peak_rss_bytes());
}

int pw_perf_record_named(struct pw_perf *p, const char *name, int year, struct pw_perf_mark start, uint64_t rows)
{
    if (!p) return 0;
    int id = pw_perf_stage(p, name);
    if (id < 0) return id;
    pw_perf_record(p, id, year, start, rows);
    return 0;
}

int pw_perf_stage_count(const struct pw_perf *p)
{
    if (!p) return 0;
    pthread_mutex_lock(lock_of(p));
    int n = p->count;
    pthread_mutex_unlock(lock_of(p));
    return n;
}

int pw_perf_first_year(const struct pw_perf *p) { return p ? p->first_year : 0; }
int pw_perf_last_year(const struct pw_perf *p) { return p ? p->last_year : -1; }

static void fill(const struct stage *s, const struct slot *slot, int year, struct pw_perf_stat *out)
{
    out->name = s->name;
    out->year = year;
    out->calls = slot->calls;
    out->wall_seconds = slot->wall;
    out->cpu_seconds = slot->cpu;
    out->rows = slot->rows;
    out->peak_rss_bytes = slot->rss;
}

bool pw_perf_total(const struct pw_perf *p, int stage, struct pw_perf_stat *out)
{
    if (!p) return false;
    pthread_mutex_lock(lock_of(p));
    bool ok = stage >= 0 && stage < p->count;
    if (ok) fill(p->stages[stage], &p->stages[stage]->total, PW_PERF_NO_YEAR, out);
    pthread_mutex_unlock(lock_of(p));
    return ok;
}

bool pw_perf_year(const struct pw_perf *p, int stage, int year, struct pw_perf_stat *out)
{
    if (!p) return false;
    pthread_mutex_lock(lock_of(p));
    int slot = slot_of(p, year);
    bool ok = stage >= 0 && stage < p->count && slot >= 0 && p->stages[stage]->years[slot].calls > 0;
    if (ok) fill(p->stages[stage], &p->stages[stage]->years[slot], year, out);
    pthread_mutex_unlock(lock_of(p));
    return ok;
}
