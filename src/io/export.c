/* export.c: Parquet/CSV export through DuckDB's COPY (see export.h). The list of
 * tables comes from the catalog, so tables added later (marts, comparisons, the
 * compliance tests) are exported without a change here. */
#include "io/export.h"

#include <stdio.h>
#include <string.h>

#include "core/atomic_file.h"
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

/* Rewrites a failed COPY's message to name the file the user asked for: "cannot
 * write '<dir>/<file>': <DuckDB's message>", the temporary folder replaced by dir. */
static void name_final_file(struct pw_err *err, const struct pw_atomic_dir *ad, const char *file)
{
    if (!err) return;
    static const char prefix[] = "database error: ";
    const char *m = err->msg;
    if (strncmp(m, prefix, sizeof prefix - 1) == 0) m += sizeof prefix - 1;
    char msg[PW_ERR_MSG_MAX];
    size_t out = 0, tl = strlen(ad->tmp), pl = strlen(ad->path);
    while (*m && out + 1 < sizeof msg) {
        if (tl && strncmp(m, ad->tmp, tl) == 0 && out + pl + 1 < sizeof msg) {
            memcpy(msg + out, ad->path, pl);
            out += pl;
            m += tl;
        } else {
            msg[out++] = *m++;
        }
    }
    msg[out] = '\0';
    char *nl = strchr(msg, '\n');
    if (nl) *nl = '\0';
    pw_err_set(err, err->code ? err->code : PW_EIO, "cannot write '%s/%s': %s", ad->path, file, msg);
}

int pw_export_copy(struct pw_db *db, const char *scenario, const char *dir, const char *format, size_t *written,
                   struct pw_err *err)
{
    *written = 0;
    int parquet = strcmp(format, "parquet") == 0;
    static const char *const suffixes[] = {".parquet", ".csv", NULL};
    struct pw_db_text t = {0};
    int rc = pw_db_query_text(db,
                              "SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'main'"
                              " AND column_name IN ('scenario_id', 'base_scenario') AND table_name NOT LIKE 'pw\\_%' ESCAPE '\\'"
                              " ORDER BY 1",
                              10000, &t, err);
    /* Every file goes into a temporary sibling folder, which replaces dir once all
     * of them are written and synced: dir is the earlier export or the new one, whole. */
    struct pw_atomic_dir ad;
    if (!rc) rc = pw_atomic_dir_begin(&ad, dir, suffixes, err);
    if (rc) {
        pw_db_text_release(&t);
        return rc;
    }
    char q[512], qpath[4200], path[4096], file[600], sql[9000];
    pw_sql_quote(q, sizeof q, scenario);
    size_t n = 0;
    for (size_t r = 0; !rc && r < t.rows; r++) {
        const char *name = pw_db_text_at(&t, r, 0);
        snprintf(file, sizeof file, "%s.%s", name, parquet ? "parquet" : "csv");
        snprintf(path, sizeof path, "%s/%s", ad.tmp, file);
        pw_sql_quote(qpath, sizeof qpath, path);
        /* the comparison tables name two scenarios: export the rows that involve this one */
        int cmp = strncmp(name, "fct_scenario_", 13) == 0;
        char where[1200];
        if (cmp) snprintf(where, sizeof where, "base_scenario = %s OR other_scenario = %s", q, q);
        else snprintf(where, sizeof where, "scenario_id = %s", q);
        snprintf(sql, sizeof sql, "COPY (SELECT * FROM \"%s\" WHERE %s) TO %s (FORMAT %s%s, USE_TMP_FILE false)", name,
                 where, qpath, parquet ? "parquet" : "csv", parquet ? "" : ", HEADER");
        rc = pw_db_exec(db, sql, err);
        if (rc) name_final_file(err, &ad, file);
        else ++n;
    }
    pw_db_text_release(&t);
    if (rc) pw_atomic_dir_abort(&ad);
    else rc = pw_atomic_dir_commit(&ad, err);
    if (!rc) *written = n;
    return rc;
}
