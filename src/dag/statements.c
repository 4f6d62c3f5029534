/* statements.c: a user model is one query. Planning splits the SQL of each user
 * model with DuckDB's parser (nothing is bound or run) and records a problem,
 * with the file and line, for a model of several statements (the second
 * statement's line) or one whose statement is not a query (its first line):
 * `SELECT 1; DROP TABLE run_metadata` ran both statements before. The executor
 * checks again, exactly, on the rendered SQL before it builds (exec.c), and runs
 * every model in DuckDB's sandbox (io/sql_guard.c).
 *
 * The text checked is the model with each {{ ref() }} replaced by a name and each
 * {{ var() }} by NULL, on the same lines: refs and vars render as one name or one
 * literal, so they cannot add or remove a statement. A model that does not parse
 * at all is left to the executor, which reports DuckDB's syntax error for it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "dag/dag_int.h"

#define TEXT_MAX_SHOWN 24 /* bytes of the first word quoted in a message */

static bool ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

/* A cursor over SQL text that counts lines. */
struct cursor {
    const char *s;
    size_t i, n;
    int line;
};

static void advance(struct cursor *c, size_t k)
{
    for (size_t e = c->i + k; c->i < e && c->i < c->n; c->i++) c->line += c->s[c->i] == '\n';
}

/* Skips blanks, `--` comments and (nested) block comments. */
static void skip_blank(struct cursor *c)
{
    while (c->i < c->n) {
        const char *p = c->s + c->i;
        if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == '\f') {
            advance(c, 1);
        } else if (p[0] == '-' && c->i + 1 < c->n && p[1] == '-') {
            while (c->i < c->n && c->s[c->i] != '\n') advance(c, 1);
        } else if (p[0] == '/' && c->i + 1 < c->n && p[1] == '*') {
            int depth = 0;
            do {
                if (c->s[c->i] == '/' && c->i + 1 < c->n && c->s[c->i + 1] == '*') depth++, advance(c, 2);
                else if (c->s[c->i] == '*' && c->i + 1 < c->n && c->s[c->i + 1] == '/') depth--, advance(c, 2);
                else advance(c, 1);
            } while (depth > 0 && c->i < c->n);
        } else {
            return;
        }
    }
}

/* Skips one token that may hide a ';': a quoted string or name, a dollar-quoted
 * string, or any other single character. */
static void skip_token(struct cursor *c)
{
    const char *p = c->s + c->i;
    bool after_ident = c->i > 0 && ident_char(p[-1]);
    if (*p == '\'' || *p == '"') {
        char q = *p;
        /* E'...' strings take backslash escapes. */
        bool escapes = q == '\'' && after_ident && (p[-1] == 'E' || p[-1] == 'e') &&
                       !(c->i > 1 && ident_char(p[-2]));
        advance(c, 1);
        while (c->i < c->n) {
            char ch = c->s[c->i];
            if (escapes && ch == '\\') {
                advance(c, 2);
            } else if (ch == q) {
                advance(c, 1);
                if (c->i < c->n && c->s[c->i] == q) advance(c, 1); /* a doubled quote */
                else return;
            } else {
                advance(c, 1);
            }
        }
        return;
    }
    if (*p == '$' && !after_ident) {
        size_t t = c->i + 1;
        while (t < c->n && ident_char(c->s[t]) && !(c->s[t] >= '0' && c->s[t] <= '9' && t == c->i + 1)) t++;
        if (t < c->n && c->s[t] == '$') {
            size_t tag = t + 1 - c->i; /* "$tag$" */
            const char *open = p;
            advance(c, tag);
            while (c->i < c->n && !(c->n - c->i >= tag && memcmp(c->s + c->i, open, tag) == 0)) advance(c, 1);
            advance(c, tag);
            return;
        }
    }
    advance(c, 1);
}

void pw__strip_tail(char *sql, size_t *len)
{
    struct cursor c = {sql, 0, *len, 1};
    size_t last = 0;
    for (;;) {
        skip_blank(&c);
        if (c.i >= c.n) break;
        if (sql[c.i] == ';') {
            advance(&c, 1);
            continue;
        }
        skip_token(&c);
        last = c.i;
    }
    *len = last;
    sql[last] = '\0';
}

/* Line where the second statement starts (after the first ';' outside strings and
 * comments that is followed by more SQL), or 0. */
static int second_statement_line(const char *sql)
{
    struct cursor c = {sql, 0, strlen(sql), 1};
    for (;;) {
        skip_blank(&c);
        if (c.i >= c.n) return 0;
        if (sql[c.i] != ';') {
            skip_token(&c);
            continue;
        }
        while (c.i < c.n && sql[c.i] == ';') {
            advance(&c, 1);
            skip_blank(&c);
        }
        if (c.i < c.n) return c.line;
    }
}

/* Line and first word of the statement (after the leading comments). */
static int first_word(const char *sql, char *word, size_t size)
{
    struct cursor c = {sql, 0, strlen(sql), 1};
    skip_blank(&c);
    size_t k = 0;
    while (c.i + k < c.n && ident_char(sql[c.i + k]) && k < TEXT_MAX_SHOWN) k++;
    if (k == 0) k = c.i < c.n ? 1 : 0;
    snprintf(word, size, "%.*s", (int)k, sql + c.i);
    return c.line;
}

/* The model's text with each template expression replaced by a name (ref) or NULL
 * (var) followed by the newlines it spanned; NULL when out of memory. */
static char *skeleton(const struct pw_model *m)
{
    char *out = NULL;
    size_t len = 0, cap = 0, pos = 0;
    int pending = PW_PART_TEXT;
    if (pw__buf_add(&out, &len, &cap, "", 0)) return NULL;
    for (size_t k = 0; k < m->part_count; k++) {
        const struct pw_model_part *p = &m->parts[k];
        if (p->type != PW_PART_TEXT) {
            pending = p->type;
            continue;
        }
        if (p->begin > pos) {
            const char *stand_in = pending == PW_PART_REF ? " pw_ref " : " NULL ";
            if (pw__buf_add(&out, &len, &cap, stand_in, strlen(stand_in))) goto oom;
            for (size_t i = pos; i < p->begin; i++)
                if (m->text[i] == '\n' && pw__buf_add(&out, &len, &cap, "\n", 1)) goto oom;
        }
        if (pw__buf_add(&out, &len, &cap, m->text + p->begin, p->end - p->begin)) goto oom;
        pos = p->end;
        pending = PW_PART_TEXT;
    }
    return out;
oom:
    free(out);
    return NULL;
}

static bool has_problem(const struct pw_dag *dag, const char *file)
{
    for (size_t i = 0; i < dag->problem_count; i++)
        if (strcmp(dag->problems[i].file, file) == 0) return true;
    return false;
}

static const char one_query[] = "a model is one query (SELECT or WITH), and planwise creates its table or view "
                                "from it";

/* Checks model m with the parser db; records a problem when it is not one query. */
static int check_model(struct pw_dag *dag, struct pw_db *db, const struct pw_model *m)
{
    char *sql = skeleton(m);
    if (!sql) return PW_ENOMEM;
    int rc = 0;
    size_t n = pw_db_count_statements(db, sql, NULL, 0);
    if (n > 1) {
        rc = pw__dag_problem(dag, m->file, second_statement_line(sql),
                             "a second statement starts here (the model has %zu statements); %s", n, one_query);
    } else if (n == 1) {
        size_t len = strlen(sql);
        pw__strip_tail(sql, &len);
        if (!pw_db_parses_as_query(db, sql)) {
            char word[TEXT_MAX_SHOWN + 1];
            int line = first_word(sql, word, sizeof word);
            rc = pw__dag_problem(dag, m->file, line, "the statement is not a query (it starts with '%s'); %s", word,
                                 one_query);
        }
    }
    free(sql);
    return rc;
}

/* Without a database of the caller's (planning for `validate` or `models plan`),
 * one in-memory DuckDB serves as the parser for the whole process: opening an
 * instance costs tens of milliseconds, once is enough. It is never closed; it
 * holds no file. Parsing on one connection is serialised. */
static pthread_mutex_t parser_lock = PTHREAD_MUTEX_INITIALIZER;
static struct pw_db *shared_parser;

int pw__check_statements(struct pw_dag *dag)
{
    bool any = false;
    for (size_t i = 0; i < dag->count && !any; i++) any = !dag->models[i].builtin;
    if (!any) return 0;
    pthread_mutex_lock(&parser_lock);
    struct pw_db *db = dag->parser;
    struct pw_err err = {0};
    if (!db && !shared_parser) {
        struct pw_db_options opt = {.threads = 1};
        if (pw_db_open(&shared_parser, NULL, &opt, &err)) shared_parser = NULL;
    }
    if (!db) db = shared_parser;
    int rc = db ? 0 : pw__dag_problem(dag, "", 0, "cannot check the models' SQL: %s", err.msg);
    for (size_t i = 0; i < dag->count && db && !rc; i++) {
        const struct pw_model *m = &dag->models[i];
        /* Built-in models are checked by the test suite; a model with other
         * problems (a bad template) would only add noise. */
        if (m->builtin || has_problem(dag, m->file)) continue;
        rc = check_model(dag, db, m);
    }
    pthread_mutex_unlock(&parser_lock);
    return rc;
}
