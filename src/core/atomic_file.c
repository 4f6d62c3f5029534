/* atomic_file.c: temp name, write, fflush + ferror + fsync + fclose, rename,
 * fsync the folder. Each step is checked because a full disk usually shows up
 * only at the flush or the close, not at the fprintf that filled the buffer.
 * Character devices and FIFOs (/dev/stdout, /dev/full) cannot be renamed over,
 * so they are written in place with the same error checks. */
#include "core/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int move_into_place(struct pw_atomic_file *af, struct pw_err *err);

int pw_atomic_file_open(struct pw_atomic_file *af, const char *path, struct pw_err *err)
{
    memset(af, 0, sizeof *af);
    if (strlen(path) >= sizeof af->path) return pw_err_set(err, PW_EIO, "cannot write '%s': path too long", path);
    snprintf(af->path, sizeof af->path, "%s", path);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "cannot write '%s': Is a directory", path);
        af->direct = 1;
        af->fp = fopen(path, "w");
        if (!af->fp) return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(errno));
        return 0;
    }
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.%ld", path, (long)getpid());
    af->fp = fopen(af->tmp, "w");
    if (!af->fp) return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(errno));
    return 0;
}

void pw_atomic_file_abort(struct pw_atomic_file *af)
{
    if (af->fp) fclose(af->fp);
    af->fp = NULL;
    if (!af->direct && af->tmp[0]) unlink(af->tmp);
}

int pw_atomic_file_commit(struct pw_atomic_file *af, struct pw_err *err)
{
    int e = 0;
    if (fflush(af->fp) != 0) e = errno;
    if (!e && ferror(af->fp)) e = EIO;
    /* fsync on a device such as /dev/full or a pipe fails with EINVAL: not an error. */
    if (!e && fsync(fileno(af->fp)) != 0 && errno != EINVAL && errno != EROFS) e = errno;
    if (fclose(af->fp) != 0 && !e) e = errno;
    af->fp = NULL;
    if (e) {
        if (!af->direct) unlink(af->tmp);
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", af->path, strerror(e));
    }
    if (af->direct) return 0;
    return move_into_place(af, err);
}

int pw_atomic_file_begin_path(struct pw_atomic_file *af, const char *path, struct pw_err *err)
{
    memset(af, 0, sizeof *af);
    if (strlen(path) >= sizeof af->path) return pw_err_set(err, PW_EIO, "cannot write '%s': path too long", path);
    snprintf(af->path, sizeof af->path, "%s", path);
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "cannot write '%s': Is a directory", path);
        af->direct = 1;
        snprintf(af->tmp, sizeof af->tmp, "%s", path);
        return 0;
    }
    snprintf(af->tmp, sizeof af->tmp, "%s.tmp.%ld", path, (long)getpid());
    return 0;
}

int pw_atomic_file_commit_path(struct pw_atomic_file *af, struct pw_err *err)
{
    if (af->direct) return 0;
    int fd = open(af->tmp, O_RDONLY);
    int e = fd < 0 ? errno : 0;
    if (!e && fsync(fd) != 0 && errno != EINVAL && errno != EROFS) e = errno;
    if (fd >= 0) close(fd);
    if (e) {
        unlink(af->tmp);
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", af->path, strerror(e));
    }
    return move_into_place(af, err);
}

/* Renames the synced temporary file over the final name and syncs the folder. */
static int move_into_place(struct pw_atomic_file *af, struct pw_err *err)
{
    if (rename(af->tmp, af->path) != 0) {
        int e = errno;
        unlink(af->tmp);
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", af->path, strerror(e));
    }
    /* Make the rename durable; a failure here loses nothing already written. */
    char dir[1024];
    snprintf(dir, sizeof dir, "%s", af->path);
    char *slash = strrchr(dir, '/');
    if (slash) *(slash == dir ? slash + 1 : slash) = '\0';
    else snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}
