/* parse.c: one model file -> struct pw_model: the header settings in the leading
 * comment lines, the description, and the text cut at its {{ ref() }} / {{ var() }}
 * expressions, each with its line number. Problems are recorded with file and line
 * and parsing goes on, so one pass reports everything wrong in a file. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "dag/dag_int.h"

struct parser {
    struct pw_dag *dag;
    struct pw_model *m;
    const char *file;
    size_t part_cap;
    bool kind_set, mat_set;
};

static int add_part(struct parser *p, const struct pw_model_part *part)
{
    struct pw_model *m = p->m;
    if (m->part_count == p->part_cap) {
        size_t cap = p->part_cap ? 2 * p->part_cap : 8;
        struct pw_model_part *n = realloc(m->parts, cap * sizeof *n);
        if (!n) return PW_ENOMEM;
        m->parts = n;
        p->part_cap = cap;
    }
    m->parts[m->part_count++] = *part;
    return 0;
}

static const char *skip_blanks(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r')) s++;
    return s;
}

static size_t word_len(const char *s, const char *end)
{
    size_t n = 0;
    while (s + n < end && (isalnum((unsigned char)s[n]) || s[n] == '_')) n++;
    return n;
}

/* One setting of a `-- planwise:` line: key=value. */
static int header_setting(struct parser *p, int line, const char *key, size_t klen, const char *val, size_t vlen)
{
    char k[32], v[32];
    snprintf(k, sizeof k, "%.*s", (int)(klen < 31 ? klen : 31), key);
    snprintf(v, sizeof v, "%.*s", (int)(vlen < 31 ? vlen : 31), val);
    if (strcmp(k, "kind") == 0) {
        if (p->kind_set) return pw__dag_problem(p->dag, p->file, line, "header sets 'kind' twice");
        p->kind_set = true;
        if (strcmp(v, "mart") == 0) p->m->kind = PW_MODEL_MART;
        else if (strcmp(v, "check") == 0) p->m->kind = PW_MODEL_CHECK;
        else return pw__dag_problem(p->dag, p->file, line, "invalid kind '%s' (expected mart or check)", v);
        return 0;
    }
    if (strcmp(k, "materialized") == 0) {
        if (p->mat_set) return pw__dag_problem(p->dag, p->file, line, "header sets 'materialized' twice");
        p->mat_set = true;
        if (strcmp(v, "table") == 0) p->m->materialized = PW_MAT_TABLE;
        else if (strcmp(v, "view") == 0) p->m->materialized = PW_MAT_VIEW;
        else
            return pw__dag_problem(p->dag, p->file, line, "invalid materialized '%s' (expected table or view)", v);
        return 0;
    }
    return pw__dag_problem(p->dag, p->file, line, "unknown header setting '%s' (expected kind or materialized)", k);
}

/* The settings after `planwise:`: key=value pairs separated by blanks or commas. */
static int header_line(struct parser *p, int line, const char *s, const char *end)
{
    int rc = 0;
    for (;;) {
        while (s < end && (*s == ' ' || *s == '\t' || *s == ',' || *s == '\r')) s++;
        if (s >= end) break;
        size_t klen = word_len(s, end);
        if (klen == 0) {
            const char *e = s;
            while (e < end && *e != ' ' && *e != '\t' && *e != ',') e++;
            return pw__dag_problem(p->dag, p->file, line, "unexpected '%.*s' in the header (expected key=value)",
                                   (int)(e - s), s);
        }
        const char *key = s;
        s = skip_blanks(s + klen, end);
        if (s >= end || *s != '=')
            return pw__dag_problem(p->dag, p->file, line, "header setting '%.*s' needs a value (%.*s=...)", (int)klen,
                                   key, (int)klen, key);
        s = skip_blanks(s + 1, end);
        size_t vlen = word_len(s, end);
        if (vlen == 0)
            return pw__dag_problem(p->dag, p->file, line, "header setting '%.*s' needs a value (%.*s=...)", (int)klen,
                                   key, (int)klen, key);
        if ((rc = header_setting(p, line, key, klen, s, vlen)) == PW_ENOMEM) return rc;
        s += vlen;
    }
    return rc;
}

static bool starts_with(const char *s, const char *end, const char *prefix)
{
    size_t n = strlen(prefix);
    return (size_t)(end - s) >= n && memcmp(s, prefix, n) == 0;
}

/* Header: the leading lines that are blank or `--` comments. Returns the offset
 * where the SQL starts (text length if there is none). */
static int parse_header(struct parser *p, const char *text, size_t *sql_start)
{
    const char *s = text;
    int line = 1, rc;
    while (*s) {
        const char *end = strchr(s, '\n');
        if (!end) end = s + strlen(s);
        const char *t = skip_blanks(s, end);
        if (t < end && !starts_with(t, end, "--")) break;
        if (t < end) {
            const char *c = skip_blanks(t + 2, end);
            if (starts_with(c, end, "planwise:")) {
                if ((rc = header_line(p, line, c + 9, end)) == PW_ENOMEM) return rc;
            } else if (!p->m->description && c < end) {
                const char *e = end;
                while (e > c && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r')) e--;
                size_t n = (size_t)(e - c);
                if (!(p->m->description = malloc(n + 1))) return PW_ENOMEM;
                memcpy(p->m->description, c, n);
                p->m->description[n] = '\0';
            }
        }
        s = *end ? end + 1 : end;
        line++;
    }
    *sql_start = (size_t)(s - text);
    /* A header line further down would be silently ignored: say so instead. */
    for (const char *q = s; *q;) {
        const char *end = strchr(q, '\n');
        if (!end) end = q + strlen(q);
        const char *t = skip_blanks(q, end);
        if (starts_with(t, end, "--") && starts_with(skip_blanks(t + 2, end), end, "planwise:"))
            if (pw__dag_problem(p->dag, p->file, line,
                                "header line after the SQL has started (move it to the leading comment lines)") ==
                PW_ENOMEM)
                return PW_ENOMEM;
        q = *end ? end + 1 : end;
        line++;
    }
    return 0;
}

/* Parses `ref('name')` or `var("name")` in [s, end); fills part, or returns false. */
static bool parse_expression(const char *s, const char *end, struct pw_model_part *part)
{
    s = skip_blanks(s, end);
    while (end > s && (end[-1] == ' ' || end[-1] == '\t')) end--;
    size_t n = word_len(s, end);
    if (n == 3 && memcmp(s, "ref", 3) == 0) part->type = PW_PART_REF;
    else if (n == 3 && memcmp(s, "var", 3) == 0) part->type = PW_PART_VAR;
    else return false;
    s = skip_blanks(s + n, end);
    if (s >= end || *s != '(') return false;
    s = skip_blanks(s + 1, end);
    if (s >= end || (*s != '\'' && *s != '"')) return false;
    char quote = *s++;
    const char *name = s;
    while (s < end && *s != quote) s++;
    if (s >= end || !pw__is_identifier(name, (size_t)(s - name))) return false;
    memcpy(part->name, name, (size_t)(s - name));
    part->name[s - name] = '\0';
    s = skip_blanks(s + 1, end);
    return s + 1 == end && *s == ')';
}

static int count_lines(const char *from, const char *to)
{
    int n = 0;
    for (; from < to; from++) n += *from == '\n';
    return n;
}

/* Cuts the text at {{ ... }} and reports {% %} blocks, which are not supported. */
static int parse_templates(struct parser *p, const char *text)
{
    const char *s = text, *text_start = text;
    int line = 1, rc;
    for (;;) {
        const char *open = strstr(s, "{{"), *block = strstr(s, "{%");
        if (block && (!open || block < open)) {
            int bline = line + count_lines(s, block);
            if (pw__dag_problem(p->dag, p->file, bline,
                                "'{%%' blocks are not supported (only {{ ref('model') }} and {{ var('name') }})") ==
                PW_ENOMEM)
                return PW_ENOMEM;
            line = bline;
            s = block + 2;
            continue;
        }
        if (!open) break;
        line += count_lines(s, open);
        struct pw_model_part text_part = {.type = PW_PART_TEXT, .begin = (size_t)(text_start - text),
                                          .end = (size_t)(open - text), .line = line, .target = -1};
        if ((rc = add_part(p, &text_part))) return rc;
        const char *close = strstr(open + 2, "}}");
        if (!close) {
            if (pw__dag_problem(p->dag, p->file, line, "'{{' without a closing '}}'") == PW_ENOMEM) return PW_ENOMEM;
            text_start = open;   /* keep the rest as text; the model cannot run anyway */
            s = open + 2;
            break;
        }
        struct pw_model_part part = {.line = line, .target = -1};
        if (!parse_expression(open + 2, close, &part)) {
            const char *e = close + 2;
            if (pw__dag_problem(p->dag, p->file, line,
                                "unsupported template expression '%.*s' (expected {{ ref('model') }} or "
                                "{{ var('name') }})",
                                (int)(e - open > 80 ? 80 : e - open), open) == PW_ENOMEM)
                return PW_ENOMEM;
        } else if ((rc = add_part(p, &part))) {
            return rc;
        }
        line += count_lines(open, close);
        s = text_start = close + 2;
    }
    struct pw_model_part rest = {.type = PW_PART_TEXT, .begin = (size_t)(text_start - text), .end = strlen(text),
                                 .line = line, .target = -1};
    return add_part(p, &rest);
}

/* True when [s, end) holds only blanks, comments and semicolons. */
static bool only_comments(const char *s, const char *end)
{
    while (s < end) {
        if (isspace((unsigned char)*s) || *s == ';') {
            s++;
        } else if (s + 1 < end && s[0] == '-' && s[1] == '-') {
            while (s < end && *s != '\n') s++;
        } else if (s + 1 < end && s[0] == '/' && s[1] == '*') {
            const char *e = strstr(s + 2, "*/");
            s = e ? e + 2 : end;
        } else {
            return false;
        }
    }
    return true;
}

int pw__model_parse(struct pw_dag *dag, const char *file, const char *name, const char *text, bool builtin)
{
    if (dag->count == dag->cap) {
        size_t cap = dag->cap ? 2 * dag->cap : 32;
        struct pw_model *n = realloc(dag->models, cap * sizeof *n);
        if (!n) return PW_ENOMEM;
        dag->models = n;
        dag->cap = cap;
    }
    struct pw_model *m = &dag->models[dag->count];
    memset(m, 0, sizeof *m);
    m->level = -1;
    m->last_rows = -1;
    m->builtin = builtin;
    snprintf(m->name, sizeof m->name, "%s", name);
    if (!(m->file = pw__strdup(file)) || !(m->text = pw__strdup(text))) {
        free(m->file);
        free(m->text);
        return PW_ENOMEM;
    }
    dag->count++;
    struct parser p = {.dag = dag, .m = m, .file = m->file};
    int rc;
    if (!pw__is_identifier(name, strlen(name)) &&
        (rc = pw__dag_problem(dag, m->file, 0,
                              "model name '%s' (the file name) is not a SQL name: use letters, digits and '_', "
                              "not starting with a digit, at most %d characters",
                              name, PW_MODEL_NAME_MAX - 1)) == PW_ENOMEM)
        return rc;
    size_t sql_start = 0;
    if ((rc = parse_header(&p, m->text, &sql_start))) return rc;
    if (!p.mat_set) m->materialized = m->kind == PW_MODEL_CHECK ? PW_MAT_VIEW : PW_MAT_TABLE;
    if (!m->description && !(m->description = pw__strdup(""))) return PW_ENOMEM;
    if (only_comments(m->text + sql_start, m->text + strlen(m->text)) &&
        pw__dag_problem(dag, m->file, 0, "no SQL in the model (only comments)") == PW_ENOMEM)
        return PW_ENOMEM;
    return parse_templates(&p, m->text);
}
