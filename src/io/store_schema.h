/* store_schema.h: the narrow storage tables of the outputs, one column list each.
 *
 * Every output row is stored once, in a narrow table of schema `pw`: integer
 * keys instead of ids (pw.dim_employee holds an employee's id, SSN, dates and
 * hours once per run), ENUM codes, the numbers behind event_details instead of
 * text, and no column that is a function of others (ages, tenures, bands, totals,
 * UUIDs and details are computed by the views of store_views.h). Each table's
 * X-list below is the single source of its CREATE TABLE text (store_schema.c) and
 * of the column indices its writer uses (enum pw_<table>_col); ENUM types are
 * made from the same C name arrays the engine uses, and checked against the
 * database at start-up.
 *
 * X(column, SQL type, not null, compression); compression "" lets DuckDB choose.
 * Every row carries run_key: the run that wrote it (run_metadata.run_key). */
#ifndef PW_IO_STORE_SCHEMA_H
#define PW_IO_STORE_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "core/strbuf.h"
#include "io/db.h"

/* Version of the stored layout (planwise_schema.version). */
#define PW_SCHEMA_VERSION 5

/* How the outputs are stored (planwise_schema.layout; fixed when a file is created). */
enum pw_output_layout {
    PW_LAYOUT_TABLES = 0,    /* narrow DuckDB tables under views (default) */
    PW_LAYOUT_PARQUET,       /* narrow Parquet files under <db>.data/, views over them */
    PW_LAYOUT_WIDE,          /* the user-facing tables as base tables (benchmark baseline) */
    PW_LAYOUT_COUNT
};
extern const char *const pw_output_layout_names[PW_LAYOUT_COUNT];   /* duckdb, parquet, wide */

#define PW_NN true          /* NOT NULL */
#define PW_NULLABLE false

/* One row per employee a run wrote: the starting population in its first year,
 * each hire in the year of hire. hire_year is the year the run hired the
 * employee, NULL for the starting population. */
#define PW_DIM_EMPLOYEE_COLUMNS(X)                                   \
    X(run_key, "INTEGER", PW_NN, "")                                   \
    X(employee_key, "INTEGER", PW_NN, "")                               \
    X(employee_id, "VARCHAR", PW_NN, "fsst")                            \
    X(employee_ssn, "VARCHAR", PW_NULLABLE, "fsst")                          \
    X(employee_birth_date, "DATE", PW_NN, "bitpacking")                 \
    X(employee_hire_date, "DATE", PW_NN, "bitpacking")                  \
    X(hire_year, "SMALLINT", PW_NULLABLE, "")                                \
    X(scheduled_hours_per_week, "DOUBLE", PW_NN, "")                    \
    X(auto_escalation_opt_out, "BOOLEAN", PW_NN, "")                    \
    X(is_5pct_owner, "BOOLEAN", PW_NN, "")                              \
    X(is_1pct_owner, "BOOLEAN", PW_NN, "")                              \
    X(is_officer, "BOOLEAN", PW_NN, "")

/* One row per event (MODEL 6.1), packed: `codes` holds the event's small numbers
 * (PW_EVCODE_*), value_1..value_4 its amounts and rates by type (PW_EVENT_VALUES
 * below), and employee_tenure the year's reported tenure (it depends on a
 * termination date the event row does not carry). pw.events is the view that
 * unpacks them into named columns (store_views.c). */
#define PW_EVENT_STORE_COLUMNS(X)                                    \
    X(run_key, "INTEGER", PW_NN, "")                                 \
    X(simulation_year, "INTEGER", PW_NN, "")                         \
    X(employee_key, "INTEGER", PW_NN, "bitpacking")                  \
    X(event_type, "pw_event_type", PW_NN, "")                        \
    X(event_category, "pw_event_category", PW_NN, "")                \
    X(effective_date, "DATE", PW_NN, "bitpacking")                   \
    X(codes, "INTEGER", PW_NN, "bitpacking")                         \
    X(employee_tenure, "UTINYINT", PW_NN, "bitpacking")              \
    X(value_1, "DOUBLE", PW_NULLABLE, "alp")                         \
    X(value_2, "DOUBLE", PW_NULLABLE, "alp")                         \
    X(value_3, "DOUBLE", PW_NULLABLE, "")                            \
    X(value_4, "DOUBLE", PW_NULLABLE, "")                            \
    X(event_probability, "DOUBLE", PW_NULLABLE, "alp")

/* Bits of pw.event_store.codes: (codes >> shift) & mask. */
#define PW_EVCODE_SEQUENCE_SHIFT 0      /* event_sequence, 1..10 */
#define PW_EVCODE_SEQUENCE_MASK 15
#define PW_EVCODE_LEVEL_SHIFT 4         /* level_id, 1..PW_MAX_LEVELS (16) */
#define PW_EVCODE_LEVEL_MASK 31
#define PW_EVCODE_DETAIL_SHIFT 9        /* detail_code (model/events.h), 0..255 */
#define PW_EVCODE_DETAIL_MASK 255

/* What value_1..value_4 hold, by event type (the rest are NULL):
 *   hire            1 = compensation
 *   promotion       1 = new pay, 2 = previous pay, 3 = raise_pct
 *   raise           1 = new pay, 2 = previous pay, 3 = merit rate, 4 = COLA rate
 *   termination     1 = pay (also the previous pay)
 *   forfeiture      1 = total forfeited, 2 = match part (core = 1 - 2), 3/4 = vested share match/core
 *   enrollment      1 = pay, 3 = deferral rate (the previous rate is 0)
 *   match response  1 = pay (also the previous pay), 2 = ceiling, 3 = new rate, 4 = previous rate
 *   escalation      3 = new rate, 4 = previous rate
 *   opt-out         1 = pay (also the previous pay), 4 = previous rate (the new rate is 0) */

/* One row per employee and year (MODEL 6.2, with the match details of 6.3),
 * packed: `codes` holds the flags and small numbers (PW_SNAPCODE_*); pw.snapshot
 * is the view that unpacks them. roth_contributions is D - pre_tax. */
#define PW_SNAPSHOT_STORE_COLUMNS(X)                                             \
    X(run_key, "INTEGER", PW_NN, "")                                             \
    X(simulation_year, "INTEGER", PW_NN, "")                                     \
    X(employee_key, "INTEGER", PW_NN, "bitpacking")                              \
    X(termination_date, "DATE", PW_NULLABLE, "")                                 \
    X(codes, "INTEGER", PW_NN, "bitpacking")                                     \
    X(vesting_years, "UTINYINT", PW_NN, "")                                      \
    X(annual_hours_worked, "SMALLINT", PW_NN, "bitpacking")                      \
    X(employee_eligibility_date, "DATE", PW_NULLABLE, "bitpacking")              \
    X(employee_enrollment_date, "DATE", PW_NULLABLE, "")                         \
    X(last_escalation_date, "DATE", PW_NULLABLE, "")                             \
    X(current_compensation, "DOUBLE", PW_NN, "alp")                              \
    X(prorated_annual_compensation, "DOUBLE", PW_NN, "alp")                      \
    X(current_deferral_rate, "DOUBLE", PW_NN, "alp")                             \
    X(original_deferral_rate, "DOUBLE", PW_NULLABLE, "alp")                      \
    X(contribution_base_compensation, "DOUBLE", PW_NN, "alp")                    \
    X(prorated_annual_contributions, "DOUBLE", PW_NN, "alp")                     \
    X(pre_tax_contributions, "DOUBLE", PW_NN, "alp")                             \
    X(effective_annual_deferral_rate, "DOUBLE", PW_NN, "alp")                    \
    X(applicable_deferral_limit, "DOUBLE", PW_NN, "")                            \
    X(employer_match_amount, "DOUBLE", PW_NN, "alp")                             \
    X(uncapped_match_amount, "DOUBLE", PW_NN, "alp")                             \
    X(irs_415c_match_reduction, "DOUBLE", PW_NN, "")                             \
    X(employer_core_amount, "DOUBLE", PW_NN, "alp")                              \
    X(employer_match_balance, "DOUBLE", PW_NN, "alp")                            \
    X(employer_core_balance, "DOUBLE", PW_NN, "alp")                             \
    X(match_vested_pct, "DOUBLE", PW_NN, "")                                     \
    X(core_vested_pct, "DOUBLE", PW_NN, "")                                      \
    X(vested_balance, "DOUBLE", PW_NN, "alp")                                    \
    X(forfeiture_amount, "DOUBLE", PW_NN, "")

/* Bits of pw.snapshot_store.codes (decimal: the views spell them in SQL). Flags are single bits; the coded values are
 * the C enum values (ENUM member indices; enrollment method 0 = never enrolled). */
#define PW_SNAPFLAG_ENROLLED 1          /* is_enrolled_flag */
#define PW_SNAPFLAG_OPTED_OUT 2         /* ever_opted_out */
#define PW_SNAPFLAG_402G 4              /* irs_402g_limit_applied */
#define PW_SNAPFLAG_401A17 8            /* irs_401a17_limit_applied */
#define PW_SNAPFLAG_415C 16             /* irs_415c_limit_applied */
#define PW_SNAPFLAG_MATCH_ELIGIBLE 32   /* employer_match_eligible */
#define PW_SNAPFLAG_MATCH_CAPPED 64     /* match_cap_applied */
#define PW_SNAPFLAG_CORE_ELIGIBLE 128    /* employer_core_eligible */
#define PW_SNAPFLAG_HCE 256             /* is_hce */
#define PW_SNAPCODE_ELIG_SHIFT 9          /* current_eligibility_status, enum pw_plan_status */
#define PW_SNAPCODE_ELIG_MASK 3
#define PW_SNAPCODE_METHOD_SHIFT 11       /* enrollment_method, enum pw_enrollment_method */
#define PW_SNAPCODE_METHOD_MASK 7
#define PW_SNAPCODE_LIMIT_SHIFT 14        /* limit_type, enum pw_limit_type */
#define PW_SNAPCODE_LIMIT_MASK 3
#define PW_SNAPCODE_REASON_SHIFT 16       /* employer_match_eligibility_reason, enum pw_elig_reason */
#define PW_SNAPCODE_REASON_MASK 3
#define PW_SNAPCODE_LEVEL_SHIFT 18        /* level_id */
#define PW_SNAPCODE_LEVEL_MASK 31
#define PW_SNAPCODE_ESCALATIONS_SHIFT 23  /* total_deferral_escalations, 0..127 */
#define PW_SNAPCODE_ESCALATIONS_MASK 127

/* The growth solver's trace (MODEL 6.5), one row per year. */
#define PW_NEEDS_COLUMNS(X)                                          \
    X(run_key, "INTEGER", PW_NN, "")                                   \
    X(simulation_year, "INTEGER", PW_NN, "")                           \
    X(starting_headcount, "BIGINT", PW_NN, "")                          \
    X(experienced_headcount, "BIGINT", PW_NN, "")                       \
    X(prior_year_hires_active, "BIGINT", PW_NN, "")                     \
    X(target_growth_rate, "DOUBLE", PW_NN, "")                          \
    X(termination_rate, "DOUBLE", PW_NN, "")                            \
    X(new_hire_termination_rate, "DOUBLE", PW_NN, "")                   \
    X(target_ending_headcount, "BIGINT", PW_NN, "")                     \
    X(expected_experienced_terminations, "BIGINT", PW_NN, "")           \
    X(rif_terminations, "BIGINT", PW_NN, "")                            \
    X(total_experienced_terminations, "BIGINT", PW_NN, "")              \
    X(total_hires, "BIGINT", PW_NN, "")                                 \
    X(expected_new_hire_terminations, "BIGINT", PW_NN, "")              \
    X(net_from_hires, "BIGINT", PW_NN, "")                              \
    X(nh_terms_shortfall, "BIGINT", PW_NN, "")                          \
    X(ending_headcount_actual, "BIGINT", PW_NN, "")                     \
    X(reconciliation_error, "BIGINT", PW_NN, "")

/* One row per year and level (MODEL 6.5). */
#define PW_NEEDS_BY_LEVEL_COLUMNS(X)                                 \
    X(run_key, "INTEGER", PW_NN, "")                                   \
    X(simulation_year, "INTEGER", PW_NN, "")                           \
    X(level_id, "UTINYINT", PW_NN, "")                                  \
    X(starting_headcount, "BIGINT", PW_NN, "")                          \
    X(termination_quota, "BIGINT", PW_NN, "")                           \
    X(terminations_realized, "BIGINT", PW_NN, "")                       \
    X(hires, "BIGINT", PW_NN, "")                                       \
    X(new_hire_terminations, "BIGINT", PW_NN, "")                       \
    X(new_hire_base_compensation, "DOUBLE", PW_NN, "")                  \
    X(ending_headcount, "BIGINT", PW_NN, "")

/* Rejected census rows of a run (--on-bad-rows skip). */
#define PW_REJECTED_ROWS_COLUMNS(X)                                  \
    X(run_key, "INTEGER", PW_NN, "")                                   \
    X(row_number, "BIGINT", PW_NN, "")                                  \
    X(employee_id, "VARCHAR", PW_NULLABLE, "")                               \
    X(column_name, "VARCHAR", PW_NULLABLE, "")                               \
    X(reason, "VARCHAR", PW_NULLABLE, "")

/* What the views need of a run's configuration and tables, one row per run:
 * band labels by age and by years of tenure (index = value + 1, values above
 * the last index use the last), the settings event_details shows, and the
 * whole effective configuration as `planwise config show` prints it (every
 * key, defaults filled in, block-style YAML) for the SQL checks. */
#define PW_RUN_PARAMS_COLUMNS(X)                                     \
    X(run_key, "INTEGER", PW_NN, "")                                   \
    X(age_band_by_age, "VARCHAR[]", PW_NN, "")                          \
    X(tenure_band_by_years, "VARCHAR[]", PW_NN, "")                     \
    X(termination_selection, "VARCHAR", PW_NN, "")                      \
    X(raise_timing, "VARCHAR", PW_NN, "")                               \
    X(minimum_age, "INTEGER", PW_NN, "")                                \
    X(waiting_period_days, "INTEGER", PW_NN, "")                        \
    X(escalation_increment, "DOUBLE", PW_NN, "")                        \
    X(escalation_cap, "DOUBLE", PW_NN, "")                              \
    X(opt_out_grace_days, "INTEGER", PW_NN, "")                         \
    X(match_formula_name, "VARCHAR", PW_NULLABLE, "")                        \
    X(match_formula_type, "pw_formula_type", PW_NULLABLE, "")       \
    X(effective_config, "VARCHAR", PW_NN, "")

/* A run's band labels by value (MODEL 1.3 bands of its age_bands and
 * tenure_bands tables): dimension 0 = age, 1 = years of tenure, for values
 * 0..PW_BAND_VALUES - 1; larger values use the last. The views join on it:
 * a lookup in a list column copies the list into every row first. */
#define PW_BAND_LABELS_COLUMNS(X)                                    \
    X(run_key, "INTEGER", PW_NN, "")                                 \
    X(dimension, "UTINYINT", PW_NN, "")                              \
    X(value, "SMALLINT", PW_NN, "")                                  \
    X(label, "VARCHAR", PW_NN, "")
#define PW_BAND_VALUES 128

/* The commit record of a year: the year's rows of this run are complete. */
#define PW_YEAR_COMMITS_COLUMNS(X)                                   \
    X(run_key, "INTEGER", PW_NN, "")                                   \
    X(simulation_year, "INTEGER", PW_NN, "")                           \
    X(committed_at, "TIMESTAMP", PW_NN, "")

/* One row per run (user-facing table; MODEL has no spec for it). status is
 * running, complete or failed; models_status is pending, running, done or
 * failed (the SQL models after the last year; NULL when not asked for). */
#define PW_RUN_METADATA_COLUMNS(X)                                   \
    X(scenario_id, "VARCHAR", PW_NN, "")                               \
    X(run_id, "UUID", PW_NN, "")                                        \
    X(run_key, "INTEGER", PW_NN, "")                                    \
    X(random_seed, "UBIGINT", PW_NULLABLE, "")                               \
    X(start_year, "INTEGER", PW_NULLABLE, "")                                \
    X(end_year, "INTEGER", PW_NULLABLE, "")                                  \
    X(config_path, "VARCHAR", PW_NULLABLE, "")                               \
    X(config_text, "VARCHAR", PW_NULLABLE, "")                               \
    X(config_sha1, "VARCHAR", PW_NULLABLE, "")                               \
    X(program_version, "VARCHAR", PW_NULLABLE, "")                           \
    X(duckdb_version, "VARCHAR", PW_NULLABLE, "")                            \
    X(census_path, "VARCHAR", PW_NULLABLE, "")                               \
    X(census_rows_read, "BIGINT", PW_NULLABLE, "")                           \
    X(census_rows_rejected, "BIGINT", PW_NULLABLE, "")                       \
    X(starting_roster, "BIGINT", PW_NULLABLE, "")                            \
    X(threads, "INTEGER", PW_NULLABLE, "")                                   \
    X(started_at, "TIMESTAMP", PW_NULLABLE, "")                              \
    X(wall_seconds, "DOUBLE", PW_NULLABLE, "")                               \
    X(stage_seconds, "VARCHAR", PW_NULLABLE, "")                             \
    X(event_rows, "BIGINT", PW_NULLABLE, "")                                 \
    X(snapshot_rows, "BIGINT", PW_NULLABLE, "")                              \
    X(status, "VARCHAR", PW_NN, "")                                     \
    X(last_completed_year, "INTEGER", PW_NULLABLE, "")                       \
    X(resumed_from_year, "INTEGER", PW_NULLABLE, "")                         \
    X(from_checkpoint, "VARCHAR", PW_NULLABLE, "")                           \
    X(error, "VARCHAR", PW_NULLABLE, "")                                     \
    X(output_format, "VARCHAR", PW_NULLABLE, "")                             \
    X(models_status, "VARCHAR", PW_NULLABLE, "")

#define PW__COLUMN_INDEX(prefix, name) prefix##_##name,
#define PW__DIM_IDX(name, type, nn, comp) PW__COLUMN_INDEX(PW_EMP, name)
#define PW__EV_IDX(name, type, nn, comp) PW__COLUMN_INDEX(PW_EV, name)
#define PW__SNAP_IDX(name, type, nn, comp) PW__COLUMN_INDEX(PW_SNAP, name)
#define PW__NEEDS_IDX(name, type, nn, comp) PW__COLUMN_INDEX(PW_NEEDS, name)
#define PW__NBL_IDX(name, type, nn, comp) PW__COLUMN_INDEX(PW_NBL, name)
#define PW__REJ_IDX(name, type, nn, comp) PW__COLUMN_INDEX(PW_REJ, name)
#define PW__META_IDX(name, type, nn, comp) PW__COLUMN_INDEX(PW_META, name)
enum pw_dim_employee_col { PW_DIM_EMPLOYEE_COLUMNS(PW__DIM_IDX) PW_EMP_COUNT };
enum pw_event_store_col { PW_EVENT_STORE_COLUMNS(PW__EV_IDX) PW_EV_COUNT };
enum pw_snapshot_store_col { PW_SNAPSHOT_STORE_COLUMNS(PW__SNAP_IDX) PW_SNAP_COUNT };
enum pw_needs_col { PW_NEEDS_COLUMNS(PW__NEEDS_IDX) PW_NEEDS_COUNT };
enum pw_needs_by_level_col { PW_NEEDS_BY_LEVEL_COLUMNS(PW__NBL_IDX) PW_NBL_COUNT };
enum pw_rejected_rows_col { PW_REJECTED_ROWS_COLUMNS(PW__REJ_IDX) PW_REJ_COUNT };
enum pw_run_metadata_col { PW_RUN_METADATA_COLUMNS(PW__META_IDX) PW_META_COUNT };

/* The stored tables, in creation order (pw_store_tables[i]). */
enum pw_store_table {
    PW_T_DIM_EMPLOYEE,
    PW_T_EVENTS,
    PW_T_SNAPSHOT,
    PW_T_NEEDS,
    PW_T_NEEDS_BY_LEVEL,
    PW_T_REJECTED_ROWS,
    PW_T_RUN_PARAMS,
    PW_T_BAND_LABELS,
    PW_T_YEAR_COMMITS,
    PW_T_RUN_METADATA,
    PW_T_COUNT
};

struct pw_store_column {
    const char *name;
    const char *type;          /* SQL type, pw.<name> for the ENUM types */
    bool not_null;
    const char *compression;   /* "" = DuckDB's choice */
};

struct pw_store_table_def {
    const char *name;          /* qualified: pw.event_store, ..., main.run_metadata */
    const struct pw_store_column *columns;
    int column_count;
    bool per_year;             /* rows belong to (run, year): removed with a year */
};

extern const struct pw_store_table_def pw_store_tables[PW_T_COUNT];

/* How a column type is written: as listed (pw.<enum> named types), with ENUM
 * types spelled out inline (for temporary tables, which cannot use the named
 * types), or with ENUMs as VARCHAR (as Parquet files store them). */
enum { PW_TYPE_NAMED = 0, PW_TYPE_INLINE_ENUM, PW_TYPE_TEXT };
void pw_store_type_sql(struct pw_strbuf *b, const char *type, int form);

/* "CASE code_expr WHEN first_code THEN 'name'::type ... END": the members of an
 * ENUM type from a stored integer code whose value first_code is member 0. */
void pw_store_enum_case(struct pw_strbuf *b, const char *type, const char *code_expr, int first_code);

/* Tables kept as Parquet files in the Parquet layout: one file per table, run
 * and year (the others stay DuckDB tables). */
static inline bool pw_store_table_in_files(int t)
{
    return t == PW_T_DIM_EMPLOYEE || t == PW_T_EVENTS || t == PW_T_SNAPSHOT || t == PW_T_NEEDS ||
           t == PW_T_NEEDS_BY_LEVEL;
}

/* Appends CREATE TABLE IF NOT EXISTS for table t (with_compression: the
 * USING COMPRESSION clauses, which Parquet files do not take). */
void pw_store_table_ddl(struct pw_strbuf *b, const struct pw_store_table_def *t, bool with_compression);

/* Creates (if needed) schema pw, its ENUM types, the tables (the Parquet layout:
 * the file folders under data_dir and views over them), the views (or the wide
 * layout's base tables) and the schema row, in one transaction; then checks
 * that the database holds this layout: the version, the storage layout, and every
 * ENUM type's values equal to the C names (an internal error names the type when
 * they differ). A database of another version or layout is an error that says
 * what to do. info (may be NULL) receives the stored layout and data folder. */
struct pw_store_info;
int pw_store_open(struct pw_db *db, int layout, const char *data_dir, struct pw_store_info *info, struct pw_err *err);

/* What an output database says about itself. */
struct pw_store_info {
    int layout;                        /* enum pw_output_layout */
    char data_dir[1024];               /* Parquet layout: absolute path of the files' folder, else "" */
};
/* The same checks on a database that must already hold planwise outputs
 * (read-only commands); PW_EDB with a clear message when it does not. info (may
 * be NULL) receives the layout and data folder. */
int pw_store_check(struct pw_db *db, struct pw_store_info *info, struct pw_err *err);

#endif
