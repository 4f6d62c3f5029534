/* output_checksum.h: a fingerprint of the simulated output tables, to show that two
 * runs (thread counts, execution modes, a resumed run) produced the same rows. */
#ifndef PW_IO_OUTPUT_CHECKSUM_H
#define PW_IO_OUTPUT_CHECKSUM_H

#include <stddef.h>

#include "core/err.h"
#include "io/db.h"

/* One line per yearly table, "<table> <rows>:<sum>:<xor>" of 64-bit hashes of the
 * rows as text, of one scenario (NULL: all). out should hold at least 512 bytes. */
int pw_output_checksums(struct pw_db *db, const char *scenario_id, char *out, size_t size, struct pw_err *err);

#endif
