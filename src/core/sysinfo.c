/* sysinfo.c: machine facts from sysconf, uname and /proc (Linux); elsewhere the
 * /proc facts stay empty. */
#include "core/sysinfo.h"

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "core/clock.h"
#include "core/pool.h"

/* Value of the first "key<spaces/tabs>: value" line of a /proc file, trimmed. */
static void proc_field(const char *path, const char *key, char *out, size_t size)
{
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) return;
    char line[512];
    size_t klen = strlen(key);
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, key, klen) != 0) continue;
        const char *p = line + klen;
        while (*p == ' ' || *p == '\t') p++;
        if (*p != ':') continue;
        p++;
        while (*p == ' ' || *p == '\t') p++;
        size_t n = strcspn(p, "\r\n");
        while (n && (p[n - 1] == ' ' || p[n - 1] == '\t')) n--;
        snprintf(out, size, "%.*s", (int)n, p);
        break;
    }
    fclose(f);
}

static void compiler_name(char *out, size_t size)
{
#if defined(__clang__)
    snprintf(out, size, "clang %d.%d.%d", __clang_major__, __clang_minor__, __clang_patchlevel__);
#elif defined(__GNUC__)
    snprintf(out, size, "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
    snprintf(out, size, "unknown C11 compiler");
#endif
}

void pw_sysinfo_read(struct pw_sysinfo *info)
{
    memset(info, 0, sizeof *info);
    info->cores = pw_cpu_count();
    info->memory_bytes = pw_physical_memory_bytes();
    char text[128];
    proc_field("/proc/meminfo", "MemAvailable", text, sizeof text);
    unsigned long long kib;
    if (sscanf(text, "%llu kB", &kib) == 1) info->available_bytes = (uint64_t)kib * 1024u;
    proc_field("/proc/cpuinfo", "model name", info->cpu_model, sizeof info->cpu_model);
    struct utsname u;
    if (uname(&u) == 0) snprintf(info->kernel, sizeof info->kernel, "%.40s %.60s %.20s", u.sysname, u.release, u.machine);
    compiler_name(info->compiler, sizeof info->compiler);
}
