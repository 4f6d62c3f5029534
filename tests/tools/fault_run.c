/* fault_run.c: runs a command and acts on it at points marked by what it does to
 * the file system, for the crash-safety suite (tests/invariants/faults.sh): kill
 * it with SIGKILL the moment a file appears or grows, or report how much of a
 * file system is in use when a file appears. Polling every millisecond from a
 * separate process stands in for the kill -9 of a user or of the kernel's OOM
 * killer, but lands in a chosen phase of the run however loaded the machine is.
 *
 *   fault_run STEP... -- COMMAND [ARG...]
 *
 * Steps run in order while the command runs:
 *   exists:PATH   wait until PATH exists
 *   gone:PATH     wait until PATH does not exist
 *   grows:PATH    wait until PATH is larger than when this step began (missing = 0)
 *   changes:PATH  wait until PATH's size or modification time differs from when
 *                 this step began (a write into the file)
 *   sleep:MS      wait MS milliseconds
 *   used:PATH     print "used BYTES" of the file system holding PATH (statvfs)
 *   kill          send SIGKILL to the command
 * When the command ends first, the remaining steps are skipped. stderr gets one
 * line saying how far the steps got. The exit status is the command's, or 128 +
 * the signal that ended it (137 after kill), as a shell reports it; 125 when
 * fault_run itself fails. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static pid_t child;
static int child_status;
static int child_done;

/* True once the command has ended (its status is then in child_status). */
static int ended(void)
{
    if (child_done) return 1;
    pid_t r = waitpid(child, &child_status, WNOHANG);
    if (r == child) child_done = 1;
    return child_done;
}

static long long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* Size and modification time of path, as one comparable string ("" when missing). */
static void file_stamp(const char *path, char *out, size_t cap)
{
    struct stat st;
    if (stat(path, &st) != 0) snprintf(out, cap, "-");
    else snprintf(out, cap, "%lld %lld.%09ld", (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

static void pause_ms(double ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)((ms - (double)(long)(ms / 1000) * 1000) * 1e6)};
    nanosleep(&ts, NULL);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Runs one step; 0 when done, 1 when the command ended first, -1 on a bad step. */
static int step(const char *s)
{
    struct stat st;
    if (strncmp(s, "exists:", 7) == 0) {
        while (stat(s + 7, &st) != 0)
            if (ended()) return 1;
            else pause_ms(1);
        return 0;
    }
    if (strncmp(s, "gone:", 5) == 0) {
        while (stat(s + 5, &st) == 0)
            if (ended()) return 1;
            else pause_ms(1);
        return 0;
    }
    if (strncmp(s, "grows:", 6) == 0) {
        long long start = file_size(s + 6);
        while (file_size(s + 6) <= start)
            if (ended()) return 1;
            else pause_ms(1);
        return 0;
    }
    if (strncmp(s, "changes:", 8) == 0) {
        char start[64], now[64];
        file_stamp(s + 8, start, sizeof start);
        for (;;) {
            file_stamp(s + 8, now, sizeof now);
            if (strcmp(now, start) != 0) return 0;
            if (ended()) return 1;
            pause_ms(1);
        }
    }
    if (strncmp(s, "sleep:", 6) == 0) {
        double until = now_ms() + atof(s + 6);
        while (now_ms() < until)
            if (ended()) return 1;
            else pause_ms(1);
        return 0;
    }
    if (strncmp(s, "used:", 5) == 0) {
        struct statvfs v;
        if (statvfs(s + 5, &v) != 0) {
            fprintf(stderr, "fault_run: statvfs '%s': %s\n", s + 5, strerror(errno));
            return -1;
        }
        printf("used %llu\n", (unsigned long long)(v.f_blocks - v.f_bfree) * v.f_frsize);
        fflush(stdout);
        return 0;
    }
    if (strcmp(s, "kill") == 0) {
        if (ended()) return 1;
        kill(child, SIGKILL);
        return 0;
    }
    fprintf(stderr, "fault_run: unknown step '%s'\n", s);
    return -1;
}

int main(int argc, char **argv)
{
    int sep = 1;
    while (sep < argc && strcmp(argv[sep], "--") != 0) sep++;
    if (sep + 1 >= argc) {
        fprintf(stderr, "usage: fault_run STEP... -- COMMAND [ARG...]\n");
        return 125;
    }
    child = fork();
    if (child < 0) {
        perror("fault_run: fork");
        return 125;
    }
    if (child == 0) {
        execvp(argv[sep + 1], argv + sep + 1);
        perror("fault_run: exec");
        _exit(127);
    }
    int i, rc = 0;
    for (i = 1; i < sep && rc == 0; i++) rc = step(argv[i]);
    if (rc < 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        return 125;
    }
    if (rc == 0) fprintf(stderr, "fault_run: every step done\n");
    else fprintf(stderr, "fault_run: the command ended at step %d (%s)\n", i - 1, argv[i - 1]);
    if (!child_done) waitpid(child, &child_status, 0);
    if (WIFSIGNALED(child_status)) return 128 + WTERMSIG(child_status);
    return WEXITSTATUS(child_status);
}
