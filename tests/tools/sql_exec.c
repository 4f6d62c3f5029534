/* sql_exec.c: runs SQL statements against a DuckDB file with write access, for the
 * tests that corrupt a copy of an output database on purpose (planwise query is
 * read-only by design).
 *   sql_exec DB "SQL" ...      exit 0 when every statement succeeded */
#include <stdio.h>

#include "io/db.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: sql_exec DB SQL...\n");
        return 2;
    }
    struct pw_db *db;
    struct pw_err err = {0};
    if (pw_db_open(&db, argv[1], NULL, &err)) {
        fprintf(stderr, "sql_exec: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    for (int i = 2; i < argc && !rc; i++)
        if ((rc = pw_db_exec(db, argv[i], &err))) fprintf(stderr, "sql_exec: %s\n", err.msg);
    pw_db_close(db);
    return rc ? 1 : 0;
}
