/* dag_int.h: the struct behind struct pw_dag and helpers shared by the files of
 * src/dag/ (parse, load, vars, plan, statements, exec, runs, print). */
#ifndef PW_DAG_DAG_INT_H
#define PW_DAG_DAG_INT_H

#include "dag/dag.h"

struct pw__var {
    char name[PW_MODEL_NAME_MAX];
    char *value;                     /* malloc'd text as given */
    bool builtin;                    /* from run_metadata, not from --var */
};

struct pw_dag {
    struct pw_model *models;
    size_t count, cap;
    struct pw_dag_problem *problems;
    size_t problem_count, problem_cap;
    struct pw__var *vars;
    size_t var_count, var_cap;
    bool builtin_vars_read;          /* pw_dag_read_builtin_vars consulted a database */
    const char *prelude;             /* built-in macros (embedded), or NULL */
    const char *prelude_file;        /* its path, for messages */
    int levels;                      /* after planning */
    bool planned;
    char *check_scenario_sql;        /* quoted scenario id the built-in checks are limited to, or NULL */
    struct pw_db *parser;            /* borrowed: a database whose parser planning may use, or NULL */
};

/* Records a problem (printf-style message). Returns PW_ENOMEM if it cannot. */
int pw__dag_problem(struct pw_dag *dag, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Parses text into a new model of dag (parse.c). */
int pw__model_parse(struct pw_dag *dag, const char *file, const char *name, const char *text, bool builtin);
/* Case-insensitive comparison of SQL names. */
int pw__name_cmp(const char *a, const char *b);
/* [A-Za-z_][A-Za-z0-9_]* and shorter than PW_MODEL_NAME_MAX. */
bool pw__is_identifier(const char *s, size_t len);
/* Appends s as a SQL string literal ('...' with quotes doubled) to a growing buffer. */
int pw__sql_quote(char **buf, size_t *len, size_t *cap, const char *s);
/* Appends n bytes of s to a growing buffer (NUL-terminated). */
int pw__buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n);
char *pw__strdup(const char *s);
/* Relations a ref may name without being a model: the planwise output tables. */
bool pw__is_output_table(const char *name);

/* Drops trailing blanks, comments and semicolons of sql (statements.c), so the
 * query can be wrapped; *len is updated and sql NUL-terminated there. Strings,
 * quoted names, dollar quotes and nested comments are skipped whole. */
void pw__strip_tail(char *sql, size_t *len);
/* Records a problem for every user model that is not exactly one query
 * (statements.c). Returns PW_ENOMEM if it cannot record. */
int pw__check_statements(struct pw_dag *dag);

/* planwise_model_runs (runs.c): creates the table and gives the next run number;
 * records the results of an execution. */
int pw__runs_prepare(struct pw_db *db, int64_t *run_number, struct pw_err *err);
int pw__runs_record(const struct pw_dag *dag, struct pw_db *db, const struct pw_dag_summary *sum, double started_at,
                    struct pw_err *err);

#endif
