#!/bin/sh
# tests/run-unit.sh: runs cmocka unit-test binaries and summarises the results.
#
#   tests/run-unit.sh build/tests/test_solver build/tests/test_census ...
#
# Run from the repository root (tests read fixtures by relative path). Each binary
# is run once; its output is kept in a scratch file and shown only when it fails.
# One line per binary ("ok" or "FAIL" with its test-case counts), then a final
# line "N passed, M failed" counting test cases (from cmocka's own summary; a
# binary that crashes or prints no summary counts as one failed case).
# Exit status: 0 when every case passed, 1 otherwise.

if [ "$#" -eq 0 ]; then
    echo "usage: tests/run-unit.sh TEST_BINARY..." >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pw-unit.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

total_pass=0
total_fail=0
for bin in "$@"; do
    name=$(basename "$bin")
    log="$tmp/$name.log"
    if [ ! -x "$bin" ]; then
        echo "FAIL $name: not an executable file '$bin'"
        total_fail=$((total_fail + 1))
        continue
    fi
    "$bin" >"$log" 2>&1
    rc=$?
    # cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] M test(s), listed below:".
    pass=$(sed -n 's/.*\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$log" | tail -n 1)
    fail=$(sed -n 's/.*\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below.*/\1/p' "$log" | tail -n 1)
    pass=${pass:-0}
    fail=${fail:-0}
    if [ "$rc" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1     # crashed, aborted or failed in a group setup: count the binary once
    fi
    total_pass=$((total_pass + pass))
    total_fail=$((total_fail + fail))
    if [ "$rc" -eq 0 ] && [ "$fail" -eq 0 ]; then
        echo "ok   $name ($pass tests)"
    else
        echo "FAIL $name ($pass passed, $fail failed, exit $rc)"
        sed 's/^/    | /' "$log"
    fi
done

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
