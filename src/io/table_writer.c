/* table_writer.c: data-chunk appends (see table_writer.h). */
#include "io/table_writer.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/db_internal.h"

#define MAX_COLUMNS 96
/* Chunks handed to the appender between flushes. DuckDB's appender otherwise
 * collects about 100 chunks (204,800 rows) per table before moving them into the
 * table; with the 56 snapshot columns that buffer alone was over 100 MB. Flushing
 * every 8 chunks keeps memory flat at no measurable cost (bench/append_floor). */
#define CHUNKS_PER_FLUSH 8

struct pw_table_writer {
    duckdb_appender appender;
    duckdb_data_chunk chunk;
    idx_t columns;
    idx_t capacity;                        /* rows per chunk */
    idx_t row;                             /* current row inside the chunk */
    int chunks_since_flush;
    duckdb_vector vec[MAX_COLUMNS];
    void *data[MAX_COLUMNS];
    duckdb_type type[MAX_COLUMNS];         /* physical storage type (enum -> its internal type) */
    duckdb_logical_type enum_type[MAX_COLUMNS]; /* row mode: the ENUM type of enum columns, else NULL */
    bool row_mode;                         /* one appender call per value (benchmark baseline) */
    bool row_failed;                       /* row mode: a value of the current row was refused */
    char table[128];
};

static void bind_vectors(struct pw_table_writer *w)
{
    for (idx_t c = 0; c < w->columns; c++) {
        w->vec[c] = duckdb_data_chunk_get_vector(w->chunk, c);
        w->data[c] = duckdb_vector_get_data(w->vec[c]);
        duckdb_vector_ensure_validity_writable(w->vec[c]);
    }
}

int pw_table_writer_new(struct pw_table_writer **out, struct pw_db *db, const char *table, bool row_mode,
                        struct pw_err *err)
{
    *out = NULL;
    struct pw_table_writer *w = calloc(1, sizeof *w);
    if (!w) return pw_err_set(err, PW_ENOMEM, "out of memory");
    snprintf(w->table, sizeof w->table, "%s", table);
    /* "schema.table" or a table of the default schema */
    char schema[64] = "";
    const char *dot = strchr(table, '.');
    if (dot && (size_t)(dot - table) < sizeof schema) {
        snprintf(schema, sizeof schema, "%.*s", (int)(dot - table), table);
        table = dot + 1;
    }
    if (duckdb_appender_create(db->connection, schema[0] ? schema : NULL, table, &w->appender) == DuckDBError) {
        pw_err_set(err, PW_EDB, "cannot append to table '%s': %s", table, duckdb_appender_error(w->appender));
        duckdb_appender_destroy(&w->appender);
        free(w);
        return PW_EDB;
    }
    w->columns = duckdb_appender_column_count(w->appender);
    PW_ASSERT(w->columns <= MAX_COLUMNS);
    duckdb_logical_type types[MAX_COLUMNS];
    for (idx_t c = 0; c < w->columns; c++) {
        types[c] = duckdb_appender_column_type(w->appender, c);
        duckdb_type t = duckdb_get_type_id(types[c]);
        w->type[c] = t == DUCKDB_TYPE_ENUM ? duckdb_enum_internal_type(types[c]) : t;
        if (row_mode && t == DUCKDB_TYPE_ENUM) w->enum_type[c] = duckdb_appender_column_type(w->appender, c);
    }
    w->row_mode = row_mode;
    w->chunk = duckdb_create_data_chunk(types, w->columns);
    for (idx_t c = 0; c < w->columns; c++) duckdb_destroy_logical_type(&types[c]);
    w->capacity = duckdb_vector_size();
    bind_vectors(w);
    *out = w;
    return 0;
}

static int flush_chunk(struct pw_table_writer *w, struct pw_err *err)
{
    if (w->row == 0 || w->row_mode) return 0;
    duckdb_data_chunk_set_size(w->chunk, w->row);
    if (duckdb_append_data_chunk(w->appender, w->chunk) == DuckDBError)
        return pw_err_set(err, PW_EDB, "cannot append to table '%s': %s", w->table, duckdb_appender_error(w->appender));
    if (++w->chunks_since_flush == CHUNKS_PER_FLUSH) {
        w->chunks_since_flush = 0;
        if (duckdb_appender_flush(w->appender) == DuckDBError)
            return pw_err_set(err, PW_EDB, "cannot write table '%s': %s", w->table, duckdb_appender_error(w->appender));
    }
    duckdb_data_chunk_reset(w->chunk);
    bind_vectors(w);
    w->row = 0;
    return 0;
}

int pw_table_writer_close(struct pw_table_writer *w, struct pw_err *err)
{
    if (!w) return 0;
    int rc = flush_chunk(w, err);
    if (rc == 0 && duckdb_appender_close(w->appender) == DuckDBError)
        rc = pw_err_set(err, PW_EDB, "cannot write table '%s': %s", w->table, duckdb_appender_error(w->appender));
    pw_table_writer_free(w);
    return rc;
}

void pw_table_writer_free(struct pw_table_writer *w)
{
    if (!w) return;
    for (idx_t c = 0; c < w->columns; c++)
        if (w->enum_type[c]) duckdb_destroy_logical_type(&w->enum_type[c]);
    duckdb_destroy_data_chunk(&w->chunk);
    duckdb_appender_destroy(&w->appender);
    free(w);
}

static void row_status(struct pw_table_writer *w, duckdb_state st)
{
    if (st == DuckDBError) w->row_failed = true;
}

void pw_tw_null(struct pw_table_writer *w, int col)
{
    if (w->row_mode) {
        row_status(w, duckdb_append_null(w->appender));
        return;
    }
    duckdb_validity_set_row_invalid(duckdb_vector_get_validity(w->vec[col]), w->row);
}

void pw_tw_varchar(struct pw_table_writer *w, int col, const char *s, size_t len)
{
    if (w->row_mode) {
        row_status(w, duckdb_append_varchar_length(w->appender, s, len));
        return;
    }
    duckdb_vector_assign_string_element_len(w->vec[col], w->row, s, len);
}

void pw_tw_str(struct pw_table_writer *w, int col, const char *s)
{
    if (!s) pw_tw_null(w, col);
    else pw_tw_varchar(w, col, s, strlen(s));
}

void pw_tw_int(struct pw_table_writer *w, int col, int64_t v)
{
    if (w->row_mode) {
        row_status(w, duckdb_append_int64(w->appender, v));
        return;
    }
    switch (w->type[col]) {
    case DUCKDB_TYPE_BIGINT: ((int64_t *)w->data[col])[w->row] = v; break;
    case DUCKDB_TYPE_INTEGER: ((int32_t *)w->data[col])[w->row] = (int32_t)v; break;
    case DUCKDB_TYPE_SMALLINT: ((int16_t *)w->data[col])[w->row] = (int16_t)v; break;
    case DUCKDB_TYPE_TINYINT: ((int8_t *)w->data[col])[w->row] = (int8_t)v; break;
    case DUCKDB_TYPE_UTINYINT: ((uint8_t *)w->data[col])[w->row] = (uint8_t)v; break;
    case DUCKDB_TYPE_DOUBLE: ((double *)w->data[col])[w->row] = (double)v; break;
    default: PW_ASSERT(!"pw_tw_int on a non-integer column");
    }
}

void pw_tw_u64(struct pw_table_writer *w, int col, uint64_t v)
{
    if (w->row_mode) {
        row_status(w, duckdb_append_uint64(w->appender, v));
        return;
    }
    PW_ASSERT(w->type[col] == DUCKDB_TYPE_UBIGINT);
    ((uint64_t *)w->data[col])[w->row] = v;
}

void pw_tw_timestamp(struct pw_table_writer *w, int col, double unix_seconds)
{
    if (w->row_mode) {
        duckdb_timestamp ts = {(int64_t)llround(unix_seconds * 1e6)};
        row_status(w, duckdb_append_timestamp(w->appender, ts));
        return;
    }
    PW_ASSERT(w->type[col] == DUCKDB_TYPE_TIMESTAMP);
    ((int64_t *)w->data[col])[w->row] = (int64_t)llround(unix_seconds * 1e6);
}

void pw_tw_double(struct pw_table_writer *w, int col, double v)
{
    if (w->row_mode) {
        row_status(w, isnan(v) ? duckdb_append_null(w->appender) : duckdb_append_double(w->appender, v));
        return;
    }
    PW_ASSERT(w->type[col] == DUCKDB_TYPE_DOUBLE);
    if (isnan(v)) pw_tw_null(w, col);
    else ((double *)w->data[col])[w->row] = v;
}

void pw_tw_date(struct pw_table_writer *w, int col, pw_date d)
{
    if (w->row_mode) {
        duckdb_date dd = {d};
        row_status(w, d == PW_NO_DATE ? duckdb_append_null(w->appender) : duckdb_append_date(w->appender, dd));
        return;
    }
    PW_ASSERT(w->type[col] == DUCKDB_TYPE_DATE);
    if (d == PW_NO_DATE) pw_tw_null(w, col);
    else ((int32_t *)w->data[col])[w->row] = d;
}

void pw_tw_bool(struct pw_table_writer *w, int col, bool v)
{
    if (w->row_mode) {
        row_status(w, duckdb_append_bool(w->appender, v));
        return;
    }
    PW_ASSERT(w->type[col] == DUCKDB_TYPE_BOOLEAN);
    ((bool *)w->data[col])[w->row] = v;
}

void pw_tw_enum(struct pw_table_writer *w, int col, unsigned index)
{
    if (w->row_mode) {
        duckdb_value v = duckdb_create_enum_value(w->enum_type[col], index);
        row_status(w, duckdb_append_value(w->appender, v));
        duckdb_destroy_value(&v);
        return;
    }
    switch (w->type[col]) {
    case DUCKDB_TYPE_UTINYINT: ((uint8_t *)w->data[col])[w->row] = (uint8_t)index; break;
    case DUCKDB_TYPE_USMALLINT: ((uint16_t *)w->data[col])[w->row] = (uint16_t)index; break;
    default: PW_ASSERT(!"pw_tw_enum on a non-enum column");
    }
}

void pw_tw_uuid(struct pw_table_writer *w, int col, const uint8_t u[16])
{
    PW_ASSERT(w->type[col] == DUCKDB_TYPE_UUID);
    if (w->row_mode) {
        duckdb_uhugeint x = {0, 0};
        for (int i = 0; i < 8; i++) x.upper = x.upper << 8 | u[i];
        for (int i = 8; i < 16; i++) x.lower = x.lower << 8 | u[i];
        duckdb_value v = duckdb_create_uuid(x);
        row_status(w, duckdb_append_value(w->appender, v));
        duckdb_destroy_value(&v);
        return;
    }
    /* DuckDB stores a UUID as a hugeint of its big-endian bytes with the top bit
     * flipped, so that signed comparison orders UUIDs like their text form. */
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) hi = hi << 8 | u[i];
    for (int i = 8; i < 16; i++) lo = lo << 8 | u[i];
    duckdb_hugeint h;
    h.lower = lo;
    h.upper = (int64_t)(hi ^ 0x8000000000000000ULL);
    ((duckdb_hugeint *)w->data[col])[w->row] = h;
}

int pw_tw_end_row(struct pw_table_writer *w, struct pw_err *err)
{
    if (w->row_mode) {
        if (w->row_failed || duckdb_appender_end_row(w->appender) == DuckDBError)
            return pw_err_set(err, PW_EDB, "cannot append to table '%s': %s", w->table,
                              duckdb_appender_error(w->appender));
        return 0;
    }
    w->row++;
    return w->row == w->capacity ? flush_chunk(w, err) : 0;
}

