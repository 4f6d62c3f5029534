/* config_keys.h: the one table of configuration keys (MODEL 2.2) and the
 * per-key value handling it drives.
 *
 * Every YAML key planwise knows is one row: full dotted key, type, field
 * offset in struct pw_config, bounds, default (as YAML text) and a short doc.
 * The same rows drive parsing (io/yaml_config.c), default filling and range
 * validation (model/config.c) and `planwise config show`, so a key is added in
 * exactly one place.
 *
 * Retirement-plan keys are rows like any other, bound to fields of
 * struct pw_plan_config (cfg->plan). The two list-valued keys (match formulas,
 * core schedules) are rows of their own types: the loader hands their YAML
 * subtree to plan_config_lists.c, which reads them; plan_config_check.c validates
 * them and config.c prints them.
 * Reference keys of features planwise does not model are not rows: they are
 * matched by the patterns of pw_config_key_classify() and warned about. */
#ifndef PW_MODEL_CONFIG_KEYS_H
#define PW_MODEL_CONFIG_KEYS_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "model/config.h"
#include "model/tables.h"

enum pw_key_type {
    PW_KEY_BOOL,       /* bool: true/false (also yes/no/on/off) */
    PW_KEY_INT,        /* int */
    PW_KEY_DOUBLE,     /* double, finite */
    PW_KEY_SEED,       /* uint64_t in 0 .. 2^63-1 */
    PW_KEY_STRING,     /* char[hi + 1]; length in [lo, hi] */
    PW_KEY_PATH,       /* char[PW_PATH_MAX]; relative paths resolve against the YAML folder */
    PW_KEY_DATE,       /* pw_date from YYYY-MM-DD; with PW_KF_NULLABLE null -> PW_NO_DATE */
    PW_KEY_MMDD,       /* int month*100+day from "MM-DD", 02-29 refused */
    PW_KEY_ENUM,       /* int index into names[] */
    PW_KEY_LEVEL_MAP,  /* struct pw_level_map; YAML mapping level -> number, merged per level */
    PW_KEY_MATCH_FORMULAS, /* cfg->plan.formulas: mapping name -> formula (plan_config_lists.c) */
    PW_KEY_CORE_SCHEDULE,  /* one of cfg->plan.graded / age_rows / points_rows: list of rows (plan_config_lists.c) */
    PW_KEY_PLAN_LIST,      /* another list of rows, which one by (int)lo: enum pw_list_id (config_lists.c) */
};

/* Lists of rows read by config_lists.c; a PW_KEY_PLAN_LIST row carries its id in lo. */
enum pw_list_id {
    PW_LIST_MATCH_GRADED = 0, /* employer_match.employer_match_graded_schedule -> plan.match_mode[0] */
    PW_LIST_TENURE_TIERS,     /* employer_match.tenure_match_tiers -> plan.match_mode[1] */
    PW_LIST_TENURE_BANDS,     /* employer_match.tenure_graded_bands -> plan.match_mode[2] */
    PW_LIST_POINTS_TIERS,     /* employer_match.points_match_tiers -> plan.match_mode[3] */
    PW_LIST_NH_AGES,          /* new_hire.age_distribution -> nh_age, nh_age_weight */
    PW_LIST_NH_LEVEL_COMP,    /* new_hire.job_level_compensation -> nh_level_comp */
    PW_LIST_COUNT
};

/* True for the list-valued rows, whose YAML subtree goes to pw_plan_set_list. */
static inline bool pw_config_key_is_list(enum pw_key_type t)
{
    return t == PW_KEY_MATCH_FORMULAS || t == PW_KEY_CORE_SCHEDULE || t == PW_KEY_PLAN_LIST;
}

/* Row flags. Bounds are closed and present unless a flag says otherwise. */
#define PW_KF_LO_OPEN 0x01u   /* lower bound excluded: (lo, ... */
#define PW_KF_HI_OPEN 0x02u   /* upper bound excluded: ..., hi) */
#define PW_KF_NO_LO 0x04u     /* no lower bound */
#define PW_KF_NO_HI 0x08u     /* no upper bound */
#define PW_KF_NULLABLE 0x10u  /* null accepted: clears the set flag / PW_NO_DATE / "" / empty map */
#define PW_KF_NAN 0x20u       /* double stored as NAN when null or not given (with PW_KF_NULLABLE): the
                                 engine then uses the assumption table's value (MODEL 2.3) */
#define PW_KF_RUNTIME 0x40u   /* how the run is executed, never what it computes: left out of the
                                 configuration hash that checkpoints are matched by */

#define PW_KEY_NO_FIELD ((size_t)-1)

struct pw_config_key {
    const char *key;           /* full dotted key, e.g. "workforce.total_termination_rate" */
    enum pw_key_type type;
    size_t offset;             /* offsetof(struct pw_config, field) or PW_KEY_NO_FIELD */
    size_t set_offset;         /* bool field set when the key is given, or PW_KEY_NO_FIELD */
    double lo, hi;             /* numeric bounds (level maps: per entry); string length bounds */
    unsigned flags;            /* PW_KF_* */
    const char *const *names;  /* PW_KEY_ENUM: NULL-terminated names, value = index */
    const char *def;           /* default as YAML text; NULL = null (not set / derived) */
    const char *doc;           /* one line for `config show` */
};

extern const struct pw_config_key pw_config_keys[];
extern const size_t pw_config_key_count;

/* Tables that assumptions.<table> can replace (MODEL 2.3) are enum pw_table_id
 * of model/tables.h (PW_TABLE_AGE_BANDS, ...), named by pw_table_names[];
 * that index is also the index of pw_config.assumption_files. */
_Static_assert(PW_TABLE_COUNT == PW_ASSUMPTION_TABLES, "config.h PW_ASSUMPTION_TABLES is out of date");

/* Table index of a name such as "irs_limits", or -1. */
int pw_assumption_table_find(const char *name);

/* The row of an exact dotted key, or NULL. */
const struct pw_config_key *pw_config_key_find(const char *key);
/* Row index (0 .. pw_config_key_count-1) of an exact key, or -1. */
int pw_config_key_index(const char *key);
/* True when some row's key starts with section + "." (a known mapping), and for
 * `census`, the mapping of the census.columns block that io/census_map.c reads. */
bool pw_config_key_is_section(const char *section);

/* What to do with a key that has no row. A match covers the key's whole subtree. */
enum pw_key_disposition {
    PW_KEY_UNKNOWN = 0,   /* one warning, ignored */
    PW_KEY_IGNORED = 1,   /* reference key deliberately unused: accepted silently */
    PW_KEY_NOT_MODELLED = 2, /* reference key of a feature planwise does not model: one warning per leaf */
    PW_KEY_INFRASTRUCTURE = 3, /* block of the reference system's own machinery: skipped, named in one info line */
};
enum pw_key_disposition pw_config_key_classify(const char *key);

/* ---- values (config_value.c) ----
 * `where` prefixes messages ("config.yaml:12: " or ""), so they read
 * `config.yaml:12: 'workforce.total_termination_rate' must be in [0, 1], got 1.5`. */

/* Parses scalar text for a non-map row and stores it; is_null marks a YAML null.
 * Checks the row's bounds. Returns 0 or PW_ECONFIG. */
int pw_config_key_set(struct pw_config *cfg, const struct pw_config_key *k, const char *text, bool is_null,
                      const char *where, struct pw_err *err);
/* One entry `level: value` of a level-map row, merged over what is there;
 * value NULL (`level: null`) drops that level's entry. */
int pw_config_key_set_level(struct pw_config *cfg, const struct pw_config_key *k, const char *level,
                            const char *value, const char *where, struct pw_err *err);
/* Clears every level of a level-map row (YAML null). */
void pw_config_key_clear_map(struct pw_config *cfg, const struct pw_config_key *k);
/* Applies the row's default text (or null). Aborts on a bad table default. */
void pw_config_key_apply_default(struct pw_config *cfg, const struct pw_config_key *k);
/* Re-checks the stored value against the row's bounds (values set by code, e.g. CLI overrides). */
int pw_config_key_check(const struct pw_config *cfg, const struct pw_config_key *k, const char *where,
                        struct pw_err *err);
/* Allowed values as text: "in [0, 1]", "> 0", "one of 'uniform', 'normal'", ... */
void pw_config_key_allowed(const struct pw_config_key *k, char *buf, size_t size);
/* The stored value as a YAML scalar ("0.12", "\"02-01\"", "null"). Not for level maps. */
void pw_config_key_format(const struct pw_config *cfg, const struct pw_config_key *k, char *buf, size_t size);
/* Shortest text that reads back as the same double. */
void pw_config_format_double(double v, char *buf, size_t size);
/* A bound or count as text: integers without ".0" (3, 0.5, 1e+20). */
void pw_config_format_bound(double v, char *buf, size_t size);
/* s as a YAML double-quoted scalar. */
void pw_config_format_string(const char *s, char *buf, size_t size);
/* Strict number parsing as for PW_KEY_DOUBLE rows: the whole text, decimal, finite. */
bool pw_config_parse_double(const char *text, double *out);
/* True when the row's set flag (if any) says the key was given. Rows without one: true. */
bool pw_config_key_is_set(const struct pw_config *cfg, const struct pw_config_key *k);

/* ---- finalize with source positions (config.c) ---- */

struct pw_plan_lines;     /* plan_config_lists.h */

/* Where keys came from, for messages of cross-key rules. */
struct pw_config_source {
    const char *name;      /* display name of the YAML file, or NULL */
    const int *lines;      /* per row index: 1-based line, 0 = not in the file; or NULL */
    const struct pw_plan_lines *plan; /* lines of list items (formulas, tiers, schedule rows), or NULL */
    const char *const *names; /* per row index: file that set the row (scenario overlays), NULL = name; or NULL */
};
/* pw_config_finalize with messages that carry file and line of the key at fault. */
int pw_config_finalize_at(struct pw_config *cfg, const struct pw_config_source *src, struct pw_err *err);

#endif
