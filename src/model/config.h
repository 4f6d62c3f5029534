/* config.h: the effective simulation configuration (MODEL 2.2).
 *
 * One struct holds every setting; the key table in config_keys.c names each
 * YAML key, its type, bounds, default and field, and drives parsing (io/yaml_config.c),
 * validation and `planwise config show`. Fields are plain values after loading:
 * defaults are filled in, ranges checked, cross-key rules applied. */
#ifndef PW_MODEL_CONFIG_H
#define PW_MODEL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/date.h"
#include "core/err.h"
#include "model/compliance_config.h"
#include "model/plan_config.h"

#define PW_MAX_LEVELS 16        /* job levels 1..PW_MAX_LEVELS */
#define PW_PATH_MAX 1024
#define PW_SCENARIO_MAX 64
#define PW_ASSUMPTION_TABLES 16 /* tables replaceable by assumptions.<table>; names in config_keys.h */

/* A per-level value map such as `level_overrides: {1: 0.3, 2: 0.4}`; index = level id. */
struct pw_level_map {
    bool set[PW_MAX_LEVELS + 1];      /* set[l]: level l has a value; set[0] unused */
    double value[PW_MAX_LEVELS + 1];  /* value for level l */
};

enum pw_termination_selection { PW_SELECT_HAZARD_WEIGHTED = 0, PW_SELECT_UNIFORM = 1 };
enum pw_promo_distribution { PW_PROMO_UNIFORM = 0, PW_PROMO_NORMAL = 1, PW_PROMO_DETERMINISTIC = 2 };
enum pw_raise_timing { PW_RAISE_CALENDAR = 0, PW_RAISE_REALISTIC = 1 };
enum pw_bad_rows { PW_BAD_ROWS_FAIL = 0, PW_BAD_ROWS_SKIP = 1 };
/* simulation.age_convention: how the age that drives bands, hazards, enrollment
 * groups and core/match age tiers is counted. Catch-up always uses the exact age. */
enum pw_age_convention { PW_AGE_EXACT = 0, PW_AGE_REFERENCE = 1 };
#define PW_NH_AGE_POINTS 64     /* new_hire.age_distribution entries */

struct pw_config {
    /* identity and horizon */
    char scenario_id[PW_SCENARIO_MAX + 1];  /* 1-64 chars */
    int start_year, end_year;               /* S, E: 1900-2200, S <= E <= S+100 */
    uint64_t random_seed;                   /* 0 .. 2^63-1 */
    uint64_t seed_termination, seed_hiring, seed_promotion;  /* family seeds; = random_seed unless set */
    bool seed_termination_set, seed_hiring_set, seed_promotion_set;
    double target_growth_rate;              /* g in (-1, 1] */

    /* inputs */
    char census_path[PW_PATH_MAX];          /* setup.census_parquet_path, resolved against the YAML folder */
    pw_date plan_year_end_date;             /* census date C; default Dec 31 of S-1 */
    bool plan_year_end_date_set;
    char assumptions_directory[PW_PATH_MAX];/* "" = built-in tables only */
    char assumption_files[PW_ASSUMPTION_TABLES][PW_PATH_MAX]; /* assumptions.<table>: CSV replacing one
                                               table, index = enum pw_table_id (tables.h); "" = not given */
    int on_bad_rows;                        /* enum pw_bad_rows (CLI --on-bad-rows) */

    /* workforce */
    double total_termination_rate;          /* t in [0, 1] */
    double new_hire_termination_rate;       /* n in [0, 0.99) */
    double part_time_new_hire_pct;          /* [0, 1] */
    double part_time_hours_per_week;        /* (0, 40] */
    struct pw_level_map new_hire_level_distribution; /* no level set = adaptive (4.3) */
    int termination_selection;              /* enum pw_termination_selection */
    int age_convention;                     /* enum pw_age_convention */

    /* new_hire (reference layout): replace the hire-age table and the level pay ranges of hires */
    int nh_age_count;                       /* 0 = new_hire_age_distribution table */
    int nh_age[PW_NH_AGE_POINTS];           /* ascending, distinct */
    double nh_age_weight[PW_NH_AGE_POINTS]; /* > 0; normalised when drawn */
    struct pw_level_range {
        bool set[PW_MAX_LEVELS + 1];
        double min[PW_MAX_LEVELS + 1], max[PW_MAX_LEVELS + 1];
    } nh_level_comp;                        /* new_hire.job_level_compensation; unset levels: job_levels table */

    /* census deferral rates (deferral_rates.*) */
    bool use_census_rates;                  /* false: census rates ignored, nobody starts enrolled */
    char census_rate_field[64];             /* census column holding the rate */
    double pre_enrolled_fallback;           /* NAN = none; rate for an unreadable census rate */
    bool normalize_percentages;             /* rates above 1 are percents; false: such rows are rejected */
    bool generate_synthetic_events;         /* an enrollment event for each census participant in year S */

    /* compensation (4.7, 4.8) */
    double cola_rate;                       /* [0, 0.5]; used only when cola_rate_set */
    bool cola_rate_set;
    double merit_budget;                    /* [0, 0.5] */
    double merit_max_cap_pct;               /* (0, 1] */
    double merit_max_cap_amount;            /* > 0 dollars */
    double promotion_rate_multiplier;       /* [0, 10] */
    double promo_base_increase_pct;         /* [0, 1] */
    double promo_increase_legacy;           /* compensation.promotion_increase; NAN = not given */
    double promo_distribution_range;        /* [0, base] */
    double promo_max_cap_pct;               /* [0, 1] */
    double promo_max_cap_amount;            /* >= 0 dollars */
    int promo_distribution_type;            /* enum pw_promo_distribution */
    double promo_normal_std_dev;            /* [0, 0.5] */
    struct pw_level_map promo_level_overrides; /* from-level -> raise pct in [0, 1] */
    int promotion_mmdd, merit_mmdd;         /* event calendar, month*100+day */
    int raise_timing_methodology;           /* enum pw_raise_timing */

    /* new-hire compensation (4.5) */
    double nh_default_percentile;           /* [min_percentile, max_percentile] */
    struct pw_level_map nh_percentile_overrides;
    bool nh_variance_enabled;
    double nh_variance_std_dev;             /* sigma in [0, 0.5] */
    bool nh_market_enabled;
    double nh_market_base_adjustment;       /* [min_market, max_market] */
    struct pw_level_map nh_market_level_adjustments;
    double nh_min_percentile, nh_max_percentile;       /* 0.20 / 0.90 */
    double nh_min_market_adjustment, nh_max_market_adjustment; /* 0.80 / 1.30 */

    /* plan fields used by the workforce part (hire exclusion 4.5, census normalisation 2.1) */
    double new_hire_ineligible_pct;         /* [0, 1] */
    bool new_hire_eligibility_match_census;
    double plan_deferral_cap;               /* (0, 1] */

    /* retirement plan (MODEL 4.10-4.18) */
    struct pw_plan_config plan;

    /* nondiscrimination and limit tests after the run (compliance.*; docs/compliance.md) */
    struct pw_compliance_config compliance;

    /* execution settings (performance.*): they change speed, never results */
    struct pw_perf_settings {
        int threads;                        /* 0 = CPU count, at most 8; else 1-256 */
        char memory_limit[32];              /* "NN%" of physical RAM (10-95) or a size "4GB", "512MiB" */
        char temp_directory[PW_PATH_MAX];   /* "" = DuckDB's default <db>.tmp */
        int connections;                    /* 1-16 DuckDB connections */
        bool checkpoints;                   /* write a checkpoint after every year */
        char checkpoint_directory[PW_PATH_MAX]; /* "" = <db>.checkpoints */
        int output_format;                  /* 0 = DuckDB tables, 1 = Parquet files (enum pw_output_layout) */
    } perf;

    /* run-time settings (CLI; not YAML) */
    int threads;                            /* effective worker threads, >= 1 */

    /* provenance, for run_metadata */
    char config_path[PW_PATH_MAX];          /* "" when no file was given */
};

/* Bytes of a memory_limit setting: "auto" (PW_MEMORY_AUTO_BYTES, or half of
 * physical_bytes when that is less), "75%" of physical_bytes, or a size such as
 * "4GB" / "512MiB" / "2000MB". Returns 0, or -1 when text is not such a value. */
#define PW_MEMORY_AUTO_BYTES 1000000000ULL
int pw_config_memory_bytes(const char *text, uint64_t physical_bytes, uint64_t *bytes);

/* Fills every field with its MODEL 2.2 default (years 2025-2029, seed 42, ...). */
void pw_config_init_defaults(struct pw_config *cfg);

/* Cross-key rules and derived values after all keys are set: family seeds,
 * default census date, percentile/market bounds, S <= E <= S+100, ...
 * Returns 0 or PW_ECONFIG with a message naming the key. */
int pw_config_finalize(struct pw_config *cfg, struct pw_err *err);

/* Writes the configuration as YAML in the layout of simulation_config.yaml,
 * one commented line per key (doc and allowed values). Call after finalize.
 * Returns 0 or PW_EIO. */
int pw_config_write_yaml(const struct pw_config *cfg, FILE *out);

/* SHA-1 of the YAML pw_config_write_yaml prints for cfg, without the "# from:"
 * provenance line and run-time settings (threads): equal hashes mean the same
 * simulation settings. Checkpoints record it. Returns 0 or PW_ENOMEM. */
int pw_config_hash(const struct pw_config *cfg, uint8_t out[20]);

/* Seeds for the stream families of MODEL 3.3. */
static inline uint64_t pw_config_seed_termination(const struct pw_config *c) { return c->seed_termination; }
static inline uint64_t pw_config_seed_hiring(const struct pw_config *c) { return c->seed_hiring; }
static inline uint64_t pw_config_seed_promotion(const struct pw_config *c) { return c->seed_promotion; }

#endif
