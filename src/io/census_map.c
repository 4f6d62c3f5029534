/* census_map.c: census column mapping and value normalisation (census_map.h).
 * Aliases are matched on a folded form of the name (lower case, letters and
 * digits only) so "Emp ID", "EMP_ID" and "emp-id" are one spelling. */
#include "io/census_map.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

/* Folded aliases per planwise column (the planwise name itself folds too). */
static const char *const aliases[PW_CC_COUNT][12] = {
    [PW_CC_EMPLOYEE_ID] = {"employeeid", "empid", "employeenumber", "empno", "employeeno", "eeid", "empnumber", "id", 0},
    [PW_CC_BIRTH_DATE] = {"employeebirthdate", "dob", "birthdate", "dateofbirth", "birthday", 0},
    [PW_CC_HIRE_DATE] = {"employeehiredate", "doh", "hiredate", "dateofhire", "startdate", "originalhiredate", 0},
    [PW_CC_GROSS_COMPENSATION] = {"employeegrosscompensation", "salary", "annualsalary", "compensation", "grosscompensation",
                                  "annualcompensation", "annualpay", "basesalary", "pay", 0},
    [PW_CC_TERMINATION_DATE] = {"employeeterminationdate", "termdate", "terminationdate", "dateoftermination", "dot", 0},
    [PW_CC_ACTIVE] = {"active", "isactive", "activeflag", 0},
    [PW_CC_SSN] = {"employeessn", "ssn", "socialsecuritynumber", 0},
    [PW_CC_DEFERRAL_RATE] = {"employeedeferralrate", "deferralpct", "deferralrate", "deferralpercent", "deferral",
                             "contributionrate", "contributionpct", 0},
    [PW_CC_HOURS] = {"scheduledhoursperweek", "hours", "hoursperweek", "weeklyhours", "scheduledhours", 0},
    [PW_CC_AUTO_ESCALATION_OPT_OUT] = {"autoescalationoptout", "aeoptout", "escalationoptout", 0},
    [PW_CC_ELIGIBILITY_OVERRIDE] = {"eligibilityoverride", 0},
    [PW_CC_LEVEL_ID] = {"levelid", "level", "joblevel", "grade", 0},
    [PW_CC_IS_5PCT_OWNER] = {"is5pctowner", "5pctowner", "fivepercentowner", "5percentowner", "owner5pct", 0},
    [PW_CC_IS_1PCT_OWNER] = {"is1pctowner", "1pctowner", "onepercentowner", "1percentowner", "owner1pct", 0},
    [PW_CC_IS_OFFICER] = {"isofficer", "officer", "officerflag", 0},
};

static const struct pw_census_map *active_map;

void pw_census_map_use(const struct pw_census_map *m) { active_map = m; }
const struct pw_census_map *pw_census_map_active(void) { return active_map; }

void pw_census_map_init(struct pw_census_map *m) { memset(m, 0, sizeof *m); }

void pw_census_map_release(struct pw_census_map *m)
{
    for (int c = 0; c < PW_CC_COUNT; c++) free(m->column[c]);
    memset(m, 0, sizeof *m);
}

static void fold(const char *s, char *out, size_t size)
{
    size_t n = 0;
    for (; *s && n + 1 < size; s++)
        if (isalnum((unsigned char)*s)) out[n++] = (char)tolower((unsigned char)*s);
    out[n] = 0;
}

static int column_index(const char *name)
{
    for (int c = 0; c < PW_CC_COUNT; c++)
        if (strcmp(pw_census_column_names[c], name) == 0) return c;
    return -1;
}

/* ---- the mapping file ---------------------------------------------------- */

struct parser {
    yaml_parser_t p;
    yaml_event_t ev;
    const char *path;
    struct pw_err *err;
};

static int next(struct parser *ps)
{
    yaml_event_delete(&ps->ev);
    if (!yaml_parser_parse(&ps->p, &ps->ev))
        return pw_err_set(ps->err, PW_ECONFIG, "%s:%zu: not valid YAML: %s", ps->path, ps->p.problem_mark.line + 1,
                          ps->p.problem ? ps->p.problem : "parse error");
    return 0;
}

/* Skips the value that starts at the current event. */
static int skip(struct parser *ps)
{
    int depth = 0, rc;
    do {
        yaml_event_type_t t = ps->ev.type;
        if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT) depth++;
        if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT) depth--;
        if (depth == 0) break;
        if ((rc = next(ps))) return rc;
    } while (depth > 0);
    return 0;
}

static int read_columns(struct parser *ps, struct pw_census_map *m, const char *prefix)
{
    int rc;
    if (ps->ev.type != YAML_MAPPING_START_EVENT)
        return pw_err_set(ps->err, PW_ECONFIG, "%s:%zu: '%s' must be a mapping of planwise column: client column",
                          ps->path, ps->ev.start_mark.line + 1, *prefix ? prefix : "(top level)");
    for (;;) {
        if ((rc = next(ps))) return rc;
        if (ps->ev.type == YAML_MAPPING_END_EVENT) return 0;
        size_t line = ps->ev.start_mark.line + 1;
        char key[256];
        snprintf(key, sizeof key, "%s", ps->ev.type == YAML_SCALAR_EVENT ? (const char *)ps->ev.data.scalar.value : "?");
        int c = column_index(key);
        if (c < 0) {
            char list[1024] = "";
            for (int i = 0; i < PW_CC_COUNT; i++) {
                size_t u = strlen(list);
                snprintf(list + u, sizeof list - u, "%s%s", i ? ", " : "", pw_census_column_names[i]);
            }
            return pw_err_set(ps->err, PW_ECONFIG, "%s:%zu: '%s%s' is not a planwise census column (one of: %s)",
                              ps->path, line, prefix, key, list);
        }
        if ((rc = next(ps))) return rc;
        if (ps->ev.type != YAML_SCALAR_EVENT || ps->ev.data.scalar.length == 0)
            return pw_err_set(ps->err, PW_ECONFIG, "%s:%zu: '%s%s' must name a column of the census file",
                              ps->path, line, prefix, key);
        if (m->column[c])
            return pw_err_set(ps->err, PW_ECONFIG, "%s:%zu: '%s%s' is mapped twice", ps->path, line, prefix, key);
        m->column[c] = strdup((const char *)ps->ev.data.scalar.value);
        if (!m->column[c]) return pw_err_set(ps->err, PW_ENOMEM, "out of memory reading '%s'", ps->path);
    }
}

/* In the mapping at the current event, finds key `want` and leaves the parser at
 * its value; *found = 0 when the mapping has no such key. */
static int find_key(struct parser *ps, const char *want, int *found)
{
    int rc;
    *found = 0;
    if (ps->ev.type != YAML_MAPPING_START_EVENT) return 0;
    for (;;) {
        if ((rc = next(ps))) return rc;
        if (ps->ev.type == YAML_MAPPING_END_EVENT) return 0;
        int match = ps->ev.type == YAML_SCALAR_EVENT && strcmp((const char *)ps->ev.data.scalar.value, want) == 0;
        if ((rc = next(ps))) return rc;
        if (match) {
            *found = 1;
            return 0;
        }
        if ((rc = skip(ps))) return rc;
    }
}

int pw_census_map_load(struct pw_census_map *m, const char *path, int require_block, struct pw_err *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) return pw_err_set(err, PW_EIO, "cannot open census map '%s': %s", path, strerror(errno));
    struct parser ps = {.path = path, .err = err};
    yaml_parser_initialize(&ps.p);
    yaml_parser_set_input_file(&ps.p, f);
    memset(&ps.ev, 0, sizeof ps.ev);
    snprintf(m->source, sizeof m->source, "%s", path);
    int rc = 0, found = 0;
    /* stream start, document start, then the root node */
    for (int i = 0; i < 3 && !rc; i++) rc = next(&ps);
    if (!rc && ps.ev.type != YAML_MAPPING_START_EVENT) {
        if (require_block) rc = pw_err_set(err, PW_ECONFIG, "%s: a census map must be a YAML mapping of planwise column: client column", path);
    } else if (!rc) {
        /* Which layout: planwise column names at the top, `columns:` or `census: columns:`. */
        rc = next(&ps);
        if (!rc && ps.ev.type == YAML_SCALAR_EVENT) {
            const char *k = (const char *)ps.ev.data.scalar.value;
            if (column_index(k) >= 0 && require_block) {
                /* Flat file: re-read from the top as the columns mapping. */
                yaml_event_delete(&ps.ev);
                yaml_parser_delete(&ps.p);
                rewind(f);
                yaml_parser_initialize(&ps.p);
                yaml_parser_set_input_file(&ps.p, f);
                memset(&ps.ev, 0, sizeof ps.ev);
                for (int i = 0; i < 3 && !rc; i++) rc = next(&ps);
                if (!rc) rc = read_columns(&ps, m, "");
                found = 1;
            } else {
                /* Look for columns or census.columns among the top-level keys. */
                for (;;) {
                    int is_census = strcmp(k, "census") == 0, is_columns = strcmp(k, "columns") == 0;
                    if ((rc = next(&ps))) break;
                    if (is_columns) {
                        rc = read_columns(&ps, m, "columns.");
                        found = 1;
                        break;
                    }
                    if (is_census) {
                        if ((rc = find_key(&ps, "columns", &found)) || !found) break;
                        rc = read_columns(&ps, m, "census.columns.");
                        break;
                    }
                    if ((rc = skip(&ps)) || (rc = next(&ps))) break;
                    if (ps.ev.type != YAML_SCALAR_EVENT) break;
                    k = (const char *)ps.ev.data.scalar.value;
                }
            }
        }
    }
    if (!rc && !found && require_block)
        rc = pw_err_set(err, PW_ECONFIG, "%s: no census column mapping found (expected 'planwise_column: client column' lines)", path);
    yaml_event_delete(&ps.ev);
    yaml_parser_delete(&ps.p);
    fclose(f);
    return rc;
}

/* ---- resolving columns --------------------------------------------------- */

static int is_alias(int c, const char *folded)
{
    for (int i = 0; aliases[c][i]; i++)
        if (strcmp(aliases[c][i], folded) == 0) return 1;
    return 0;
}

int pw_census_map_resolve(const struct pw_census_map *m, const char *census_path, char *const *names, size_t count,
                          int file_col[PW_CC_COUNT], enum pw_census_match how[PW_CC_COUNT], struct pw_err *err)
{
    for (int c = 0; c < PW_CC_COUNT; c++) {
        file_col[c] = -1;
        how[c] = PW_MATCH_NONE;
        const char *want = m ? m->column[c] : NULL;
        for (size_t i = 0; i < count; i++) {
            if (strcmp(names[i], want ? want : pw_census_column_names[c]) != 0) continue;
            if (file_col[c] >= 0)
                return pw_err_set(err, PW_ECENSUS, "census '%s' has column '%s' more than once", census_path, names[i]);
            file_col[c] = (int)i;
            how[c] = want ? PW_MATCH_MAP : PW_MATCH_NAME;
        }
        if (want && file_col[c] < 0)
            return pw_err_set(err, PW_ECENSUS, "census map '%s': column '%s' (for '%s') is not in census '%s'", m->source, want,
                              pw_census_column_names[c], census_path);
    }
    for (int c = 0; c < PW_CC_COUNT; c++) {
        if (file_col[c] >= 0) continue;
        for (size_t i = 0; i < count; i++) {
            char folded[256];
            fold(names[i], folded, sizeof folded);
            if (!is_alias(c, folded)) continue;
            int taken = 0;
            for (int o = 0; o < PW_CC_COUNT; o++) taken |= file_col[o] == (int)i;
            if (taken) continue;
            if (file_col[c] >= 0)
                return pw_err_set(err, PW_ECENSUS,
                                  "census '%s': columns '%s' and '%s' could both be '%s'; say which with --census-map",
                                  census_path, names[file_col[c]], names[i], pw_census_column_names[c]);
            file_col[c] = (int)i;
            how[c] = PW_MATCH_ALIAS;
        }
    }
    for (int c = 0; c < PW_CC_COUNT; c++)
        for (int o = c + 1; o < PW_CC_COUNT; o++)
            if (file_col[c] >= 0 && file_col[c] == file_col[o])
                return pw_err_set(err, PW_ECENSUS, "census '%s': column '%s' is mapped to both '%s' and '%s'", census_path,
                                  names[file_col[c]], pw_census_column_names[c], pw_census_column_names[o]);
    return 0;
}

/* ---- values -------------------------------------------------------------- */

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i])) return 0;
    return n > 0;
}

/* a<sep>b<sep>yyyy with 1-2 digit parts -> fills the two parts and the year. */
static int split3(const char *v, size_t len, char sep, int *a, int *b, int *y)
{
    const char *p1 = memchr(v, sep, len);
    if (!p1) return 0;
    const char *p2 = memchr(p1 + 1, sep, len - (size_t)(p1 + 1 - v));
    if (!p2) return 0;
    size_t la = (size_t)(p1 - v), lb = (size_t)(p2 - p1 - 1), ly = len - (size_t)(p2 + 1 - v);
    if (la < 1 || la > 2 || lb < 1 || lb > 2 || ly != 4 || !digits(v, la) || !digits(p1 + 1, lb) || !digits(p2 + 1, ly)) return 0;
    *a = atoi(v), *b = atoi(p1 + 1), *y = atoi(p2 + 1);
    return 1;
}

static size_t normalise_date(char *v, size_t len)
{
    int a, b, y;
    /* "2020-01-31 00:00:00" and "2020-01-31T..." (spreadsheet exports): the day. */
    if (len > 10 && (v[10] == ' ' || v[10] == 'T') && digits(v, 4) && v[4] == '-') len = 10;
    else if (split3(v, len, '/', &a, &b, &y)) return (size_t)sprintf(v, "%04d-%02d-%02d", y, a, b);   /* MM/DD/YYYY */
    else if (split3(v, len, '.', &a, &b, &y)) return (size_t)sprintf(v, "%04d-%02d-%02d", y, b, a);   /* DD.MM.YYYY */
    else if (len == 10 && digits(v, 4) && v[4] == '/' && v[7] == '/') v[4] = v[7] = '-';             /* YYYY/MM/DD */
    v[len] = 0;
    return len;
}

size_t pw_census_normalise(int c, char *v, size_t len)
{
    while (len && isspace((unsigned char)v[len - 1])) len--;
    size_t lead = 0;
    while (lead < len && isspace((unsigned char)v[lead])) lead++;
    if (lead) memmove(v, v + lead, len - lead);
    len -= lead;
    v[len] = 0;
    switch (c) {
    case PW_CC_BIRTH_DATE:
    case PW_CC_HIRE_DATE:
    case PW_CC_TERMINATION_DATE: return normalise_date(v, len);
    case PW_CC_GROSS_COMPENSATION: {
        size_t n = 0;
        for (size_t i = 0; i < len; i++)
            if (v[i] != '$' && v[i] != ',' && v[i] != ' ') v[n++] = v[i];
        v[n] = 0;
        return n;
    }
    case PW_CC_DEFERRAL_RATE:
        if (len > 1 && v[len - 1] == '%') {
            char *end;
            v[len - 1] = 0;
            double d = strtod(v, &end);
            if (end != v && *end == 0) return (size_t)snprintf(v, len + 8, "%.6g", d / 100);
            v[len - 1] = '%';
        }
        return len;
    default: return len;
    }
}
