#!/bin/bash
# tests/invariants/faults.sh: crash safety of the output database (issue: commits
# are all-or-nothing, also on a full disk).
#
#   tests/invariants/faults.sh build/planwise [-k]      (-k keeps the scratch folder)
#   FAULTS_SEED=N   seed of the random kill points (default 1405; printed)
#   FAULTS_ONLY=X   run only kill X (1-20, or a list: 7,8) of the kill suite, to replay, or
#                   only the full-disk cases (full), the failing user model (sql) or
#                   the file write failures (write)
#
# Every database starts as a real one: scenario `other` (seed 101) complete, and
# for a replacement also scenario `tgt` complete with seed 202; the run under test
# writes `tgt` with seed 303, on 2,000 employees, 2025-2028, with --no-models
# except where the SQL models are the point. Clean runs give the expected
# fingerprints (row counts and hash sums of every row of the five yearly views,
# per scenario: checksums.sh; the marts). After every fault the suite checks,
# through the views users query:
#   - `other` is unchanged;
#   - `tgt` shows the run it showed before (the old complete run, or nothing) or
#     the new run whole, never a mix, and run_metadata's latest complete run of
#     `tgt` is the run whose rows show;
# and after recovery (`--resume`, or a fresh run where there is nothing to
# resume, which must then be refused with a message and change nothing): both
# scenarios equal the clean runs, run_metadata holds one complete run per
# scenario, and the storage tables keep no row of any other run.
#
# 1. Disk full (root only: tmpfs). A probe run measures how much of a tmpfs is in
#    use as each year's checkpoint appears (tests/tools/fault_run); the database
#    and its checkpoint folder then go on a tmpfs sized to fill half-way through
#    year 1, and through year 3,
#    for a new scenario and for the replacement of a complete one. After the
#    failure the run must have stopped in that year; the tmpfs is remounted bigger
#    and a fresh run, and on a copy --resume, must give the clean result. A last
#    case fills the disk after the last year (DuckDB's checkpoint at close and the
#    SQL models): the run's years stay complete and readable, and --resume runs
#    the models again.
# 2. kill -9 over 20 runs (tests/tools/fault_run kills at a point marked by the
#    run's files, plus a random delay): in the year loop, inside a year's commit
#    (as the WAL grows), in the finish step, in DuckDB's checkpoint at close, and
#    in the SQL-model step (which must leave run_metadata.models_status 'running',
#    and --resume must say it runs the models again, and do it). Every third kill
#    is followed by a fresh run killed early too (the clean-up of the first).
#    Kill points come from a seeded RNG and are printed.
#    Then a failing user SQL model: the run stays complete and shown, models_status
#    failed, and --resume runs the models again once the model is fixed.
# 3. Write failures of every file planwise writes besides the database, on a full
#    tmpfs (root only): run --perf-json, run's checkpoints, query --out, census
#    generate (CSV, Parquet), report, export (xlsx, csv, parquet), benchmark
#    --output: exit 1 with a message naming the file, an earlier file of that name
#    (for export csv, an earlier export folder and every file in it) unchanged, no
#    temporary file or folder left behind.
# Prints one line per check and "N passed, M failed[, K skipped]"; exits 1 on a
# failure. Without root the tmpfs parts are skipped (and say so); the kills run.

set -u
if [ "$#" -lt 1 ]; then
    echo "usage: tests/invariants/faults.sh PLANWISE_BINARY [-k]" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
KEEP=${2:-}
HERE=$(cd "$(dirname "$0")" && pwd)
SQL_EXEC=$(dirname "$BIN")/tools/sql_exec
FAULT_RUN=$(dirname "$BIN")/tools/fault_run
SEED=${FAULTS_SEED:-1405}
ONLY=${FAULTS_ONLY:-}
for t in "$BIN" "$SQL_EXEC" "$FAULT_RUN"; do
    [ -x "$t" ] || { echo "faults.sh: '$t' is not built (make fault-test builds it)" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-faults.XXXXXX") || exit 1
MOUNTS=()
finish() {
    local m
    for m in "${MOUNTS[@]}"; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null; done
    if [ "$KEEP" = "-k" ]; then echo "scratch folder kept: $TMP"; else rm -rf "$TMP"; fi
}
trap finish EXIT
trap 'exit 130' INT TERM

PASS=0
FAIL=0
SKIP=0
ok() { PASS=$((PASS + 1)); printf 'ok   %-10s %s\n' "$1" "$2"; }
not_ok() {
    FAIL=$((FAIL + 1))
    printf 'FAIL %-10s %s\n' "$1" "$2"
    [ -n "${3:-}" ] && [ -f "$3" ] && head -c 2000 "$3" | sed 's/^/       | /'
    return 0
}
skip() { SKIP=$((SKIP + 1)); printf 'skip %-10s %s\n' "$1" "$2"; }
START=$(date +%s)

# ---- tmpfs -----------------------------------------------------------------------
ROOT=0
if [ "$(id -u)" -eq 0 ]; then
    mkdir -p "$TMP/probe-mount"
    if mount -t tmpfs -o size=4m tmpfs "$TMP/probe-mount" 2>"$TMP/mount.err"; then
        umount "$TMP/probe-mount"
        ROOT=1
    else
        echo "faults.sh: cannot mount a tmpfs as root: $(cat "$TMP/mount.err")"
    fi
fi
# mount_tmpfs DIR KIB: a tmpfs of KIB KiB at DIR, unmounted on exit
mount_tmpfs() {
    mkdir -p "$1" && mount -t tmpfs -o "size=$2k" tmpfs "$1" && MOUNTS+=("$1")
}
used_bytes() { df -B1 --output=used "$1" | tail -n 1 | tr -d ' '; }

# The work folder: a tmpfs when possible (no disk syncs: the suite stays fast).
W=$TMP/work
if [ "$ROOT" = 1 ]; then mount_tmpfs "$W" $((1024 * 1024)) || exit 1; else mkdir -p "$W"; fi

# ---- the runs ----------------------------------------------------------------------
# shellcheck source=checksums.sh
. "$HERE/checksums.sh"
FIRST=2025
LAST=2028
SCEN=tgt
"$BIN" census generate --employees 2000 --seed 7 --out "$W/census.csv" >/dev/null || exit 2
RUN=(run --census "$W/census.csv" --years "$FIRST-$LAST")

# shellcheck source=faults_checks.sh
. "$HERE/faults_checks.sh"

# Reference runs: base_new = other only; base_rep = other + tgt (seed 202);
# ref = other + tgt (seed 303), the clean result every fault case must reach.
mkdir -p "$W/base_new" "$W/base_rep" "$W/ref"
"$BIN" "${RUN[@]}" -q --no-models --seed 101 --scenario other --db "$W/base_new/db.duckdb" >/dev/null 2>"$W/err" ||
    { not_ok setup "the run of scenario other failed" "$W/err"; echo "$PASS passed, $FAIL failed"; exit 1; }
cp -a "$W/base_new/." "$W/base_rep/"
cp -a "$W/base_new/." "$W/ref/"
"$BIN" "${RUN[@]}" -q --no-models --seed 202 --scenario "$SCEN" --db "$W/base_rep/db.duckdb" >/dev/null 2>"$W/err" ||
    { not_ok setup "the run of tgt (seed 202) failed" "$W/err"; echo "$PASS passed, $FAIL failed"; exit 1; }
"$BIN" "${RUN[@]}" -q --seed 303 --scenario "$SCEN" --db "$W/ref/db.duckdb" --perf-json "$W/perf.json" >/dev/null 2>"$W/err" ||
    { not_ok setup "the run of tgt (seed 303) failed" "$W/err"; echo "$PASS passed, $FAIL failed"; exit 1; }
FP_BASE_NEW=$(fingerprints "$W/base_new/db.duckdb")
FP_BASE_REP=$(fingerprints "$W/base_rep/db.duckdb")
FP_REF=$(fingerprints "$W/ref/db.duckdb")
F_OTHER=$(fp_of "$FP_REF" other)
F_OLD=$(fp_of "$FP_BASE_REP" "$SCEN")
F_NEW=$(fp_of "$FP_REF" "$SCEN")
MARTS_REF=$(marts "$W/ref/db.duckdb")
if [ "$(echo "$F_OTHER" | wc -l)" = 5 ] && [ "$(fp_of "$FP_BASE_NEW" other)" = "$F_OTHER" ] &&
    [ "$(fp_of "$FP_BASE_REP" other)" = "$F_OTHER" ] && [ "$(echo "$F_NEW" | wc -l)" = 5 ] &&
    [ "$(echo "$F_OLD" | wc -l)" = 5 ] && [ "$F_OLD" != "$F_NEW" ] && [ -z "$(fp_of "$FP_BASE_NEW" "$SCEN")" ] &&
    [ "$(echo "$MARTS_REF" | grep -c ':')" = 4 ]; then
    ok setup "clean runs: other = $(echo "$F_OTHER" | grep snapshot | cut -d' ' -f3), tgt old (seed 202) and new (seed 303) differ; 4 marts"
else
    not_ok setup "reference fingerprints are not as expected"
    printf '%s\n' "$FP_REF" "$FP_BASE_REP" "$MARTS_REF" | sed 's/^/       | /'
fi
# Phase lengths of the clean run (for the random kill delays), in ms.
stage_ms() { jq -r --arg s "$1" '[.stages[] | select(.name == $s) | .wall_seconds] | add // 0 | . * 1000 | floor' "$W/perf.json"; }
YEAR_MS=$(jq -r '.run.years as $n | [.stages[] | select((.years | length) > 0) | .wall_seconds] | add / $n * 1000 | floor' "$W/perf.json" 2>/dev/null)
[ "${YEAR_MS:-0}" -gt 20 ] 2>/dev/null || YEAR_MS=200
CENSUS_MS=$(stage_ms census_load)
CLOSE_MS=$(stage_ms close)
MODELS_MS=$(stage_ms models)
FINISH_MS=$(stage_ms finish)
echo "clean run: a year ${YEAR_MS} ms, census ${CENSUS_MS} ms, finish ${FINISH_MS} ms, close ${CLOSE_MS} ms, models ${MODELS_MS} ms"

# ---- 1. disk full ----------------------------------------------------------------
# probe CASE: runs tgt (seed 303) on base CASE on a roomy tmpfs and sets USED to
# the bytes in use before the run and as each year's checkpoint appears.
probe() {
    local case=$1 dir=$TMP/probe-$1 y rc steps=()
    USED=()
    mount_tmpfs "$dir" $((256 * 1024)) || return 1
    cp -a "$W/base_$case/." "$dir/"
    USED=("$(used_bytes "$dir")")
    for ((y = FIRST; y <= LAST; y++)); do
        steps+=("gone:$dir/db.duckdb.checkpoints/$SCEN/year-$y.pwck" "exists:$dir/db.duckdb.checkpoints/$SCEN/year-$y.pwck" "used:$dir")
    done
    "$FAULT_RUN" "${steps[@]}" -- "$BIN" "${RUN[@]}" -q --no-models --seed 303 --scenario "$SCEN" \
        --db "$dir/db.duckdb" >"$TMP/probe.out" 2>"$TMP/probe.err"
    rc=$?
    mapfile -t -O 1 USED < <(sed -n 's/^used //p' "$TMP/probe.out")
    umount "$dir"
    echo "probe of the $case case: in use $(for x in "${USED[@]}"; do printf '%s ' $((x / 1024)); done)KiB before the run and after each year"
    [ "$rc" -eq 0 ] && [ "${#USED[@]}" -eq $((LAST - FIRST + 2)) ]
}

# disk_full CASE AT: tgt (seed 303) on base CASE (new|rep) on a tmpfs that fills
# half-way through year AT (1..4; USED from probe), or "end": after the last
# year's checkpoint (DuckDB's checkpoint at close and the SQL models).
disk_full() {
    local case=$1 at=$2 before label small target kib rc y models=(--no-models) want=""
    [ "$case" = new ] && before=none || before=old
    label="full-$case-$at"
    small=$TMP/small-$case-$at
    if [ "$at" = end ]; then
        target=$((USED[LAST - FIRST + 1] - USED[0] + 256 * 1024))
        models=()
    else
        target=$(((USED[at - 1] + USED[at]) / 2 - USED[0]))
    fi
    kib=$(((USED[0] + target + 4095) / 4096 * 4))
    mount_tmpfs "$small" "$kib" || { not_ok "$label" "cannot mount a tmpfs"; return; }
    cp -a "$W/base_$case/." "$small/"
    echo "$label: tmpfs of $kib KiB, $(((kib * 1024 - $(used_bytes "$small")) / 1024)) KiB free for the run"
    "$BIN" "${RUN[@]}" -q "${models[@]}" --seed 303 --scenario "$SCEN" --db "$small/db.duckdb" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$at" = end ]; then
        disk_full_end "$label" "$small" "$rc" "$before"
        return
    fi
    if [ "$rc" -eq 1 ] && grep -q "No space left on device" "$TMP/err"; then
        ok "$label" "the run fails on the full disk: $(head -c 150 "$TMP/err")"
    else
        not_ok "$label" "exit $rc, want 1 with 'No space left on device'" "$TMP/err"
    fi
    if check_fault "$label" "$small/db.duckdb" "$before"; then
        if [ "$SHOWN" = "$before" ]; then
            ok "$label" "other unchanged; tgt shows $([ "$before" = old ] && echo "the old complete run" || echo "nothing"), no row of the failed run"
        else
            not_ok "$label" "the failed run shows as complete"
        fi
    fi
    # The fill must land in the year it was sized for: the failed run's committed years.
    for ((y = FIRST; y < FIRST + at - 1; y++)); do want="$want${want:+ }$y"; done
    if [ "$HIDDEN_YEARS" = "$want" ]; then
        ok "$label" "stopped in year $((FIRST + at - 1)) (committed years of the failed run: '$HIDDEN_YEARS'); run_metadata: $RUNS"
    else
        not_ok "$label" "committed years of the failed run '$HIDDEN_YEARS', want '$want' (run_metadata: $RUNS)"
    fi
    # A run that committed no year removes itself again when the disk lets it (the
    # failed commit's room is back, unless table groups of that year committed on
    # other connections took it); else it stays 'running' with nothing shown (checked
    # above), and the next run on the file removes it (checked below: nothing left over).
    if [ -z "$want" ]; then
        case "$RUNS $LEFT" in
        *" $SCEN:303:running:0:"*) ok "$label" "the failed run could not remove itself on the full disk: 'running', $LEFT stored rows not shown" ;;
        *":303:"* | *" "[1-9]*) not_ok "$label" "the failed run left a trace: run_metadata '$RUNS', $LEFT stored rows" ;;
        *) ok "$label" "the failed run left no trace (no run_metadata row, no stored row)" ;;
        esac
    else
        case "$RUNS" in
        *" $SCEN:303:failed:$((FIRST + at - 2)):"*) ok "$label" "the failed run is recorded failed after year $((FIRST + at - 2)), with the message" ;;
        *) not_ok "$label" "run_metadata '$RUNS', want tgt:303 failed after year $((FIRST + at - 2))" ;;
        esac
    fi
    # Space back: --resume on a copy on the roomy work tmpfs.
    local copy=$W/$label-resume before_fps=$FPS free
    mkdir -p "$copy"
    cp -a "$small/." "$copy/"
    "$BIN" "${RUN[@]}" --no-models --seed 303 --scenario "$SCEN" --db "$copy/db.duckdb" --resume >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ -n "$want" ]; then
        if [ "$rc" -eq 0 ]; then check_clean "$label" "$copy/db.duckdb"
        else not_ok "$label" "--resume after space is back failed (exit $rc)" "$TMP/err"; fi
    elif [ "$rc" -eq 1 ] && [ -s "$TMP/err" ] && [ "$(fingerprints "$copy/db.duckdb")" = "$before_fps" ]; then
        ok "$label" "--resume with no committed year is refused and changes nothing: $(head -c 140 "$TMP/err")"
    else
        not_ok "$label" "--resume with no committed year: exit $rc, want 1 and an unchanged database" "$TMP/err"
    fi
    rm -rf "$copy"
    # --resume in place, without more room: the failed run's close moved its WAL
    # into the database file, which can free enough room to finish; either it
    # fails again on the full disk and nothing shown changes, or it finishes.
    if [ -n "$want" ]; then
        free=$(($(df -B1 --output=avail "$small" | tail -n 1) / 1024))
        "$BIN" "${RUN[@]}" -q --no-models --seed 303 --scenario "$SCEN" --db "$small/db.duckdb" --resume >"$TMP/out" 2>"$TMP/err"
        rc=$?
        if [ "$rc" -eq 0 ]; then
            echo "$label: --resume in place with $free KiB free finished the run"
            check_clean "$label" "$small/db.duckdb"
        elif [ "$rc" -eq 1 ] && grep -q "^planwise: compliance tests: .*No space left on device" "$TMP/err"; then
            # the years and the run's completion fitted, the compliance tables did not
            echo "$label: --resume in place with $free KiB free finished the run; the compliance tests found no room (exit 1)"
            check_clean "$label" "$small/db.duckdb"
        elif [ "$rc" -eq 1 ] && grep -q "No space left on device" "$TMP/err" && check_fault "$label" "$small/db.duckdb" "$before" &&
            [ "$SHOWN" = "$before" ]; then
            ok "$label" "--resume in place with $free KiB free fails on the full disk again; nothing shown changes"
        else
            not_ok "$label" "--resume in place with $free KiB free: exit $rc" "$TMP/err"
        fi
    fi
    mount -o remount,size=256m "$small"
    if "$BIN" "${RUN[@]}" -q --no-models --seed 303 --scenario "$SCEN" --db "$small/db.duckdb" >"$TMP/out" 2>"$TMP/err"; then
        check_clean "$label" "$small/db.duckdb"
    else
        not_ok "$label" "the next run after space is back failed" "$TMP/err"
    fi
    umount "$small"
}

# The disk fills after the last year: the years are committed (in the WAL when
# DuckDB's checkpoint at close finds no room) and the run complete; the SQL models
# cannot write. Space back, --resume runs the models again.
disk_full_end() {
    local label=$1 small=$2 rc=$3 before=$4
    # With a new scenario the database file has no free blocks: DuckDB's
    # checkpoint at close finds no room. A replacement's file has room for it,
    # but not for removing the replaced run (checked below).
    if [ -e "$small/db.duckdb.wal" ]; then
        ok "$label" "DuckDB's checkpoint at close found no room: the commits stay in the WAL ($(stat -c %s "$small/db.duckdb.wal") bytes)"
    elif [ "$before" = old ]; then
        ok "$label" "DuckDB's checkpoint at close found room in the file (no WAL left)"
    else
        not_ok "$label" "no WAL left: DuckDB's checkpoint at close found room (the case is sized wrong)"
    fi
    if [ "$rc" -eq 0 ] || grep -q "No space left on device" "$TMP/err"; then
        ok "$label" "exit $rc, naming the full disk: $(head -c 150 "$TMP/err")"
    else
        not_ok "$label" "exit $rc without naming the full disk" "$TMP/err"
    fi
    if check_fault "$label" "$small/db.duckdb" "$before"; then
        if [ "$SHOWN" = new ]; then ok "$label" "the completed run is whole and readable on the still-full disk"
        else not_ok "$label" "the completed run does not show"; fi
        if [ "$before" = old ]; then
            # exit 0, or 1 when the compliance tests (after the run is complete) found
            # no room either
            if { [ "$rc" -eq 0 ] || grep -q "^planwise: compliance tests: .*No space left on device" "$TMP/err"; } &&
                [ "$LEFT" -gt 0 ]; then
                ok "$label" "removing the replaced run found no room: exit $rc, its $LEFT rows stay stored, not shown"
            else
                not_ok "$label" "exit $rc, $LEFT stored rows of the replaced run: want exit 0 with the replaced run not removed (the case is sized wrong)"
            fi
        fi
    fi
    local meta=$RUNS
    case "$meta" in
    *" $SCEN:303:complete:$LAST:done")
        if [ "$rc" -eq 0 ]; then ok "$label" "the models found room: done"; else not_ok "$label" "exit $rc but models_status done"; fi ;;
    *" $SCEN:303:complete:$LAST:"running | *" $SCEN:303:complete:$LAST:"failed | *" $SCEN:303:complete:$LAST:"pending)
        ok "$label" "models_status says the marts are not current: ${meta##*:}" ;;
    *) not_ok "$label" "run_metadata '$meta'" ;;
    esac
    mount -o remount,size=256m "$small"
    "$BIN" "${RUN[@]}" --seed 303 --scenario "$SCEN" --db "$small/db.duckdb" --resume >"$TMP/out" 2>"$TMP/err"
    rc=$?
    case "$meta" in
    *:done)
        if [ "$rc" -eq 1 ] && grep -q "is complete" "$TMP/err"; then ok "$label" "--resume: nothing to resume"
        else not_ok "$label" "--resume of a complete run with its models done: exit $rc" "$TMP/err"; fi ;;
    *)
        if [ "$rc" -eq 0 ] && grep -q "running them again" "$TMP/err"; then
            ok "$label" "--resume says it runs the models again: $(grep "running them again" "$TMP/err" | head -c 150)"
        else
            not_ok "$label" "--resume after space is back: exit $rc, no 'running them again'" "$TMP/err"
        fi ;;
    esac
    if [ -e "$small/db.duckdb.wal" ]; then
        not_ok "$label" "the WAL is still there after a writable open with room"
    else
        ok "$label" "with room, the next writable open completed DuckDB's checkpoint (no WAL left)"
    fi
    # The replaced run may still be stored when its removal found no room: the
    # next run of the scenario removes it.
    "$BIN" "${RUN[@]}" -q --seed 303 --scenario "$SCEN" --db "$small/db.duckdb" >"$TMP/out" 2>"$TMP/err" ||
        not_ok "$label" "the next run failed" "$TMP/err"
    check_clean "$label" "$small/db.duckdb" marts
    umount "$small"
}

if [ -n "$ONLY" ] && [ "$ONLY" != full ]; then
    :
elif [ "$ROOT" = 1 ]; then
    for c in new rep; do
        if probe "$c"; then
            disk_full "$c" 1
            disk_full "$c" 3
            disk_full "$c" end
        else
            not_ok "full-$c" "the probe run failed" "$TMP/probe.err"
        fi
    done
    echo "disk-full cases took $(($(date +%s) - START)) s (with the clean runs)"
else
    skip full-disk "needs root to mount a tmpfs (CI runs as root): full-disk cases not run"
fi

# ---- 2. kill -9 --------------------------------------------------------------------
# The kill points: what to wait for, then a random delay; the phase names the part
# of the run the kill is meant for (a kill can land a little later, or not at all
# when the run ends first: the checks hold either way).
PHASES=(year commit finish close models)
rand() { echo $((RANDOM % ($1 > 0 ? $1 : 1))); }

# expect_resume DB: what --resume must do after the kill (from the facts): years
# (continue the killed run), models (run the models again), or refuse.
expect_resume() {
    local dir=$1.checkpoints/$SCEN last latest
    latest=${RUNS##* }
    case "$latest" in
    "$SCEN:303:complete:"*:pending | "$SCEN:303:complete:"*:running | "$SCEN:303:complete:"*:failed) echo models; return ;;
    "$SCEN:303:running:"* | "$SCEN:303:failed:"*) ;;
    *) echo refuse; return ;;
    esac
    last=$(ls "$dir" 2>/dev/null | grep '^year-[0-9]*\.pwck$' | sort | tail -n 1)
    latest=${latest#*:*:*:}
    if [ -n "$last" ] && "$BIN" checkpoint inspect "$dir/$last" 2>/dev/null | grep -q '^seed  *303$' &&
        [ "$(echo "$last" | tr -dc 0-9)" -le "${latest%%:*}" ]; then
        echo years
    else
        echo refuse
    fi
}

kill_case() {
    local i=$1 case phase before d db ck label steps=() models=(--no-models) desc r y rc conn=() expect killed
    RANDOM=$((SEED * 100 + i))
    [ $((i % 2)) = 1 ] && case=new || case=rep
    [ "$case" = new ] && before=none || before=old
    phase=${PHASES[$(((i - 1) / 2 % 5))]}
    [ $((i % 5)) = 0 ] && conn=(--connections 1)
    label="kill-$i"
    d=$W/kill-$i
    mkdir -p "$d"
    cp -a "$W/base_$case/." "$d/"
    db=$d/db.duckdb
    ck=$db.checkpoints/$SCEN
    case $phase in
    year)
        y=$((FIRST - 1 + $(rand $((LAST - FIRST + 1)))))
        if [ "$y" -lt "$FIRST" ]; then
            r=$(rand $((CENSUS_MS + YEAR_MS)))
            steps=("sleep:$r")
            desc="$r ms after the start"
        else
            r=$(rand "$YEAR_MS")
            steps=("gone:$ck/year-$y.pwck" "exists:$ck/year-$y.pwck" "sleep:$r")
            desc="$r ms after year $y's checkpoint"
        fi ;;
    commit)
        y=$((FIRST + $(rand $((LAST - FIRST)))))
        r=$(rand 25)
        steps=("gone:$ck/year-$y.pwck" "exists:$ck/year-$y.pwck" "grows:$db.wal" "sleep:$r")
        desc="$r ms after year $((y + 1))'s commit began to write the WAL" ;;
    finish)
        r=$(rand $((FINISH_MS + 40)))
        steps=("gone:$ck/year-$LAST.pwck" "exists:$ck/year-$LAST.pwck" "sleep:$r")
        desc="$r ms after the last year's checkpoint (finish)" ;;
    close)
        r=$(rand $((CLOSE_MS * 6 / 10)))
        steps=("gone:$ck/year-$LAST.pwck" "exists:$ck/year-$LAST.pwck" "changes:$db" "sleep:$r")
        desc="$r ms into DuckDB's checkpoint at close" ;;
    models)
        models=()
        r=$(rand $((MODELS_MS * 8 / 10)))
        steps=("gone:$ck/year-$LAST.pwck" "exists:$ck/year-$LAST.pwck" "gone:$db.wal" "exists:$db.wal" "sleep:$r")
        desc="$r ms into the SQL-model step" ;;
    esac
    echo "$label (FAULTS_SEED=$SEED FAULTS_ONLY=$i): $case scenario, $phase${conn:+, one connection}: kill $desc"
    "$FAULT_RUN" "${steps[@]}" kill -- "$BIN" "${RUN[@]}" -q "${models[@]}" "${conn[@]}" --seed 303 --scenario "$SCEN" \
        --db "$db" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    case $rc in
    137) killed=killed ;;
    0) killed="not killed (the run ended first)" ;;
    *) not_ok "$label" "the run ended with exit $rc, neither killed nor complete" "$TMP/err"
       rm -rf "$d"
       return ;;
    esac
    check_fault "$label" "$db" "$before" || { rm -rf "$d"; return; }
    ok "$label" "$killed: other unchanged, tgt shows $SHOWN; run_metadata: $RUNS"
    if [ "$phase" = models ] && [ "$rc" = 137 ]; then
        case "$RUNS" in
        # pending: the kill came in the compliance tests, which run between the
        # completed run and its models
        *" $SCEN:303:complete:$LAST:running" | *" $SCEN:303:complete:$LAST:done" | *" $SCEN:303:complete:$LAST:pending")
            ok "$label" "killed after the run completed: models_status ${RUNS##*:}" ;;
        *) not_ok "$label" "killed in the models step, run_metadata '$RUNS'" ;;
        esac
    fi
    # Every third kill: the next run is killed early too (in its clean-up of the
    # first run, or its first year).
    if [ $((i % 3)) = 0 ] && [ "$rc" = 137 ]; then
        r=$(rand $((CENSUS_MS + YEAR_MS + 100)))
        "$FAULT_RUN" "sleep:$r" kill -- "$BIN" "${RUN[@]}" -q "${models[@]}" "${conn[@]}" --seed 303 --scenario "$SCEN" \
            --db "$db" >"$TMP/out" 2>"$TMP/err"
        rc=$?
        check_fault "$label" "$db" "$before" || { rm -rf "$d"; return; }
        ok "$label" "the next run killed $r ms after its start (exit $rc): other unchanged, tgt shows $SHOWN; run_metadata: $RUNS"
    fi
    # Recovery: --resume must continue what can be continued and refuse the rest
    # without a change; a fresh run follows a refusal. Every fourth kill is
    # followed by a fresh run instead, which must clean up after the killed run.
    if [ $((i % 4)) = 0 ]; then
        if "$BIN" "${RUN[@]}" -q "${models[@]}" "${conn[@]}" --seed 303 --scenario "$SCEN" --db "$db" >"$TMP/out" 2>"$TMP/err"; then
            ok "$label" "a fresh run after the kill succeeds"
        else
            not_ok "$label" "the fresh run after the kill failed" "$TMP/err"
        fi
        if [ "$phase" = models ]; then check_clean "$label" "$db" marts; else check_clean "$label" "$db"; fi
        rm -rf "$d"
        return
    fi
    expect=$(expect_resume "$db")
    local before_fps=$FPS before_runs=$RUNS
    "$BIN" "${RUN[@]}" "${models[@]}" "${conn[@]}" --seed 303 --scenario "$SCEN" --db "$db" --resume >"$TMP/out" 2>"$TMP/err"
    rc=$?
    case "$expect:$rc" in
    years:0) ok "$label" "--resume continues the killed run from its $(grep -o "(year [0-9]*)" "$TMP/err" | head -n 1 | tr -d '()') checkpoint" ;;
    models:0)
        if grep -q "running them again" "$TMP/err"; then ok "$label" "--resume says it runs the models again, and does"
        else not_ok "$label" "--resume ran the models without saying so" "$TMP/err"; fi ;;
    refuse:1)
        facts "$db"
        if [ -s "$TMP/err" ] && [ "$(fingerprints "$db")" = "$before_fps" ] && [ "$RUNS" = "$before_runs" ]; then
            ok "$label" "--resume is refused and changes nothing: $(tail -n 1 "$TMP/err" | head -c 140)"
        else
            not_ok "$label" "a refused --resume changed the database or said nothing (run_metadata: $RUNS)" "$TMP/err"
        fi
        "$BIN" "${RUN[@]}" -q "${models[@]}" "${conn[@]}" --seed 303 --scenario "$SCEN" --db "$db" >"$TMP/out" 2>"$TMP/err" ||
            not_ok "$label" "the fresh run after the kill failed" "$TMP/err" ;;
    *) not_ok "$label" "--resume: exit $rc where '$expect' was expected (run_metadata: $before_runs)" "$TMP/err" ;;
    esac
    if [ "$phase" = models ]; then check_clean "$label" "$db" marts; else check_clean "$label" "$db"; fi
    rm -rf "$d"
}

KILL_START=$(date +%s)
case "$ONLY" in
"" | [0-9]*)
    echo "kill suite: FAULTS_SEED=$SEED"
    for ((i = 1; i <= 20; i++)); do
        [ -n "$ONLY" ] && [[ ",$ONLY," != *",$i,"* ]] && continue
        kill_case "$i"
    done
    echo "kill cases took $(($(date +%s) - KILL_START)) s" ;;
esac

# ---- a new database killed before its first checkpoint ------------------------------
# The layout (schema, ENUM types, tables) is committed to the WAL of a file that has
# never been checkpointed; a kill then must leave a database that opens (DuckDB
# replays the WAL) on which the next run completes. Killed the moment the WAL appears, and
# again once it has grown (the first year's rows).
if [ -z "$ONLY" ] || [ "$ONLY" = fresh ]; then
    for point in "exists" "grows"; do
        d=$W/fresh-$point
        mkdir -p "$d"
        db=$d/db.duckdb
        steps=("exists:$db.wal")
        [ "$point" = grows ] && steps+=("grows:$db.wal")
        "$FAULT_RUN" "${steps[@]}" kill -- "$BIN" "${RUN[@]}" -q --no-models --seed 303 --scenario "$SCEN" \
            --db "$db" >"$TMP/out" 2>"$TMP/err"
        rc=$?
        # It opens (the layout may or may not have been committed), and the next
        # run on it completes.
        if "$BIN" query --db "$db" --csv "SELECT count(*) FROM duckdb_tables()" >"$TMP/out" 2>"$TMP/err" &&
            "$BIN" "${RUN[@]}" -q --no-models --seed 303 --scenario "$SCEN" --db "$db" >"$TMP/out" 2>"$TMP/err"; then
            ok "fresh-$point" "a new database killed (exit $rc) after its WAL $point: it opens, and the next run completes"
        else
            not_ok "fresh-$point" "a new database killed (exit $rc) after its WAL $point: cannot open or run on it" "$TMP/err"
        fi
        rm -rf "$d"
    done
fi

# ---- bad SQL in a user model ------------------------------------------------------
# A failing user model after the last year: exit 1, the simulation results complete
# and shown, models_status failed; once the model is fixed, --resume runs the models
# again.
if [ -z "$ONLY" ] || [ "$ONLY" = sql ]; then
    d=$W/badsql
    mkdir -p "$d/models"
    cp -a "$W/base_new/." "$d/"
    printf -- '-- planwise: kind=mart materialized=table\nSELECT error(%s) AS x\n' "'no such thing'" >"$d/models/user_mart.sql"
    "$BIN" "${RUN[@]}" -q --seed 303 --scenario "$SCEN" --db "$d/db.duckdb" --models "$d/models" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 1 ] && grep -q "user_mart" "$TMP/err" && check_fault bad-sql "$d/db.duckdb" none &&
        [ "$SHOWN" = new ] && [ "${RUNS##*:}" = failed ]; then
        ok bad-sql "a failing user model: exit 1, the run complete and shown, models_status failed: $(head -n 1 "$TMP/err" | head -c 120)"
    else
        not_ok bad-sql "a failing user model: exit $rc, run_metadata '$RUNS'" "$TMP/err"
    fi
    printf -- '-- planwise: kind=mart materialized=table\nSELECT 1 AS x\n' >"$d/models/user_mart.sql"
    "$BIN" "${RUN[@]}" --seed 303 --scenario "$SCEN" --db "$d/db.duckdb" --models "$d/models" --resume >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -eq 0 ] && grep -q "running them again" "$TMP/err"; then
        ok bad-sql "with the model fixed, --resume runs the models again"
    else
        not_ok bad-sql "--resume after fixing the model: exit $rc" "$TMP/err"
    fi
    check_clean bad-sql "$d/db.duckdb" marts
    rm -rf "$d"
fi

# ---- 3. write failures of the other output files -----------------------------------
# expect_write_fail LABEL FILE CMD...: on the full tmpfs, CMD exits 1 with planwise's
# message naming FILE, FILE keeps its earlier content (when it had one; for a folder, every
# file in it) and no other file appears.
state_of() {
    (cd "$FULL" && find . | sort)
    if [ -f "$1" ]; then md5sum <"$1"; elif [ -d "$1" ]; then (cd "$1" && find . -type f -exec md5sum {} + | sort); fi
}
expect_write_fail() {
    local label=$1 file=$2 before after rc
    shift 2
    before=$(state_of "$file")
    "$@" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    after=$(state_of "$file")
    if [ "$rc" -eq 1 ] && grep -F "$file" "$TMP/err" | grep -q '^planwise: ' && [ "$before" = "$after" ]; then
        ok "$label" "refused on a full disk, nothing changed: $(grep -F "$file" "$TMP/err" | grep '^planwise: ' | head -n 1 | head -c 150)"
    else
        not_ok "$label" "exit $rc (want 1 naming $file); files changed: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')" "$TMP/err"
    fi
    # Leave the folder as it was, and full, for the next case.
    (cd "$FULL" && find . -mindepth 1 | sort) | while read -r f; do
        echo "$before" | grep -qxF "$f" || rm -rf "${FULL:?}/$f"
    done
    fill_up
}
# fill_up: takes every free byte of the $FULL tmpfs (in a new filler file).
fill_up() {
    local free
    free=$(df -B1 --output=avail "$FULL" | tail -n 1 | tr -d ' ')
    [ "$free" -gt 0 ] && { fallocate -l "$free" "$FULL/.filler.$RANDOM" 2>/dev/null ||
        dd if=/dev/zero of="$FULL/.filler.$RANDOM" bs=4k 2>/dev/null; }
    return 0
}

if [ -n "$ONLY" ] && [ "$ONLY" != write ]; then
    :
elif [ "$ROOT" = 1 ]; then
    FULL=$TMP/full
    mount_tmpfs "$FULL" 1024 || exit 1
    for f in perf.json q.csv c.csv c.parquet r.html x.xlsx b.json; do echo old >"$FULL/$f"; done
    # an earlier export in the folder of the csv case; the parquet case writes a new folder
    mkdir -p "$FULL/ck" "$FULL/csv"
    echo old >"$FULL/csv/run_metadata.csv"
    fill_up
    mkdir -p "$W/small"
    "$BIN" census generate --employees 200 --seed 3 --out "$W/small/c.csv" >/dev/null
    expect_write_fail perf-json "$FULL/perf.json" "$BIN" run -q --no-models --no-checkpoints --census "$W/small/c.csv" \
        --years 2025 --db "$W/small/p.duckdb" --perf-json "$FULL/perf.json"
    "$BIN" run -q --no-models --census "$W/small/c.csv" --years 2025-2026 --seed 5 --db "$W/small/k.duckdb" \
        --checkpoint-dir "$FULL/ck" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    facts "$W/small/k.duckdb"
    meta=$RUNS
    if [ "$rc" -eq 1 ] && grep -q "checkpoint.*No space left" "$TMP/err" && [ -z "$(find "$FULL/ck" -type f)" ] &&
        [ "$meta" = "default:5:failed:2025:-" ]; then
        ok checkpoint "a checkpoint on a full disk: exit 1, no file left, run failed after year 1: $(head -c 120 "$TMP/err")"
    else
        not_ok checkpoint "exit $rc, run_metadata '$meta', files: $(find "$FULL/ck" -type f)" "$TMP/err"
    fi
    expect_write_fail query-out "$FULL/q.csv" "$BIN" query --db "$W/ref/db.duckdb" --out "$FULL/q.csv" "SELECT * FROM fct_workforce_snapshot"
    expect_write_fail census-csv "$FULL/c.csv" "$BIN" census generate --employees 20000 --out "$FULL/c.csv"
    expect_write_fail census-pq "$FULL/c.parquet" "$BIN" census generate --employees 20000 --out "$FULL/c.parquet"
    expect_write_fail report "$FULL/r.html" "$BIN" report --db "$W/ref/db.duckdb" --out "$FULL/r.html"
    expect_write_fail export-xlsx "$FULL/x.xlsx" "$BIN" export --db "$W/ref/db.duckdb" --scenario "$SCEN" --format xlsx --out "$FULL/x.xlsx"
    expect_write_fail export-csv "$FULL/csv" "$BIN" export --db "$W/ref/db.duckdb" --scenario "$SCEN" --format csv --out "$FULL/csv"
    expect_write_fail export-pq "$FULL/pq" "$BIN" export --db "$W/ref/db.duckdb" --scenario "$SCEN" --format parquet --out "$FULL/pq"
    expect_write_fail benchmark "$FULL/b.json" "$BIN" benchmark --employees 40 --years 2025-2026 --reps 1 -q --output "$FULL/b.json"
else
    skip write-fail "needs root to mount a tmpfs (CI runs as root): output files on a full disk not tested"
fi

echo "faults suite took $(($(date +%s) - START)) s"
if [ "$SKIP" -gt 0 ]; then echo "$PASS passed, $FAIL failed, $SKIP skipped"; else echo "$PASS passed, $FAIL failed"; fi
[ "$FAIL" -eq 0 ]
