/* textbuf.h: an append-only formatter into a fixed caller buffer, for the
 * event_details strings built for every event (snprintf with %f would dominate
 * the cost of building millions of events). Output is truncated, never overrun,
 * and always NUL-terminated. */
#ifndef PW_CORE_TEXTBUF_H
#define PW_CORE_TEXTBUF_H

#include <stddef.h>

#include "core/date.h"

struct pw_textbuf {
    char *buf;      /* caller's buffer */
    size_t len;     /* bytes written, excluding the NUL */
    size_t size;    /* capacity including the NUL, > 0 */
};

void pw_tb_str(struct pw_textbuf *t, const char *s);
void pw_tb_int(struct pw_textbuf *t, long long v);
/* Fixed point with places (0-6) decimals, rounded half away from zero; "NaN" for non-finite. */
void pw_tb_fixed(struct pw_textbuf *t, double v, int places);
void pw_tb_date(struct pw_textbuf *t, pw_date date);   /* YYYY-MM-DD */

/* v with thousands separators ("-12,345,678") in buf; returns buf. */
const char *pw_fmt_grouped(long long v, char *buf, size_t size);

#endif
