/* store_parquet.c: the Parquet layout (`--output-format parquet`). The large
 * tables of store_schema.h (employees, events, snapshot, solver trace) are
 * folders of Parquet files under <db>.data/, one file per table, run and year
 * (r<run_key>_y<year>.parquet); pw.<table> is a view over its folder with the
 * stored column types, and everything above it (the user-facing views, the
 * visibility rules, run_metadata and the commit records, which stay DuckDB
 * tables) is the same as in the table layout.
 *
 * A year's rows are appended to temporary tables of the writing connection,
 * copied to <file>.tmp with DuckDB's Parquet writer, synced and renamed into
 * place; the commit record is written after every file of the year is in place,
 * so a file without one is never visible and is removed with its run's rows. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/db_internal.h"
#include "io/store_parquet.h"
#include "model/config.h"

/* "pw.events" -> "events" */
static const char *short_name(int table)
{
    const char *name = pw_store_tables[table].name, *dot = strchr(name, '.');
    return dot ? dot + 1 : name;
}

static int exec_sb(struct pw_db *db, const struct pw_strbuf *b, const char *what, struct pw_err *err)
{
    if (pw_sb_ok(b)) return pw_err_set(err, PW_ENOMEM, "out of memory");
    return pw__db_query(db, pw_sb_text(b), NULL, what, err);
}

static int make_dir(const char *path, struct pw_err *err)
{
    if (mkdir(path, 0777) == 0 || errno == EEXIST) return 0;
    return pw_err_set(err, PW_EIO, "cannot create folder '%s': %s", path, strerror(errno));
}

/* Makes file durable under its name: fsync of the file and of its folder. */
static int sync_path(const char *path, bool dir, struct pw_err *err)
{
    int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
    if (fd < 0) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    int rc = fsync(fd) == 0 ? 0 : pw_err_set(err, PW_EIO, "cannot write '%s' to disk: %s", path, strerror(errno));
    close(fd);
    return rc;
}

int pw_parquet_create_layout(struct pw_db *db, const char *data_dir, struct pw_err *err)
{
    int rc = make_dir(data_dir, err);
    struct pw_strbuf b = PW_STRBUF_INIT;
    for (int t = 0; t < PW_T_COUNT && !rc; t++) {
        if (!pw_store_table_in_files(t)) continue;
        const struct pw_store_table_def *d = &pw_store_tables[t];
        char dir[PW_PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s/%s", data_dir, short_name(t));
        if ((rc = make_dir(dir, err))) break;
        /* A file without rows gives every folder its columns: a glob that
         * matches nothing is an error, and the view must work before year 1. */
        pw_sb_reset(&b);
        pw_sb_add(&b, "COPY (SELECT ");
        for (int c = 0; c < d->column_count; c++) {
            pw_sb_addf(&b, "%sCAST(NULL AS ", c ? ", " : "");
            pw_store_type_sql(&b, d->columns[c].type, PW_TYPE_TEXT);
            pw_sb_addf(&b, ") AS %s", d->columns[c].name);
        }
        pw_sb_add(&b, " LIMIT 0) TO ");
        char file[PW_PATH_MAX + 96];
        snprintf(file, sizeof file, "%s/_columns.parquet", dir);
        pw_sb_add_sql_literal(&b, file);
        pw_sb_add(&b, " (FORMAT parquet)");
        if ((rc = exec_sb(db, &b, "cannot create the Parquet output folders", err))) break;
        pw_sb_reset(&b);
        pw_sb_addf(&b, "CREATE VIEW %s AS SELECT ", d->name);
        for (int c = 0; c < d->column_count; c++) {
            pw_sb_addf(&b, "%sCAST(%s AS %s) AS %s", c ? ", " : "", d->columns[c].name, d->columns[c].type,
                       d->columns[c].name);
        }
        snprintf(file, sizeof file, "%s/*.parquet", dir);
        pw_sb_add(&b, " FROM read_parquet(");
        pw_sb_add_sql_literal(&b, file);
        pw_sb_add(&b, ")");
        rc = exec_sb(db, &b, "cannot create the Parquet output views", err);
    }
    pw_sb_release(&b);
    return rc;
}

int pw_parquet_stage_create(struct pw_db *conn, int table, struct pw_err *err)
{
    const struct pw_store_table_def *d = &pw_store_tables[table];
    struct pw_strbuf b = PW_STRBUF_INIT;
    pw_sb_addf(&b, "CREATE TEMP TABLE IF NOT EXISTS stage_%s (", short_name(table));
    for (int c = 0; c < d->column_count; c++) {
        pw_sb_addf(&b, "%s%s ", c ? ", " : "", d->columns[c].name);
        pw_store_type_sql(&b, d->columns[c].type, PW_TYPE_INLINE_ENUM);
    }
    pw_sb_add(&b, ")");
    int rc = exec_sb(conn, &b, "cannot create the Parquet staging tables", err);
    pw_sb_release(&b);
    return rc;
}

void pw_parquet_stage_name(int table, char *out, size_t size) { snprintf(out, size, "stage_%s", short_name(table)); }

int pw_parquet_stage_flush(struct pw_db *conn, int table, const char *data_dir, int run_key, int year,
                           struct pw_err *err)
{
    char file[PW_PATH_MAX + 128], tmp[PW_PATH_MAX + 160], dir[PW_PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s/%s", data_dir, short_name(table));
    snprintf(file, sizeof file, "%s/r%d_y%d.parquet", dir, run_key, year);
    snprintf(tmp, sizeof tmp, "%s.tmp", file);
    struct pw_strbuf b = PW_STRBUF_INIT;
    pw_sb_addf(&b, "COPY temp.stage_%s TO ", short_name(table));
    pw_sb_add_sql_literal(&b, tmp);
    pw_sb_addf(&b, " (FORMAT parquet, COMPRESSION snappy); DELETE FROM temp.stage_%s", short_name(table));
    int rc = exec_sb(conn, &b, "cannot write the year's Parquet file", err);
    pw_sb_release(&b);
    if (!rc) rc = sync_path(tmp, false, err);
    if (!rc && rename(tmp, file) != 0)
        rc = pw_err_set(err, PW_EIO, "cannot rename '%s' to '%s': %s", tmp, file, strerror(errno));
    if (!rc) rc = sync_path(dir, true, err);
    if (rc) remove(tmp);
    return rc;
}

/* Files of runs that run_metadata no longer knows (their rows were removed but a
 * stop came before the files were). */
void pw_parquet_sweep(const char *data_dir, const int *run_keys, size_t count)
{
    for (int t = 0; t < PW_T_COUNT; t++) {
        if (!pw_store_table_in_files(t)) continue;
        char dir[PW_PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s/%s", data_dir, short_name(t));
        DIR *d = opendir(dir);
        if (!d) continue;
        for (struct dirent *e; (e = readdir(d));) {
            int k, y;
            if (sscanf(e->d_name, "r%d_y%d.parquet", &k, &y) != 2) continue;
            bool known = false;
            for (size_t i = 0; i < count && !known; i++) known = run_keys[i] == k;
            if (known) continue;
            char path[PW_PATH_MAX + 400];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove(path);
        }
        closedir(d);
    }
}

void pw_parquet_remove_files(const char *data_dir, int run_key, int after_year)
{
    for (int t = 0; t < PW_T_COUNT; t++) {
        if (!pw_store_table_in_files(t)) continue;
        char dir[PW_PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s/%s", data_dir, short_name(t));
        DIR *d = opendir(dir);
        if (!d) continue;
        for (struct dirent *e; (e = readdir(d));) {
            int k, y, n = 0;
            if (sscanf(e->d_name, "r%d_y%d.parquet%n", &k, &y, &n) != 2 || k != run_key || y <= after_year) continue;
            /* the file or a temporary one left by a stopped run */
            if (e->d_name[n] != '\0' && strcmp(e->d_name + n, ".tmp") != 0) continue;
            char path[PW_PATH_MAX + 400];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove(path);
        }
        closedir(d);
    }
}

void pw_parquet_remove_layout(const char *data_dir)
{
    for (int t = 0; t < PW_T_COUNT; t++) {
        if (!pw_store_table_in_files(t)) continue;
        char dir[PW_PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s/%s", data_dir, short_name(t));
        DIR *d = opendir(dir);
        if (!d) continue;
        for (struct dirent *e; (e = readdir(d));) {
            size_t n = strlen(e->d_name);
            bool ours = (n > 8 && strcmp(e->d_name + n - 8, ".parquet") == 0) ||
                        (n > 12 && strcmp(e->d_name + n - 12, ".parquet.tmp") == 0);
            if (!ours) continue;
            char path[PW_PATH_MAX + 400];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            remove(path);
        }
        closedir(d);
        rmdir(dir);
    }
    rmdir(data_dir);
}
