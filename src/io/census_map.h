/* census_map.h: which column of a client's census file feeds which planwise census
 * column, and how client spellings of values become the forms census.c accepts.
 *
 * A column is found, in this order: by an explicit mapping (`--census-map FILE`, or
 * the `census.columns` block of the configuration), by its planwise name, or by a
 * built-in alias (EmpID, DOB, DOH, Salary, TermDate, Hours, deferral_pct, ...;
 * compared without case, blanks, '_', '-' or '.'). Values of mapped and aliased
 * files are normalised: dates MM/DD/YYYY, DD.MM.YYYY and YYYY/MM/DD become ISO,
 * currency loses '$', ',' and blanks, a rate written "5%" becomes 0.05. */
#ifndef PW_IO_CENSUS_MAP_H
#define PW_IO_CENSUS_MAP_H

#include <stddef.h>

#include "core/err.h"
#include "model/census.h"

struct pw_census_map {
    char *column[PW_CC_COUNT];  /* client column for each planwise column; NULL = by name or alias */
    char source[512];           /* where the mapping came from, for messages ("map.yaml") */
};

/* How a planwise column was found in a file. */
enum pw_census_match { PW_MATCH_NONE = 0, PW_MATCH_NAME, PW_MATCH_MAP, PW_MATCH_ALIAS };

void pw_census_map_init(struct pw_census_map *m);
void pw_census_map_release(struct pw_census_map *m);
/* Reads a mapping file: a YAML mapping `planwise_column: client column`, at the top
 * level or under `columns:` or `census: columns:` (so a configuration file works
 * too). A config file without that block leaves m empty. Errors name the file,
 * line and key: an unknown planwise column, a value that is not text, a column
 * mapped twice. */
int pw_census_map_load(struct pw_census_map *m, const char *path, int require_block, struct pw_err *err);

/* The mapping pw_census_scan applies (NULL: names and aliases only). The CLI sets
 * it once before reading a census; the reader does not copy it. */
void pw_census_map_use(const struct pw_census_map *m);
const struct pw_census_map *pw_census_map_active(void);

/* Fills file_col[c] (index into names, -1 if absent) and how[c] for every planwise
 * column. Fails naming the census and the mapping for a mapped column missing from
 * the file, two file columns matching one planwise column's aliases, or one file
 * column feeding two planwise columns. */
int pw_census_map_resolve(const struct pw_census_map *m, const char *census_path, char *const *names, size_t count,
                          int file_col[PW_CC_COUNT], enum pw_census_match how[PW_CC_COUNT], struct pw_err *err);

/* Rewrites the value v[0..len) of planwise column c in place (it may grow by up to
 * 8 bytes; v must have that room) and returns the new length. */
size_t pw_census_normalise(int c, char *v, size_t len);

#endif
