/* census_writer.h: writes a generated census (model/census_gen.h) to CSV or Parquet.
 *
 * The file is built under a temporary name in the same folder, synced and renamed
 * into place, so a failure or a crash never leaves a half-written census behind. */
#ifndef PW_IO_CENSUS_WRITER_H
#define PW_IO_CENSUS_WRITER_H

#include "core/err.h"
#include "model/census_gen.h"
#include "model/tables.h"

/* Columns written, in order (the MODEL 2.1 names). */
#define PW_CENSUS_WRITER_HEADER                                                                   \
    "employee_id,employee_ssn,employee_birth_date,employee_hire_date,employee_termination_date," \
    "employee_gross_compensation,active,employee_deferral_rate,scheduled_hours_per_week,"        \
    "auto_escalation_opt_out,level_id"

/* Generates o->employees rows and writes them to path; the format follows the
 * extension (.csv or .parquet). CSV: dates YYYY-MM-DD, pay with 2 decimals, deferral
 * rates as fractions with 4 decimals, empty termination dates. Parquet: DATE,
 * DOUBLE, BOOLEAN and INTEGER columns. Returns 0, or PW_EIO / PW_EDB / PW_ERANGE /
 * PW_ETABLE / PW_ENOMEM with a message naming the file. */
int pw_census_write(const char *path, const struct pw_census_gen_options *o, const struct pw_job_levels *levels,
                    struct pw_err *err);

#endif
