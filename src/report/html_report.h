/* html_report.h: `planwise report`: one self-contained HTML file (inline CSS and
 * SVG, no scripts, no network) with the results of one or more scenarios of an
 * output database. */
#ifndef PW_REPORT_HTML_REPORT_H
#define PW_REPORT_HTML_REPORT_H

#include <stddef.h>

#include "core/err.h"
#include "io/db.h"

struct pw_report_options {
    const char *const *scenarios;  /* scenario ids; n_scenarios 0 = every scenario in run_metadata */
    size_t n_scenarios;
    const char *db_label;          /* the database name shown in the page */
};

/* Writes the report to out_path (through a temporary file renamed into place). */
int pw_report_write(struct pw_db *db, const char *out_path, const struct pw_report_options *opt, struct pw_err *err);

#endif
