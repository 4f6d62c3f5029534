/* scenario_id.h: the one rule for scenario ids, used by every command that takes
 * one: 1-64 characters of letters, digits, '_', '-' and '.', not starting with
 * '.' (an id names a checkpoint folder and appears in SQL and file names). */
#ifndef PW_MODEL_SCENARIO_ID_H
#define PW_MODEL_SCENARIO_ID_H

#include <stdbool.h>

#define PW_SCENARIO_ID_RULE "1-64 characters of letters, digits, '_', '-' and '.', not starting with '.'"

bool pw_scenario_id_valid(const char *id);

#endif
