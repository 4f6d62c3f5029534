/* env_check.h: checks of what a run needs from its environment, for
 * `planwise validate`: Parquet support in the DuckDB library, folders that take
 * new files, and the output database (its folder, a lock held by another
 * process, the planwise layout of an existing file). Each check returns 0 or
 * a PW_E* code with a message that names the path and the reason. */
#ifndef PW_IO_ENV_CHECK_H
#define PW_IO_ENV_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "core/err.h"
#include "io/db.h"
#include "model/config.h"

/* Parquet is built into the library (duckdb_extensions() lists it loaded) and,
 * when dir is not NULL, a small Parquet file written to dir reads back (the file
 * is removed). db is any open connection. */
int pw_env_check_parquet(struct pw_db *db, const char *dir, struct pw_err *err);

/* A new file can be created in folder dir (one is created and removed). */
int pw_env_check_writable_dir(const char *dir, struct pw_err *err);

/* What pw_env_check_database found. */
struct pw_env_database {
    bool memory;                    /* ":memory:": nothing is kept */
    bool exists;                    /* the file is there already */
    char folder[PW_PATH_MAX];       /* folder of the file, "." for a bare name */
    int64_t schema_version;         /* planwise layout of an existing file, 0 = none yet */
    int64_t scenarios;              /* scenarios already in run_metadata */
    bool scenario_exists;           /* scenario_id has rows that a run would replace */
};

/* The output database path: its folder exists and takes new files; an existing
 * file opens for writing (PW_ELOCKED when another process holds it) as a DuckDB
 * database whose planwise layout, if any, is the one this program writes. The
 * file is not created when it is missing. */
int pw_env_check_database(const char *path, const char *scenario_id, struct pw_env_database *info,
                          struct pw_err *err);

#endif
