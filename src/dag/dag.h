/* dag.h: SQL models over a planwise output database, run as a DAG.
 *
 * A model is one SQL query in a .sql file (a user model of several statements, or
 * of a statement that is not a query, is a planning problem); its name is the
 * file's base name. The
 * built-in models (models/ in the source tree, embedded in the binary) are the
 * marts people query and one data-quality check per MODEL section 7 invariant;
 * users add their own from a folder. A model may use
 *   {{ ref('name') }}   the relation of another model (an edge of the DAG), or a
 *                       planwise output table such as fct_yearly_events (no edge)
 *   {{ var('name') }}   a SQL literal: --var NAME=VALUE, or the built-in
 *                       scenario_id, start_year, end_year (see pw_dag_read_builtin_vars)
 * and a header in its leading comment lines:
 *   -- planwise: kind=mart|check materialized=table|view
 * A mart becomes a table or view of its name; a check returns the rows that
 * violate a rule, so no rows means it passed.
 *
 * Lifecycle: pw_dag_new, pw_dag_add_* (models), pw_dag_set_var, optionally
 * pw_dag_read_builtin_vars, pw_dag_plan (every problem is collected with its file
 * and line before anything runs), then pw_dag_execute, which runs the models level
 * by level, the models of one level in parallel over a connection pool. For callers
 * that want all of it in one call (planwise run), pw_dag_run. */
#ifndef PW_DAG_DAG_H
#define PW_DAG_DAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/err.h"
#include "io/db.h"
#include "io/db_result.h"

#define PW_MODEL_NAME_MAX 64          /* bytes of a model or var name, NUL included */

enum pw_model_kind { PW_MODEL_MART = 0, PW_MODEL_CHECK = 1 };
enum pw_model_materialized { PW_MAT_TABLE = 0, PW_MAT_VIEW = 1 };

/* Outcome of one model in an execution. */
enum pw_model_status {
    PW_MODEL_NOT_RUN = 0,    /* not executed (planning failed) */
    PW_MODEL_OK,             /* mart built, or check returned no rows */
    PW_MODEL_CHECK_FAILED,   /* check ran and returned violating rows */
    PW_MODEL_FAILED,         /* SQL error */
    PW_MODEL_SKIPPED         /* a model it refs failed or was skipped */
};

/* A {{ ref() }} or {{ var() }} in a model's text, or a run of plain SQL between them. */
enum pw_model_part_type { PW_PART_TEXT = 0, PW_PART_REF, PW_PART_VAR };
struct pw_model_part {
    int type;                        /* enum pw_model_part_type */
    size_t begin, end;               /* PW_PART_TEXT: byte range [begin, end) of the text */
    char name[PW_MODEL_NAME_MAX];    /* PW_PART_REF / PW_PART_VAR: the name inside the quotes */
    int line;                        /* 1-based line of the part's start */
    int target;                      /* PW_PART_REF after planning: model index, -1 for an output table */
};

/* One model; owned by its struct pw_dag, read-only for callers. */
struct pw_model {
    char name[PW_MODEL_NAME_MAX];    /* file base name without .sql */
    char *file;                      /* path shown in messages ("models/marts/x.sql (built-in)") */
    bool builtin;                    /* embedded in the binary */
    int kind;                        /* enum pw_model_kind; default mart */
    int materialized;                /* enum pw_model_materialized; default table (mart), view (check) */
    char *description;               /* first free comment line of the header, or "" */
    char *text;                      /* whole file, NUL-terminated */
    struct pw_model_part *parts;     /* the text cut at its template expressions */
    size_t part_count;
    int *deps;                       /* indices of the models it refs, ascending, no repeats */
    size_t dep_count;
    int fanout;                      /* number of models that ref this one (after planning) */
    int level;                       /* 0 = refs no model; -1 until planned or when in a cycle */
    /* the last recorded execution (planwise_model_runs), see pw_dag_read_measurements */
    bool measured;                   /* false: no recorded run of a model of this name */
    double last_seconds;             /* wall time of that run */
    int64_t last_rows;               /* rows of the relation / violating rows; -1 unknown */
    char last_materialized[8];       /* "table" / "view" as it ran then */
};

/* A problem found while loading or planning: the file, the 1-based line (0 when it
 * concerns the whole file) and a message. */
struct pw_dag_problem {
    char *file;
    int line;
    char *message;
};

/* Result of one model in an execution (for reports and the performance monitor). */
struct pw_model_result {
    int model;                       /* index in the dag */
    char name[PW_MODEL_NAME_MAX];
    int kind, materialized, level;   /* as planned */
    int status;                      /* enum pw_model_status */
    double seconds;                  /* wall time: build of a table, one evaluation of a view or check */
    int64_t rows;                    /* rows of the relation; violating rows of a check; -1 if unknown */
    char *error;                     /* FAILED: the database's message; SKIPPED: why; else NULL */
    struct pw_db_text sample;        /* CHECK_FAILED: the first violating rows */
};

struct pw_dag_summary {
    struct pw_model_result *results; /* one per model, by level then name */
    size_t count;
    int levels;                      /* number of topological levels */
    int threads;                     /* connections used */
    int marts_ok, marts_failed;      /* marts built / failed */
    int checks_passed, checks_failed;/* checks without / with violating rows */
    int checks_errored;              /* checks whose SQL failed */
    int skipped;                     /* models skipped after a failure upstream */
    int problems;                    /* load or plan problems (nothing ran when > 0) */
    int64_t run_number;              /* planwise_model_runs.run_number of this execution; 0 if none */
    double seconds;                  /* wall time of the whole execution */
};

struct pw_dag;

struct pw_dag *pw_dag_new(void);
void pw_dag_free(struct pw_dag *dag);

/* Adds the built-in models and the built-in macros (models/macros.sql) that every
 * execution creates first. */
int pw_dag_add_builtin(struct pw_dag *dag, struct pw_err *err);
/* The same for some kinds only (PW_DAG_MARTS, PW_DAG_CHECKS); the macros always. */
int pw_dag_add_builtin_kinds(struct pw_dag *dag, int kinds, struct pw_err *err);
/* Built-in checks then count (and sample) only the rows of this scenario. */
int pw_dag_set_check_scenario(struct pw_dag *dag, const char *scenario_id, struct pw_err *err);
/* Adds every *.sql file under dir (subfolders included, in name order). An
 * unreadable folder or file is recorded as a problem. Fails only when out of memory. */
int pw_dag_add_dir(struct pw_dag *dag, const char *dir, struct pw_err *err);
/* Adds one model: file names it in messages and gives its name (base name without
 * .sql). Header and template problems are recorded, not returned. */
int pw_dag_add_text(struct pw_dag *dag, const char *file, const char *text, bool builtin, struct pw_err *err);

/* Sets {{ var('name') }}; a later call for the same name wins. "NAME=VALUE" form:
 * pw_dag_set_var_arg, which fails with PW_EUSAGE on a bad argument. */
int pw_dag_set_var(struct pw_dag *dag, const char *name, const char *value, struct pw_err *err);
int pw_dag_set_var_arg(struct pw_dag *dag, const char *arg, struct pw_err *err);
/* Gives the built-in vars the values of db's latest run (run_metadata: its
 * scenario_id, start_year, end_year), unless set already. Without run_metadata they
 * stay unset, and a model that uses one is a planning problem. */
int pw_dag_read_builtin_vars(struct pw_dag *dag, struct pw_db *db, struct pw_err *err);
/* The value of a var (NULL if unset) and whether a name is a built-in var. */
const char *pw_dag_var(const struct pw_dag *dag, const char *name);
bool pw_dag_is_builtin_var(const char *name);

/* Resolves refs and vars, finds duplicates and cycles, assigns levels. Returns the
 * number of problems (load problems included); 0 means the dag can execute. */
size_t pw_dag_plan(struct pw_dag *dag);
size_t pw_dag_problem_count(const struct pw_dag *dag);
const struct pw_dag_problem *pw_dag_problem_at(const struct pw_dag *dag, size_t i);

size_t pw_dag_model_count(const struct pw_dag *dag);
const struct pw_model *pw_dag_model_at(const struct pw_dag *dag, size_t i);
/* Index of the model named name (case-insensitive, as SQL names are), or -1. */
int pw_dag_find(const struct pw_dag *dag, const char *name);
int pw_dag_level_count(const struct pw_dag *dag);

/* The SQL of model i with refs and vars substituted and a final semicolon removed
 * (after planning). *out is malloc'd. */
int pw_dag_render(const struct pw_dag *dag, size_t i, char **out, struct pw_err *err);

/* Loads the last recorded run of every model from db's planwise_model_runs (no
 * table: nothing measured). */
int pw_dag_read_measurements(struct pw_dag *dag, struct pw_db *db, struct pw_err *err);

/* Runs a planned dag (no problems) on db: the built-in macros, then each level's
 * models in parallel on up to threads connections; a failing model skips the
 * models that ref it, the rest continue. Records every model in table
 * planwise_model_runs. Before the first model, db's database instance is
 * sandboxed for good (pw_db_sandbox: no file access, configuration locked, for
 * every connection to it): give it an instance opened for the models. Returns 0 when it could run (whatever the models' outcome:
 * see sum), or an error when it could not start or record. Release sum with
 * pw_dag_summary_release. */
int pw_dag_execute(struct pw_dag *dag, struct pw_db *db, int threads, struct pw_dag_summary *sum,
                   struct pw_err *err);
void pw_dag_summary_release(struct pw_dag_summary *sum);
/* True when every model ran and every check passed. */
bool pw_dag_summary_ok(const struct pw_dag_summary *sum);

/* Printing (print.c). */
void pw_dag_print_problems(const struct pw_dag *dag, FILE *out);
void pw_dag_print_list(const struct pw_dag *dag, FILE *out);
void pw_dag_print_plan(const struct pw_dag *dag, FILE *out);
/* Recommendation per model (table or view) from fan-out and the measured cost. */
void pw_dag_print_recommendations(const struct pw_dag *dag, FILE *out);
/* Failed models, skipped models and failed checks with their sample rows. */
void pw_dag_print_failures(const struct pw_dag_summary *sum, FILE *out);
/* One line per model (per_model) and a summary line; with_time adds wall times. */
void pw_dag_print_summary(const struct pw_dag_summary *sum, FILE *out, bool per_model, bool with_time);

/* Which built-in models a run loads (pw_dag_options.builtin); 0 means both. */
enum { PW_DAG_MARTS = 1, PW_DAG_CHECKS = 2 };

/* Everything `planwise run` needs after the last year, in one call. */

struct pw_dag_options {
    int threads;                     /* connections, >= 1 */
    int builtin;                     /* PW_DAG_MARTS | PW_DAG_CHECKS; 0 = both */
    const char *check_scenario;      /* built-in checks count only this scenario's rows; NULL = all */
    const char *models_dir;          /* user models, or NULL for the built-in ones only */
    const char *const *vars;         /* var_count "NAME=VALUE" strings */
    int var_count;
    FILE *diag;                      /* problems and failures are printed here (NULL: stderr) */
};
/* Loads the built-in (and user) models, sets vars (built-ins from db's latest
 * run), plans and executes on db. Returns 0 when every model ran and every check
 * passed, PW_EMODEL (message in err) when there were problems, failed models or
 * failed checks (all printed to opt->diag), another code when it could not run.
 * sum is filled whenever execution happened; release it in every case. Like
 * pw_dag_execute, it leaves db's database instance sandboxed. */
int pw_dag_run(struct pw_db *db, const struct pw_dag_options *opt, struct pw_dag_summary *sum, struct pw_err *err);

#endif
