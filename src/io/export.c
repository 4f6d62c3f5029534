/* export.c: Parquet/CSV export through DuckDB's COPY (see export.h). The list of
 * tables comes from the catalog, so tables added later (marts, comparisons, the
 * compliance tests) are exported without a change here. */
#include "io/export.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "io/compare.h"
#include "io/db_result.h"

int pw_export_pick_scenario(struct pw_db *db, const char *scenario, char *out, size_t size, struct pw_err *err)
{
    enum pw_db_relation kind;
    int rc = pw_db_relation_kind(db, "run_metadata", &kind, err);
    if (rc) return rc;
    if (kind == PW_DB_NONE)
        return pw_err_set(err, PW_EDB, "database '%s' holds no planwise runs (no table run_metadata)", pw_db_path(db));
    char sql[1024], q[512];
    if (scenario && *scenario) {
        pw_sql_quote(q, sizeof q, scenario);
        snprintf(sql, sizeof sql,
                 "SELECT coalesce(arg_max(status, started_at), 'none') FROM run_metadata WHERE scenario_id = %s", q);
        rc = pw_db_query_string(db, sql, out, size, err);
        if (rc) return rc;
        if (strcmp(out, "none") == 0) return pw_err_set(err, PW_EDB, "scenario '%s' does not exist", scenario);
        if (strcmp(out, "complete") != 0)
            return pw_err_set(err, PW_EDB, "scenario '%s' is not complete (status %s)", scenario, out);
        snprintf(out, size, "%s", scenario);
        return 0;
    }
    rc = pw_db_query_string(db,
                            "SELECT coalesce(arg_max(scenario_id, started_at), '') FROM run_metadata"
                            " WHERE status = 'complete'",
                            out, size, err);
    if (!rc && !*out) rc = pw_err_set(err, PW_EDB, "database '%s' holds no complete scenario", pw_db_path(db));
    return rc;
}

int pw_export_describe(struct pw_db *db, const char *sql, struct pw_db_text *out, struct pw_err *err)
{
    char buf[8192];
    snprintf(buf, sizeof buf, "SELECT column_name, column_type FROM (DESCRIBE %s)", sql);
    return pw_db_query_text(db, buf, 100000, out, err);
}

int pw_export_copy(struct pw_db *db, const char *scenario, const char *dir, const char *format, size_t *written,
                   struct pw_err *err)
{
    *written = 0;
    int parquet = strcmp(format, "parquet") == 0;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        return pw_err_set(err, PW_EIO, "cannot create folder '%s': %s", dir, strerror(errno));
    struct pw_db_text t = {0};
    int rc = pw_db_query_text(db,
                              "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'main'"
                              " AND column_name IN ('scenario_id', 'base_scenario') AND table_name NOT LIKE 'pw\\_%' ESCAPE '\\'"
                              " ORDER BY 1",
                              10000, &t, err);
    char q[512], qpath[4200], path[4096], sql[9000];
    pw_sql_quote(q, sizeof q, scenario);
    for (size_t r = 0; !rc && r < t.rows; r++) {
        const char *name = pw_db_text_at(&t, r, 0);
        snprintf(path, sizeof path, "%s/%s.%s", dir, name, parquet ? "parquet" : "csv");
        pw_sql_quote(qpath, sizeof qpath, path);
        /* the comparison tables name two scenarios: export the rows that involve this one */
        int cmp = strncmp(name, "fct_scenario_", 13) == 0;
        char where[1200];
        if (cmp) snprintf(where, sizeof where, "base_scenario = %s OR other_scenario = %s", q, q);
        else snprintf(where, sizeof where, "scenario_id = %s", q);
        snprintf(sql, sizeof sql, "COPY (SELECT * FROM \"%s\" WHERE %s) TO %s (FORMAT %s%s)", name, where,
                 qpath, parquet ? "parquet" : "csv", parquet ? "" : ", HEADER");
        rc = pw_db_exec(db, sql, err);
        if (!rc) ++*written;
    }
    pw_db_text_release(&t);
    return rc;
}
