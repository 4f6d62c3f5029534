/* scenario_id.c: validation of scenario ids (see scenario_id.h). Whitespace and
 * newlines are refused because they made odd checkpoint folders. */
#include "model/scenario_id.h"

#include <string.h>

bool pw_scenario_id_valid(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > 64 || id[0] == '.') return false;
    for (size_t i = 0; i < n; i++) {
        char c = id[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}
