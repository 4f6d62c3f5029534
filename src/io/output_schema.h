/* output_schema.h: DDL statements and the list of scenario-keyed output tables. */
#ifndef PW_IO_OUTPUT_SCHEMA_H
#define PW_IO_OUTPUT_SCHEMA_H

extern const char *const pw_output_ddl[];     /* NULL-terminated CREATE statements */
extern const char *const pw_output_tables[];  /* NULL-terminated; every one has scenario_id */

#endif
