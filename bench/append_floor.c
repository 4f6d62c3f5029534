/* append_floor.c: the floor for writing planwise outputs. Creates the output
 * tables of src/io/output_schema.c (pw_output_ddl) in a fresh DuckDB file and
 * commits them, like `planwise run`; then, in one transaction, appends the given
 * numbers of event and snapshot rows through pw_table_writer (same column types,
 * value shapes like a real run: employee ids 'EMP_000123' / 'NH_2025_000001',
 * band labels, event_details of 40-61 characters, cents-rounded doubles, dates,
 * UUIDs), commits and closes the database. Every value is prepared before the
 * clock starts, so the time is DuckDB's append + commit + close (checkpoint) plus
 * the pw_tw_* calls that fill the chunks (about 0.07 s per 830,000 rows).
 *
 *   append_floor --events N --snapshots N [--years Y] [--threads T] [--db FILE]
 *                [--exec SQL]... [--keep] [--ddl-in-transaction]
 *
 * Built by bench/run.sh (cc, linked against build/<dir>/libplanwise.a). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/date.h"
#include "core/err.h"
#include "io/db.h"
#include "io/output.h"
#include "io/output_schema.h"
#include "io/table_writer.h"

#define POOL 1048576u   /* 2^20 prepared values per column, read in row order */
#define POOL_MASK (POOL - 1u)
#define MAX_EXEC 16

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static double unit(uint64_t *s) { return (double)(splitmix(s) >> 11) * 0x1.0p-53; }
static double cents(double v) { return (double)(int64_t)(v * 100.0 + 0.5) / 100.0; }

struct str { char s[64]; unsigned char len; };

/* One row's worth of everything that varies, chosen per row by index. */
struct pools {
    uint8_t (*uuid)[16];
    double *comp, *prev_comp, *prob;
    int32_t *date_in_year;        /* day offset inside a year */
    uint8_t *age, *tenure, *level, *etype;
    struct str *details;          /* POOL strings */
    struct str *ssn;              /* POOL strings */
    pw_date *birth, *hire;
    double *hours;
};

static const char *const age_bands[] = {"< 25", "25-34", "35-44", "45-54", "55-64", "65+"};
static const char *const tenure_bands[] = {"< 2", "2-4", "5-9", "10-19", "20+"};

static unsigned age_band(int age)
{
    return age < 25 ? 0 : age < 35 ? 1 : age < 45 ? 2 : age < 55 ? 3 : age < 65 ? 4 : 5;
}
static unsigned tenure_band(int t) { return t < 2 ? 0 : t < 5 ? 1 : t < 10 ? 2 : t < 20 ? 3 : 4; }

/* Event mix of a real run: 67% raise, 16% hire, 14% termination, 3% promotion.
 * Schema ENUM indices: event_type hire=0 promotion=5 raise=6 termination=8;
 * event_category hire=0 experienced_termination=1 new_hire_termination=2
 * promotion=3 raise=4. */
enum { EV_RAISE, EV_HIRE, EV_TERM, EV_NH_TERM, EV_PROMO };
static const unsigned ev_type_enum[] = {6, 0, 8, 8, 5};
static const unsigned ev_cat_enum[] = {4, 0, 1, 2, 3};

static int pools_make(struct pools *p)
{
    p->uuid = malloc(POOL * sizeof *p->uuid);
    p->comp = malloc(POOL * sizeof *p->comp);
    p->prev_comp = malloc(POOL * sizeof *p->prev_comp);
    p->prob = malloc(POOL * sizeof *p->prob);
    p->date_in_year = malloc(POOL * sizeof *p->date_in_year);
    p->age = malloc(POOL);
    p->tenure = malloc(POOL);
    p->level = malloc(POOL);
    p->etype = malloc(POOL);
    p->details = malloc(POOL * sizeof *p->details);
    p->ssn = malloc(POOL * sizeof *p->ssn);
    p->birth = malloc(POOL * sizeof *p->birth);
    p->hire = malloc(POOL * sizeof *p->hire);
    p->hours = malloc(POOL * sizeof *p->hours);
    if (!p->uuid || !p->comp || !p->prev_comp || !p->prob || !p->date_in_year || !p->age || !p->tenure ||
        !p->level || !p->etype || !p->details || !p->ssn || !p->birth || !p->hire || !p->hours)
        return -1;
    static const double merit[] = {0.027222, 0.031111, 0.035, 0.038889, 0.042778};
    uint64_t s = 42;
    for (uint32_t i = 0; i < POOL; i++) {
        for (int b = 0; b < 16; b += 8) {
            uint64_t r = splitmix(&s);
            memcpy(p->uuid[i] + b, &r, 8);
        }
        p->uuid[i][6] = (uint8_t)((p->uuid[i][6] & 0x0F) | 0x50);   /* version 5 */
        p->uuid[i][8] = (uint8_t)((p->uuid[i][8] & 0x3F) | 0x80);   /* RFC 4122 variant */
        int level = 1 + (int)(unit(&s) * unit(&s) * 5.0);
        double base = 50000.0 * (1 << (level - 1)) * (0.8 + 0.5 * unit(&s));
        double r = unit(&s);
        int et = r < 0.67 ? EV_RAISE : r < 0.83 ? EV_HIRE : r < 0.90 ? EV_TERM : r < 0.97 ? EV_NH_TERM : EV_PROMO;
        int age = 20 + (int)(unit(&s) * 46.0), tenure = (int)(unit(&s) * (age - 18) * 0.6);
        p->level[i] = (uint8_t)level;
        p->etype[i] = (uint8_t)et;
        p->age[i] = (uint8_t)age;
        p->tenure[i] = (uint8_t)tenure;
        p->comp[i] = cents(base * 1.05);
        p->prev_comp[i] = cents(base);
        p->prob[i] = et == EV_RAISE || et == EV_HIRE ? 1.0 : 0.01 + 0.2 * unit(&s);
        p->date_in_year[i] = et == EV_RAISE ? 195 : (int32_t)(unit(&s) * 365.0);
        struct str *d = &p->details[i];
        int n;
        switch (et) {
        case EV_RAISE:
            n = snprintf(d->s, sizeof d->s, "merit_rate=%.6f;cola_rate=0.020000;timing=calendar_driven", merit[level - 1]);
            break;
        case EV_HIRE:
            n = snprintf(d->s, sizeof d->s, "level=%d;hours_per_week=40;age_at_hire=%d", level, 22 + (int)(unit(&s) * 6) * 5);
            break;
        case EV_TERM: n = snprintf(d->s, sizeof d->s, "reason=experienced_termination;selection=hazard_weighted"); break;
        case EV_NH_TERM: n = snprintf(d->s, sizeof d->s, "reason=new_hire_termination;selection=random"); break;
        default:
            n = snprintf(d->s, sizeof d->s, "from_level=%d;to_level=%d;raise_pct=%.6f", level, level + 1,
                         0.1 + 0.1 * unit(&s));
        }
        d->len = (unsigned char)n;
        struct str *ss = &p->ssn[i];
        if (unit(&s) < 0.62)
            ss->len = (unsigned char)snprintf(ss->s, sizeof ss->s, "9%02d-%02d-%04d", (int)(unit(&s) * 100),
                                              (int)(unit(&s) * 100), (int)(unit(&s) * 10000));
        else
            ss->len = 0;   /* NULL */
        p->birth[i] = pw_date_from_ymd(1960 + (int)(unit(&s) * 45), 1, 1) + (int)(unit(&s) * 365);
        p->hire[i] = pw_date_from_ymd(2000 + (int)(unit(&s) * 24), 1, 1) + (int)(unit(&s) * 365);
        p->hours[i] = unit(&s) < 0.05 ? 20.0 + (int)(unit(&s) * 11) : 40.0;
    }
    return 0;
}

/* Employee ids: the census roster (shared by every year, EMP_000001...) and each
 * year's new hires (NH_2025_000001...); the last sixth of a year's rows are hires. */
struct id { char s[15]; unsigned char len; };
struct ids {
    size_t per_year, roster;
    struct id *emp;       /* roster ids */
    struct id **nh;       /* per year: hire ids */
};

static int make_ids(struct ids *d, size_t per_year, int years, int first_year)
{
    d->per_year = per_year;
    d->roster = per_year - per_year / 6;
    d->emp = malloc((d->roster + 1) * sizeof *d->emp);
    d->nh = calloc((size_t)years, sizeof *d->nh);
    if (!d->emp || !d->nh) return -1;
    for (size_t i = 0; i < d->roster; i++)
        d->emp[i].len = (unsigned char)snprintf(d->emp[i].s, sizeof d->emp[i].s, "EMP_%06zu", (i + 1) % 10000000);
    for (int y = 0; y < years; y++) {
        size_t n = per_year - d->roster;
        if (!(d->nh[y] = malloc((n + 1) * sizeof *d->nh[y]))) return -1;
        for (size_t i = 0; i < n; i++)
            d->nh[y][i].len = (unsigned char)snprintf(d->nh[y][i].s, sizeof d->nh[y][i].s, "NH_%04d_%06zu",
                                                      first_year + y, (i + 1) % 1000000);
    }
    return 0;
}

static const struct id *id_of(const struct ids *d, int y, size_t i)
{
    return i < d->roster ? &d->emp[i] : &d->nh[y][i - d->roster];
}

static uint32_t mix(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (uint32_t)x;
}

static int append_events(struct pw_table_writer *w, const struct pools *p, const struct ids *ids, int y, size_t n_ids,
                         size_t count, size_t first, int year, struct pw_err *err)
{
    static const char sid[] = "default";
    pw_date y0 = pw_year_start(year);
    for (size_t i = 0; i < count; i++) {
        uint32_t k = (uint32_t)(first + i) & POOL_MASK;   /* sequential: no cache misses of our own */
        size_t e = n_ids ? i * n_ids / count : 0;   /* events in employee order, ~1.5 per employee */
        int et = p->etype[k];
        pw_tw_varchar(w, 0, sid, sizeof sid - 1);
        pw_tw_uuid(w, 1, p->uuid[k]);
        const struct id *id = id_of(ids, y, e);
        pw_tw_varchar(w, 2, id->s, id->len);
        pw_tw_enum(w, 3, ev_type_enum[et]);
        pw_tw_enum(w, 4, ev_cat_enum[et]);
        pw_tw_int(w, 5, year);
        pw_tw_date(w, 6, y0 + p->date_in_year[k]);
        pw_tw_int(w, 7, 1 + (int)(k & 1));
        pw_tw_double(w, 8, p->comp[k]);
        pw_tw_double(w, 9, p->prev_comp[k]);
        pw_tw_null(w, 10);
        pw_tw_null(w, 11);
        pw_tw_int(w, 12, p->level[k]);
        pw_tw_int(w, 13, p->age[k]);
        pw_tw_int(w, 14, p->tenure[k]);
        pw_tw_str(w, 15, age_bands[age_band(p->age[k])]);
        pw_tw_str(w, 16, tenure_bands[tenure_band(p->tenure[k])]);
        pw_tw_double(w, 17, p->prob[k]);
        pw_tw_varchar(w, 18, p->details[k].s, p->details[k].len);
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

static int append_snapshot(struct pw_table_writer *w, const struct pools *p, const struct ids *ids, int y,
                           size_t count, size_t first, int year, struct pw_err *err)
{
    static const char sid[] = "default";
    pw_date y0 = pw_year_start(year);
    for (size_t i = 0; i < count; i++) {
        uint32_t k = (uint32_t)(first + i + POOL / 2) & POOL_MASK;
        bool hire = i >= ids->roster;
        uint32_t t = mix(~(first + i)) % 100u;
        int kind = t < 84 ? 0 : hire ? 2 : 1;     /* ~16% terminated */
        pw_tw_varchar(w, 0, sid, sizeof sid - 1);
        pw_tw_int(w, 1, year);
        const struct id *id = id_of(ids, y, i);
        pw_tw_varchar(w, 2, id->s, id->len);
        if (p->ssn[k].len && !hire) pw_tw_varchar(w, 3, p->ssn[k].s, p->ssn[k].len);
        else pw_tw_null(w, 3);
        pw_tw_date(w, 4, p->birth[k]);
        pw_tw_date(w, 5, hire ? y0 + p->date_in_year[k] : p->hire[k]);
        pw_tw_enum(w, 6, kind == 0 ? 0 : 1);
        pw_tw_date(w, 7, kind == 0 ? PW_NO_DATE : y0 + p->date_in_year[k]);
        if (kind == 0) pw_tw_null(w, 8);
        else pw_tw_enum(w, 8, kind == 1 ? 0 : 1);
        pw_tw_enum(w, 9, kind == 0 ? (hire ? 1 : 0) : kind == 2 ? 2 : 3);
        pw_tw_int(w, 10, p->level[k]);
        pw_tw_int(w, 11, p->age[k]);
        pw_tw_int(w, 12, p->tenure[k]);
        pw_tw_str(w, 13, age_bands[age_band(p->age[k])]);
        pw_tw_str(w, 14, tenure_bands[tenure_band(p->tenure[k])]);
        pw_tw_double(w, 15, p->comp[k]);
        pw_tw_double(w, 16, kind == 0 ? p->comp[k] : p->prev_comp[k]);
        pw_tw_double(w, 17, p->comp[k]);
        pw_tw_double(w, 18, p->hours[k]);
        pw_tw_int(w, 19, (int64_t)(p->hours[k] * 52.0));
        int rc = pw_tw_end_row(w, err);
        if (rc) return rc;
    }
    return 0;
}

static int append_small(struct pw_db *db, int years, struct pw_err *err)
{
    struct pw_table_writer *w;
    int rc = pw_table_writer_new(&w, db, "fct_workforce_needs", false, err);
    for (int y = 0; !rc && y < years; y++) {
        pw_tw_str(w, 0, "default");
        pw_tw_int(w, 1, 2025 + y);
        for (int c = 2; c < 18; c++)
            if (c >= 5 && c <= 7) pw_tw_double(w, c, 0.03);
            else pw_tw_int(w, c, 60000 + c);
        rc = pw_tw_end_row(w, err);
    }
    if (rc) { pw_table_writer_free(w); return rc; }
    if ((rc = pw_table_writer_close(w, err))) return rc;
    if ((rc = pw_table_writer_new(&w, db, "fct_workforce_needs_by_level", false, err))) return rc;
    for (int y = 0; !rc && y < years; y++)
        for (int l = 1; !rc && l <= 5; l++) {
            pw_tw_str(w, 0, "default");
            pw_tw_int(w, 1, 2025 + y);
            pw_tw_int(w, 2, l);
            for (int c = 3; c < 10; c++)
                if (c == 8) pw_tw_double(w, c, 61234.56);
                else pw_tw_int(w, c, 1000 * l + c);
            rc = pw_tw_end_row(w, err);
        }
    if (rc) { pw_table_writer_free(w); return rc; }
    return pw_table_writer_close(w, err);
}

static void usage(FILE *f)
{
    fputs("usage: append_floor --events N --snapshots N [--years Y] [--threads T] [--db FILE]\n"
          "                    [--exec SQL]... [--keep] [--ddl-in-transaction]\n"
          "Times appending N event and N snapshot rows (shapes of a planwise run) into the\n"
          "planwise output tables in one transaction, plus COMMIT and closing the database.\n"
          "  --years Y     spread the rows over Y simulation years (default 5)\n"
          "  --threads T   DuckDB threads (default: DuckDB's own default)\n"
          "  --db FILE     database file (default: a temporary file, removed afterwards)\n"
          "  --exec SQL    run SQL after opening, before the transaction (repeatable)\n"
          "  --keep        keep the database file\n"
          "  --ddl-in-transaction  create the tables inside the appending transaction\n"
          "                (default: created and committed first, like planwise run)\n",
          f);
}

static int fail(const char *what, const struct pw_err *err)
{
    fprintf(stderr, "append_floor: %s: %s\n", what, err->msg);
    return 1;
}

int main(int argc, char **argv)
{
    size_t n_events = 0, n_snap = 0;
    int years = 5, threads = 0, keep = 0, n_exec = 0, ddl_in_txn = 0;
    const char *path = NULL, *exec[MAX_EXEC];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--keep")) { keep = 1; continue; }
        if (!strcmp(a, "--ddl-in-transaction")) { ddl_in_txn = 1; continue; }
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(stdout); return 0; }
        if (!v) { usage(stderr); return 2; }
        i++;
        if (!strcmp(a, "--events")) n_events = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--snapshots")) n_snap = strtoull(v, NULL, 10);
        else if (!strcmp(a, "--years")) years = atoi(v);
        else if (!strcmp(a, "--threads")) threads = atoi(v);
        else if (!strcmp(a, "--db")) path = v;
        else if (!strcmp(a, "--exec") && n_exec < MAX_EXEC) exec[n_exec++] = v;
        else { usage(stderr); return 2; }
    }
    if (years < 1 || years > 100) { usage(stderr); return 2; }
    char tmp[256];
    if (!path) {
        snprintf(tmp, sizeof tmp, "%s/append_floor_%d.duckdb", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
        path = tmp;
    }
    char wal[300];
    snprintf(wal, sizeof wal, "%s.wal", path);
    remove(path);
    remove(wal);

    /* Everything that varies is prepared here, before the clock starts. */
    struct pools p;
    if (pools_make(&p)) { fputs("append_floor: out of memory\n", stderr); return 1; }
    size_t per_year_snap = (n_snap + (size_t)years - 1) / (size_t)years;
    struct ids ids;
    if (make_ids(&ids, per_year_snap, years, 2025)) { fputs("append_floor: out of memory\n", stderr); return 1; }

    struct pw_err err = {0};
    struct pw_db *db;
    double t0 = pw_wall_seconds(), c0 = pw_cpu_seconds();
    struct pw_db_options opt = {.threads = threads};
    if (pw_db_open(&db, path, &opt, &err)) return fail("open", &err);
    for (int i = 0; i < n_exec; i++)
        if (pw_db_exec(db, exec[i], &err)) return fail(exec[i], &err);
    /* Like src/io/output.c: the empty tables are created and committed first
     * (--ddl-in-transaction: inside the one transaction instead). */
    if (ddl_in_txn && pw_db_exec(db, "BEGIN TRANSACTION", &err)) return fail("begin", &err);
    for (int i = 0; pw_output_ddl[i]; i++)
        if (pw_db_exec(db, pw_output_ddl[i], &err)) return fail("create tables", &err);
    char sql[160];
    snprintf(sql, sizeof sql, "INSERT INTO planwise_schema VALUES (%d)", PW_SCHEMA_VERSION);
    if (pw_db_exec(db, sql, &err)) return fail("schema version", &err);
    if (!ddl_in_txn && pw_db_exec(db, "BEGIN TRANSACTION", &err)) return fail("begin", &err);
    for (int i = 0; pw_output_tables[i]; i++) {
        snprintf(sql, sizeof sql, "DELETE FROM %s WHERE scenario_id = 'default'", pw_output_tables[i]);
        if (pw_db_exec(db, sql, &err)) return fail("delete", &err);
    }
    struct pw_table_writer *we, *ws;
    if (pw_table_writer_new(&we, db, "fct_yearly_events", false, &err)) return fail("events writer", &err);
    if (pw_table_writer_new(&ws, db, "fct_workforce_snapshot", false, &err)) return fail("snapshot writer", &err);
    size_t done_e = 0, done_s = 0;
    for (int y = 0; y < years; y++) {
        /* Same order as planwise run: a year's events, then its snapshot. */
        size_t ne = n_events * (size_t)(y + 1) / (size_t)years - done_e;
        size_t ns = n_snap * (size_t)(y + 1) / (size_t)years - done_s;
        if (append_events(we, &p, &ids, y, ns, ne, done_e, 2025 + y, &err)) return fail("append events", &err);
        if (append_snapshot(ws, &p, &ids, y, ns, done_s, 2025 + y, &err)) return fail("append snapshot", &err);
        done_e += ne;
        done_s += ns;
    }
    if (append_small(db, years, &err)) return fail("append needs", &err);
    if (pw_table_writer_close(we, &err)) return fail("close events writer", &err);
    if (pw_table_writer_close(ws, &err)) return fail("close snapshot writer", &err);
    double t1 = pw_wall_seconds();
    if (pw_db_exec(db, "COMMIT", &err)) return fail("commit", &err);
    double t2 = pw_wall_seconds();
    pw_db_close(db);
    double t3 = pw_wall_seconds(), cpu = pw_cpu_seconds() - c0;

    size_t rows = done_e + done_s;
    double total = t3 - t0;
    printf("append floor: %zu events + %zu snapshot rows = %zu rows in %.3f s (%.0f rows/s), CPU %.3f s: "
           "open+append %.3f s, commit %.3f s, close %.3f s\n",
           done_e, done_s, rows, total, rows / total, cpu, t1 - t0, t2 - t1, t3 - t2);
    printf("floor_seconds=%.4f cpu_seconds=%.4f append_seconds=%.4f commit_seconds=%.4f close_seconds=%.4f rows=%zu\n",
           total, cpu, t1 - t0, t2 - t1, t3 - t2, rows);
    if (!keep) {
        remove(path);
        remove(wal);
    }
    return 0;
}
