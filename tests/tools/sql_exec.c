/* sql_exec.c: runs SQL against a DuckDB file outside planwise query's sandbox, for
 * the tests that corrupt a copy of an output database on purpose, and for test
 * queries that must read test inputs or a second database (read_csv, ATTACH),
 * which planwise query refuses by design.
 *   sql_exec DB "SQL" ...      write access; exit 0 when every statement succeeded
 *   sql_exec --csv DB "SQL"    read-only; prints the result as CSV, as
 *                              'planwise query --csv' does */
#include <stdio.h>
#include <string.h>

#include "io/db.h"

int main(int argc, char **argv)
{
    bool csv = argc > 1 && strcmp(argv[1], "--csv") == 0;
    int first = csv ? 2 : 1;
    if (argc < first + 2 || (csv && argc != first + 2)) {
        fprintf(stderr, "usage: sql_exec DB SQL... | sql_exec --csv DB SQL\n");
        return 2;
    }
    struct pw_db *db;
    struct pw_err err = {0};
    struct pw_db_options opt = {.read_only = csv};
    if (pw_db_open(&db, argv[first], &opt, &err)) {
        fprintf(stderr, "sql_exec: %s\n", err.msg);
        return 1;
    }
    int rc = 0;
    if (csv) {
        if ((rc = pw_db_print_query(db, argv[first + 1], stdout, PW_PRINT_CSV, &err)))
            fprintf(stderr, "sql_exec: %s\n", err.msg);
    } else {
        for (int i = first + 1; i < argc && !rc; i++)
            if ((rc = pw_db_exec(db, argv[i], &err))) fprintf(stderr, "sql_exec: %s\n", err.msg);
    }
    pw_db_close(db);
    return rc ? 1 : 0;
}
