/* census_csv_lines.c: finds the first over-long record of a census CSV.
 *
 * DuckDB refuses a record longer than its line limit, but for one that spans
 * several of its read buffers (about 40 MB and up) it reports an internal
 * "Parallel CSV Reader" failure without a line number. When a read fails that
 * way, the reader calls this scan to name the line instead. It runs only after a
 * failure, so a good census never pays for it. */
#include "io/census_reader_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int pw__csv_find_long_record(const char *path, size_t limit, size_t *line, size_t *length, struct pw_err *err)
{
    *line = 0, *length = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return pw_err_set(err, PW_EIO, "cannot open '%s': %s", path, strerror(errno));
    /* Not static: census files may be read by several threads (ensemble designs). */
    enum { BUF_SIZE = 1 << 16 };
    char *buf = malloc(BUF_SIZE);
    if (!buf) {
        fclose(f);
        return pw_err_set(err, PW_ENOMEM, "out of memory reading '%s'", path);
    }
    size_t physical = 1;       /* line the next byte is on */
    size_t start_line = 1;     /* line the current record started on */
    size_t len = 0;            /* bytes of the current record so far */
    bool quoted = false, after_cr = false, found = false;
    size_t got;
    while (!found && (got = fread(buf, 1, BUF_SIZE, f)) > 0) {
        for (size_t i = 0; i < got; i++) {
            char c = buf[i];
            /* CR LF is one line end; the LF after a CR neither counts nor starts a record. */
            if (after_cr && c == '\n') {
                after_cr = false;
                continue;
            }
            after_cr = c == '\r';
            if (c == '\n' || c == '\r') {
                physical++;
                if (!quoted) {
                    if (len > limit) {
                        found = true;
                        break;
                    }
                    len = 0;
                    start_line = physical;
                    continue;
                }
            }
            /* "" inside quotes toggles twice, which leaves the state right. */
            if (c == '"') quoted = !quoted;
            len++;
        }
    }
    bool failed = ferror(f) != 0;
    fclose(f);
    free(buf);
    if (failed) return pw_err_set(err, PW_EIO, "cannot read '%s'", path);
    if (found || len > limit) *line = start_line, *length = len;
    return 0;
}
