/* strbuf.h: a growable, NUL-terminated text buffer for building SQL statements,
 * JSON and reports of any length. Appends never fail on their own: running out
 * of memory sets a sticky flag that the caller checks once, at the end
 * (pw_sb_ok), so building code stays a straight list of appends. */
#ifndef PW_CORE_STRBUF_H
#define PW_CORE_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct pw_strbuf {
    char *buf;      /* NUL-terminated text, or NULL before the first append */
    size_t len;     /* bytes of text, excluding the NUL */
    size_t cap;     /* bytes allocated */
    bool failed;    /* an allocation failed: the text is incomplete */
};

#define PW_STRBUF_INIT {0, 0, 0, false}

void pw_sb_release(struct pw_strbuf *b);
/* Empties the text, keeping the allocation. */
void pw_sb_reset(struct pw_strbuf *b);
void pw_sb_add(struct pw_strbuf *b, const char *s);
void pw_sb_addn(struct pw_strbuf *b, const char *s, size_t n);
void pw_sb_addf(struct pw_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s as a single-quoted SQL string literal, quotes doubled; NULL adds NULL. */
void pw_sb_add_sql_literal(struct pw_strbuf *b, const char *s);
/* s as a double-quoted JSON string with the escapes JSON requires; NULL adds null. */
void pw_sb_add_json_string(struct pw_strbuf *b, const char *s);
/* The text ("" when empty); valid until the next append. */
const char *pw_sb_text(const struct pw_strbuf *b);
/* 0 when every append succeeded, else PW_ENOMEM. */
int pw_sb_ok(const struct pw_strbuf *b);

#endif
