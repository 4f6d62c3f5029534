/* embedded.c: lookup in the generated arrays of embedded.h. */
#include "core/embedded.h"

#include <string.h>

const struct pw_embedded_file *pw_embedded_find(const struct pw_embedded_file *files, const char *name)
{
    for (; files && files->name; files++)
        if (strcmp(files->name, name) == 0) return files;
    return NULL;
}
