/* store_schema.c: CREATE TABLE text from the column lists of store_schema.h, the
 * ENUM types made from the engine's name arrays, and the one-transaction set-up
 * and layout check of an output database. The views over these tables are in
 * store_views.c. */
#include "io/store_schema.h"

#include <stdio.h>
#include <string.h>

#include "io/db_internal.h"
#include "io/store_parquet.h"
#include "io/store_views.h"
#include "model/plan_config_lists.h"
#include "model/events.h"
#include "model/plan_money_year.h"
#include "model/plan_year.h"
#include "model/year.h"

#define PW__COLDEF(name, type, nn, comp) {#name, type, nn, comp},
static const struct pw_store_column dim_columns[] = {PW_DIM_EMPLOYEE_COLUMNS(PW__COLDEF)};
static const struct pw_store_column event_columns[] = {PW_EVENT_STORE_COLUMNS(PW__COLDEF)};
static const struct pw_store_column snapshot_columns[] = {PW_SNAPSHOT_STORE_COLUMNS(PW__COLDEF)};
static const struct pw_store_column needs_columns[] = {PW_NEEDS_COLUMNS(PW__COLDEF)};
static const struct pw_store_column needs_level_columns[] = {PW_NEEDS_BY_LEVEL_COLUMNS(PW__COLDEF)};
static const struct pw_store_column rejected_columns[] = {PW_REJECTED_ROWS_COLUMNS(PW__COLDEF)};
static const struct pw_store_column params_columns[] = {PW_RUN_PARAMS_COLUMNS(PW__COLDEF)};
static const struct pw_store_column band_columns[] = {PW_BAND_LABELS_COLUMNS(PW__COLDEF)};
static const struct pw_store_column commit_columns[] = {PW_YEAR_COMMITS_COLUMNS(PW__COLDEF)};
static const struct pw_store_column metadata_columns[] = {PW_RUN_METADATA_COLUMNS(PW__COLDEF)};
#undef PW__COLDEF

const char *const pw_output_layout_names[PW_LAYOUT_COUNT] = {"duckdb", "parquet", "wide"};

#define PW__TABLE(name, cols, per_year) {name, cols, (int)(sizeof cols / sizeof *cols), per_year}
const struct pw_store_table_def pw_store_tables[PW_T_COUNT] = {
    [PW_T_DIM_EMPLOYEE] = PW__TABLE("pw.dim_employee", dim_columns, false),
    [PW_T_EVENTS] = PW__TABLE("pw.event_store", event_columns, true),
    [PW_T_SNAPSHOT] = PW__TABLE("pw.snapshot_store", snapshot_columns, true),
    [PW_T_NEEDS] = PW__TABLE("pw.needs", needs_columns, true),
    [PW_T_NEEDS_BY_LEVEL] = PW__TABLE("pw.needs_by_level", needs_level_columns, true),
    [PW_T_REJECTED_ROWS] = PW__TABLE("pw.rejected_rows", rejected_columns, false),
    [PW_T_RUN_PARAMS] = PW__TABLE("pw.run_params", params_columns, false),
    [PW_T_BAND_LABELS] = PW__TABLE("pw.band_labels", band_columns, false),
    [PW_T_YEAR_COMMITS] = PW__TABLE("pw.year_commits", commit_columns, true),
    [PW_T_RUN_METADATA] = PW__TABLE("main.run_metadata", metadata_columns, false),
};
#undef PW__TABLE

/* ---- ENUM types ----------------------------------------------------------- */

struct enum_type {
    const char *name;                /* pw_<name>, in schema main (see create_layout) */
    const char *const *names;        /* C name array */
    int first, count;                /* members names[first .. first + count) */
};

static int null_terminated_count(const char *const *names)
{
    int n = 0;
    while (names[n]) n++;
    return n;
}

/* ENUM member i of each type is the C value first + i, which is what the
 * writers store (pw_tw_enum). */
static int enum_types(struct enum_type *t)
{
    int n = 0;
    t[n++] = (struct enum_type){"pw_event_type", pw_event_type_names, 1, PW_EV_TYPE_COUNT - 1};
    t[n++] = (struct enum_type){"pw_event_category", pw_event_category_names, 0, PW_CAT_COUNT};
    t[n++] = (struct enum_type){"pw_eligibility_status", pw_plan_status_names, 0, PW_PLAN_STATUS_COUNT};
    t[n++] = (struct enum_type){"pw_enrollment_method", pw_enrollment_method_names, 1, PW_ENROLL_METHOD_COUNT - 1};
    t[n++] = (struct enum_type){"pw_limit_type", pw_limit_type_names, 0, PW_LIMIT_TYPE_COUNT};
    t[n++] = (struct enum_type){"pw_match_eligibility_reason", pw_elig_reason_names, 0, PW_ELIG_REASON_COUNT};
    t[n++] = (struct enum_type){"pw_formula_type", pw__formula_type_names, 0,
                                null_terminated_count(pw__formula_type_names)};
    t[n++] = (struct enum_type){"pw_employment_status", pw_employment_status_names, 0, PW_EMPLOYMENT_STATUS_COUNT};
    t[n++] = (struct enum_type){"pw_termination_reason", pw_termination_reason_names, 0, PW_TERMINATION_REASON_COUNT};
    t[n++] = (struct enum_type){"pw_detailed_status", pw_detailed_status_names, 0, PW_DETAILED_STATUS_COUNT};
    t[n++] = (struct enum_type){"pw_participation_status", pw_participation_status_names, 0,
                                PW_PARTICIPATION_STATUS_COUNT};
    return n;
}
#define MAX_ENUM_TYPES 16

void pw_store_type_sql(struct pw_strbuf *b, const char *type, int form)
{
    if (strncmp(type, "pw.", 3) != 0 || form == PW_TYPE_NAMED) {
        pw_sb_add(b, type);
        return;
    }
    if (form == PW_TYPE_TEXT) {
        pw_sb_add(b, "VARCHAR");
        return;
    }
    struct enum_type types[MAX_ENUM_TYPES];
    int ntypes = enum_types(types);
    for (int i = 0; i < ntypes; i++) {
        if (strcmp(types[i].name, type) != 0) continue;
        pw_sb_add(b, "ENUM(");
        for (int k = 0; k < types[i].count; k++) {
            if (k) pw_sb_add(b, ", ");
            pw_sb_add_sql_literal(b, types[i].names[types[i].first + k]);
        }
        pw_sb_add(b, ")");
        return;
    }
    PW_ASSERT(!"unknown ENUM type in a column list");
}

void pw_store_enum_case(struct pw_strbuf *b, const char *type, const char *code_expr, int first_code)
{
    struct enum_type types[MAX_ENUM_TYPES];
    int ntypes = enum_types(types);
    for (int i = 0; i < ntypes; i++) {
        if (strcmp(types[i].name, type) != 0) continue;
        pw_sb_addf(b, "CASE %s", code_expr);
        for (int k = 0; k < types[i].count; k++) {
            pw_sb_addf(b, " WHEN %d THEN ", first_code + k);
            pw_sb_add_sql_literal(b, types[i].names[types[i].first + k]);
            pw_sb_addf(b, "::%s", type);
        }
        pw_sb_add(b, " END");
        return;
    }
    PW_ASSERT(!"unknown ENUM type");
}

void pw_store_table_ddl(struct pw_strbuf *b, const struct pw_store_table_def *t, bool with_compression)
{
    pw_sb_addf(b, "CREATE TABLE IF NOT EXISTS %s (", t->name);
    for (int c = 0; c < t->column_count; c++) {
        const struct pw_store_column *col = &t->columns[c];
        pw_sb_addf(b, "%s%s %s%s", c ? ", " : "", col->name, col->type, col->not_null ? " NOT NULL" : "");
        if (with_compression && col->compression[0]) pw_sb_addf(b, " USING COMPRESSION %s", col->compression);
    }
    pw_sb_add(b, ")");
}

static int exec_sb(struct pw_db *db, struct pw_strbuf *b, const char *what, struct pw_err *err)
{
    if (pw_sb_ok(b)) return pw_err_set(err, PW_ENOMEM, "out of memory building the output schema");
    return pw__db_query(db, pw_sb_text(b), NULL, what, err);
}

static int create_layout(struct pw_db *db, int layout, const char *data_dir, struct pw_err *err)
{
    struct enum_type types[MAX_ENUM_TYPES];
    int ntypes = enum_types(types);
    struct pw_strbuf b = PW_STRBUF_INIT;
    int rc = pw__db_query(db, "CREATE SCHEMA IF NOT EXISTS pw", NULL, "cannot create the output schema", err);
    /* The ENUM types live in schema main, not pw: DuckDB 1.4 cannot replay from
     * its WAL a type created in another schema ("Schema with name pw does not
     * exist"), so a kill before the first checkpoint left a database that no
     * longer opened. */
    for (int i = 0; i < ntypes && !rc; i++) {
        pw_sb_reset(&b);
        pw_sb_addf(&b, "CREATE TYPE %s AS ENUM (", types[i].name);
        for (int k = 0; k < types[i].count; k++) {
            if (k) pw_sb_add(&b, ", ");
            pw_sb_add_sql_literal(&b, types[i].names[types[i].first + k]);
        }
        pw_sb_add(&b, ")");
        rc = exec_sb(db, &b, "cannot create the output types", err);
    }
    for (int t = 0; t < PW_T_COUNT && !rc; t++) {
        if (layout != PW_LAYOUT_TABLES && pw_store_table_in_files(t)) continue;
        pw_sb_reset(&b);
        pw_store_table_ddl(&b, &pw_store_tables[t], true);
        rc = exec_sb(db, &b, "cannot create the output tables", err);
    }
    if (!rc && layout == PW_LAYOUT_PARQUET) rc = pw_parquet_create_layout(db, data_dir, err);
    if (layout == PW_LAYOUT_WIDE) {
        /* The user-facing tables as base tables, with the columns of the views. */
        for (int v = 0; v < PW_V_COUNT && !rc; v++) {
            pw_sb_reset(&b);
            pw_view_table_ddl(&b, &pw_views[v]);
            rc = exec_sb(db, &b, "cannot create the output tables", err);
        }
        if (!rc) rc = pw_store_wide_compat_create(db, err);
    } else if (!rc) {
        rc = pw_store_views_create(db, err);
    }
    if (!rc) {
        pw_sb_reset(&b);
        pw_sb_addf(&b,
                   "CREATE TABLE planwise_schema (version INTEGER NOT NULL, layout VARCHAR NOT NULL, "
                   "data_directory VARCHAR); INSERT INTO planwise_schema VALUES (%d, '%s', ",
                   PW_SCHEMA_VERSION, pw_output_layout_names[layout]);
        pw_sb_add_sql_literal(&b, layout == PW_LAYOUT_PARQUET ? data_dir : NULL);
        pw_sb_add(&b, "); CREATE SEQUENCE pw.run_keys START 1");
        rc = exec_sb(db, &b, "cannot create the output tables", err);
    }
    pw_sb_release(&b);
    return rc;
}

/* Each ENUM type in the database must list exactly the C names, in order: the
 * writers store C values as member indices. */
static int check_enums(struct pw_db *db, struct pw_err *err)
{
    struct enum_type types[MAX_ENUM_TYPES];
    int ntypes = enum_types(types);
    struct pw_strbuf want = PW_STRBUF_INIT, sql = PW_STRBUF_INIT;
    int rc = 0;
    for (int i = 0; i < ntypes && !rc; i++) {
        pw_sb_reset(&want);
        pw_sb_reset(&sql);
        for (int k = 0; k < types[i].count; k++) pw_sb_addf(&want, "%s%s", k ? "|" : "", types[i].names[types[i].first + k]);
        pw_sb_addf(&sql, "SELECT coalesce((SELECT array_to_string(enum_range(NULL::%s), '|')), '')", types[i].name);
        char have[1024];
        if (pw_sb_ok(&want) || pw_sb_ok(&sql)) rc = pw_err_set(err, PW_ENOMEM, "out of memory");
        else if ((rc = pw_db_query_string(db, pw_sb_text(&sql), have, sizeof have, err)))
            pw_err_prefix(err, "database '%s': ", pw_db_path(db));
        else if (strcmp(have, pw_sb_text(&want)) != 0)
            rc = pw_err_set(err, PW_EINTERNAL,
                            "database '%s': ENUM type %s holds (%s) but this program writes (%s): the stored "
                            "layout and the program disagree; write to a new --db file",
                            pw_db_path(db), types[i].name, have, pw_sb_text(&want));
    }
    pw_sb_release(&want);
    pw_sb_release(&sql);
    return rc;
}

/* 1 = planwise_schema exists, 0 = not; the version in *version, the layout and
 * data folder in *info. */
static int read_version(struct pw_db *db, int64_t *version, struct pw_store_info *info, struct pw_err *err)
{
    int *layout = &info->layout;
    int64_t n = 0;
    *version = 0;
    int rc = pw_db_query_int(db,
                             "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'planwise_schema' "
                             "AND schema_name = 'main' AND database_name = current_database()",
                             &n, err);
    if (rc) return rc;
    if (n == 0) return 0;
    if ((rc = pw_db_query_int(db, "SELECT coalesce(max(version), 0) FROM planwise_schema", version, err))) return rc;
    *layout = -1;
    if (*version != PW_SCHEMA_VERSION) return 1;
    char name[32];
    if ((rc = pw_db_query_string(db, "SELECT coalesce(max(layout), '') FROM planwise_schema", name, sizeof name, err)))
        return rc;
    for (int l = 0; l < PW_LAYOUT_COUNT; l++)
        if (strcmp(name, pw_output_layout_names[l]) == 0) *layout = l;
    if (*layout < 0)
        return pw_err_set(err, PW_EDB, "database '%s': unknown planwise output layout '%s'", pw_db_path(db), name);
    if ((rc = pw_db_query_string(db, "SELECT coalesce(max(data_directory), '') FROM planwise_schema", info->data_dir,
                                 sizeof info->data_dir, err)))
        return rc;
    return 1;
}

static int version_error(struct pw_db *db, int64_t version, struct pw_err *err)
{
    return pw_err_set(err, PW_EDB,
                      "database '%s' holds planwise output schema version %lld, this program writes version %d; "
                      "write to a new --db file",
                      pw_db_path(db), (long long)version, PW_SCHEMA_VERSION);
}

int pw_store_check(struct pw_db *db, struct pw_store_info *info, struct pw_err *err)
{
    int64_t version;
    struct pw_store_info stored = {0};
    int rc = read_version(db, &version, &stored, err);
    if (rc < 0) return rc;
    if (rc == 0) return pw_err_set(err, PW_EDB, "database '%s' holds no planwise outputs", pw_db_path(db));
    if (version != PW_SCHEMA_VERSION) return version_error(db, version, err);
    if (info) *info = stored;
    return check_enums(db, err);
}

int pw_store_open(struct pw_db *db, int layout, const char *data_dir, struct pw_store_info *out, struct pw_err *err)
{
    int64_t version;
    struct pw_store_info info = {0};
    int rc = read_version(db, &version, &info, err);
    if (rc < 0) return rc;
    int stored = info.layout;
    if (out) {
        *out = (struct pw_store_info){.layout = layout};
        if (rc == 1) *out = info;
        else if (layout == PW_LAYOUT_PARQUET) snprintf(out->data_dir, sizeof out->data_dir, "%s", data_dir);
    }
    if (rc == 1) {
        if (version != PW_SCHEMA_VERSION) return version_error(db, version, err);
        if (stored != layout)
        {
            static const char *const what[PW_LAYOUT_COUNT] = {"DuckDB tables (--output-format duckdb)",
                                                              "Parquet files (--output-format parquet)",
                                                              "the wide tables of the baseline execution mode"};
            return pw_err_set(err, PW_EDB,
                              "database '%s' stores its outputs as %s, not %s; use that, or write to a new --db file",
                              pw_db_path(db), what[stored], what[layout]);
        }
        return check_enums(db, err);
    }
    int64_t other = 0;
    if ((rc = pw_db_query_int(db,
                              "SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('fct_yearly_events', "
                              "'run_metadata') AND database_name = current_database()",
                              &other, err)))
        return rc;
    if (other > 0)
        return pw_err_set(err, PW_EDB, "database '%s' holds output tables of an older planwise; write to a new --db file",
                          pw_db_path(db));
    /* The objects are created and committed before any row is written: DuckDB
     * commits rows appended to a table created in the same transaction much more
     * slowly, and an empty layout changes nothing a reader can see. */
    if ((rc = pw_db_exec(db, "BEGIN TRANSACTION", err))) return rc;
    rc = create_layout(db, layout, data_dir, err);
    if (!rc) rc = pw__db_query(db, "COMMIT", NULL, "cannot create the output tables", err);
    if (rc) {
        pw__db_query(db, "ROLLBACK", NULL, "rollback", NULL);
        return rc;
    }
    return check_enums(db, err);
}
