/* store_parquet.h: the Parquet layout of the outputs (store_parquet.c): folders
 * of per-run, per-year Parquet files under the database's data folder, with
 * views over them in schema pw. */
#ifndef PW_IO_STORE_PARQUET_H
#define PW_IO_STORE_PARQUET_H

#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "io/db.h"
#include "io/store_schema.h"

/* Creates data_dir, a folder per file table with an empty file of its columns,
 * and the view pw.<table> over each folder (inside the caller's transaction). */
int pw_parquet_create_layout(struct pw_db *db, const char *data_dir, struct pw_err *err);
/* The temporary table of conn that a year's rows of table are appended to. */
int pw_parquet_stage_create(struct pw_db *conn, int table, struct pw_err *err);
void pw_parquet_stage_name(int table, char *out, size_t size);
/* Writes the staged rows to <data_dir>/<table>/r<run_key>_y<year>.parquet (through
 * a synced temporary file) and empties the staging table. */
int pw_parquet_stage_flush(struct pw_db *conn, int table, const char *data_dir, int run_key, int year,
                           struct pw_err *err);
/* Removes the files of run_key for years after after_year (every year when
 * after_year < 0), and temporary files a stopped run left. */
void pw_parquet_remove_files(const char *data_dir, int run_key, int after_year);
/* Removes the whole file layout of a database that a failed first run created
 * (planwise's own files and folders only; anything else keeps its folder). */
void pw_parquet_remove_layout(const char *data_dir);
/* Removes the files of every run whose key is not among run_keys. */
void pw_parquet_sweep(const char *data_dir, const int *run_keys, size_t count);

#endif
