#!/bin/bash
# tests/report/browser.sh: renders `planwise report` in headless Chromium and checks
# what the browser built against the database:
#   - the page loads without console errors (Chromium's log on stderr);
#   - every chart's SVG has as many series and points as its data attributes say,
#     and those equal the counts the database implies (years x scenarios, levels);
#   - the numbers of the headcount, employer-cost and flows tables equal
#     `planwise query` over the same database;
#   - the compliance table shows every row of fct_compliance_tests (which planwise
#     run wrote) with its result.
# Writes the screenshot to $OUT_PNG when set (docs/report.png is made this way).
#
#   tests/report/browser.sh build/planwise
set -u
BIN=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
HERE=$(cd "$(dirname "$0")" && pwd)
command -v chromium >/dev/null || { echo "browser.sh: chromium is not installed (scripts/setup-deps.sh)" >&2; exit 1; }
case "${OUT_PNG:-}" in ""|/*) ;; *) OUT_PNG=$PWD/$OUT_PNG ;; esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/pw-report.XXXXXX") || exit 1
trap 'rm -rf "$TMP"' EXIT
cd "$TMP" || exit 1
"$BIN" census generate --employees 500 --seed 11 --out c.csv >/dev/null || exit 1
"$BIN" run -q --census c.csv --db r.duckdb --years 2025-2027 --scenario baseline >/dev/null || exit 1
"$BIN" run -q --census c.csv --db r.duckdb --years 2025-2027 --scenario alt --seed 5 --check >/dev/null || exit 1
"$BIN" report --db r.duckdb --scenario baseline --scenario alt --out report.html >/dev/null || exit 1
CHROME=(chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run
        --disable-background-networking --disable-component-update --disable-sync
        --hide-scrollbars --enable-logging=stderr --v=0)
timeout 120 "${CHROME[@]}" --user-data-dir="$TMP/p1" --window-size=1200,1900 \
    --screenshot="$TMP/report.png" "file://$TMP/report.html" 2>"$TMP/shot.log" >/dev/null
timeout 120 "${CHROME[@]}" --user-data-dir="$TMP/p2" --dump-dom "file://$TMP/report.html" \
    >"$TMP/dom.html" 2>"$TMP/dom.log"
[ -s "$TMP/report.png" ] || { echo "FAIL no screenshot"; cat "$TMP/shot.log"; exit 1; }
[ -n "${OUT_PNG:-}" ] && cp "$TMP/report.png" "$OUT_PNG"
q() { "$BIN" query --db r.duckdb --csv "$1" | tail -n +2; }
q "SELECT scenario_id, simulation_year, count(*) FILTER (WHERE employment_status = 'active'),
          round(sum(prorated_annual_compensation))::BIGINT FROM fct_workforce_snapshot GROUP BY 1, 2 ORDER BY 1 DESC, 2" >headcount.csv
q "SELECT scenario_id, simulation_year, (sum(round(employer_match_amount * 100)) / 100)::DECIMAL(18,0),
          (sum(round(employer_core_amount * 100)) / 100)::DECIMAL(18,0) FROM fct_workforce_snapshot GROUP BY 1, 2 ORDER BY 1 DESC, 2" >cost.csv
q "SELECT scenario_id, simulation_year, count(*) FILTER (WHERE event_type = 'hire'),
          count(*) FILTER (WHERE event_category = 'experienced_termination') FROM fct_yearly_events GROUP BY 1, 2 ORDER BY 1 DESC, 2" >flows.csv
q "SELECT count(DISTINCT level_id) FROM fct_workforce_snapshot WHERE scenario_id = 'baseline' AND employment_status = 'active'" >levels.txt
q "SELECT count(DISTINCT simulation_year) FROM fct_workforce_snapshot" >years.txt
python3 "$HERE/check_dom.py" "$TMP/dom.html" "$TMP" || { echo "FAIL report DOM checks"; exit 1; }
if grep -E 'CONSOLE|Uncaught|ERROR:.*(console|javascript)' "$TMP/dom.log" "$TMP/shot.log" | grep -v -E 'dbus|bus\.cc|gpu|GPU|vaapi|sandbox|Fontconfig|ozone|viz' ; then
    echo "FAIL console errors while loading the report"; exit 1
fi
# The compliance section: the real fct_compliance_tests that planwise run wrote for
# both scenarios; every row of the page's table equals the database's.
q "SELECT scenario_id, simulation_year, test, CASE result WHEN 'pass' THEN 'pass' WHEN 'fail' THEN 'FAIL' ELSE result END
   FROM fct_compliance_tests WHERE scenario_id IN ('baseline', 'alt') ORDER BY ALL" >compliance.csv
python3 - "$TMP/dom.html" compliance.csv <<'PY' || { echo "FAIL compliance table"; exit 1; }
import csv, re, sys
dom = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<table data-table="compliance">.*?<tbody>(.*?)</tbody>', dom, re.S)
if not m:
    sys.exit("no compliance table in the report")
rows = [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
        for tr in re.findall(r"<tr>(.*?)</tr>", m.group(1), re.S)]
want = [r for r in csv.reader(open(sys.argv[2]))]
if len(want) != 60 or rows != want:
    sys.exit("compliance table: %d rows on the page, %d in the database (want 2 scenarios x 3 years x 10 tests)" % (len(rows), len(want)))
PY
# Optional section: ensemble bands (fan charts), added to a copy of the database with
# the table's documented columns.
SQLX=$(dirname "$BIN")/tools/sql_exec
if [ -x "$SQLX" ]; then
    cp r.duckdb opt.duckdb
    "$SQLX" opt.duckdb "CREATE TABLE fct_ensemble_bands AS SELECT 'e1' AS ensemble_id, d AS design, y AS simulation_year,
        'active_headcount' AS metric, 'total' AS dimension, 50 AS n, 500.0 + y - 2025 AS mean, 5.0 AS sd,
        490.0 AS p05, 493.0 AS p10, 496.0 AS p25, 500.0 + (y - 2025) * 10 AS p50, 504.0 + (y - 2025) * 10 AS p75,
        507.0 AS p90, 512.0 + (y - 2025) * 10 AS p95 FROM range(2025, 2028) t(y), (VALUES ('a'), ('b')) v(d)" \
        >/dev/null || { echo "FAIL cannot add optional tables"; exit 1; }
    "$BIN" report --db opt.duckdb --scenario baseline --scenario alt --out opt.html >/dev/null || { echo "FAIL report with optional tables"; exit 1; }
    timeout 120 "${CHROME[@]}" --user-data-dir="$TMP/p3" --dump-dom "file://$TMP/opt.html" >opt_dom.html 2>/dev/null
    fans=$(grep -o 'data-kind="fan" data-series="1" data-points="3"' opt_dom.html | wc -l)
    [ "$fans" = 2 ] || { echo "FAIL expected 2 fan charts of 3 points, found $fans"; exit 1; }
fi
echo "report browser test: ok"
