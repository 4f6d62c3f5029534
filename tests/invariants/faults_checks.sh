# tests/invariants/faults_checks.sh: sourced by faults.sh: what the crash-safety
# suite reads from a database (fingerprints through the views, run_metadata and
# the stored tables in one query) and its two checks, after a fault and after
# recovery. Uses faults.sh's BIN, SQL_EXEC, SCEN, LAST and the expected
# fingerprints F_OTHER, F_OLD, F_NEW and MARTS_REF.

# raw DB SQL: CSV rows (no header) of a read-only query of the stored tables.
raw() { "$SQL_EXEC" --csv "$1" "$2" 2>&1 | tail -n +2; }
# fingerprints DB: every scenario's fingerprints; fp_of LINES SCENARIO: its lines.
fingerprints() { scenario_fingerprints "$BIN" "$1"; }
fp_of() { printf '%s\n' "$1" | grep "^$2 " || true; }
# marts DB: the fingerprints of the four built-in marts (rows as text, in text order).
marts() {
    "$BIN" query --db "$1" --csv "SELECT name || ' ' || h FROM (
        SELECT 'mart_workforce_by_level' AS name, count(*) || ':' || md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)) AS h FROM mart_workforce_by_level t
        UNION ALL SELECT 'mart_employer_cost', count(*) || ':' || md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)) FROM mart_employer_cost t
        UNION ALL SELECT 'mart_participation', count(*) || ':' || md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)) FROM mart_participation t
        UNION ALL SELECT 'fct_compensation_growth', count(*) || ':' || md5(string_agg(t::VARCHAR, chr(10) ORDER BY t::VARCHAR)) FROM fct_compensation_growth t)
        ORDER BY 1" 2>&1 | tail -n +2
}
# facts DB: sets RUNS (run_metadata as "scenario:seed:status:last_year:models_status"
# in run order), SEEN (seed of tgt's latest complete run, or none), LEFT (stored rows
# and run_metadata rows of runs that no scenario shows) and HIDDEN_YEARS (years with
# a commit record of runs that no scenario shows), in one query.
facts() {
    local line
    line=$(raw "$1" "WITH v AS (SELECT run_key FROM pw.visible_runs) SELECT
        coalesce((SELECT string_agg(scenario_id || ':' || random_seed || ':' || status || ':' || coalesce(last_completed_year, 0)
            || ':' || coalesce(models_status, '-'), ' ' ORDER BY run_key) FROM run_metadata), '') || '|'
        || coalesce((SELECT max_by(random_seed, run_key)::VARCHAR FROM run_metadata WHERE scenario_id = '$SCEN'
            AND status = 'complete'), 'none') || '|'
        || ((SELECT count(*) FROM pw.dim_employee WHERE run_key NOT IN (FROM v)) + (SELECT count(*) FROM pw.events WHERE run_key NOT IN (FROM v))
          + (SELECT count(*) FROM pw.snapshot WHERE run_key NOT IN (FROM v)) + (SELECT count(*) FROM pw.needs WHERE run_key NOT IN (FROM v))
          + (SELECT count(*) FROM pw.needs_by_level WHERE run_key NOT IN (FROM v)) + (SELECT count(*) FROM pw.rejected_rows WHERE run_key NOT IN (FROM v))
          + (SELECT count(*) FROM pw.run_params WHERE run_key NOT IN (FROM v)) + (SELECT count(*) FROM pw.year_commits WHERE run_key NOT IN (FROM v))
          + (SELECT count(*) FROM run_metadata WHERE run_key NOT IN (FROM v))) || '|'
        || coalesce((SELECT string_agg(simulation_year::VARCHAR, ' ' ORDER BY simulation_year) FROM pw.year_commits
            WHERE run_key NOT IN (FROM v)), '')")
    IFS='|' read -r RUNS SEEN LEFT HIDDEN_YEARS <<<"$line"
    [ -n "$SEEN" ] || { RUNS="cannot read run_metadata: $line"; SEEN=error; LEFT=error; }
}

# check_fault LABEL DB BEFORE: after a fault. `other` unchanged; tgt shows BEFORE
# (old|none) or the new run, whole, and run_metadata's latest complete run of tgt
# is the run whose rows show. Sets SHOWN (old, none or new), FPS and the facts.
check_fault() {
    local label=$1 db=$2 before=$3 want_seed=none f_before="" good=0
    SHOWN=mix
    FPS=$(fingerprints "$db")
    facts "$db"
    [ "$before" = old ] && { f_before=$F_OLD; want_seed=202; }
    if [ "$(fp_of "$FPS" "$SCEN")" = "$f_before" ] && [ "$SEEN" = "$want_seed" ]; then
        SHOWN=$before
        good=1
    elif [ "$(fp_of "$FPS" "$SCEN")" = "$F_NEW" ] && [ "$SEEN" = 303 ]; then
        SHOWN=new
        good=1
    else
        not_ok "$label" "tgt shows neither the run before ($before) nor the new run whole; latest complete run's seed '$SEEN'; run_metadata: $RUNS"
        printf '%s\n' "$FPS" | grep "^$SCEN " | sed 's/^/       | /'
    fi
    if [ "$(fp_of "$FPS" other)" != "$F_OTHER" ]; then
        not_ok "$label" "scenario other changed"
        printf '%s\n' "$FPS" | grep -v "^$SCEN " | sed 's/^/       | /'
        good=0
    fi
    [ "$good" = 1 ]
}

# check_clean LABEL DB [marts]: after recovery: both scenarios equal the clean runs,
# one complete run each in run_metadata, no row of any other run stored; with
# `marts`, tgt's models are done and the marts equal the clean run's.
check_clean() {
    local label=$1 db=$2 fps bad=""
    fps=$(fingerprints "$db")
    facts "$db"
    [ "$(fp_of "$fps" other)" = "$F_OTHER" ] || bad="$bad other differs;"
    [ "$(fp_of "$fps" "$SCEN")" = "$F_NEW" ] || bad="$bad tgt differs from the clean run;"
    case "$RUNS" in
    "other:101:complete:$LAST:- $SCEN:303:complete:$LAST:"*) ;;
    *) bad="$bad run_metadata '$RUNS';" ;;
    esac
    [ "$LEFT" = 0 ] || bad="$bad $LEFT stored rows of other runs;"
    if [ "${3:-}" = marts ]; then
        [ "$(marts "$db")" = "$MARTS_REF" ] || bad="$bad marts differ;"
        case "$RUNS" in *" $SCEN:303:complete:$LAST:done") ;; *) bad="$bad models_status not done;" ;; esac
    fi
    if [ -z "$bad" ]; then
        ok "$label" "equals the clean run (both scenarios$([ "${3:-}" = marts ] && echo ", marts")), one run each, nothing left over"
    else
        not_ok "$label" "after recovery:$bad"
        printf '%s\n' "$fps" | sed 's/^/       | /'
    fi
}
