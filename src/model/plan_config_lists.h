/* plan_config_lists.h: the list-valued retirement-plan keys and the plan's cross-key
 * rules (MODEL 2.2 plan rows, 4.14, 4.15); internals shared by the
 * configuration files of src/model.
 *
 * Two keys hold lists rather than scalars: `employer_match.formulas` (a
 * mapping of formula name to formula, each with tiers, a schedule or bands)
 * and the three core schedules of `employer_core_contribution`. The YAML
 * loader (io/yaml_config.c) turns the subtree below such a key into a small
 * tree without libyaml types (struct pw_node) and hands it to
 * pw_plan_set_list(), which knows the field names (with the reference
 * system's aliases), reads the numbers and records the line of every item.
 * Ranges and the shape of the lists (sorted, contiguous, open last row) are
 * checked in pw__plan_finalize() (plan_config_check.c), so values set by code
 * are held to the same rules as values read from YAML; config.c prints the
 * lists for `config show`. */
#ifndef PW_MODEL_PLAN_CONFIG_LISTS_H
#define PW_MODEL_PLAN_CONFIG_LISTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "core/err.h"
#include "model/config.h"
#include "model/config_keys.h"

#define PW_OPEN_MAX (-1.0)  /* open-ended maximum of a schedule row or band */

/* A YAML value as the loader hands it over. */
enum pw_node_kind { PW_NODE_NULL = 0, PW_NODE_SCALAR, PW_NODE_MAP, PW_NODE_LIST };
struct pw_node {
    enum pw_node_kind kind;
    int line;               /* 1-based line where the value starts */
    int key_line;           /* entry of a mapping: line of its key; otherwise = line */
    const char *key;        /* entry of a mapping: its key; otherwise NULL */
    const char *text;       /* scalar: its text; otherwise NULL */
    int count;              /* entries of a mapping or items of a list */
    struct pw_node *child;  /* count children */
};

enum pw_core_schedule_id { PW_CORE_SCHED_GRADED = 0, PW_CORE_SCHED_AGE, PW_CORE_SCHED_POINTS, PW_CORE_SCHED_COUNT };

/* Lines (1-based, 0 = not from the file) of list items, for messages of the
 * rules checked after loading. Indexes follow cfg->plan. */
struct pw_plan_lines {
    int formula[PW_MAX_FORMULAS];                                   /* employer_match.formulas.<name> */
    int tier[PW_MAX_FORMULAS][PW_MAX_TIERS];                        /* tiers[i] */
    int row[PW_MAX_FORMULAS][PW_MAX_SCHEDULE_ROWS];                 /* schedule[i] or bands[i] */
    int band_tier[PW_MAX_FORMULAS][PW_MAX_SCHEDULE_ROWS][PW_MAX_TIERS]; /* bands[i].tiers[j] */
    int core[PW_CORE_SCHED_COUNT][PW_MAX_SCHEDULE_ROWS];            /* core schedule rows */
};

/* Reads the value of a PW_KEY_MATCH_FORMULAS or PW_KEY_CORE_SCHEDULE row.
 * Formulas replace the formula of the same name (built-in or earlier) or are
 * added; a core schedule is replaced whole (null = empty). file names the
 * YAML file in messages; lines (may be NULL) receives item lines. Unknown
 * keys inside a formula or row get one warning each. Returns 0 or PW_ECONFIG. */
int pw_plan_set_list(struct pw_config *cfg, const struct pw_config_key *k, const struct pw_node *value,
                     const char *file, struct pw_plan_lines *lines, struct pw_err *err);

/* ---- module internals (pw__) ---- */

extern const char *const pw__formula_type_names[]; /* enum pw_formula_type, NULL-terminated */

struct pw_core_schedule_info {
    const char *key;                  /* "employer_core_contribution.graded_schedule" */
    const char *min_name, *max_name;  /* "min_years", "max_years" */
};
extern const struct pw_core_schedule_info pw__core_schedules[PW_CORE_SCHED_COUNT];

/* Formula names are YAML keys and parts of dotted keys, so they stay plain:
 * 1 or more of [A-Za-z0-9_-]. */
bool pw__plan_name_ok(const char *name);

/* Which core schedule a PW_KEY_CORE_SCHEDULE row holds. */
enum pw_core_schedule_id pw__plan_core_schedule_id(const struct pw_config_key *k);
/* Rows and row count of core schedule id. */
struct pw_core_row *pw__plan_core_rows(struct pw_plan_config *p, enum pw_core_schedule_id id, int **count);

/* Default of a list row: the built-in formulas (MODEL 4.14) or schedule (4.15). */
void pw__plan_list_default(struct pw_config *cfg, const struct pw_config_key *k);
/* Allowed-values text of a list row for `config show`. */
void pw__plan_list_allowed(const struct pw_config_key *k, char *buf, size_t size);

/* Plan rules between keys and of the lists, and derived plan values
 * (waiting period). Called by pw_config_finalize_at. */
int pw__plan_finalize(struct pw_config *cfg, const struct pw_config_source *src, struct pw_err *err);

/* Rows of a schedule in the reference convention (each row runs from its min to
 * the next row's min): sorted, no overlap; a gap warns unless it is the
 * whole-number kind (max 2, next min 3). */
int pw__plan_check_rows(const struct pw_config_source *src, const char *key, const char *min_name,
                        const char *max_name, const struct pw_match_row *rows, int n, struct pw_err *err);

/* The PW_KEY_PLAN_LIST rows (config_lists.c): reading, default, allowed text,
 * `config show`, and their rules (called by pw__plan_finalize). */
int pw__lists_read(struct pw_config *cfg, const struct pw_config_key *k, const struct pw_node *v, const char *file,
                   struct pw_err *err);
/* The same for a dc_plan list, where match rates up to 2 and max_deferral_pct up to 1 are fractions. */
int pw__lists_read_studio(struct pw_config *cfg, const struct pw_config_key *k, const struct pw_node *v,
                          const char *file, struct pw_err *err);
void pw__lists_default(struct pw_config *cfg, const struct pw_config_key *k);
void pw__lists_allowed(const struct pw_config_key *k, char *buf, size_t size);
void pw__lists_write(const struct pw_config *cfg, const struct pw_config_key *k, FILE *out, int indent);
int pw__lists_finalize(struct pw_config *cfg, const struct pw_config_source *src, struct pw_err *err);

/* Applies the `dc_plan` block (the reference's Studio layout, config_dcplan.c) over
 * what is loaded: each of its keys sets the key it maps onto. lines (per key
 * row, may be NULL) and plan_lines receive the lines of what it set. */
int pw_config_apply_dc_plan(struct pw_config *cfg, const struct pw_node *block, const char *file, int *lines,
                            struct pw_plan_lines *plan_lines, struct pw_err *err);
/* True when the formula table has a formula of that name. */
bool pw_match_formula_named(const struct pw_plan_config *p, const char *name);

/* Shared with config.c: "file:line: " of a key, the first of a, b, c written
 * in the file (NULLs skipped; else a), and an error with that prefix. */
void pw__config_where(const struct pw_config_source *src, const char *key, char *buf, size_t size);
const char *pw__config_given(const struct pw_config_source *src, const char *a, const char *b, const char *c);
int pw__config_fail(const struct pw_config_source *src, const char *key, struct pw_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Builds a dotted key such as 'employer_match.formulas.x.tiers[2]' into buf for
 * messages (shared by plan_config_lists.c and plan_config_check.c). */
char *pw__key_path(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
