/* workforce.c: column allocation and row copies for struct pw_workforce, driven
 * by the column list PW_WORKFORCE_COLUMNS of workforce.h. */
#include "model/workforce.h"

#include <stdlib.h>
#include <string.h>

#define PW__WF_COLUMNS PW_WORKFORCE_COLUMNS

int pw_workforce_init(struct pw_workforce *wf, struct pw_strpool *strings, size_t capacity)
{
    memset(wf, 0, sizeof *wf);
    wf->strings = strings;
    return pw_workforce_reserve(wf, capacity ? capacity : 64);
}

void pw_workforce_release(struct pw_workforce *wf)
{
#define PW__FREE(col) free((void *)wf->col);
    PW__WF_COLUMNS(PW__FREE)
#undef PW__FREE
    memset(wf, 0, sizeof *wf);
}

int pw_workforce_reserve(struct pw_workforce *wf, size_t capacity)
{
    if (capacity <= wf->capacity) return 0;
#define PW__GROW(col)                                                              \
    {                                                                              \
        void *p = realloc((void *)wf->col, capacity * sizeof *wf->col);            \
        if (!p) return -1;                                                         \
        memset((char *)p + wf->capacity * sizeof *wf->col, 0,                      \
               (capacity - wf->capacity) * sizeof *wf->col);                       \
        memcpy(&wf->col, &p, sizeof p);                                            \
    }
    PW__WF_COLUMNS(PW__GROW)
#undef PW__GROW
    wf->capacity = capacity;
    return 0;
}

size_t pw_workforce_push(struct pw_workforce *wf)
{
    if (wf->count == wf->capacity && pw_workforce_reserve(wf, wf->capacity * 2 + 64) != 0) return (size_t)-1;
    size_t row = wf->count++;
#define PW__ZERO(col) memset((void *)&wf->col[row], 0, sizeof wf->col[row]);
    PW__WF_COLUMNS(PW__ZERO)
#undef PW__ZERO
    return row;
}

void pw_workforce_copy_row(struct pw_workforce *to, size_t dst, const struct pw_workforce *from, size_t src)
{
#define PW__COPY(col) to->col[dst] = from->col[src];
    PW__WF_COLUMNS(PW__COPY)
#undef PW__COPY
}

int pw_id_cmp(const char *a, uint32_t alen, const char *b, uint32_t blen)
{
    uint32_t n = alen < blen ? alen : blen;
    int c = memcmp(a, b, n);
    if (c) return c;
    return alen < blen ? -1 : alen > blen;
}
