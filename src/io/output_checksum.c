/* output_checksum.c: a 64-bit hash of every row cast to text, combined by sum and
 * by xor: independent of the physical order DuckDB stored the rows in, and it
 * streams (an md5 over the concatenated rows needed the whole table as one string,
 * more memory than a 1,000,000 x 10 run's 42 million snapshot rows allow). */
#include "io/output_checksum.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *table;
} keyed_tables[] = {
    {"fct_yearly_events"}, {"fct_workforce_snapshot"}, {"fct_employer_match_events"}, {"fct_workforce_needs"},
    {"fct_workforce_needs_by_level"},
};

int pw_output_checksums(struct pw_db *db, const char *scenario_id, char *out, size_t size, struct pw_err *err)
{
    char where[160] = "";
    if (scenario_id) {
        if (strchr(scenario_id, '\'')) return pw_err_set(err, PW_EUSAGE, "scenario id '%s' contains a quote", scenario_id);
        snprintf(where, sizeof where, "WHERE scenario_id = '%s'", scenario_id);
    }
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < sizeof keyed_tables / sizeof *keyed_tables; i++) {
        char sql[512], value[128];
        snprintf(sql, sizeof sql,
                 "SELECT count(*) || ':' || coalesce(sum(hash(t::VARCHAR)::HUGEINT)::VARCHAR, '-') || ':' || "
                 "coalesce(bit_xor(hash(t::VARCHAR))::VARCHAR, '-') FROM %s t %s",
                 keyed_tables[i].table, where);
        int rc = pw_db_query_string(db, sql, value, sizeof value, err);
        if (rc) return rc;
        int n = snprintf(out + used, size - used, "%s %s\n", keyed_tables[i].table, value);
        if (n < 0 || (size_t)n >= size - used) return pw_err_set(err, PW_EINTERNAL, "checksum buffer too small");
        used += (size_t)n;
    }
    return 0;
}
