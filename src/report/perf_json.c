/* perf_json.c: writing and reading the perf JSON of perf_json.h.
 *
 * Reading goes through the strict reader of report/json.h rather than DuckDB's
 * read_json: errors can then name the line and column of the bad value, nothing
 * is coerced or inferred (a string where a number belongs is an error, not a
 * NULL), and no database needs to be opened to compare two runs. */
#include "report/perf_json.h"

#include "core/atomic_file.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/json.h"

/* ---- writing --------------------------------------------------------------- */

static void put_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (*p < 0x20) fprintf(out, "\\u%04x", *p);
            else fputc(*p, out);
        }
    }
    fputc('"', out);
}

/* Seconds and rates: finite, six decimals. */
static double or_zero(double v) { return isfinite(v) ? v : 0.0; }

static void put_row_fields(FILE *out, const struct pw_perf_row *s, const char *indent)
{
    fprintf(out, "%s\"calls\": %" PRIu64 ",\n", indent, s->calls);
    fprintf(out, "%s\"wall_seconds\": %.6f,\n", indent, or_zero(s->wall_seconds));
    fprintf(out, "%s\"cpu_seconds\": %.6f,\n", indent, or_zero(s->cpu_seconds));
    fprintf(out, "%s\"rows\": %" PRIu64 ",\n", indent, s->rows);
}

int pw_perf_json_print(const struct pw_perf_report *r, FILE *out)
{
    const struct pw_perf_machine *m = &r->machine;
    const struct pw_perf_run *u = &r->run;
    fprintf(out, "{\n  \"format\": \"%s\",\n  \"version\": %d,\n", PW_PERF_JSON_FORMAT, PW_PERF_JSON_VERSION);
    fprintf(out, "  \"machine\": {\n    \"cores\": %d,\n    \"memory_bytes\": %" PRIu64 ",\n", m->cores,
            m->memory_bytes);
    fputs("    \"cpu_model\": ", out);
    put_string(out, m->cpu_model);
    fputs(",\n    \"kernel\": ", out);
    put_string(out, m->kernel);
    fputs(",\n    \"compiler\": ", out);
    put_string(out, m->compiler);
    fputs(",\n    \"planwise_version\": ", out);
    put_string(out, m->planwise_version);
    fputs(",\n    \"duckdb_version\": ", out);
    put_string(out, m->duckdb_version);
    fputs("\n  },\n  \"run\": {\n    \"scenario\": ", out);
    put_string(out, u->scenario);
    fprintf(out, ",\n    \"seed\": %" PRIu64 ",\n", u->seed);
    fprintf(out, "    \"first_year\": %d,\n    \"last_year\": %d,\n    \"years\": %d,\n", u->first_year, u->last_year,
            u->last_year - u->first_year + 1);
    fprintf(out, "    \"threads\": %d,\n", u->threads);
    fprintf(out, "    \"employees\": %" PRIu64 ",\n", u->employees);
    fprintf(out, "    \"employee_years\": %" PRIu64 ",\n", u->employee_years);
    fprintf(out, "    \"event_rows\": %" PRIu64 ",\n", u->event_rows);
    fprintf(out, "    \"snapshot_rows\": %" PRIu64 ",\n", u->snapshot_rows);
    fprintf(out, "    \"output_rows\": %" PRIu64 ",\n", u->output_rows);
    fprintf(out, "    \"wall_seconds\": %.6f,\n", or_zero(u->wall_seconds));
    fprintf(out, "    \"cpu_seconds\": %.6f,\n", or_zero(u->cpu_seconds));
    fprintf(out, "    \"peak_rss_bytes\": %" PRIu64 ",\n", u->peak_rss_bytes);
    fprintf(out, "    \"employee_years_per_second\": %.1f,\n", pw_perf_rate((double)u->employee_years, u->wall_seconds));
    fprintf(out, "    \"rows_per_second\": %.1f\n  },\n", pw_perf_rate((double)u->output_rows, u->wall_seconds));
    fputs("  \"stages\": [", out);
    for (size_t i = 0; i < r->stage_count; i++) {
        const struct pw_perf_row *s = &r->stages[i];
        fputs(i ? ",\n    {\n      \"name\": " : "\n    {\n      \"name\": ", out);
        put_string(out, s->name);
        fputs(",\n", out);
        put_row_fields(out, s, "      ");
        fprintf(out, "      \"rows_per_second\": %.1f,\n", pw_perf_rate((double)s->rows, s->wall_seconds));
        fprintf(out, "      \"peak_rss_bytes\": %" PRIu64 ",\n      \"years\": [", s->peak_rss_bytes);
        bool first = true;
        for (size_t k = 0; k < r->year_count; k++) {
            const struct pw_perf_row *y = &r->years[k];
            if (strcmp(y->name, s->name) != 0) continue;
            fprintf(out, "%s\n        {\n          \"year\": %d,\n", first ? "" : ",", y->year);
            put_row_fields(out, y, "          ");
            fprintf(out, "          \"peak_rss_bytes\": %" PRIu64 "\n        }", y->peak_rss_bytes);
            first = false;
        }
        fputs(first ? "]\n    }" : "\n      ]\n    }", out);
    }
    fputs(r->stage_count ? "\n  ]\n}\n" : "]\n}\n", out);
    return ferror(out) ? PW_EIO : 0;
}

int pw_perf_json_write(const char *path, const struct pw_perf_report *r, struct pw_err *err)
{
    /* Temp name, fsync, rename; a device such as /dev/full is written in place and
     * its write error reported (it must never be renamed over). */
    struct pw_atomic_file af;
    int rc = pw_atomic_file_open(&af, path, err);
    if (rc) return rc;
    pw_perf_json_print(r, af.fp); /* a write error shows in the commit's ferror check */
    return pw_atomic_file_commit(&af, err);
}

/* ---- reading --------------------------------------------------------------- */

struct reader {
    const char *name;       /* file name for messages */
    struct pw_err *err;
};

static int bad(const struct reader *rd, const struct pw_json *at, const char *fmt, const char *a, const char *b)
{
    char reason[512];
    snprintf(reason, sizeof reason, fmt, a, b);
    return pw_err_set(rd->err, PW_EIO, "'%s':%d:%d: %s", rd->name, at->line, at->column, reason);
}

/* Field key of object obj (named where, e.g. "run" or "stages[3]"), of type type. */
static int field(const struct reader *rd, const struct pw_json *obj, const char *where, const char *key, int type,
                 const struct pw_json **out)
{
    const struct pw_json *v = pw_json_get(obj, key);
    if (!v) return bad(rd, obj, "'%s' is missing the field '%s'", where, key);
    if (v->type != type) {
        char msg[256];
        snprintf(msg, sizeof msg, "'%s.%s' must be %s, got %s", where, key, pw_json_type_name(type),
                 pw_json_type_name(v->type));
        return bad(rd, v, "%s%s", msg, "");
    }
    *out = v;
    return 0;
}

static int get_u64(const struct reader *rd, const struct pw_json *obj, const char *where, const char *key,
                   uint64_t max, uint64_t *out)
{
    const struct pw_json *v;
    int rc = field(rd, obj, where, key, PW_JSON_NUMBER, &v);
    if (rc) return rc;
    const char *t = v->string;
    char *end;
    errno = 0;
    unsigned long long x = t && *t >= '0' && *t <= '9' ? strtoull(t, &end, 10) : 0;
    if (!t || *t < '0' || *t > '9' || *end || errno || x > max) {
        char msg[256];
        snprintf(msg, sizeof msg, "'%s.%s' must be a whole number from 0 to %llu, got %s", where, key,
                 (unsigned long long)max, t ? t : "?");
        return bad(rd, v, "%s%s", msg, "");
    }
    *out = x;
    return 0;
}

static int get_int(const struct reader *rd, const struct pw_json *obj, const char *where, const char *key, int max,
                   int *out)
{
    uint64_t x;
    int rc = get_u64(rd, obj, where, key, (uint64_t)max, &x);
    if (!rc) *out = (int)x;
    return rc;
}

static int get_seconds(const struct reader *rd, const struct pw_json *obj, const char *where, const char *key,
                       double *out)
{
    const struct pw_json *v;
    int rc = field(rd, obj, where, key, PW_JSON_NUMBER, &v);
    if (rc) return rc;
    if (v->number < 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "'%s.%s' must be a number of seconds >= 0, got %s", where, key, v->string);
        return bad(rd, v, "%s%s", msg, "");
    }
    *out = v->number;
    return 0;
}

static int get_text(const struct reader *rd, const struct pw_json *obj, const char *where, const char *key, char *out,
                    size_t size)
{
    const struct pw_json *v;
    int rc = field(rd, obj, where, key, PW_JSON_STRING, &v);
    if (rc) return rc;
    if (strlen(v->string) >= size) {
        char msg[256];
        snprintf(msg, sizeof msg, "'%s.%s' is longer than %zu characters", where, key, size - 1);
        return bad(rd, v, "%s%s", msg, "");
    }
    memcpy(out, v->string, strlen(v->string) + 1);
    return 0;
}

static int read_machine(const struct reader *rd, const struct pw_json *m, struct pw_perf_machine *out)
{
    int rc;
    if ((rc = get_int(rd, m, "machine", "cores", 1 << 20, &out->cores))) return rc;
    if ((rc = get_u64(rd, m, "machine", "memory_bytes", UINT64_MAX, &out->memory_bytes))) return rc;
    if ((rc = get_text(rd, m, "machine", "cpu_model", out->cpu_model, sizeof out->cpu_model))) return rc;
    if ((rc = get_text(rd, m, "machine", "kernel", out->kernel, sizeof out->kernel))) return rc;
    if ((rc = get_text(rd, m, "machine", "compiler", out->compiler, sizeof out->compiler))) return rc;
    if ((rc = get_text(rd, m, "machine", "planwise_version", out->planwise_version, sizeof out->planwise_version)))
        return rc;
    return get_text(rd, m, "machine", "duckdb_version", out->duckdb_version, sizeof out->duckdb_version);
}

static int read_run(const struct reader *rd, const struct pw_json *u, struct pw_perf_run *out)
{
    int rc;
    const char *w = "run";
    if ((rc = get_text(rd, u, w, "scenario", out->scenario, sizeof out->scenario))) return rc;
    if ((rc = get_u64(rd, u, w, "seed", UINT64_MAX, &out->seed))) return rc;
    if ((rc = get_int(rd, u, w, "first_year", 9999, &out->first_year))) return rc;
    if ((rc = get_int(rd, u, w, "last_year", 9999, &out->last_year))) return rc;
    if (out->last_year < out->first_year)
        return bad(rd, pw_json_get(u, "last_year"), "%s%s", "'run.last_year' is before 'run.first_year'", "");
    if ((rc = get_int(rd, u, w, "threads", 1 << 20, &out->threads))) return rc;
    if ((rc = get_u64(rd, u, w, "employees", UINT64_MAX, &out->employees))) return rc;
    if ((rc = get_u64(rd, u, w, "employee_years", UINT64_MAX, &out->employee_years))) return rc;
    if ((rc = get_u64(rd, u, w, "event_rows", UINT64_MAX, &out->event_rows))) return rc;
    if ((rc = get_u64(rd, u, w, "snapshot_rows", UINT64_MAX, &out->snapshot_rows))) return rc;
    if ((rc = get_u64(rd, u, w, "output_rows", UINT64_MAX, &out->output_rows))) return rc;
    if ((rc = get_seconds(rd, u, w, "wall_seconds", &out->wall_seconds))) return rc;
    if ((rc = get_seconds(rd, u, w, "cpu_seconds", &out->cpu_seconds))) return rc;
    return get_u64(rd, u, w, "peak_rss_bytes", UINT64_MAX, &out->peak_rss_bytes);
}

/* Fields shared by stage totals and year rows. */
static int read_row(const struct reader *rd, const struct pw_json *o, const char *w, struct pw_perf_row *out)
{
    int rc;
    if ((rc = get_u64(rd, o, w, "calls", UINT64_MAX, &out->calls))) return rc;
    if ((rc = get_seconds(rd, o, w, "wall_seconds", &out->wall_seconds))) return rc;
    if ((rc = get_seconds(rd, o, w, "cpu_seconds", &out->cpu_seconds))) return rc;
    if ((rc = get_u64(rd, o, w, "rows", UINT64_MAX, &out->rows))) return rc;
    return get_u64(rd, o, w, "peak_rss_bytes", UINT64_MAX, &out->peak_rss_bytes);
}

static int read_stages(const struct reader *rd, const struct pw_json *arr, struct pw_perf_report *r)
{
    size_t years = 0;
    for (size_t i = 0; i < arr->count; i++) {
        const struct pw_json *y = pw_json_get(&arr->items[i], "years");
        if (y && y->type == PW_JSON_ARRAY) years += y->count;
    }
    if (arr->count) r->stages = calloc(arr->count, sizeof *r->stages);
    if (years) r->years = calloc(years, sizeof *r->years);
    if ((arr->count && !r->stages) || (years && !r->years))
        return pw_err_set(rd->err, PW_ENOMEM, "out of memory reading '%s'", rd->name);
    for (size_t i = 0; i < arr->count; i++) {
        const struct pw_json *s = &arr->items[i];
        char w[48];
        snprintf(w, sizeof w, "stages[%zu]", i);
        if (s->type != PW_JSON_OBJECT) return bad(rd, s, "'%s' must be an object, got %s", w, pw_json_type_name(s->type));
        struct pw_perf_row *row = &r->stages[r->stage_count];
        int rc;
        if ((rc = get_text(rd, s, w, "name", row->name, sizeof row->name))) return rc;
        for (size_t k = 0; k < r->stage_count; k++)
            if (strcmp(r->stages[k].name, row->name) == 0)
                return bad(rd, pw_json_get(s, "name"), "stage '%s' is listed twice%s", row->name, "");
        if ((rc = read_row(rd, s, w, row))) return rc;
        r->stage_count++;
        const struct pw_json *ys;
        if ((rc = field(rd, s, w, "years", PW_JSON_ARRAY, &ys))) return rc;
        for (size_t k = 0; k < ys->count; k++) {
            const struct pw_json *y = &ys->items[k];
            char wy[96];
            snprintf(wy, sizeof wy, "%s.years[%zu]", w, k);
            if (y->type != PW_JSON_OBJECT)
                return bad(rd, y, "'%s' must be an object, got %s", wy, pw_json_type_name(y->type));
            struct pw_perf_row *yr = &r->years[r->year_count];
            memcpy(yr->name, row->name, sizeof yr->name);
            if ((rc = get_int(rd, y, wy, "year", 9999, &yr->year))) return rc;
            if ((rc = read_row(rd, y, wy, yr))) return rc;
            r->year_count++;
        }
    }
    return 0;
}

static int read_document(const struct reader *rd, const struct pw_json *root, struct pw_perf_report *r)
{
    if (root->type != PW_JSON_OBJECT)
        return bad(rd, root, "a perf file is a JSON object, got %s%s", pw_json_type_name(root->type), "");
    const struct pw_json *fmt = pw_json_get(root, "format");
    if (!fmt || fmt->type != PW_JSON_STRING || strcmp(fmt->string, PW_PERF_JSON_FORMAT) != 0)
        return bad(rd, fmt ? fmt : root, "not a planwise perf file (expected \"format\": \"%s\")%s",
                   PW_PERF_JSON_FORMAT, "");
    const struct pw_json *ver = pw_json_get(root, "version");
    if (!ver) return bad(rd, root, "%s%s", "the perf file has no 'version'", "");
    if (ver->type != PW_JSON_NUMBER || strcmp(ver->string, "1") != 0) {
        char msg[256];
        snprintf(msg, sizeof msg, "perf file version %s is not supported (this planwise reads version %d)",
                 ver->type == PW_JSON_NUMBER ? ver->string : pw_json_type_name(ver->type), PW_PERF_JSON_VERSION);
        return bad(rd, ver, "%s%s", msg, "");
    }
    const struct pw_json *m, *u, *s;
    int rc;
    if ((rc = field(rd, root, "the perf file", "machine", PW_JSON_OBJECT, &m))) return rc;
    if ((rc = read_machine(rd, m, &r->machine))) return rc;
    if ((rc = field(rd, root, "the perf file", "run", PW_JSON_OBJECT, &u))) return rc;
    if ((rc = read_run(rd, u, &r->run))) return rc;
    if ((rc = field(rd, root, "the perf file", "stages", PW_JSON_ARRAY, &s))) return rc;
    return read_stages(rd, s, r);
}

int pw_perf_json_parse(const char *text, size_t len, const char *name, struct pw_perf_report *r, struct pw_err *err)
{
    memset(r, 0, sizeof *r);
    struct pw_json *root;
    int rc = pw_json_parse(text, len, name, &root, err);
    if (rc) return rc;
    struct reader rd = {name, err};
    rc = read_document(&rd, root, r);
    pw_json_free(root);
    if (rc) pw_perf_report_release(r);
    return rc;
}

int pw_perf_json_read(const char *path, struct pw_perf_report *r, struct pw_err *err)
{
    memset(r, 0, sizeof *r);
    struct pw_json *root;
    int rc = pw_json_parse_file(path, &root, err);
    if (rc) return rc;
    struct reader rd = {path, err};
    rc = read_document(&rd, root, r);
    pw_json_free(root);
    if (rc) pw_perf_report_release(r);
    return rc;
}
