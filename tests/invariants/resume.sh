#!/bin/bash
# tests/invariants/resume.sh: year checkpoints, --resume and --from-checkpoint.
#
#   tests/invariants/resume.sh build/planwise
#
# 1. A run of 2025-2029 is killed with SIGKILL as soon as its 2026 checkpoint
#    exists; `planwise run --resume` with the same options then finishes it, and the
#    five yearly tables equal those of an uninterrupted run (row counts and md5 over
#    the rows in key order), with run_metadata saying complete, resumed from the
#    checkpoint's year.
# 2. A resume is refused, with a message naming the problem, for: a complete
#    scenario, a scenario without checkpoints, another seed or configuration than the
#    checkpoint's, a corrupt or truncated checkpoint. A rerun that fails before its
#    first year leaves the scenario as it was; a run that fails after committing a
#    year leaves run_metadata 'failed' with the year and the error message.
# 3. A branch (--from-checkpoint, new scenario id, same configuration) from the 2026
#    checkpoint holds exactly the uninterrupted run's 2027-2029 snapshot rows (but its
#    own scenario id), and needs no census; with another plan design it differs.
# Prints one line per check and "N passed, M failed"; exits 1 on failure.

set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-resume.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf 'ok   %-14s %s\n' resume "$1"; }
not_ok() { FAIL=$((FAIL + 1)); printf 'FAIL %-14s %s\n' resume "$1"; [ -n "${2:-}" ] && sed 's/^/       | /' "$2"; }

# shellcheck source=checksums.sh
. "$(dirname "$0")/checksums.sh"
checksums() { table_checksums "$BIN" "$@"; }
value() { "$BIN" query --db "$1" --csv "$2" | tail -n 1; }

# expect_refused LABEL PATTERN args...: exit 1 and stderr matching PATTERN
expect_refused() {
    local label=$1 pattern=$2 rc
    shift 2
    "$BIN" run -q "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q -- "$pattern" "$TMP/err"; then
        ok "$label: refused ($(head -c 150 "$TMP/err" | tr '\n' ' '))"
    else
        not_ok "$label: exit $rc, want 1 with a message matching '$pattern'" "$TMP/err"
    fi
}

"$BIN" census generate --employees 30000 --seed 11 --out "$TMP/census.csv" >/dev/null || exit 2
ARGS=(--census "$TMP/census.csv" --years 2025-2029 --seed 9)

# ---- 1. kill after year 2, resume, compare ----
"$BIN" run -q "${ARGS[@]}" --db "$TMP/full.duckdb" || { not_ok "uninterrupted run failed"; exit 1; }
checksums "$TMP/full.duckdb" >"$TMP/full.sums"

set +m
"$BIN" run -q "${ARGS[@]}" --db "$TMP/killed.duckdb" 2>/dev/null &
pid=$!
for _ in $(seq 1 3000); do
    [ -e "$TMP/killed.duckdb.checkpoints/default/year-2026.pwck" ] && break
    sleep 0.01
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rc=$?
status=$(value "$TMP/killed.duckdb" "SELECT status FROM run_metadata")
if [ "$rc" -eq 137 ] && [ "$status" = running ]; then
    ok "run killed part-way (exit $rc), run_metadata says running up to $(value "$TMP/killed.duckdb" "SELECT last_completed_year FROM run_metadata")"
else
    not_ok "run was not killed part-way: exit $rc, status '$status'"
fi

if "$BIN" run -q "${ARGS[@]}" --db "$TMP/killed.duckdb" --resume 2>"$TMP/err"; then
    ok "--resume finishes the killed run"
else
    not_ok "--resume failed" "$TMP/err"
fi
checksums "$TMP/killed.duckdb" >"$TMP/resumed.sums"
if [ -s "$TMP/full.sums" ] && diff "$TMP/full.sums" "$TMP/resumed.sums" >"$TMP/diff"; then
    ok "resumed run = uninterrupted run (all five tables)"
else
    not_ok "resumed run differs from the uninterrupted run" "$TMP/diff"
fi
meta=$(value "$TMP/killed.duckdb" "SELECT status || ' ' || last_completed_year || ' ' || resumed_from_year FROM run_metadata")
case "$meta" in
complete\ 2029\ 202[5-8]) ok "run_metadata after the resume: $meta" ;;
*) not_ok "run_metadata after the resume: '$meta', want 'complete 2029 <checkpoint year>'" ;;
esac

# ---- 2. refusals ----
expect_refused "resume of a complete scenario" "is complete" "${ARGS[@]}" --db "$TMP/killed.duckdb" --resume
expect_refused "resume without checkpoints" "no checkpoint" "${ARGS[@]}" --db "$TMP/other.duckdb" --resume
[ ! -e "$TMP/other.duckdb" ] && ok "a refused resume creates no database" || not_ok "a refused resume created a database"
expect_refused "resume with another seed" "seed" --census "$TMP/census.csv" --years 2025-2029 --seed 10 \
    --db "$TMP/killed.duckdb" --resume
printf 'workforce:\n  total_termination_rate: 0.2\n' >"$TMP/other.yaml"
expect_refused "resume with another configuration" "configuration" "${ARGS[@]}" --config "$TMP/other.yaml" \
    --db "$TMP/killed.duckdb" --resume
ck="$TMP/killed.duckdb.checkpoints/default"
last=$(ls "$ck" | sort | tail -n 1)
cp "$ck/$last" "$TMP/good.pwck"
size=$(stat -c %s "$ck/$last")
printf '\x55' | dd of="$ck/$last" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
"$BIN" checkpoint inspect "$ck/$last" >/dev/null 2>"$TMP/err"
[ $? -eq 1 ] && ok "checkpoint inspect finds the flipped byte ($(head -c 120 "$TMP/err"))" || not_ok "inspect accepted a corrupt file"
expect_refused "--from-checkpoint of a corrupt file" "checkpoint" --db "$TMP/branch.duckdb" --scenario b2 \
    --from-checkpoint "$ck/$last"
head -c $((size - 100)) "$TMP/good.pwck" >"$TMP/truncated.pwck"
expect_refused "--from-checkpoint of a truncated file" "truncated\|checkpoint" --db "$TMP/branch.duckdb" \
    --scenario b3 --from-checkpoint "$TMP/truncated.pwck"

# A rerun that fails before it writes a year (its checkpoint folder cannot be made)
# leaves the scenario as it was; one that fails after committing a year (its 2026
# checkpoint name is taken by a folder) is recorded as failed, with the message.
"$BIN" run -q "${ARGS[@]}" --db "$TMP/full.duckdb" --checkpoint-dir /dev/null/ckpt 2>"$TMP/err"
rc=$?
meta=$(value "$TMP/full.duckdb" "SELECT string_agg(status, ',') FROM run_metadata WHERE scenario_id = 'default'")
if [ "$rc" -eq 1 ] && [ "$meta" = complete ] && [ "$(checksums "$TMP/full.duckdb" default)" = "$(cat "$TMP/full.sums")" ]; then
    ok "a rerun failing before its first year leaves the scenario as it was"
else
    not_ok "a rerun failing before its first year: exit $rc, run_metadata '$meta'" "$TMP/err"
fi
mkdir -p "$TMP/ck/broken/year-2026.pwck/x"
"$BIN" run -q "${ARGS[@]}" --db "$TMP/full.duckdb" --scenario broken --checkpoint-dir "$TMP/ck" 2>"$TMP/err"
rc=$?
meta=$(value "$TMP/full.duckdb" "SELECT status || ' ' || last_completed_year || ': ' || error FROM run_metadata WHERE scenario_id = 'broken'")
case "$rc $meta" in
"1 failed 2025: "*year-2026.pwck*) ok "a run failing after a committed year is recorded: $meta" ;;
*) not_ok "failed run: exit $rc, run_metadata '$meta'" "$TMP/err" ;;
esac

# ---- 3. branching ----
cp "$TMP/full.duckdb.checkpoints/default/year-2026.pwck" "$TMP/y2026.pwck"
"$BIN" run -q --db "$TMP/full.duckdb" --from-checkpoint "$TMP/y2026.pwck" 2>"$TMP/err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "another --scenario" "$TMP/err"; then
    ok "a branch over its own source scenario is a usage error ($(head -c 120 "$TMP/err"))"
else
    not_ok "a branch over its own source scenario: exit $rc, want 2" "$TMP/err"
fi
if "$BIN" run -q --years 2025-2029 --seed 9 --db "$TMP/full.duckdb" --scenario branch --census /nonexistent.csv \
    --from-checkpoint "$TMP/y2026.pwck" 2>"$TMP/err"; then
    ok "branch from the 2026 checkpoint runs without a census"
else
    not_ok "branch failed" "$TMP/err"
fi
diffrows=$(value "$TMP/full.duckdb" "SELECT count(*) FROM (
    SELECT * EXCLUDE (scenario_id) FROM fct_workforce_snapshot WHERE scenario_id = 'default' AND simulation_year > 2026
    EXCEPT ALL SELECT * EXCLUDE (scenario_id) FROM fct_workforce_snapshot WHERE scenario_id = 'branch')")
years=$(value "$TMP/full.duckdb" "SELECT min(simulation_year) || '-' || max(simulation_year) || ' ' || count(*) FROM fct_workforce_snapshot WHERE scenario_id = 'branch'")
want=$(value "$TMP/full.duckdb" "SELECT '2027-2029 ' || count(*) FROM fct_workforce_snapshot WHERE scenario_id = 'default' AND simulation_year > 2026")
if [ "$diffrows" = 0 ] && [ "$years" = "$want" ]; then
    ok "branch with the same design = the original's 2027-2029 snapshot ($years rows)"
else
    not_ok "branch differs: $diffrows rows differ, branch years/rows '$years', want '$want'"
fi
cat >"$TMP/qaca.yaml" <<'EOF'
employer_match:
  active_formula: qaca
EOF
"$BIN" run -q --years 2025-2029 --seed 9 --db "$TMP/full.duckdb" --scenario qaca --config "$TMP/qaca.yaml" \
    --from-checkpoint "$TMP/y2026.pwck" 2>"$TMP/err" || not_ok "branch with another design failed" "$TMP/err"
match=$(value "$TMP/full.duckdb" "SELECT (SELECT round(sum(employer_match_amount)) FROM fct_workforce_snapshot WHERE scenario_id = 'qaca')
    <> (SELECT round(sum(employer_match_amount)) FROM fct_workforce_snapshot WHERE scenario_id = 'branch')")
[ "$match" = true ] && ok "a branch with the QACA design changes the employer match" \
    || not_ok "a branch with the QACA design left the match unchanged"
others=$(checksums "$TMP/full.duckdb" default)
[ "$others" = "$(cat "$TMP/full.sums")" ] && ok "branches leave the source scenario untouched" \
    || not_ok "the source scenario changed"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
