/* load.c: the set of models: built-in ones from the binary, user ones from a
 * folder, problems, accessors and the small string helpers of the module. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "core/embedded.h"
#include "dag/dag_int.h"
#include "io/store_views.h"

char *pw__strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d) memcpy(d, s, n);
    return d;
}

int pw__name_cmp(const char *a, const char *b) { return strcasecmp(a, b); }

bool pw__is_identifier(const char *s, size_t len)
{
    if (len == 0 || len >= PW_MODEL_NAME_MAX) return false;
    if (!((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '_')) return false;
    for (size_t i = 1; i < len; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    }
    return true;
}

int pw__buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 256;
        while (*len + n + 1 > c) c *= 2;
        char *b = realloc(*buf, c);
        if (!b) return PW_ENOMEM;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

int pw__sql_quote(char **buf, size_t *len, size_t *cap, const char *s)
{
    if (pw__buf_add(buf, len, cap, "'", 1)) return PW_ENOMEM;
    for (const char *q; (q = strchr(s, '\'')); s = q + 1) {
        /* the quote itself, then its double */
        if (pw__buf_add(buf, len, cap, s, (size_t)(q - s + 1)) || pw__buf_add(buf, len, cap, "'", 1)) return PW_ENOMEM;
    }
    if (pw__buf_add(buf, len, cap, s, strlen(s)) || pw__buf_add(buf, len, cap, "'", 1)) return PW_ENOMEM;
    return 0;
}

bool pw__is_output_table(const char *name)
{
    for (int i = 0; i < PW_V_COUNT; i++)
        if (pw__name_cmp(name, pw_views[i].name) == 0) return true;
    return pw__name_cmp(name, "run_metadata") == 0 || pw__name_cmp(name, "planwise_schema") == 0 ||
           pw__name_cmp(name, "planwise_model_runs") == 0;
}

int pw__dag_problem(struct pw_dag *dag, const char *file, int line, const char *fmt, ...)
{
    if (dag->problem_count == dag->problem_cap) {
        size_t cap = dag->problem_cap ? 2 * dag->problem_cap : 16;
        struct pw_dag_problem *n = realloc(dag->problems, cap * sizeof *n);
        if (!n) return PW_ENOMEM;
        dag->problems = n;
        dag->problem_cap = cap;
    }
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct pw_dag_problem *p = &dag->problems[dag->problem_count];
    p->line = line;
    p->file = pw__strdup(file ? file : "");
    p->message = pw__strdup(msg);
    if (!p->file || !p->message) {
        free(p->file);
        free(p->message);
        return PW_ENOMEM;
    }
    dag->problem_count++;
    return 0;
}

struct pw_dag *pw_dag_new(void) { return calloc(1, sizeof(struct pw_dag)); }

void pw_dag_free(struct pw_dag *dag)
{
    if (!dag) return;
    free(dag->check_scenario_sql);
    for (size_t i = 0; i < dag->count; i++) {
        struct pw_model *m = &dag->models[i];
        free(m->file);
        free(m->description);
        free(m->text);
        free(m->parts);
        free(m->deps);
    }
    for (size_t i = 0; i < dag->problem_count; i++) {
        free(dag->problems[i].file);
        free(dag->problems[i].message);
    }
    for (size_t i = 0; i < dag->var_count; i++) free(dag->vars[i].value);
    free(dag->models);
    free(dag->problems);
    free(dag->vars);
    free(dag);
}

/* "dir/sub/name.sql" -> "name"; false when the file is not a .sql file. */
static bool model_name_of(const char *file, char *name, size_t size)
{
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (n <= 4 || strcmp(base + n - 4, ".sql") != 0) return false;
    snprintf(name, size, "%.*s", (int)(n - 4), base);
    return true;
}

int pw_dag_add_text(struct pw_dag *dag, const char *file, const char *text, bool builtin, struct pw_err *err)
{
    char name[256];
    if (!model_name_of(file, name, sizeof name)) snprintf(name, sizeof name, "%s", file);
    if (pw__model_parse(dag, file, name, text, builtin)) return pw_err_set(err, PW_ENOMEM, "out of memory");
    dag->planned = false;
    return 0;
}

int pw_dag_add_builtin_kinds(struct pw_dag *dag, int kinds, struct pw_err *err)
{
    for (const struct pw_embedded_file *f = pw_builtin_models; f->name; f++) {
        char file[256];
        snprintf(file, sizeof file, "<built-in>/%s", f->name);
        if (strcmp(f->name, "macros.sql") == 0) {
            dag->prelude = f->text;
            dag->prelude_file = "<built-in>/macros.sql";
            continue;
        }
        bool check = strncmp(f->name, "checks/", 7) == 0;
        if (!(kinds & (check ? PW_DAG_CHECKS : PW_DAG_MARTS))) continue;
        int rc = pw_dag_add_text(dag, file, f->text, true, err);
        if (rc) return rc;
    }
    return 0;
}

int pw_dag_add_builtin(struct pw_dag *dag, struct pw_err *err)
{
    return pw_dag_add_builtin_kinds(dag, PW_DAG_MARTS | PW_DAG_CHECKS, err);
}

int pw_dag_set_check_scenario(struct pw_dag *dag, const char *scenario_id, struct pw_err *err)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (pw__sql_quote(&buf, &len, &cap, scenario_id)) return pw_err_set(err, PW_ENOMEM, "out of memory");
    free(dag->check_scenario_sql);
    dag->check_scenario_sql = buf;
    return 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Collects the paths of the .sql files under dir into *paths (recursively). */
static int collect(struct pw_dag *dag, const char *dir, char ***paths, size_t *n, size_t *cap, int depth)
{
    DIR *d = opendir(dir);
    if (!d) return pw__dag_problem(dag, dir, 0, "cannot open models folder: %s", strerror(errno));
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        char *path = malloc(len);
        if (!path) {
            rc = PW_ENOMEM;
            break;
        }
        snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        char name[8];
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            /* Deep trees are surely a mistake (or a link loop). */
            if (depth < 8) rc = collect(dag, path, paths, n, cap, depth + 1);
            free(path);
        } else if (model_name_of(path, name, 1)) {
            if (*n == *cap) {
                size_t c = *cap ? 2 * *cap : 16;
                char **p = realloc(*paths, c * sizeof *p);
                if (!p) {
                    free(path);
                    rc = PW_ENOMEM;
                    break;
                }
                *paths = p;
                *cap = c;
            }
            (*paths)[(*n)++] = path;
        } else {
            free(path);
        }
    }
    closedir(d);
    return rc;
}

static char *read_file(const char *path, int *errnum)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *errnum = errno;
        return NULL;
    }
    size_t len = 0, cap = 4096;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + len, 1, cap - len - 1, f);
        len += got;
        if (len + 1 < cap) break;
        char *b = realloc(buf, cap * 2);
        if (!b) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = b;
        cap *= 2;
    }
    *errnum = ferror(f) ? EIO : (buf ? 0 : ENOMEM);
    fclose(f);
    if (buf && *errnum) {
        free(buf);
        return NULL;
    }
    if (buf) buf[len] = '\0';
    return buf;
}

int pw_dag_add_dir(struct pw_dag *dag, const char *dir, struct pw_err *err)
{
    char **paths = NULL;
    size_t n = 0, cap = 0;
    int rc = collect(dag, dir, &paths, &n, &cap, 0);
    if (!rc && n > 1) qsort(paths, n, sizeof *paths, cmp_str);
    for (size_t i = 0; i < n && !rc; i++) {
        int errnum = 0;
        char *text = read_file(paths[i], &errnum);
        if (!text) {
            if (errnum == ENOMEM) rc = PW_ENOMEM;
            else rc = pw__dag_problem(dag, paths[i], 0, "cannot read the model: %s", strerror(errnum));
        } else {
            rc = pw_dag_add_text(dag, paths[i], text, false, err) ? PW_ENOMEM : 0;
        }
        free(text);
    }
    for (size_t i = 0; i < n; i++) free(paths[i]);
    free(paths);
    dag->planned = false;
    return rc ? pw_err_set(err, PW_ENOMEM, "out of memory") : 0;
}

size_t pw_dag_problem_count(const struct pw_dag *dag) { return dag->problem_count; }

const struct pw_dag_problem *pw_dag_problem_at(const struct pw_dag *dag, size_t i)
{
    return i < dag->problem_count ? &dag->problems[i] : NULL;
}

size_t pw_dag_model_count(const struct pw_dag *dag) { return dag->count; }

const struct pw_model *pw_dag_model_at(const struct pw_dag *dag, size_t i)
{
    return i < dag->count ? &dag->models[i] : NULL;
}

int pw_dag_find(const struct pw_dag *dag, const char *name)
{
    for (size_t i = 0; i < dag->count; i++)
        if (pw__name_cmp(dag->models[i].name, name) == 0) return (int)i;
    return -1;
}

int pw_dag_level_count(const struct pw_dag *dag) { return dag->levels; }
