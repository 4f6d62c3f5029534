/* svg_chart.h: small charts written as inline SVG for the HTML report: lines,
 * grouped bars, stacked bars (negative parts below the axis) and fan charts of
 * percentile bands. Every chart carries data attributes (data-chart, data-series,
 * data-points, and per series data-name/data-points) so a browser test can count
 * what was drawn without reading pixels. */
#ifndef PW_REPORT_SVG_CHART_H
#define PW_REPORT_SVG_CHART_H

#include <stddef.h>
#include <stdio.h>

enum pw_chart_kind {
    PW_CHART_LINE = 0,     /* one polyline with a marker per value */
    PW_CHART_BARS = 1,     /* bars side by side per category */
    PW_CHART_STACKED = 2,  /* bars stacked per category; negatives stack downwards */
    PW_CHART_FAN = 3,      /* series: p05, p25, p50, p75, p95 in that order */
};

enum pw_chart_unit {
    PW_UNIT_COUNT = 0,     /* people, rows: 12,345 */
    PW_UNIT_MONEY = 1,     /* dollars: $1.2M on the axis */
    PW_UNIT_RATE = 2,      /* a share 0..1, shown as percent */
};

struct pw_chart_series {
    const char *name;      /* legend text */
    const double *values;  /* n_x values; NaN = no value (not drawn, not counted) */
};

struct pw_chart {
    const char *id;        /* data-chart attribute, unique in the page */
    const char *title;
    const char *x_label;   /* axis title under the x axis */
    const char *y_label;   /* axis title beside the y axis, with its unit */
    enum pw_chart_kind kind;
    enum pw_chart_unit unit;
    size_t n_x;                       /* categories (years, bands) */
    const char *const *x_labels;      /* n_x labels */
    size_t n_series;
    const struct pw_chart_series *series;
};

/* Writes <figure><svg ...>...</svg><figcaption/></figure>. Points counted in
 * data-points are the markers/bars drawn (non-NaN values); a fan chart counts its
 * median line as the one series. */
void pw_svg_chart_write(FILE *out, const struct pw_chart *c);

/* Writes s with &, <, >, " escaped. */
void pw_html_escape(FILE *out, const char *s);

#endif
