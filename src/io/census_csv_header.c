/* census_csv_header.c: the header record of a census CSV (census_reader_int.h).
 *
 * The reader gives DuckDB the dialect instead of letting it sniff (see
 * census_reader.c), so the column names come from here. Only the first record is
 * read, in 64 KiB steps, re-parsed from the start each time more text arrives:
 * headers are short, and restarting keeps the parser free of resumable state. */
#include "io/census_reader_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool pw__names_push(struct pw__names *h, const char *s, size_t n)
{
    char **names = realloc(h->names, (h->count + 1) * sizeof *names);
    if (!names) return false;
    h->names = names;
    if (!(names[h->count] = malloc(n + 1))) return false;
    memcpy(names[h->count], s, n);
    names[h->count][n] = '\0';
    h->count++;
    return true;
}

void pw__names_release(struct pw__names *h)
{
    for (size_t i = 0; i < h->count; i++) free(h->names[i]);
    free(h->names);
    h->names = NULL, h->count = 0;
}

/* Splits the first record of text[0..len) into h and sets *used to its length.
 * Returns 0, 1 if the record does not end within len bytes and more input may
 * complete it, or PW_ENOMEM. */
static int parse_record(const char *text, size_t len, bool at_eof, struct pw__names *h, size_t *used)
{
    char *field = malloc(len + 1); /* a field is never longer than the text */
    size_t flen = 0, i = 0;
    bool quoted = false;
    int rc = 0;
    pw__names_release(h);
    if (!field) return PW_ENOMEM;
    for (;;) {
        if (i == len) {
            if (!at_eof || quoted) rc = 1;
            else if (!pw__names_push(h, field, flen)) rc = PW_ENOMEM;
            break;
        }
        char c = text[i++];
        if (quoted) {
            if (c == '"' && i < len && text[i] == '"') {
                i++; /* "" inside quotes is one quote */
            } else if (c == '"') {
                quoted = false;
                continue;
            }
        } else if (c == '"') {
            quoted = true;
            continue;
        } else if (c == ',' || c == '\n' || c == '\r') {
            if (!pw__names_push(h, field, flen)) {
                rc = PW_ENOMEM;
                break;
            }
            flen = 0;
            if (c != ',') break;
            continue;
        }
        field[flen++] = c;
    }
    *used = i;
    free(field);
    return rc;
}

/* True if s[0..n) is well-formed UTF-8 without NUL bytes. */
static bool is_utf8_text(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        unsigned char c = s[i];
        size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (c == 0 || extra == 9 || c == 0xC0 || c == 0xC1 || i + extra >= n) return false;
        for (size_t k = 1; k <= extra; k++)
            if ((s[i + k] & 0xC0) != 0x80) return false;
        i += extra + 1;
    }
    return true;
}

int pw__csv_read_header(const char *path, FILE *f, struct pw__names *h, struct pw_err *err)
{
    enum { STEP = 65536 };
    char *text = NULL;
    size_t have = 0;
    int rc = 0;
    for (;;) {
        char *grown = realloc(text, have + STEP);
        if (!grown) {
            rc = pw_err_set(err, PW_ENOMEM, "out of memory reading the header of '%s'", path);
            break;
        }
        text = grown;
        size_t got = fread(text + have, 1, STEP, f);
        have += got;
        if (ferror(f)) {
            rc = pw_err_set(err, PW_EIO, "cannot read '%s': %s", path, strerror(errno));
            break;
        }
        bool eof = got < STEP;
        const char *start = text;
        size_t len = have;
        if (len >= 3 && memcmp(start, "\xEF\xBB\xBF", 3) == 0) start += 3, len -= 3;
        if (eof && len == 0) {
            rc = pw_err_set(err, PW_ECENSUS, "census '%s' is empty", path);
            break;
        }
        size_t used = 0;
        int r = parse_record(start, len, eof, h, &used);
        if (r == PW_ENOMEM) {
            rc = pw_err_set(err, PW_ENOMEM, "out of memory reading the header of '%s'", path);
            break;
        }
        if (r == 0) {
            if (!is_utf8_text((const unsigned char *)start, used))
                rc = pw_err_set(err, PW_ECENSUS,
                                "cannot read census '%s': the header is not UTF-8 text (is it really a CSV file?)", path);
            break;
        }
        if (eof) {
            rc = pw_err_set(err, PW_ECENSUS, "cannot read census '%s': the header has an unterminated quote", path);
            break;
        }
        if (have > PW__CSV_HEADER_MAX) {
            rc = pw_err_set(err, PW_ECENSUS, "cannot read census '%s': the header line is longer than %u bytes",
                            path, PW__CSV_HEADER_MAX);
            break;
        }
    }
    free(text);
    return rc;
}
