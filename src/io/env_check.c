/* env_check.c: environment checks behind `planwise validate`. */
#include "io/env_check.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/store_schema.h"

/* s as a SQL string literal into buf; false when it does not fit. */
static bool sql_string(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    if (size < 3) return false;
    buf[n++] = '\'';
    for (; *s; s++) {
        if (n + 3 >= size) return false;
        if (*s == '\'') buf[n++] = '\'';
        buf[n++] = *s;
    }
    buf[n++] = '\'';
    buf[n] = '\0';
    return true;
}

int pw_env_check_parquet(struct pw_db *db, const char *dir, struct pw_err *err)
{
    int64_t loaded = 0;
    int rc = pw_db_query_int(db,
                             "SELECT count(*) FROM duckdb_extensions() WHERE extension_name = 'parquet' AND loaded",
                             &loaded, err);
    if (rc) return rc;
    if (!loaded)
        return pw_err_set(err, PW_EDB,
                          "the DuckDB library '%s' has no Parquet support built in (extensions are never downloaded)",
                          pw_db_library_version());
    if (!dir) return 0;
    char path[PW_PATH_MAX + 64], lit[2 * PW_PATH_MAX + 160], sql[4 * PW_PATH_MAX + 200];
    snprintf(path, sizeof path, "%s/planwise-validate.parquet", dir);
    if (!sql_string(path, lit, sizeof lit)) return pw_err_set(err, PW_EIO, "temporary path '%s' is too long", path);
    snprintf(sql, sizeof sql, "COPY (SELECT 42 AS answer, 'ok' AS text) TO %s (FORMAT parquet)", lit);
    if ((rc = pw_db_exec(db, sql, err))) {
        pw_err_prefix(err, "cannot write a Parquet file in '%s': ", dir);
        remove(path);
        return rc;
    }
    int64_t answer = 0;
    snprintf(sql, sizeof sql, "SELECT sum(answer) FROM read_parquet(%s) WHERE text = 'ok'", lit);
    rc = pw_db_query_int(db, sql, &answer, err);
    remove(path);
    if (rc) {
        pw_err_prefix(err, "cannot read back a Parquet file: ");
        return rc;
    }
    if (answer != 42)
        return pw_err_set(err, PW_EDB, "a Parquet file written in '%s' read back wrong (%lld instead of 42)", dir,
                          (long long)answer);
    return 0;
}

int pw_env_check_writable_dir(const char *dir, struct pw_err *err)
{
    struct stat st;
    if (stat(dir, &st) != 0) return pw_err_set(err, PW_EIO, "folder '%s': %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "'%s' is not a folder", dir);
    char probe[PW_PATH_MAX + 64];
    int n = snprintf(probe, sizeof probe, "%s/.planwise-probe-XXXXXX", dir);
    if (n < 0 || n >= (int)sizeof probe) return pw_err_set(err, PW_EIO, "folder name '%s' is too long", dir);
    /* Trying is the only true test: access() says yes to root on a read-only
     * file system or a folder that refuses new files for other reasons. */
    int fd = mkstemp(probe);
    if (fd < 0) return pw_err_set(err, PW_EIO, "cannot create files in folder '%s': %s", dir, strerror(errno));
    close(fd);
    unlink(probe);
    return 0;
}

static void folder_of(const char *path, char *dir, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, size, ".");
    else if (slash == path) snprintf(dir, size, "/");
    else snprintf(dir, size, "%.*s", (int)(slash - path), path);
}

/* Layout and scenarios of an existing database that opened for writing. */
static int inspect(struct pw_db *db, const char *scenario_id, struct pw_env_database *info, struct pw_err *err)
{
    int64_t n = 0;
    int rc = pw_db_query_int(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'planwise_schema'", &n, err);
    if (rc || n == 0) return rc;
    if ((rc = pw_db_query_int(db, "SELECT coalesce(max(version), 0) FROM planwise_schema", &info->schema_version, err)))
        return rc;
    if (info->schema_version != 0 && info->schema_version != PW_SCHEMA_VERSION)
        return pw_err_set(err, PW_EDB,
                          "database '%s' holds planwise output schema version %lld, this program writes version %d; "
                          "write to a new --db file",
                          pw_db_path(db), (long long)info->schema_version, PW_SCHEMA_VERSION);
    if ((rc = pw_db_query_int(db, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'run_metadata'", &n, err)) ||
        n == 0)
        return rc;
    if ((rc = pw_db_query_int(db, "SELECT count(DISTINCT scenario_id) FROM run_metadata", &info->scenarios, err)))
        return rc;
    char lit[2 * PW_SCENARIO_MAX + 8], sql[2 * PW_SCENARIO_MAX + 96];
    if (!sql_string(scenario_id ? scenario_id : "", lit, sizeof lit)) return 0;
    snprintf(sql, sizeof sql, "SELECT count(*) FROM run_metadata WHERE scenario_id = %s", lit);
    if ((rc = pw_db_query_int(db, sql, &n, err))) return rc;
    info->scenario_exists = n > 0;
    return 0;
}

int pw_env_check_database(const char *path, const char *scenario_id, struct pw_env_database *info,
                          struct pw_err *err)
{
    memset(info, 0, sizeof *info);
    if (!path || !*path || strcmp(path, ":memory:") == 0) {
        info->memory = true;
        return 0;
    }
    folder_of(path, info->folder, sizeof info->folder);
    struct stat st;
    if (stat(info->folder, &st) != 0)
        return pw_err_set(err, PW_EIO, "cannot create database '%s': folder '%s' does not exist", path, info->folder);
    if (!S_ISDIR(st.st_mode))
        return pw_err_set(err, PW_EIO, "cannot create database '%s': '%s' is not a folder", path, info->folder);
    /* DuckDB needs new files beside the database (its .wal, its .tmp spill folder). */
    int rc = pw_env_check_writable_dir(info->folder, err);
    if (rc) {
        pw_err_prefix(err, "database '%s': ", path);
        return rc;
    }
    if (stat(path, &st) != 0) return 0;   /* a run creates it */
    info->exists = true;
    if (S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "database '%s' is a folder", path);
    if (access(path, R_OK | W_OK) != 0)
        return pw_err_set(err, PW_EIO, "cannot write database '%s': %s", path, strerror(errno));
    struct pw_db *db;
    struct pw_db_options opt = {.threads = 1};
    if ((rc = pw_db_open(&db, path, &opt, err))) return rc;
    rc = inspect(db, scenario_id, info, err);
    pw_db_close(db);
    return rc;
}
