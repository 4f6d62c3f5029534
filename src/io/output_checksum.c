/* output_checksum.c: md5 over every row cast to text, in primary-key order, so the
 * fingerprint does not depend on the physical order DuckDB stored the rows in. */
#include "io/output_checksum.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *table, *key;
} keyed_tables[] = {
    {"fct_yearly_events", "scenario_id, simulation_year, employee_id, event_sequence"},
    {"fct_workforce_snapshot", "scenario_id, simulation_year, employee_id"},
    {"fct_employer_match_events", "scenario_id, simulation_year, employee_id"},
    {"fct_workforce_needs", "scenario_id, simulation_year"},
    {"fct_workforce_needs_by_level", "scenario_id, simulation_year, level_id"},
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
                 "SELECT count(*) || ':' || coalesce(md5(string_agg(t::VARCHAR, chr(10) ORDER BY %s)), '-') FROM %s t %s",
                 keyed_tables[i].key, keyed_tables[i].table, where);
        int rc = pw_db_query_string(db, sql, value, sizeof value, err);
        if (rc) return rc;
        int n = snprintf(out + used, size - used, "%s %s\n", keyed_tables[i].table, value);
        if (n < 0 || (size_t)n >= size - used) return pw_err_set(err, PW_EINTERNAL, "checksum buffer too small");
        used += (size_t)n;
    }
    return 0;
}
