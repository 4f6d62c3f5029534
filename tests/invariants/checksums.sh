# tests/invariants/checksums.sh: sourced by the invariant scripts.
# table_checksums BIN DB [SCENARIO]: one line "<table> <rows>:<md5>" per yearly
# output table, the md5 taken over every row cast to text in primary-key order (of
# one scenario if given); one query for all five tables, since each planwise start
# costs a few hundred ms here.
table_checksums() {
    local bin=$1 db=$2 where="" sql="" t key
    [ -n "${3:-}" ] && where="WHERE scenario_id = '$3'"
    for t in "fct_yearly_events:scenario_id, simulation_year, employee_id, event_sequence" \
             "fct_workforce_snapshot:scenario_id, simulation_year, employee_id" \
             "fct_employer_match_events:scenario_id, simulation_year, employee_id" \
             "fct_workforce_needs:scenario_id, simulation_year" \
             "fct_workforce_needs_by_level:scenario_id, simulation_year, level_id"; do
        key=${t#*:}
        t=${t%%:*}
        [ -n "$sql" ] && sql="$sql UNION ALL "
        sql="$sql SELECT '$t' AS name, count(*) || ':' || coalesce(md5(string_agg(t::VARCHAR, chr(10) ORDER BY $key)), '-') AS h FROM $t t $where"
    done
    "$bin" query --db "$db" --csv "SELECT name || ' ' || h FROM ($sql) ORDER BY name" 2>&1 | tail -n +2
}

# scenario_fingerprints BIN DB: one line "<scenario> <table> <rows>:<hash sum>" per
# scenario and yearly view with rows, for every scenario at once, read through the
# user-facing views: the sum of DuckDB's 64-bit hash of each row, which is
# cheaper than md5 over the rows as text. The views' age_band and tenure_band are
# left out: they are functions of the age, tenure and the run's band table, and
# looking them up costs more than all other columns together.
scenario_fingerprints() {
    local bin=$1 db=$2 sql="" t from
    for t in fct_yearly_events fct_workforce_snapshot fct_employer_match_events fct_workforce_needs \
             fct_workforce_needs_by_level; do
        [ -n "$sql" ] && sql="$sql UNION ALL "
        case $t in
        fct_yearly_events | fct_workforce_snapshot) from="(SELECT * EXCLUDE (age_band, tenure_band) FROM $t)" ;;
        *) from=$t ;;
        esac
        sql="$sql SELECT scenario_id, '$t' AS name, count(*) || ':' || sum(hash(t)) AS h FROM $from t GROUP BY scenario_id"
    done
    "$bin" query --db "$db" --csv "SELECT scenario_id || ' ' || name || ' ' || h FROM ($sql) ORDER BY 1" 2>&1 | tail -n +2
}
