/* db_file_check.c: refuse a --db path that exists but is not a DuckDB database.
 * Without this check DuckDB fails late or, for some files, planwise carried on
 * with nothing stored; a census CSV passed as --db must never be touched.
 * A DuckDB file starts with an 8-byte checksum followed by the magic "DUCK"
 * (bytes 8-11 of the main header); a missing or zero-length file is new. */
#include "io/db.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* A short description of what the first bytes look like, for the message. */
static const char *describe(const unsigned char *b, size_t n)
{
    if (n >= 4 && memcmp(b, "PAR1", 4) == 0) return "a Parquet file (starts with \"PAR1\")";
    if (n >= 13 && memcmp(b, "SQLite format", 13) == 0) return "an SQLite database";
    if (n >= 4 && b[0] == 0x04 && b[1] == 0x22 && b[2] == 0x4d && b[3] == 0x18) return "an LZ4 file (a planwise checkpoint?)";
    if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b) return "a gzip file";
    if (n >= 2 && b[0] == 'P' && b[1] == 'K') return "a zip or Excel file";
    bool text = true;
    for (size_t i = 0; i < n; i++)
        if (b[i] < 0x09 || (b[i] > 0x0d && b[i] < 0x20)) text = false;
    if (text) return memchr(b, ',', n) ? "CSV text" : "a text file";
    return "binary data without the \"DUCK\" magic at byte 8";
}

int pw_db_check_file(const char *path, struct pw_err *err)
{
    if (!path || !*path || strcmp(path, ":memory:") == 0) return 0;
    struct stat st;
    if (stat(path, &st) != 0) return 0; /* a new database */
    if (S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "cannot use '%s' as a database: it is a folder", path);
    if (!S_ISREG(st.st_mode)) return pw_err_set(err, PW_EIO, "cannot use '%s' as a database: not a regular file", path);
    if (st.st_size == 0)
        return pw_err_set(err, PW_EIO, "cannot use '%s' as a database: it is an empty file, not a DuckDB database (remove it to start a new one)", path);
    FILE *f = fopen(path, "rb");
    if (!f) return pw_err_set(err, PW_EIO, "cannot open database '%s': %s", path, strerror(errno));
    unsigned char b[64];
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n >= 12 && memcmp(b + 8, "DUCK", 4) == 0) return 0;
    return pw_err_set(err, PW_EIO, "cannot use '%s' as a database: it looks like %s, not a DuckDB database", path, describe(b, n));
}
