/* census_reader.c: CSV/Parquet census files -> text rows for model/census.c.
 *
 * CSV: the header record is parsed first (census_csv_header.c) and the file is then
 * read by DuckDB with auto-detection off and every column declared VARCHAR.
 * Sniffing would only guess what we already know, and when a sniff fails DuckDB's
 * message is generic; with the dialect given, a ragged row or an open quote is
 * reported with its line number.
 * Parquet: DuckDB decodes it; strings pass through, dates (and timestamps, as
 * dates), booleans and integers are printed here, floating point comes from
 * DuckDB's shortest round-trip cast with any exponent written out.
 * Results stream in DuckDB vectors; values are copied once into a row buffer so
 * census.c receives NUL-terminated text. */
#include "io/census_reader.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <duckdb.h>

#include "io/census_map.h"
#include "io/census_reader_int.h"

#define FOUND_LIST_MAX 400      /* bytes of "columns found" quoted in an error */
#define PW__STR2(x) #x
#define PW__STR(x) PW__STR2(x)

enum pw_census_format pw_census_format_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *dot = strrchr(slash ? slash : path, '.');
    if (!dot) return PW_CENSUS_FORMAT_UNKNOWN;
    if (strcasecmp(dot, ".csv") == 0) return PW_CENSUS_FORMAT_CSV;
    if (strcasecmp(dot, ".parquet") == 0) return PW_CENSUS_FORMAT_PARQUET;
    return PW_CENSUS_FORMAT_UNKNOWN;
}

/* ---- small growable text buffer ------------------------------------------ */

struct buf {
    char *p;
    size_t len, cap;
};

static bool buf_reserve(struct buf *b, size_t extra)
{
    if (b->len + extra + 1 <= b->cap) return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->p, cap);
    if (!p) return false;
    b->p = p, b->cap = cap;
    return true;
}

static bool buf_add(struct buf *b, const char *s, size_t n)
{
    if (!buf_reserve(b, n)) return false;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

static bool buf_str(struct buf *b, const char *s) { return buf_add(b, s, strlen(s)); }

/* Appends s as a SQL string literal ('' doubles a quote). */
static bool buf_sql_string(struct buf *b, const char *s)
{
    if (!buf_add(b, "'", 1)) return false;
    for (const char *q; (q = strchr(s, '\'')); s = q + 1)
        if (!buf_add(b, s, (size_t)(q - s) + 1) || !buf_add(b, "'", 1)) return false;
    return buf_str(b, s) && buf_add(b, "'", 1);
}

/* Appends s as a quoted SQL identifier. */
static bool buf_sql_ident(struct buf *b, const char *s)
{
    if (!buf_add(b, "\"", 1)) return false;
    for (const char *q; (q = strchr(s, '"')); s = q + 1)
        if (!buf_add(b, s, (size_t)(q - s) + 1) || !buf_add(b, "\"", 1)) return false;
    return buf_str(b, s) && buf_add(b, "\"", 1);
}

/* ---- DuckDB messages ----------------------------------------------------- */

/* DuckDB messages run to twenty lines of advice on options we set on purpose.
 * Keep the reason: drop the "<Kind> Error: " prefix, stop at "Possible fixes" or
 * the option dump or the SQL excerpt, and join the remaining lines with "; ". */
static void tidy_duckdb_message(const char *msg, char *out, size_t cap)
{
    size_t n = 0;
    out[0] = '\0';
    if (!msg) msg = "unknown error";
    const char *colon = strstr(msg, " Error: ");
    const char *nl = strchr(msg, '\n');
    if (colon && (!nl || colon < nl)) msg = colon + 8;
    while (*msg && n + 1 < cap) {
        const char *end = strchr(msg, '\n');
        size_t len = end ? (size_t)(end - msg) : strlen(msg);
        while (len && (msg[len - 1] == ' ' || msg[len - 1] == '\r')) len--;
        if (strncmp(msg, "Possible fix", 12) == 0 || strncmp(msg, "Possible Solution", 17) == 0 ||
            strncmp(msg, "LINE ", 5) == 0 || strncmp(msg, "  file = ", 9) == 0)
            break;
        if (len > 0) {
            if (len > 160) len = 160; /* an "Original Line" can be very long */
            size_t start = n;
            int w = snprintf(out + n, cap - n, "%s%.*s", n ? "; " : "", (int)len, msg);
            if (w < 0) break;
            n += (size_t)w < cap - n ? (size_t)w : cap - n - 1;
            /* The quoted line may hold control bytes or broken UTF-8: keep the
             * message printable. */
            for (size_t i = start; i < n; i++)
                if ((unsigned char)out[i] < 0x20 || (unsigned char)out[i] >= 0x7F) out[i] = '?';
        }
        if (!end) break;
        msg = end + 1;
    }
    if (n == 0) snprintf(out, cap, "unknown error");
}

static int duckdb_fail(struct pw_err *err, const char *path, const char *msg)
{
    char reason[PW_ERR_MSG_MAX];
    tidy_duckdb_message(msg, reason, sizeof reason);
    return pw_err_set(err, PW_ECENSUS, "cannot read census '%s': %s", path, reason);
}

/* ---- the scan ------------------------------------------------------------ */

/* How a result column becomes text. DuckDB's casts to VARCHAR cost more than the
 * rest of a Parquet scan, so dates, booleans and integers arrive typed and are
 * printed here; floating point is left to DuckDB's shortest round-trip cast. */
enum kind {
    KIND_TEXT,          /* VARCHAR, used as is */
    KIND_FLOAT_TEXT,    /* VARCHAR cast of a FLOAT/DOUBLE: exponents rewritten */
    KIND_DATE,          /* DATE (timestamps are cast to DATE first) */
    KIND_BOOL,
    KIND_I64,           /* signed integers, widened to BIGINT */
    KIND_U64,           /* unsigned integers, widened to UBIGINT */
};

struct scan {
    const char *path;           /* as given, for messages */
    const char *sql_path;       /* what DuckDB opens (see pw_census_scan) */
    bool csv;                   /* CSV (else Parquet) */
    duckdb_database db;
    duckdb_connection con;
    struct pw__names cols;      /* every column name of the file */
    int census_col[PW_CC_COUNT];/* file column of each census column, -1 if absent */
    enum pw_census_match how[PW_CC_COUNT]; /* how each census column was found */
    int selected[PW_CC_COUNT];  /* census column of each result column */
    enum kind kind[PW_CC_COUNT];/* how each result column becomes text */
    int nselected;
    struct buf sql;
};

static int open_db(struct scan *s, struct pw_err *err)
{
    duckdb_config config;
    char *open_err = NULL;
    if (duckdb_create_config(&config) != DuckDBSuccess)
        return pw_err_set(err, PW_EDB, "cannot set up DuckDB to read '%s'", s->path);
    /* Parquet is built in; nothing may reach for the network. */
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "false");
    duckdb_state st = duckdb_open_ext(NULL, &s->db, config, &open_err);
    duckdb_destroy_config(&config);
    if (st != DuckDBSuccess) {
        int rc = pw_err_set(err, PW_EDB, "cannot start DuckDB to read '%s': %s", s->path,
                            open_err ? open_err : "unknown error");
        duckdb_free(open_err);
        s->db = NULL;
        return rc;
    }
    if (duckdb_connect(s->db, &s->con) != DuckDBSuccess) {
        s->con = NULL;
        return pw_err_set(err, PW_EDB, "cannot connect to DuckDB to read '%s'", s->path);
    }
    /* TIMESTAMPTZ dates must not depend on the machine's time zone. */
    duckdb_result r;
    duckdb_query(s->con, "SET TimeZone = 'UTC'", &r);
    duckdb_destroy_result(&r);
    return 0;
}

/* Fills census_col from the file's column names (by mapping, name or alias:
 * census_map.c); fails naming missing columns. */
static int match_columns(struct scan *s, struct pw_err *err)
{
    int rc = pw_census_map_resolve(pw_census_map_active(), s->path, s->cols.names, s->cols.count, s->census_col, s->how, err);
    if (rc) return rc;
    char missing[512] = "", found[FOUND_LIST_MAX + 8] = "";
    size_t nmissing = 0, n = 0;
    for (int c = 0; c < PW_CC_COUNT; c++) {
        if (!pw_census_column_required[c] || s->census_col[c] >= 0) continue;
        size_t used = strlen(missing);
        snprintf(missing + used, sizeof missing - used, "%s'%s'", nmissing ? ", " : "", pw_census_column_names[c]);
        nmissing++;
    }
    if (nmissing == 0) return 0;
    for (size_t i = 0; i < s->cols.count; i++) {
        int w = snprintf(found + n, sizeof found - n, "%s'%s'", i ? ", " : "", s->cols.names[i]);
        if (w < 0 || n + (size_t)w >= FOUND_LIST_MAX) {
            snprintf(found + n, sizeof found - n, ", ...");
            break;
        }
        n += (size_t)w;
    }
    return pw_err_set(err, PW_ECENSUS, "census '%s' is missing required column%s %s; columns found: %s", s->path,
                      nmissing > 1 ? "s" : "", missing, s->cols.count ? found : "(none)");
}

/* Result columns: the census columns present, in enum order. */
static void select_columns(struct scan *s)
{
    s->nselected = 0;
    for (int c = 0; c < PW_CC_COUNT; c++)
        if (s->census_col[c] >= 0) {
            s->kind[s->nselected] = KIND_TEXT;
            s->selected[s->nselected++] = c;
        }
}

static int build_csv_query(struct scan *s, struct pw_err *err)
{
    FILE *f = fopen(s->path, "rb");
    if (!f) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", s->path, strerror(errno));
    int rc = pw__csv_read_header(s->path, f, &s->cols, err);
    fclose(f);
    if (rc) return rc;
    if ((rc = match_columns(s, err))) return rc;
    select_columns(s);

    /* Positional names c0..cN stand in for the header, which DuckDB skips, so odd
     * header text (quotes, duplicates, empty names) never reaches SQL. */
    char name[48];
    bool ok = buf_str(&s->sql, "SELECT ");
    for (int j = 0; j < s->nselected; j++) {
        snprintf(name, sizeof name, "%sc%d", j ? ", " : "", s->census_col[s->selected[j]]);
        ok = ok && buf_str(&s->sql, name);
    }
    ok = ok && buf_str(&s->sql, " FROM read_csv(") && buf_sql_string(&s->sql, s->sql_path) &&
         buf_str(&s->sql, ", header = true, auto_detect = false, delim = ',', quote = '\"', "
                          "escape = '\"', strict_mode = true, max_line_size = " PW__STR(PW__CSV_RECORD_MAX)
                          ", columns = {");
    for (size_t i = 0; i < s->cols.count; i++) {
        snprintf(name, sizeof name, "%s'c%zu': 'VARCHAR'", i ? ", " : "", i);
        ok = ok && buf_str(&s->sql, name);
    }
    ok = ok && buf_str(&s->sql, "})");
    return ok ? 0 : pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", s->path);
}

/* Appends the SQL for one Parquet column and returns how to read it. */
static bool add_parquet_expr(struct buf *b, const char *col, duckdb_type type, enum kind *kind)
{
    const char *pre = "CAST(", *post = " AS VARCHAR)";
    *kind = KIND_TEXT;
    switch (type) {
    case DUCKDB_TYPE_VARCHAR:
        pre = post = "";
        break;
    case DUCKDB_TYPE_DATE:
        pre = post = "";
        *kind = KIND_DATE;
        break;
    case DUCKDB_TYPE_TIMESTAMP:
    case DUCKDB_TYPE_TIMESTAMP_S:
    case DUCKDB_TYPE_TIMESTAMP_MS:
    case DUCKDB_TYPE_TIMESTAMP_NS:
    case DUCKDB_TYPE_TIMESTAMP_TZ:
        /* pandas writes dates as midnight timestamps; the census wants the day. */
        post = " AS DATE)";
        *kind = KIND_DATE;
        break;
    case DUCKDB_TYPE_BOOLEAN:
        pre = post = "";
        *kind = KIND_BOOL;
        break;
    case DUCKDB_TYPE_TINYINT:
    case DUCKDB_TYPE_SMALLINT:
    case DUCKDB_TYPE_INTEGER:
    case DUCKDB_TYPE_BIGINT:
        post = " AS BIGINT)";
        *kind = KIND_I64;
        break;
    case DUCKDB_TYPE_UTINYINT:
    case DUCKDB_TYPE_USMALLINT:
    case DUCKDB_TYPE_UINTEGER:
    case DUCKDB_TYPE_UBIGINT:
        post = " AS UBIGINT)";
        *kind = KIND_U64;
        break;
    case DUCKDB_TYPE_FLOAT:
    case DUCKDB_TYPE_DOUBLE:
        *kind = KIND_FLOAT_TEXT;
        break;
    default:
        break;
    }
    return buf_str(b, pre) && buf_sql_ident(b, col) && buf_str(b, post);
}

static int build_parquet_query(struct scan *s, struct pw_err *err)
{
    struct buf probe = {0};
    duckdb_result r;
    if (!buf_str(&probe, "SELECT * FROM read_parquet(") || !buf_sql_string(&probe, s->sql_path) ||
        !buf_str(&probe, ") LIMIT 0")) {
        free(probe.p);
        return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", s->path);
    }
    duckdb_state st = duckdb_query(s->con, probe.p, &r);
    free(probe.p);
    if (st != DuckDBSuccess) {
        int rc = duckdb_fail(err, s->path, duckdb_result_error(&r));
        duckdb_destroy_result(&r);
        return rc;
    }
    idx_t ncols = duckdb_column_count(&r);
    duckdb_type types[PW_CC_COUNT];
    int rc = 0;
    for (idx_t i = 0; i < ncols && rc == 0; i++)
        if (!pw__names_push(&s->cols, duckdb_column_name(&r, i), strlen(duckdb_column_name(&r, i))))
            rc = pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", s->path);
    if (rc == 0) rc = match_columns(s, err);
    if (rc == 0) {
        select_columns(s);
        for (int j = 0; j < s->nselected; j++)
            types[j] = duckdb_column_type(&r, (idx_t)s->census_col[s->selected[j]]);
    }
    duckdb_destroy_result(&r);
    if (rc) return rc;

    bool ok = buf_str(&s->sql, "SELECT ");
    for (int j = 0; j < s->nselected; j++)
        ok = ok && (j == 0 || buf_str(&s->sql, ", ")) &&
             add_parquet_expr(&s->sql, s->cols.names[s->census_col[s->selected[j]]], types[j], &s->kind[j]);
    ok = ok && buf_str(&s->sql, " FROM read_parquet(") && buf_sql_string(&s->sql, s->sql_path) && buf_str(&s->sql, ")");
    return ok ? 0 : pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", s->path);
}

#define SCALAR_TEXT_MAX 48 /* room for any date, boolean, integer or rewritten float */

static size_t put_i64(char *out, int64_t v)
{
    char tmp[24];
    size_t n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    do tmp[n++] = (char)('0' + u % 10);
    while (u /= 10);
    size_t len = 0;
    if (v < 0) out[len++] = '-';
    while (n) out[len++] = tmp[--n];
    out[len] = '\0';
    return len;
}

/* Plain decimal text for a float DuckDB printed with an exponent (1e-07). */
static size_t plain_float(const char *text, size_t len, char *out)
{
    char tmp[64];
    snprintf(tmp, sizeof tmp, "%.*s", (int)len, text);
    size_t n = (size_t)snprintf(out, SCALAR_TEXT_MAX, "%.20f", strtod(tmp, NULL));
    if (n >= SCALAR_TEXT_MAX) return (size_t)snprintf(out, SCALAR_TEXT_MAX, "%s", tmp); /* huge: keep DuckDB's */
    while (n > 1 && out[n - 1] == '0') n--;
    if (out[n - 1] == '.') n--;
    out[n] = '\0';
    return n;
}

/* Text of a typed value; out has SCALAR_TEXT_MAX bytes. */
static size_t scalar_text(enum kind kind, const void *data, idx_t r, char *out)
{
    switch (kind) {
    case KIND_DATE: {
        pw_date d = ((const duckdb_date *)data)[r].days;
        /* DuckDB's +-infinity and far years have no YYYY-MM-DD form. */
        if (d < pw_date_from_ymd(1, 1, 1) || d > pw_date_from_ymd(9999, 12, 31))
            return (size_t)snprintf(out, SCALAR_TEXT_MAX, "(date out of range)");
        pw_date_format(d, out);
        return 10;
    }
    case KIND_BOOL:
        return (size_t)snprintf(out, SCALAR_TEXT_MAX, "%s", ((const bool *)data)[r] ? "true" : "false");
    case KIND_I64:
        return put_i64(out, ((const int64_t *)data)[r]);
    case KIND_U64:
        return (size_t)snprintf(out, SCALAR_TEXT_MAX, "%llu", (unsigned long long)((const uint64_t *)data)[r]);
    default:
        return 0;
    }
}

/* Hands the rows of one chunk to fn. */
static int emit_chunk(struct scan *s, duckdb_data_chunk chunk, size_t *row, struct buf *rowbuf,
                      pw_census_row_fn fn, void *ctx, struct pw_err *err)
{
    idx_t n = duckdb_data_chunk_get_size(chunk);
    void *data[PW_CC_COUNT];
    uint64_t *valid[PW_CC_COUNT];
    for (int j = 0; j < s->nselected; j++) {
        duckdb_vector v = duckdb_data_chunk_get_vector(chunk, (idx_t)j);
        data[j] = duckdb_vector_get_data(v);
        valid[j] = duckdb_vector_get_validity(v);
    }
    struct pw_census_fields f;
    for (idx_t r = 0; r < n; r++) {
        /* Room first (strings + the largest scalar text), so value pointers into
         * rowbuf stay valid while the row is assembled. */
        size_t need = 0;
        for (int j = 0; j < s->nselected; j++)
            need += (s->kind[j] <= KIND_FLOAT_TEXT ? ((duckdb_string_t *)data[j])[r].value.inlined.length : 0) +
                    SCALAR_TEXT_MAX;
        rowbuf->len = 0;
        if (!buf_reserve(rowbuf, need)) return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", s->path);
        memset(&f, 0, sizeof f);
        for (int j = 0; j < s->nselected; j++) {
            if (valid[j] && !(valid[j][r / 64] >> (r % 64) & 1)) continue; /* SQL NULL */
            char *dst = rowbuf->p + rowbuf->len;
            size_t len;
            if (s->kind[j] <= KIND_FLOAT_TEXT) {
                duckdb_string_t *str = &((duckdb_string_t *)data[j])[r];
                len = str->value.inlined.length;
                const char *src = len <= 12 ? str->value.inlined.inlined : str->value.pointer.ptr;
                if (s->kind[j] == KIND_FLOAT_TEXT && len < 40 && memchr(src, 'e', len)) {
                    len = plain_float(src, len, dst);
                } else {
                    memcpy(dst, src, len);
                    dst[len] = '\0';
                    /* Client spellings (US dates, "$52,000", "5%"); room: SCALAR_TEXT_MAX. */
                    len = pw_census_normalise(s->selected[j], dst, len);
                }
            } else {
                len = scalar_text(s->kind[j], data[j], r, dst);
            }
            rowbuf->len += len + 1;
            f.value[s->selected[j]] = dst;
            f.len[s->selected[j]] = len;
        }
        ++*row;
        int rc = fn(ctx, &f, *row, err);
        if (rc) return rc;
    }
    return 0;
}

/* A failed scan. DuckDB's message for a CSV record past the line limit either
 * quotes a line fragment or, when the record spans its read buffers (about 40 MB
 * and up), speaks of its "Parallel CSV Reader" without a line: in both cases the
 * file is scanned for the record so the message names its line. */
static int scan_fail(struct scan *s, const char *msg, struct pw_err *err)
{
    if (s->csv && msg && (strstr(msg, "Parallel CSV Reader") || strstr(msg, "Maximum line size"))) {
        size_t line = 0, length = 0;
        if (pw__csv_find_long_record(s->path, PW__CSV_RECORD_MAX, &line, &length, err)) return err->code;
        if (line)
            return pw_err_set(err, PW_ECENSUS,
                              "cannot read census '%s': line %zu is %zu bytes long; a census record may be at most "
                              "%d bytes (is this the census file?)",
                              s->path, line, length, PW__CSV_RECORD_MAX);
    }
    return duckdb_fail(err, s->path, msg);
}

static int run_query(struct scan *s, pw_census_row_fn fn, void *ctx, struct pw_err *err)
{
    duckdb_prepared_statement stmt = NULL;
    duckdb_pending_result pending = NULL;
    duckdb_result result;
    bool have_result = false;
    struct buf rowbuf = {0};
    size_t row = 0;
    int rc = 0;

    if (duckdb_prepare(s->con, s->sql.p, &stmt) != DuckDBSuccess) {
        rc = scan_fail(s, duckdb_prepare_error(stmt), err);
        goto out;
    }
    /* A streaming result keeps memory flat for any census size; insertion order is
     * preserved (DuckDB's default), so rows arrive in file order. */
    if (duckdb_pending_prepared_streaming(stmt, &pending) != DuckDBSuccess) {
        rc = scan_fail(s, duckdb_pending_error(pending), err);
        goto out;
    }
    if (duckdb_execute_pending(pending, &result) != DuckDBSuccess) {
        rc = scan_fail(s, duckdb_result_error(&result), err);
        duckdb_destroy_result(&result);
        goto out;
    }
    have_result = true;
    for (;;) {
        duckdb_data_chunk chunk = duckdb_fetch_chunk(result);
        if (!chunk) break;
        rc = emit_chunk(s, chunk, &row, &rowbuf, fn, ctx, err);
        duckdb_destroy_data_chunk(&chunk);
        if (rc) goto out;
    }
    const char *msg = duckdb_result_error(&result);
    if (msg && *msg) rc = scan_fail(s, msg, err);
out:
    if (have_result) duckdb_destroy_result(&result);
    if (pending) duckdb_destroy_pending(&pending);
    if (stmt) duckdb_destroy_prepare(&stmt);
    free(rowbuf.p);
    return rc;
}

int pw_census_scan(const char *path, pw_census_row_fn fn, void *ctx, struct pw_err *err)
{
    enum pw_census_format format = pw_census_format_of(path);
    if (format == PW_CENSUS_FORMAT_UNKNOWN)
        return pw_err_set(err, PW_ECENSUS, "cannot read census '%s': only .csv and .parquet files are supported",
                          path);
    /* Checked here so a missing file gets the plain system message, not DuckDB's. */
    struct stat st;
    if (stat(path, &st) != 0) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(EISDIR));
    FILE *file = fopen(path, "rb");
    if (!file) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    if (st.st_size == 0) {
        fclose(file);
        return pw_err_set(err, PW_ECENSUS, "census '%s' is empty", path);
    }

    struct scan s = {.path = path, .sql_path = path, .csv = format == PW_CENSUS_FORMAT_CSV};
    /* DuckDB expands * ? [ in a file name as a glob, which could pull in other
     * files; the descriptor we hold names exactly this one. */
    char fd_path[32];
    snprintf(fd_path, sizeof fd_path, "/dev/fd/%d", fileno(file));
    if (strpbrk(path, "*?[") && access(fd_path, R_OK) == 0) s.sql_path = fd_path;

    int rc = open_db(&s, err);
    if (rc == 0) rc = format == PW_CENSUS_FORMAT_CSV ? build_csv_query(&s, err) : build_parquet_query(&s, err);
    if (rc == 0) rc = run_query(&s, fn, ctx, err);
    if (s.con) duckdb_disconnect(&s.con);
    if (s.db) duckdb_close(&s.db);
    fclose(file);
    pw__names_release(&s.cols);
    free(s.sql.p);
    return rc;
}

int pw_census_mapping(const char *path, char found[PW_CC_COUNT][256], int how[PW_CC_COUNT], struct pw_err *err)
{
    enum pw_census_format format = pw_census_format_of(path);
    if (format == PW_CENSUS_FORMAT_UNKNOWN)
        return pw_err_set(err, PW_ECENSUS, "cannot read census '%s': only .csv and .parquet files are supported (save .xlsx files as CSV)",
                          path);
    struct stat st;
    if (stat(path, &st) != 0) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    struct scan s = {.path = path, .sql_path = path};
    int rc = open_db(&s, err);
    if (rc == 0) rc = format == PW_CENSUS_FORMAT_CSV ? build_csv_query(&s, err) : build_parquet_query(&s, err);
    for (int c = 0; c < PW_CC_COUNT; c++) {
        int i = rc == 0 ? s.census_col[c] : -1;
        snprintf(found[c], 256, "%s", i >= 0 ? s.cols.names[i] : "");
        how[c] = i >= 0 ? (int)s.how[c] : 0;
    }
    if (s.con) duckdb_disconnect(&s.con);
    if (s.db) duckdb_close(&s.db);
    pw__names_release(&s.cols);
    free(s.sql.p);
    return rc;
}

struct read_ctx {
    struct pw_census *census;
    const struct pw_config *cfg;
    const struct pw_tables *tables;
    const char *path;
};

static int add_row(void *ctx, const struct pw_census_fields *f, size_t row, struct pw_err *err)
{
    struct read_ctx *rc = ctx;
    int st = pw_census_add_row(rc->census, f, row, rc->cfg, rc->tables);
    if (st) return pw_err_set(err, st, "%s while reading row %zu of '%s'", pw_status_text(st), row, rc->path);
    return 0;
}

int pw_census_read(const char *path, struct pw_census *census, const struct pw_config *cfg,
                   const struct pw_tables *tables, struct pw_err *err)
{
    struct read_ctx ctx = {census, cfg, tables, path};
    /* deferral_rates.census_rate_field (the reference's key) names the census
     * column of the deferral rate; a census.columns or --census-map entry for
     * employee_deferral_rate wins over it. */
    const struct pw_census_map *given = pw_census_map_active();
    struct pw_census_map with_rate;
    char rate_column[sizeof cfg->census_rate_field];
    bool rate_field = cfg && cfg->census_rate_field[0] &&
                      strcmp(cfg->census_rate_field, pw_census_column_names[PW_CC_DEFERRAL_RATE]) != 0 &&
                      !(given && given->column[PW_CC_DEFERRAL_RATE]);
    if (rate_field) {
        if (given) with_rate = *given;
        else pw_census_map_init(&with_rate);
        snprintf(rate_column, sizeof rate_column, "%s", cfg->census_rate_field);
        with_rate.column[PW_CC_DEFERRAL_RATE] = rate_column;
        snprintf(with_rate.source, sizeof with_rate.source, "deferral_rates.census_rate_field");
        pw_census_map_use(&with_rate);
    }
    int rc = pw_census_scan(path, add_row, &ctx, err);
    if (rate_field) pw_census_map_use(given);
    if (rc) return rc;
    rc = pw_census_finish(census, err);
    /* census.c does not know the file; make sure the message names it. */
    if (rc && err && !strstr(err->msg, path)) pw_err_prefix(err, "'%s': ", path);
    return rc;
}
