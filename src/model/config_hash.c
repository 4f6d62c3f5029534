/* config_hash.c: a fingerprint of the effective configuration: SHA-1 of the YAML
 * that `planwise config show` prints for it (pw_config_write_yaml), so keys set
 * in the file, defaults and command-line overrides all count, and two
 * configurations that print the same YAML simulate the same thing. Provenance
 * (the path the YAML came from, printed as a comment) is left out, as are the
 * run-time settings that never change results (threads, the performance.*
 * section) and the compliance.* section, which only the tests after a run read. */
#include "model/config.h"

#include <stdlib.h>
#include <string.h>

#include "core/uuid.h"

int pw_config_hash(const struct pw_config *cfg, uint8_t out[20])
{
    struct pw_config *copy = malloc(sizeof *copy);   /* tens of KiB: not on the stack */
    if (!copy) return PW_ENOMEM;
    pw_config_init_defaults(copy);
    struct pw_perf_settings default_perf = copy->perf;
    struct pw_compliance_config defaults_compliance = copy->compliance;
    *copy = *cfg;
    copy->config_path[0] = '\0';
    copy->threads = 1;
    copy->perf = default_perf;     /* performance.* changes speed, never results */
    copy->compliance = defaults_compliance; /* compliance.* is read after the simulation, never by it */
    char *text = NULL;
    size_t len = 0;
    int rc = PW_ENOMEM;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        rc = pw_config_write_yaml(copy, f);
        if (fclose(f) != 0 && rc == 0) rc = PW_ENOMEM;
        if (rc == 0) pw_sha1(text, len, out);
    }
    free(text);
    free(copy);
    return rc;
}
