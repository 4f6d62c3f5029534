/* svg_chart.c: the report's charts as inline SVG. The layout is fixed (720 x 320
 * user units, scaled by the page) so charts print at the same proportions as on
 * screen; the y axis always includes 0 so bar heights and line levels compare
 * honestly, and its ticks are 1, 2 or 5 times a power of ten. */
#include "report/svg_chart.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/textbuf.h"

#define W 720.0
#define H 320.0
#define ML 84.0   /* left margin: tick labels and the y title */
#define MR 16.0
#define MT 56.0   /* title and legend */
#define MB 52.0   /* x labels and the x title */

static const char *const palette[] = {
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
};
#define NCOLORS (sizeof palette / sizeof *palette)

void pw_html_escape(FILE *out, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
    }
}

/* Axis tick text: short forms, since a tick only needs to locate a value. */
static void tick_text(char *buf, size_t size, double v, enum pw_chart_unit unit, double step)
{
    double a = fabs(v);
    const char *sign = v < 0 ? "-" : "";
    if (unit == PW_UNIT_RATE) {
        int places = step * 100 >= 1 ? 0 : step * 100 >= 0.1 ? 1 : 2;
        snprintf(buf, size, "%.*f%%", places, v * 100);
        return;
    }
    const char *cur = unit == PW_UNIT_MONEY ? "$" : "";
    if (a >= 1e9) snprintf(buf, size, "%s%s%.*fB", sign, cur, step >= 1e9 ? 0 : 1, a / 1e9);
    else if (a >= 1e6) snprintf(buf, size, "%s%s%.*fM", sign, cur, step >= 1e6 ? 0 : 1, a / 1e6);
    else if (a >= 1e4) snprintf(buf, size, "%s%s%.*fk", sign, cur, step >= 1e3 ? 0 : 1, a / 1e3);
    else {
        char g[32];
        pw_fmt_grouped((long long)llround(a), g, sizeof g);
        snprintf(buf, size, "%s%s%s", sign, cur, g);
    }
}

/* Tooltip text: the full value. */
static void value_text(char *buf, size_t size, double v, enum pw_chart_unit unit)
{
    char g[32];
    if (unit == PW_UNIT_RATE) {
        snprintf(buf, size, "%.2f%%", v * 100);
        return;
    }
    pw_fmt_grouped(llabs((long long)llround(v)), g, sizeof g);
    snprintf(buf, size, "%s%s%s", v < 0 ? "-" : "", unit == PW_UNIT_MONEY ? "$" : "", g);
}

static double nice_step(double range)
{
    if (!(range > 0)) return 1;
    double raw = range / 5, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The value range the chart must show (stacked bars: the stack totals). */
static void data_range(const struct pw_chart *c, double *lo, double *hi)
{
    *lo = 0;
    *hi = 0;
    for (size_t x = 0; x < c->n_x; x++) {
        double pos = 0, neg = 0;
        for (size_t s = 0; s < c->n_series; s++) {
            double v = c->series[s].values[x];
            if (isnan(v)) continue;
            if (c->kind == PW_CHART_STACKED) {
                if (v >= 0) pos += v;
                else neg += v;
            } else {
                if (v > *hi) *hi = v;
                if (v < *lo) *lo = v;
            }
        }
        if (c->kind == PW_CHART_STACKED) {
            if (pos > *hi) *hi = pos;
            if (neg < *lo) *lo = neg;
        }
    }
    if (*hi == *lo) *hi = *lo + 1;
}

struct frame {
    double lo, hi;        /* y axis range */
    double px0, px1, py0, py1;  /* plot area */
    size_t n_x;
};

static double ypos(const struct frame *f, double v)
{
    return f->py1 - (v - f->lo) / (f->hi - f->lo) * (f->py1 - f->py0);
}

/* Centre of category x. */
static double xpos(const struct frame *f, size_t x)
{
    double band = (f->px1 - f->px0) / (double)f->n_x;
    return f->px0 + band * ((double)x + 0.5);
}

static size_t drawn_points(const struct pw_chart *c, size_t s)
{
    size_t n = 0;
    for (size_t x = 0; x < c->n_x; x++)
        if (!isnan(c->series[s].values[x])) n++;
    return n;
}

static void axes(FILE *out, const struct pw_chart *c, const struct frame *f, double step)
{
    char buf[64];
    fputs("<g class=\"axis y\">", out);
    for (double t = ceil(f->lo / step - 1e-9) * step; t <= f->hi + step * 1e-6; t += step) {
        double y = ypos(f, t);
        tick_text(buf, sizeof buf, fabs(t) < step * 1e-9 ? 0 : t, c->unit, step);
        fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"grid\"/>", f->px0, f->px1, y, y);
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" dominant-baseline=\"middle\">%s</text>", f->px0 - 6, y, buf);
    }
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axisline\"/>", f->px0, f->px0, f->py0, f->py1);
    fprintf(out, "<text class=\"axis-title\" transform=\"translate(16,%.1f) rotate(-90)\" text-anchor=\"middle\">", (f->py0 + f->py1) / 2);
    pw_html_escape(out, c->y_label);
    fputs("</text></g><g class=\"axis x\">", out);
    double zero = ypos(f, f->lo > 0 ? f->lo : f->hi < 0 ? f->hi : 0);
    fprintf(out, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"axisline\"/>", f->px0, f->px1, zero, zero);
    /* Thin the labels out when there are many categories. */
    size_t every = c->n_x > 16 ? (c->n_x + 15) / 16 : 1;
    for (size_t x = 0; x < c->n_x; x += every) {
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", xpos(f, x), f->py1 + 16);
        pw_html_escape(out, c->x_labels[x]);
        fputs("</text>", out);
    }
    fprintf(out, "<text class=\"axis-title\" x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", (f->px0 + f->px1) / 2, H - 8);
    pw_html_escape(out, c->x_label);
    fputs("</text></g>", out);
}

static void legend(FILE *out, const struct pw_chart *c)
{
    double x = ML;
    fputs("<g class=\"legend\">", out);
    if (c->kind == PW_CHART_FAN) {
        static const char *const items[] = {"median (p50)", "p25-p75", "p05-p95"};
        static const double op[] = {1, 0.45, 0.2};
        for (int i = 0; i < 3; i++) {
            fprintf(out, "<rect x=\"%.1f\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\" fill-opacity=\"%.2f\"/>", x, palette[0], op[i]);
            fprintf(out, "<text x=\"%.1f\" y=\"44\">%s</text>", x + 16, items[i]);
            x += 16 + 8 * (double)strlen(items[i]) + 18;
        }
    } else {
        for (size_t s = 0; s < c->n_series; s++) {
            fprintf(out, "<rect x=\"%.1f\" y=\"34\" width=\"12\" height=\"12\" fill=\"%s\"/>", x, palette[s % NCOLORS]);
            fprintf(out, "<text x=\"%.1f\" y=\"44\">", x + 16);
            pw_html_escape(out, c->series[s].name);
            fputs("</text>", out);
            x += 16 + 7 * (double)strlen(c->series[s].name) + 18;
        }
    }
    fputs("</g>", out);
}

static void point_title(FILE *out, const struct pw_chart *c, size_t s, size_t x, double v)
{
    char buf[64];
    value_text(buf, sizeof buf, v, c->unit);
    fputs("<title>", out);
    pw_html_escape(out, c->series[s].name);
    fputs(", ", out);
    pw_html_escape(out, c->x_labels[x]);
    fprintf(out, ": %s</title>", buf);
}

static void draw_lines(FILE *out, const struct pw_chart *c, const struct frame *f)
{
    for (size_t s = 0; s < c->n_series; s++) {
        const char *col = palette[s % NCOLORS];
        fputs("<g class=\"series\" data-name=\"", out);
        pw_html_escape(out, c->series[s].name);
        fprintf(out, "\" data-points=\"%zu\"><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", drawn_points(c, s), col);
        for (size_t x = 0; x < c->n_x; x++) {
            double v = c->series[s].values[x];
            if (!isnan(v)) fprintf(out, "%.1f,%.1f ", xpos(f, x), ypos(f, v));
        }
        fputs("\"/>", out);
        for (size_t x = 0; x < c->n_x; x++) {
            double v = c->series[s].values[x];
            if (isnan(v)) continue;
            fprintf(out, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\">", xpos(f, x), ypos(f, v), col);
            point_title(out, c, s, x, v);
            fputs("</circle>", out);
        }
        fputs("</g>", out);
    }
}

static void draw_bars(FILE *out, const struct pw_chart *c, const struct frame *f)
{
    double band = (f->px1 - f->px0) / (double)c->n_x, inner = band * 0.8;
    size_t per = c->kind == PW_CHART_STACKED ? 1 : c->n_series;
    double bw = inner / (double)(per ? per : 1);
    double *pos = calloc(c->n_x * 2 + 1, sizeof *pos), *neg = pos + c->n_x;
    for (size_t s = 0; s < c->n_series; s++) {
        const char *col = palette[s % NCOLORS];
        fputs("<g class=\"series\" data-name=\"", out);
        pw_html_escape(out, c->series[s].name);
        fprintf(out, "\" data-points=\"%zu\">", drawn_points(c, s));
        for (size_t x = 0; x < c->n_x; x++) {
            double v = c->series[s].values[x];
            if (isnan(v)) continue;
            double x0 = xpos(f, x) - inner / 2, base = 0;
            if (c->kind == PW_CHART_STACKED) {
                base = v >= 0 ? pos[x] : neg[x];
                if (v >= 0) pos[x] += v;
                else neg[x] += v;
            } else {
                x0 += bw * (double)s;
            }
            double ya = ypos(f, base), yb = ypos(f, base + v);
            double top = ya < yb ? ya : yb, h = fabs(yb - ya);
            fprintf(out, "<rect class=\"pt\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">", x0, top, bw > 2 ? bw - 1 : bw, h, col);
            point_title(out, c, s, x, v);
            fputs("</rect>", out);
        }
        fputs("</g>", out);
    }
    free(pos);
}

static void band_path(FILE *out, const struct pw_chart *c, const struct frame *f, size_t lo, size_t hi, double op)
{
    fprintf(out, "<path class=\"band\" fill=\"%s\" fill-opacity=\"%.2f\" d=\"", palette[0], op);
    int first = 1;
    for (size_t x = 0; x < c->n_x; x++) {
        double v = c->series[hi].values[x];
        if (isnan(v)) continue;
        fprintf(out, "%c%.1f,%.1f ", first ? 'M' : 'L', xpos(f, x), ypos(f, v));
        first = 0;
    }
    for (size_t x = c->n_x; x-- > 0;) {
        double v = c->series[lo].values[x];
        if (isnan(v)) continue;
        fprintf(out, "L%.1f,%.1f ", xpos(f, x), ypos(f, v));
    }
    fputs("Z\"/>", out);
}

static void draw_fan(FILE *out, const struct pw_chart *c, const struct frame *f)
{
    band_path(out, c, f, 0, 4, 0.2);
    band_path(out, c, f, 1, 3, 0.45);
    fprintf(out, "<g class=\"series\" data-name=\"median\" data-points=\"%zu\"><polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", drawn_points(c, 2), palette[0]);
    for (size_t x = 0; x < c->n_x; x++) {
        double v = c->series[2].values[x];
        if (!isnan(v)) fprintf(out, "%.1f,%.1f ", xpos(f, x), ypos(f, v));
    }
    fputs("\"/>", out);
    for (size_t x = 0; x < c->n_x; x++) {
        double v = c->series[2].values[x];
        if (isnan(v)) continue;
        fprintf(out, "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">", xpos(f, x), ypos(f, v), palette[0]);
        point_title(out, c, 2, x, v);
        fputs("</circle>", out);
    }
    fputs("</g>", out);
}

void pw_svg_chart_write(FILE *out, const struct pw_chart *c)
{
    size_t series = c->kind == PW_CHART_FAN ? 1 : c->n_series, points = 0;
    if (c->kind == PW_CHART_FAN) points = c->n_series >= 5 ? drawn_points(c, 2) : 0;
    else
        for (size_t s = 0; s < c->n_series; s++) points += drawn_points(c, s);
    fprintf(out, "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" data-chart=\"", W, H);
    pw_html_escape(out, c->id);
    fprintf(out, "\" data-kind=\"%s\" data-series=\"%zu\" data-points=\"%zu\" aria-label=\"",
            c->kind == PW_CHART_LINE ? "line" : c->kind == PW_CHART_BARS ? "bars" : c->kind == PW_CHART_STACKED ? "stacked" : "fan",
            series, points);
    pw_html_escape(out, c->title);
    fputs("\"><text class=\"chart-title\" x=\"8\" y=\"20\">", out);
    pw_html_escape(out, c->title);
    fputs("</text>", out);
    if (c->n_x == 0 || (c->kind == PW_CHART_FAN && c->n_series < 5)) {
        fputs("<text x=\"360\" y=\"160\" text-anchor=\"middle\">no data</text></svg></figure>\n", out);
        return;
    }
    struct frame f = {.px0 = ML, .px1 = W - MR, .py0 = MT, .py1 = H - MB, .n_x = c->n_x};
    data_range(c, &f.lo, &f.hi);
    double step = nice_step(f.hi - f.lo);
    f.lo = floor(f.lo / step + 1e-9) * step;
    f.hi = ceil(f.hi / step - 1e-9) * step;
    if (f.hi <= f.lo) f.hi = f.lo + step;
    legend(out, c);
    axes(out, c, &f, step);
    if (c->kind == PW_CHART_LINE) draw_lines(out, c, &f);
    else if (c->kind == PW_CHART_FAN) draw_fan(out, c, &f);
    else draw_bars(out, c, &f);
    fputs("</svg></figure>\n", out);
}
