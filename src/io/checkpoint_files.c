/* checkpoint_files.c: checkpoint file names (<dir>/<scenario>/year-YYYY.pwck),
 * discovery of the latest one, and the write-to-temp, fsync, rename, fsync-folder
 * sequence that makes a checkpoint appear whole or not at all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/checkpoint.h"
#include "io/checkpoint_int.h"

static const char name_prefix[] = "year-", name_suffix[] = ".pwck";

/* Year of a file name "year-YYYY.pwck", or -1. */
static int year_of_name(const char *name)
{
    const size_t np = sizeof name_prefix - 1, ns = sizeof name_suffix - 1;
    if (strlen(name) != np + 4 + ns || strncmp(name, name_prefix, np) != 0 || strcmp(name + np + 4, name_suffix) != 0)
        return -1;
    int year = 0;
    for (size_t i = np; i < np + 4; i++) {
        if (name[i] < '0' || name[i] > '9') return -1;
        year = year * 10 + (name[i] - '0');
    }
    return year;
}

/* A leftover temporary file of ours: ".year-YYYY.pwck.tmp<...>". */
static bool is_temp_name(const char *name)
{
    char base[32];
    if (name[0] != '.') return false;
    const char *tmp = strstr(name, ".tmp");
    size_t n = tmp ? (size_t)(tmp - name) - 1 : 0;
    if (!tmp || n == 0 || n >= sizeof base) return false;
    memcpy(base, name + 1, n);
    base[n] = '\0';
    return year_of_name(base) >= 0;
}

static int scenario_dir(char *out, size_t size, const char *dir, const char *scenario, struct pw_err *err)
{
    if (!dir || !*dir) return pw_err_set(err, PW_EUSAGE, "checkpoint folder is empty");
    if (!scenario || !*scenario || scenario[0] == '.' || strchr(scenario, '/'))
        return pw_err_set(err, PW_EUSAGE,
                          "scenario id '%s' cannot name a checkpoint folder (empty, leading '.' or a '/')",
                          scenario ? scenario : "");
    int n = snprintf(out, size, "%s/%s", dir, scenario);
    if (n < 0 || (size_t)n >= size) return pw_err_set(err, PW_ERANGE, "checkpoint path under '%s' is too long", dir);
    return 0;
}

int pw_checkpoint_path(char *out, size_t size, const char *dir, const char *scenario, int year, struct pw_err *err)
{
    if (year < 0 || year > 9999) return pw_err_set(err, PW_ERANGE, "checkpoint year %d is out of range", year);
    char sdir[PW_PATH_MAX];
    int rc = scenario_dir(sdir, sizeof sdir, dir, scenario, err);
    if (rc) return rc;
    int n = snprintf(out, size, "%s/%s%04d%s", sdir, name_prefix, year, name_suffix);
    if (n < 0 || (size_t)n >= size) return pw_err_set(err, PW_ERANGE, "checkpoint path under '%s' is too long", dir);
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *path, struct pw_err *err)
{
    char p[PW_PATH_MAX];
    int n = snprintf(p, sizeof p, "%s", path);
    if (n < 0 || (size_t)n >= sizeof p) return pw_err_set(err, PW_ERANGE, "checkpoint folder '%s' is too long", path);
    for (char *s = p + 1;; s++) {
        if (*s != '/' && *s != '\0') continue;
        char c = *s;
        *s = '\0';
        struct stat st;
        if (mkdir(p, 0777) != 0) {
            int e = errno;
            if (e != EEXIST) return pw_err_set(err, PW_EIO, "cannot create checkpoint folder '%s': %s", p, strerror(e));
            if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
                return pw_err_set(err, PW_EIO, "cannot create checkpoint folder '%s': Not a directory", p);
        }
        *s = c;
        if (c == '\0') break;
    }
    return 0;
}

int pw_checkpoint_prepare_dir(const char *dir, const char *scenario, struct pw_err *err)
{
    char sdir[PW_PATH_MAX];
    int rc = scenario_dir(sdir, sizeof sdir, dir, scenario, err);
    return rc ? rc : make_dirs(sdir, err);
}

/* Opens <dir>/<scenario> for listing into *d (NULL when it does not exist) and
 * leaves its path in sdir. */
static int open_scenario_dir(const char *dir, const char *scenario, char sdir[PW_PATH_MAX], DIR **d,
                             struct pw_err *err)
{
    *d = NULL;
    int rc = scenario_dir(sdir, PW_PATH_MAX, dir, scenario, err);
    if (rc) return rc;
    if ((*d = opendir(sdir)) || errno == ENOENT) return 0;
    return pw_err_set(err, PW_EIO, "cannot read checkpoint folder '%s': %s", sdir, strerror(errno));
}

int pw_checkpoint_find_last(const char *dir, const char *scenario, int max_year, char *path, size_t size, int *year,
                            struct pw_err *err)
{
    char sdir[PW_PATH_MAX];
    DIR *d;
    int rc = open_scenario_dir(dir, scenario, sdir, &d, err);
    if (rc || !d) return rc;
    int best = -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int y = year_of_name(e->d_name);
        if (y < 0 || y > max_year || y <= best) continue;
        char p[PW_PATH_MAX + 300];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", sdir, e->d_name);
        if (stat(p, &st) == 0 && S_ISREG(st.st_mode)) best = y;
    }
    closedir(d);
    if (best < 0) return 0;
    if ((rc = pw_checkpoint_path(path, size, dir, scenario, best, err))) return rc;
    *year = best;
    return 1;
}

int pw_checkpoint_clear(const char *dir, const char *scenario, struct pw_err *err)
{
    char sdir[PW_PATH_MAX];
    DIR *d;
    int rc = open_scenario_dir(dir, scenario, sdir, &d, err);
    if (rc || !d) return rc;
    struct dirent *e;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (year_of_name(e->d_name) < 0 && !is_temp_name(e->d_name)) continue;
        char p[PW_PATH_MAX + 300];
        snprintf(p, sizeof p, "%s/%s", sdir, e->d_name);
        if (unlink(p) != 0 && errno != ENOENT)
            rc = pw_err_set(err, PW_EIO, "cannot remove checkpoint '%s': %s", p, strerror(errno));
    }
    closedir(d);
    return rc;
}

int pw__ck_create_temp(const char *path, char *tmp, size_t cap, int *fd, struct pw_err *err)
{
    const char *slash = strrchr(path, '/');
    int dirlen = slash ? (int)(slash - path) + 1 : 0;
    for (int attempt = 0; attempt < 100; attempt++) {
        int n = attempt ? snprintf(tmp, cap, "%.*s.%s.tmp%ld-%d", dirlen, path, path + dirlen, (long)getpid(), attempt)
                        : snprintf(tmp, cap, "%.*s.%s.tmp%ld", dirlen, path, path + dirlen, (long)getpid());
        if (n < 0 || (size_t)n >= cap) return pw_err_set(err, PW_ERANGE, "checkpoint path '%s' is too long", path);
        *fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (*fd >= 0) return 0;
        if (errno != EEXIST) break;
    }
    return pw_err_set(err, PW_EIO, "cannot create checkpoint '%s': %s", tmp, strerror(errno));
}

int pw__ck_commit_temp(int fd, const char *tmp, const char *path, struct pw_err *err)
{
    if (fsync(fd) != 0) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return pw_err_set(err, PW_EIO, "cannot sync checkpoint '%s': %s", tmp, strerror(e));
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return pw_err_set(err, PW_EIO, "cannot write checkpoint '%s': %s", tmp, strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return pw_err_set(err, PW_EIO, "cannot rename '%s' to '%s': %s", tmp, path, strerror(e));
    }
    /* Make the rename itself durable. Best effort, as for the census writer: the
     * file is complete either way, and some file systems refuse to sync a folder. */
    const char *slash = strrchr(path, '/');
    char dir[PW_PATH_MAX];
    if (slash) snprintf(dir, sizeof dir, "%.*s", slash > path ? (int)(slash - path) : 1, path);
    else snprintf(dir, sizeof dir, ".");
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        (void)fsync(dfd);
        close(dfd);
    }
    return 0;
}
