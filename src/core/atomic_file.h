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

/* A folder of files written whole or not at all (`export --format csv|parquet`):
 * the files go into a temporary sibling folder "<parent>/.<name>.tmp<pid>", which is
 * moved into place once every file in it is synced. */
struct pw_atomic_dir {
    char path[1024];   /* the final name, without trailing slashes */
    char tmp[1100];    /* the temporary folder to write into; "" when none exists */
    int replace;       /* 1 when a folder of that name exists and is to be replaced */
    const char *const *suffixes;  /* as given to pw_atomic_dir_begin */
};

/* The empty file every folder written this way holds: the sign that a folder is an
 * earlier export planwise may replace. */
#define PW_ATOMIC_DIR_MARK ".planwise-export"

/* Checks path and creates the temporary folder ad->tmp (with the mark file). A
 * folder already at path is replaced at commit only when it is empty, or holds the
 * mark file and otherwise nothing but regular files whose names end in one of
 * suffixes (NULL-terminated, e.g. ".csv"): an earlier export. Any other content (a
 * folder of the user's own CSV files, a file, a symbolic link, "." or "..") is
 * refused here, before anything is written, and checked again at commit. */
int pw_atomic_dir_begin(struct pw_atomic_dir *ad, const char *path, const char *const *suffixes, struct pw_err *err);
/* Fsyncs every file of ad->tmp and the folder itself, then moves it to path (an
 * earlier folder there is swapped out in one rename where the file system can, and
 * then removed) and syncs the parent folder. On failure the temporary folder is
 * removed, an earlier folder at path is left as it was, and err names path. */
int pw_atomic_dir_commit(struct pw_atomic_dir *ad, struct pw_err *err);
/* Removes the temporary folder and the files in it (after an error). */
void pw_atomic_dir_abort(struct pw_atomic_dir *ad);

#endif
