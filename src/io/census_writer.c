/* census_writer.c: generated census -> CSV (plain stdio) or Parquet (DuckDB).
 *
 * CSV rows are formatted by hand rather than with printf: a million rows is eleven
 * million fields and the generator itself is cheap, so formatting dominates.
 * Parquet goes through an in-memory DuckDB: rows are appended as whole data chunks
 * into a table, then COPY writes the file, keeping insertion (= id) order. */
#include "io/census_writer.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/census_reader.h"

#include <duckdb.h>

/* ---- temporary file next to the target ------------------------------------ */

/* Creates a new, empty file named "<dir>/.<base>.tmp<pid>[-n]" (O_EXCL, so never
 * someone else's file) and returns its descriptor; its name goes to tmp. */
static int create_temp(const char *path, char *tmp, size_t cap, struct pw_err *err)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path + 1) : 0;
    for (int attempt = 0; attempt < 100; attempt++) {
        int n = attempt ? snprintf(tmp, cap, "%.*s.%s.tmp%ld-%d", dirlen, path, path + dirlen, (long)getpid(), attempt)
                        : snprintf(tmp, cap, "%.*s.%s.tmp%ld", dirlen, path, path + dirlen, (long)getpid());
        if (n < 0 || (size_t)n >= cap) return pw_err_set(err, PW_EIO, "cannot create '%s': path too long", path);
        int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) return fd;
        if (errno != EEXIST) return pw_err_set(err, PW_EIO, "cannot create '%s': %s", path, strerror(errno));
    }
    return pw_err_set(err, PW_EIO, "cannot create '%s': too many stale temporary files", path);
}

/* Syncs tmp and renames it over path; removes tmp on failure. */
static int commit_temp(const char *tmp, const char *path, struct pw_err *err)
{
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0) close(fd);
        unlink(tmp);
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(e));
    }
    close(fd);
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(e));
    }
    /* Make the rename itself durable; failure here loses nothing already written. */
    char dir[PW_PATH_MAX];
    const char *slash = strrchr(path, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path + 1) : 1, slash ? path : ".");
    int dfd = open(dir, O_RDONLY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

/* ---- CSV ------------------------------------------------------------------ */

static char *put_uint(char *p, unsigned long long v, int min_digits)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < min_digits) tmp[n++] = '0';
    while (n) *p++ = tmp[--n];
    return p;
}

static char *put_str(char *p, const char *s)
{
    while (*s) *p++ = *s++;
    return p;
}

static char *put_date(char *p, pw_date date)
{
    int y, m, d;
    pw_date_to_ymd(date, &y, &m, &d);
    p = put_uint(p, (unsigned)y, 4);
    *p++ = '-';
    p = put_uint(p, (unsigned)m, 2);
    *p++ = '-';
    return put_uint(p, (unsigned)d, 2);
}

/* Non-negative x with exactly `decimals` decimals (x is already on that grid). */
static char *put_fixed(char *p, double x, int decimals, unsigned long long scale)
{
    unsigned long long units = (unsigned long long)llround(x * (double)scale);
    p = put_uint(p, units / scale, 1);
    *p++ = '.';
    return put_uint(p, units % scale, decimals);
}

static int write_csv(const char *path, const char *tmp, int fd, const struct pw_census_gen_options *o,
                     const struct pw_job_levels *levels, struct pw_err *err)
{
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    char *iobuf = malloc(1 << 20); /* fewer write(2) calls; stdio's default is 4 KiB */
    if (iobuf) setvbuf(f, iobuf, _IOFBF, 1 << 20);
    fputs(PW_CENSUS_WRITER_HEADER "\n", f);

    struct pw_census_gen_row row;
    char line[256];
    for (size_t i = 0; i < o->employees; i++) {
        pw_census_gen_row(o, levels, i, &row);
        char *p = line;
        p = put_str(p, row.employee_id);
        *p++ = ',';
        p = put_str(p, row.ssn);
        *p++ = ',';
        p = put_date(p, row.birth_date);
        *p++ = ',';
        p = put_date(p, row.hire_date);
        *p++ = ',';
        *p++ = ','; /* no termination date */
        p = put_fixed(p, row.compensation, 2, 100);
        p = put_str(p, ",true,");
        p = put_fixed(p, row.deferral_rate, 4, 10000);
        *p++ = ',';
        p = put_uint(p, (unsigned long long)llround(row.hours_per_week), 1);
        p = put_str(p, row.auto_escalation_opt_out ? ",true," : ",false,");
        p = put_uint(p, (unsigned)row.level_id, 1);
        *p++ = '\n';
        fwrite(line, 1, (size_t)(p - line), f);
    }
    int failed = ferror(f) || fflush(f) != 0;
    int e = errno;
    if (fclose(f) != 0 && !failed) failed = 1, e = errno;
    free(iobuf);
    if (failed) {
        unlink(tmp);
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(e ? e : EIO));
    }
    return commit_temp(tmp, path, err);
}

/* ---- Parquet -------------------------------------------------------------- */

enum { P_ID, P_SSN, P_BIRTH, P_HIRE, P_COMP, P_DEFERRAL, P_HOURS, P_OPT_OUT, P_LEVEL, P_COLS };

static int db_error(struct pw_err *err, const char *path, const char *what, const char *msg)
{
    char first[400];
    const char *nl = msg ? strchr(msg, '\n') : NULL;
    snprintf(first, sizeof first, "%.*s", nl ? (int)(nl - msg) : (int)sizeof first - 1, msg ? msg : "unknown error");
    return pw_err_set(err, PW_EDB, "cannot write '%s': %s: %s", path, what, first);
}

static int append_rows(duckdb_connection con, const char *path, const struct pw_census_gen_options *o,
                       const struct pw_job_levels *levels, struct pw_err *err)
{
    duckdb_type ids[P_COLS] = {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_DATE, DUCKDB_TYPE_DATE,
                               DUCKDB_TYPE_DOUBLE,  DUCKDB_TYPE_DOUBLE,  DUCKDB_TYPE_DOUBLE, DUCKDB_TYPE_BOOLEAN,
                               DUCKDB_TYPE_INTEGER};
    duckdb_logical_type types[P_COLS];
    for (int c = 0; c < P_COLS; c++) types[c] = duckdb_create_logical_type(ids[c]);
    duckdb_data_chunk chunk = duckdb_create_data_chunk(types, P_COLS);
    for (int c = 0; c < P_COLS; c++) duckdb_destroy_logical_type(&types[c]);

    duckdb_appender app = NULL;
    int rc = 0;
    if (duckdb_appender_create(con, NULL, "census", &app) != DuckDBSuccess) {
        rc = db_error(err, path, "cannot append", app ? duckdb_appender_error(app) : NULL);
        goto out;
    }
    const size_t cap = (size_t)duckdb_vector_size();
    struct pw_census_gen_row row;
    for (size_t first = 0; first < o->employees; first += cap) {
        size_t n = o->employees - first < cap ? o->employees - first : cap;
        duckdb_data_chunk_reset(chunk);
        duckdb_vector v[P_COLS];
        for (int c = 0; c < P_COLS; c++) v[c] = duckdb_data_chunk_get_vector(chunk, (idx_t)c);
        duckdb_date *birth = duckdb_vector_get_data(v[P_BIRTH]), *hire = duckdb_vector_get_data(v[P_HIRE]);
        double *comp = duckdb_vector_get_data(v[P_COMP]), *rate = duckdb_vector_get_data(v[P_DEFERRAL]);
        double *hours = duckdb_vector_get_data(v[P_HOURS]);
        bool *opt_out = duckdb_vector_get_data(v[P_OPT_OUT]);
        int32_t *level = duckdb_vector_get_data(v[P_LEVEL]);
        for (size_t r = 0; r < n; r++) {
            pw_census_gen_row(o, levels, first + r, &row);
            duckdb_vector_assign_string_element_len(v[P_ID], r, row.employee_id, strlen(row.employee_id));
            duckdb_vector_assign_string_element_len(v[P_SSN], r, row.ssn, strlen(row.ssn));
            birth[r].days = row.birth_date;
            hire[r].days = row.hire_date;
            comp[r] = row.compensation;
            rate[r] = row.deferral_rate;
            hours[r] = row.hours_per_week;
            opt_out[r] = row.auto_escalation_opt_out;
            level[r] = row.level_id;
        }
        duckdb_data_chunk_set_size(chunk, n);
        if (duckdb_append_data_chunk(app, chunk) != DuckDBSuccess) {
            rc = db_error(err, path, "cannot append", duckdb_appender_error(app));
            goto out;
        }
    }
    if (duckdb_appender_close(app) != DuckDBSuccess)
        rc = db_error(err, path, "cannot append", duckdb_appender_error(app));
out:
    if (app) duckdb_appender_destroy(&app);
    duckdb_destroy_data_chunk(&chunk);
    return rc;
}

static int run_sql(duckdb_connection con, const char *sql, const char *path, const char *what, struct pw_err *err)
{
    duckdb_result r;
    int rc = 0;
    if (duckdb_query(con, sql, &r) != DuckDBSuccess) rc = db_error(err, path, what, duckdb_result_error(&r));
    duckdb_destroy_result(&r);
    return rc;
}

static int write_parquet(const char *path, const char *tmp, const struct pw_census_gen_options *o,
                         const struct pw_job_levels *levels, struct pw_err *err)
{
    duckdb_database db = NULL;
    duckdb_connection con = NULL;
    duckdb_config config;
    char *open_err = NULL;
    int rc = 0;
    if (duckdb_create_config(&config) != DuckDBSuccess) return pw_err_set(err, PW_EDB, "cannot set up DuckDB");
    duckdb_set_config(config, "autoinstall_known_extensions", "false");
    duckdb_set_config(config, "autoload_known_extensions", "false");
    if (duckdb_open_ext(NULL, &db, config, &open_err) != DuckDBSuccess) {
        rc = pw_err_set(err, PW_EDB, "cannot write '%s': cannot start DuckDB: %s", path,
                        open_err ? open_err : "unknown error");
        duckdb_free(open_err);
        duckdb_destroy_config(&config);
        return rc;
    }
    duckdb_destroy_config(&config);
    if (duckdb_connect(db, &con) != DuckDBSuccess) {
        rc = pw_err_set(err, PW_EDB, "cannot write '%s': cannot connect to DuckDB", path);
        goto out;
    }
    rc = run_sql(con,
                 "CREATE TABLE census (employee_id VARCHAR, employee_ssn VARCHAR, employee_birth_date DATE, "
                 "employee_hire_date DATE, employee_gross_compensation DOUBLE, employee_deferral_rate DOUBLE, "
                 "scheduled_hours_per_week DOUBLE, auto_escalation_opt_out BOOLEAN, level_id INTEGER)",
                 path, "cannot create the staging table", err);
    if (rc == 0) rc = append_rows(con, path, o, levels, err);
    if (rc == 0) {
        /* The temp name is ours (created with O_EXCL), so quoting it is all the SQL needs. */
        size_t cap = 2 * strlen(tmp) + 512;
        char *sql = malloc(cap), *q = sql;
        if (!sql) {
            rc = pw_err_set(err, PW_ENOMEM, "out of memory writing '%s'", path);
            goto out;
        }
        q += sprintf(q, "COPY (SELECT employee_id, employee_ssn, employee_birth_date, employee_hire_date, "
                        "CAST(NULL AS DATE) AS employee_termination_date, employee_gross_compensation, "
                        "TRUE AS active, employee_deferral_rate, scheduled_hours_per_week, "
                        "auto_escalation_opt_out, level_id FROM census) TO '");
        for (const char *s = tmp; *s; s++) {
            if (*s == '\'') *q++ = '\'';
            *q++ = *s;
        }
        /* USE_TMP_FILE false: the target exists (empty, created above), and DuckDB
         * would otherwise write "tmp_<name>" beside it, which stays on failure. */
        strcpy(q, "' (FORMAT parquet, USE_TMP_FILE false)");
        rc = run_sql(con, sql, path, "cannot write the Parquet file", err);
        free(sql);
    }
out:
    if (con) duckdb_disconnect(&con);
    duckdb_close(&db);
    if (rc) {
        unlink(tmp);
        return rc;
    }
    return commit_temp(tmp, path, err);
}

int pw_census_write(const char *path, const struct pw_census_gen_options *o, const struct pw_job_levels *levels,
                    struct pw_err *err)
{
    enum pw_census_format format = pw_census_format_of(path);
    if (format == PW_CENSUS_FORMAT_UNKNOWN)
        return pw_err_set(err, PW_EIO, "cannot write '%s': only .csv and .parquet files are supported", path);
    int rc = pw_census_gen_check(o, levels, err);
    if (rc) return rc;
    char tmp[PW_PATH_MAX + 64];
    int fd = create_temp(path, tmp, sizeof tmp, err);
    if (fd < 0) return fd;
    if (format == PW_CENSUS_FORMAT_CSV) return write_csv(path, tmp, fd, o, levels, err);
    close(fd);
    return write_parquet(path, tmp, o, levels, err);
}
