#!/usr/bin/env python3
# tests/report/check_dom.py DOM_HTML DIR: the checks of tests/report/browser.sh on the
# DOM Chromium built: series and point counts of each chart, and table numbers
# against the CSV files that `planwise query` wrote to DIR.
import sys
from html.parser import HTMLParser

dom, folder = sys.argv[1], sys.argv[2]
errors = []


class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.charts = {}      # id -> {attrs, series: [(name, declared, counted)]}
        self.chart = None
        self.series = None
        self.tables = {}      # id -> rows of cell texts
        self.table = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == 'svg' and 'data-chart' in a:
            self.chart = {'attrs': a, 'series': [], 'pts': 0}
            self.charts[a['data-chart']] = self.chart
        elif self.chart is not None and tag == 'g' and a.get('class') == 'series':
            self.series = [a.get('data-name'), int(a['data-points']), 0]
            self.chart['series'].append(self.series)
        elif self.chart is not None and a.get('class') == 'pt':
            self.chart['pts'] += 1
            if self.series is not None:
                self.series[2] += 1
        elif tag == 'table' and 'data-table' in a:
            self.table = []
            self.tables[a['data-table']] = self.table
        elif self.table is not None and tag == 'tr':
            self.table.append([])
        elif self.table is not None and tag == 'td':
            self.cell = ''

    def handle_endtag(self, tag):
        if tag == 'svg':
            self.chart = None
        elif tag == 'g':
            self.series = None
        elif tag == 'table':
            self.table = None
        elif tag == 'td' and self.cell is not None:
            self.table[-1].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


d = Dom()
d.feed(open(dom, encoding='utf-8').read())
years = int(open(f'{folder}/years.txt').read())
levels = int(open(f'{folder}/levels.txt').read())
scen = 2

for cid, c in d.charts.items():
    a = c['attrs']
    if int(a['data-series']) != len(c['series']):
        errors.append(f'{cid}: data-series {a["data-series"]} but {len(c["series"])} series drawn')
    if int(a['data-points']) != c['pts']:
        errors.append(f'{cid}: data-points {a["data-points"]} but {c["pts"]} points drawn')
    for name, declared, counted in c['series']:
        if declared != counted:
            errors.append(f'{cid}/{name}: data-points {declared} but {counted} drawn')

expect = {  # chart -> (series, points) the database implies
    'headcount': (scen, scen * years), 'payroll': (scen, scen * years),
    'participation': (scen, scen * years), 'deferral': (scen, scen * years),
    'flows-0': (3, 3 * years), 'cost-0': (3, 3 * years), 'levels-0': (levels, levels * years),
    'compare-cost': (1, years), 'winners-1': (3, None),
}
for cid, (ns, npts) in expect.items():
    c = d.charts.get(cid)
    if c is None:
        errors.append(f'chart {cid} is missing')
        continue
    if len(c['series']) != ns:
        errors.append(f'{cid}: {len(c["series"])} series, expected {ns}')
    if npts is not None and c['pts'] != npts:
        errors.append(f'{cid}: {c["pts"]} points, expected {npts}')


def grouped(v):
    return f'{int(v):,}'


def compare(table, csvname, cols):
    rows = [r for r in d.tables.get(table, []) if r]
    want = [line.strip().split(',') for line in open(f'{folder}/{csvname}') if line.strip()]
    if len(rows) != len(want):
        errors.append(f'table {table}: {len(rows)} rows, database has {len(want)}')
        return
    for r, w in zip(rows, want):
        got = [r[i] for i in cols]
        exp = [w[0], w[1]] + [grouped(x) for x in w[2:]]
        if got != exp:
            errors.append(f'table {table}: row {got} != database {exp}')


compare('headcount', 'headcount.csv', [0, 1, 2, 3])
compare('cost', 'cost.csv', [0, 1, 2, 3])
compare('flows', 'flows.csv', [0, 1, 2, 3])

for e in errors:
    print('  ' + e)
print(f'{len(d.charts)} charts, {len(d.tables)} tables checked; {len(errors)} problems')
sys.exit(1 if errors else 0)
