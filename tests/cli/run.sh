#!/bin/bash
# tests/cli/run.sh: golden tests of the command-line interface, written as data.
#
#   tests/cli/run.sh build/planwise              run every case
#   tests/cli/run.sh build/planwise --update     rewrite the expected files from actual output
#   tests/cli/run.sh build/planwise NAME...      run (or --update) only these cases
#
# Each case is a folder tests/cli/cases/NAME/ with
#   args          the planwise arguments, one line of shell words; @DATA@ = tests/cli/data
#   setup         optional shell script run first (in the case's scratch folder)
#   check         optional shell script run afterwards; its stdout and exit status
#                 are compared with check.out (e.g. "is there a database file?")
#   exit          expected exit status
#   stdout        expected standard output, exact (after normalisation), or
#   stdout.pattern  extended regular expressions, one per line, each must match a line
#   stderr / stderr.pattern  the same for standard error
# Commands run in a fresh scratch folder (the current directory of the case), with
# PLANWISE = the binary, DATA = tests/cli/data and SQL_EXEC = tools/sql_exec next to
# the binary in the environment of setup/check.
# Normalisation before comparing: the scratch path becomes @TMP@, the data path
# @DATA@, run timings 'in 0.52 s (115000 employee-years/s)' become
# 'in <S> s (<R> employee-years/s)', process ids 'PID 123' become 'PID <PID>', and
# the performance table of a run (from 'performance by stage:' to its footnote) becomes one
# line '<performance table>'.
# Cases run in parallel (PW_TEST_JOBS at a time, default twice the number of cores;
# each case has its own scratch folder); their lines are printed in case order.
# After the cases, tests/cli/lock.sh (the timing-dependent locked-database test) runs.
# Prints one line per case and a final "N passed, M failed"; exits 1 on failure.

set -u

if [ "$#" -lt 1 ]; then
    echo "usage: tests/cli/run.sh PLANWISE_BINARY [--update] [CASE...]" >&2
    exit 2
fi
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
shift
UPDATE=0
if [ "${1:-}" = "--update" ]; then
    UPDATE=1
    shift
fi
HERE=$(cd "$(dirname "$0")" && pwd)
CASES=$HERE/cases
DATA=$HERE/data
if [ ! -x "$BIN" ]; then
    echo "run.sh: '$BIN' is not an executable" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-cli.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
# sql_exec (built next to the binary) writes to a database outside planwise, for
# setups that stage what a killed or damaged run leaves behind.
SQL_EXEC=$(dirname "$BIN")/tools/sql_exec
export PLANWISE=$BIN DATA SQL_EXEC

PASS=0
FAIL=0

normalise() {   # normalise SCRATCH < in > out
    sed -E -e "s|$1|@TMP@|g" -e "s|$DATA|@DATA@|g" \
        -e 's/in [0-9]+(\.[0-9]+)? s \([0-9,]+ employee-years\/s\)/in <S> s (<R> employee-years\/s)/g' \
        -e '/^performance by stage:$/,/^CPU s is process CPU time/c\
<performance table>' \
        -e 's/PID [0-9]+/PID <PID>/g'
}

# compare CASE_DIR NAME ACTUAL: exact file NAME or NAME.pattern; prints a diff on mismatch
compare() {
    local dir=$1 name=$2 actual=$3 re
    if [ -f "$dir/$name.pattern" ]; then
        while IFS= read -r re || [ -n "$re" ]; do
            [ -z "$re" ] && continue
            if ! grep -Eq -- "$re" "$actual"; then
                echo "    $name: no line matches /$re/; actual $name:"
                sed 's/^/    | /' "$actual"
                return 1
            fi
        done <"$dir/$name.pattern"
        return 0
    fi
    local want=$dir/$name
    [ -f "$want" ] || want=/dev/null
    if ! cmp -s "$want" "$actual"; then
        echo "    $name differs (--- expected, +++ actual):"
        diff -u "$want" "$actual" | tail -n +3 | sed 's/^/    /'
        return 1
    fi
    return 0
}

run_case() {   # run_case DIR: writes its lines to $TMP/NAME.out/lines and ok|FAIL to .../status
    local dir=$1 name work rc args problems="" T
    name=$(basename "$dir")
    work=$TMP/$name
    T=$TMP/$name.out
    mkdir -p "$work" "$T"
    if [ ! -f "$dir/args" ]; then
        echo "FAIL $name: no args file"
        echo FAIL >"$T/status"
        return
    fi
    if [ -f "$dir/setup" ] && ! (cd "$work" && bash "$dir/setup") >"$T/setup.log" 2>&1; then
        echo "FAIL $name: setup failed:"
        sed 's/^/    | /' "$T/setup.log"
        echo FAIL >"$T/status"
        return
    fi
    args=$(sed -e "s|@DATA@|$DATA|g" "$dir/args")
    # shellcheck disable=SC2086
    eval "set -- $args"
    (cd "$work" && "$BIN" "$@") >"$T/stdout.raw" 2>"$T/stderr.raw"
    rc=$?
    normalise "$work" <"$T/stdout.raw" >"$T/stdout"
    normalise "$work" <"$T/stderr.raw" >"$T/stderr"
    echo "$rc" >"$T/exit"
    if [ -f "$dir/check" ]; then
        (cd "$work" && bash "$dir/check") >"$T/check.raw" 2>&1
        echo "exit $?" >>"$T/check.raw"
        normalise "$work" <"$T/check.raw" >"$T/check.out"
    fi

    if [ "$UPDATE" -eq 1 ]; then
        local f old
        old=$(cat "$dir/exit" 2>/dev/null || echo none)
        cp "$T/exit" "$dir/exit"
        for f in stdout stderr; do
            [ -f "$dir/$f.pattern" ] || cp "$T/$f" "$dir/$f"
        done
        [ -f "$dir/check" ] && cp "$T/check.out" "$dir/check.out"
        if [ "$old" != "$rc" ]; then
            echo "updated $name (exit $old -> $rc: check that this is intended)"
        else
            echo "updated $name"
        fi
        echo ok >"$T/status"
        return
    fi

    compare "$dir" exit "$T/exit" >"$T/report" || problems=1
    compare "$dir" stdout "$T/stdout" >>"$T/report" || problems=1
    compare "$dir" stderr "$T/stderr" >>"$T/report" || problems=1
    if [ -f "$dir/check" ]; then
        compare "$dir" check.out "$T/check.out" >>"$T/report" || problems=1
    fi
    if [ -z "$problems" ]; then
        echo "ok   $name"
        echo ok >"$T/status"
    else
        echo "FAIL $name: planwise $(cat "$dir/args")"
        cat "$T/report"
        echo FAIL >"$T/status"
    fi
}

JOBS=${PW_TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 2) * 2 ))}
if [ "$#" -gt 0 ]; then
    names=("$@")
else
    names=()
    for c in "$CASES"/*/; do c=${c%/}; names+=("${c##*/}"); done
fi
running=0
for n in "${names[@]}"; do
    if [ "$running" -ge "$JOBS" ]; then
        wait -n
        running=$((running - 1))
    fi
    mkdir -p "$TMP/$n.out"
    run_case "$CASES/$n" >"$TMP/$n.out/lines" 2>&1 &
    running=$((running + 1))
done
wait
for n in "${names[@]}"; do
    cat "$TMP/$n.out/lines"
    case $(cat "$TMP/$n.out/status" 2>/dev/null) in
        ok) PASS=$((PASS + 1)) ;;
        *) FAIL=$((FAIL + 1))
           [ -s "$TMP/$n.out/status" ] || echo "FAIL $n: the case ended without a result" ;;
    esac
done

if [ "$UPDATE" -eq 0 ] && [ "$#" -eq 0 ]; then
    "$HERE/lock.sh" "$BIN" | tee "$TMP/lock.out"
    summary=$(tail -n 1 "$TMP/lock.out")
    p=$(echo "$summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\1/p')
    f=$(echo "$summary" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed.*$/\2/p')
    if [ -z "$p" ]; then
        echo "FAIL lock.sh gave no summary line"
        FAIL=$((FAIL + 1))
    else
        PASS=$((PASS + p))
        FAIL=$((FAIL + f))
    fi
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
