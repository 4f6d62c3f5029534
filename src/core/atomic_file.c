/* atomic_file.c: temp name, write, fflush + ferror + fsync + fclose, rename,
 * fsync the folder. Each step is checked because a full disk usually shows up
 * only at the flush or the close, not at the fprintf that filled the buffer.
 * Character devices and FIFOs (/dev/stdout, /dev/full) cannot be renamed over,
 * so they are written in place with the same error checks.
 * Folders (pw_atomic_dir_*) are written as a temporary sibling folder and swapped
 * into place; see atomic_file.h. */
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE (glibc 2.28) */
#include "core/atomic_file.h"

#include <dirent.h>
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

/* ---- folders -------------------------------------------------------------- */

/* The folder part of path ("." when there is none), into dir. */
static void parent_of(const char *path, char *dir, size_t cap)
{
    const char *slash = strrchr(path, '/');
    if (!slash) snprintf(dir, cap, ".");
    else if (slash == path) snprintf(dir, cap, "/");
    else snprintf(dir, cap, "%.*s", (int)(slash - path), path);
}

/* Fsyncs a file or folder by name; 0 or an errno value. */
static int sync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    int e = fsync(fd) != 0 && errno != EINVAL && errno != EROFS ? errno : 0;
    close(fd);
    return e;
}

static void sync_parent(const char *path)
{
    char dir[1024];
    parent_of(path, dir, sizeof dir);
    (void)sync_path(dir); /* the rename is done; a failure here loses nothing written */
}

/* Removes the files of folder dir, then dir; best effort (after an error, or an
 * earlier folder that was replaced). */
static void remove_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
            (void)unlinkat(dirfd(d), de->d_name, 0);
        }
        closedir(d);
    }
    (void)rmdir(dir);
}

/* 0 when folder dir is empty, or holds the mark file and only regular files named
 * *<suffix>; else err names the first other entry, or the missing mark. */
static int check_replaceable(const char *shown, const char *dir, const char *const *suffixes, struct pw_err *err)
{
    DIR *d = opendir(dir);
    if (!d) return pw_err_set(err, PW_EIO, "cannot write '%s': %s", shown, strerror(errno));
    int rc = 0, marked = 0, entries = 0;
    struct dirent *de;
    while (!rc && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        entries++;
        struct stat st;
        int ok = fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
        if (ok && strcmp(de->d_name, PW_ATOMIC_DIR_MARK) == 0) {
            marked = 1;
            continue;
        }
        int named = 0;
        size_t len = strlen(de->d_name);
        for (const char *const *s = suffixes; ok && s && *s && !named; s++)
            named = len > strlen(*s) && strcmp(de->d_name + len - strlen(*s), *s) == 0;
        if (!ok || !named)
            rc = pw_err_set(err, PW_EIO,
                            "cannot write '%s': the folder exists and holds '%s', which is not an earlier export;"
                            " give a new folder",
                            shown, de->d_name);
    }
    closedir(d);
    if (!rc && entries > 0 && !marked)
        rc = pw_err_set(err, PW_EIO,
                        "cannot write '%s': the folder exists and is not an earlier planwise export (no '%s' file);"
                        " give a new folder",
                        shown, PW_ATOMIC_DIR_MARK);
    return rc;
}

int pw_atomic_dir_begin(struct pw_atomic_dir *ad, const char *path, const char *const *suffixes, struct pw_err *err)
{
    memset(ad, 0, sizeof *ad);
    size_t n = strlen(path);
    while (n > 1 && path[n - 1] == '/') n--;
    if (n >= sizeof ad->path) return pw_err_set(err, PW_EIO, "cannot write '%s': path too long", path);
    memcpy(ad->path, path, n);
    ad->path[n] = '\0';
    const char *slash = strrchr(ad->path, '/');
    const char *base = slash ? slash + 1 : ad->path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return pw_err_set(err, PW_EIO, "cannot write '%s': give the folder by its name (not '.', '..' or '/')", path);
    struct stat st;
    if (lstat(ad->path, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return pw_err_set(err, PW_EIO, "cannot write '%s': it is a symbolic link; give the folder itself", path);
        if (!S_ISDIR(st.st_mode)) return pw_err_set(err, PW_EIO, "cannot write '%s': it exists and is not a folder", path);
        int rc = check_replaceable(path, ad->path, suffixes, err);
        if (rc) return rc;
        ad->replace = 1;
        ad->suffixes = suffixes;
    } else if (errno != ENOENT) {
        return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    int dirlen = (int)(base - ad->path);
    for (int attempt = 0; attempt < 100; attempt++) {
        int m = attempt ? snprintf(ad->tmp, sizeof ad->tmp, "%.*s.%s.tmp%ld-%d", dirlen, ad->path, base, (long)getpid(), attempt)
                        : snprintf(ad->tmp, sizeof ad->tmp, "%.*s.%s.tmp%ld", dirlen, ad->path, base, (long)getpid());
        if (m < 0 || (size_t)m >= sizeof ad->tmp) break;
        if (mkdir(ad->tmp, 0777) == 0) {
            char mark[sizeof ad->tmp + sizeof PW_ATOMIC_DIR_MARK + 1];
            snprintf(mark, sizeof mark, "%s/%s", ad->tmp, PW_ATOMIC_DIR_MARK);
            int fd = open(mark, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
            if (fd >= 0 && close(fd) == 0) return 0;
            int e = errno;
            remove_folder(ad->tmp);
            ad->tmp[0] = '\0';
            return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(e));
        }
        if (errno != EEXIST) {
            int e = errno;
            ad->tmp[0] = '\0';
            return pw_err_set(err, PW_EIO, "cannot write '%s': %s", path, strerror(e));
        }
    }
    ad->tmp[0] = '\0';
    return pw_err_set(err, PW_EIO, "cannot write '%s': cannot create a temporary folder next to it", path);
}

void pw_atomic_dir_abort(struct pw_atomic_dir *ad)
{
    if (ad->tmp[0]) remove_folder(ad->tmp);
    ad->tmp[0] = '\0';
}

/* Fsyncs every file of folder dir, then dir; 0 or an errno value. */
static int sync_folder(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return errno;
    int e = 0;
    struct dirent *de;
    while (!e && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
        int fd = openat(dirfd(d), de->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0) e = errno;
        else {
            if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS) e = errno;
            close(fd);
        }
    }
    closedir(d);
    return e ? e : sync_path(dir);
}

static int dir_fail(struct pw_atomic_dir *ad, int e, struct pw_err *err)
{
    pw_atomic_dir_abort(ad);
    return pw_err_set(err, PW_EIO, "cannot write '%s': %s", ad->path, strerror(e));
}

int pw_atomic_dir_commit(struct pw_atomic_dir *ad, struct pw_err *err)
{
    int e = sync_folder(ad->tmp);
    if (e) return dir_fail(ad, e, err);
    /* The folder being replaced may have changed during the export. */
    if (ad->replace && check_replaceable(ad->path, ad->path, ad->suffixes, err)) {
        pw_atomic_dir_abort(ad);
        return PW_EIO;
    }
    if (!ad->replace) {
        if (rename(ad->tmp, ad->path) != 0) return dir_fail(ad, errno, err);
        ad->tmp[0] = '\0';
        sync_parent(ad->path);
        return 0;
    }
#ifdef RENAME_EXCHANGE
    /* One rename swaps the two folders: the name never stands empty. */
    if (renameat2(AT_FDCWD, ad->tmp, AT_FDCWD, ad->path, RENAME_EXCHANGE) == 0) {
        sync_parent(ad->path);
        remove_folder(ad->tmp); /* now the earlier folder */
        ad->tmp[0] = '\0';
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP) return dir_fail(ad, errno, err);
#endif
    /* No exchange on this file system: move the earlier folder aside, the new one in,
     * and the earlier one back if that fails. */
    char old[1200];
    const char *slash = strrchr(ad->path, '/');
    const char *base = slash ? slash + 1 : ad->path;
    snprintf(old, sizeof old, "%.*s.%s.old%ld", (int)(base - ad->path), ad->path, base, (long)getpid());
    if (rename(ad->path, old) != 0) return dir_fail(ad, errno, err);
    if (rename(ad->tmp, ad->path) != 0) {
        e = errno;
        (void)rename(old, ad->path);
        return dir_fail(ad, e, err);
    }
    ad->tmp[0] = '\0';
    sync_parent(ad->path);
    remove_folder(old);
    return 0;
}
