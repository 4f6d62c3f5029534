/* atomic_file.h: write an output file under a temporary name and move it into
 * place only when every byte reached the disk, so a full disk, a write error or
 * a kill never leaves a truncated file under the real name. */
#ifndef PW_CORE_ATOMIC_FILE_H
#define PW_CORE_ATOMIC_FILE_H

#include <stdio.h>

#include "core/err.h"

struct pw_atomic_file {
    FILE *fp;          /* stream to write to; NULL after commit/abort */
    char path[1024];   /* the final name */
    char tmp[1100];    /* "<path>.tmp.<pid>", in the same folder so rename is atomic */
    int direct;        /* 1 when path is not a regular file (/dev/stdout, /dev/full): written in place */
};

/* Opens a temporary file next to path. */
int pw_atomic_file_open(struct pw_atomic_file *af, const char *path, struct pw_err *err);
/* Flushes, checks every write error, fsyncs, closes and renames over path.
 * On failure the temporary file is removed and err names path. */
int pw_atomic_file_commit(struct pw_atomic_file *af, struct pw_err *err);
/* Closes and removes the temporary file (after an error). */
void pw_atomic_file_abort(struct pw_atomic_file *af);

/* For a file another library writes by name (DuckDB's COPY): fills af->tmp, the
 * name to write, and opens no stream (af->fp stays NULL). For a path that is not
 * a regular file (/dev/stdout) af->tmp is the path itself, written in place. */
int pw_atomic_file_begin_path(struct pw_atomic_file *af, const char *path, struct pw_err *err);
/* After the writer closed af->tmp: fsyncs it, renames it over the path and syncs
 * the folder; on failure it is removed and err names the path. Abort with
 * pw_atomic_file_abort. */
int pw_atomic_file_commit_path(struct pw_atomic_file *af, struct pw_err *err);

#endif
