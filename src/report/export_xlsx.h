/* export_xlsx.h: an Excel workbook of one scenario's summaries (the only module that
 * includes xlsxwriter.h). */
#ifndef PW_REPORT_EXPORT_XLSX_H
#define PW_REPORT_EXPORT_XLSX_H

#include <stddef.h>

#include "core/err.h"
#include "io/db.h"

/* Excel's worksheet row limit, header row included. */
#define PW_XLSX_MAX_ROWS 1048576u

/* Writes path with the sheets workforce_by_year, employer_cost, participation,
 * comparison (rows of fct_scenario_comparison involving scenario, if the table
 * exists), compliance (fct_compliance_tests, if it exists) and snapshot_<last year>.
 * A sheet that would pass the row limit is an error naming it, before anything is
 * written. *sheets counts the sheets written. */
int pw_export_xlsx(struct pw_db *db, const char *scenario, const char *path, size_t *sheets, struct pw_err *err);

#endif
