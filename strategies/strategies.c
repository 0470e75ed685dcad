/* strategies.c: the registry, expanded from the one list in strategies.h. */
#include "strategies.h"

#include <string.h>

#define GB__STRATEGY_ENTRY(n) &gb_strategy_##n,
const gb_strategy *const gb_strategies[] = {GB_STRATEGY_LIST(GB__STRATEGY_ENTRY) NULL};

/* Compile-time count check, as stress-ng does: the list and the table agree. */
#define GB__STRATEGY_COUNT(n) +1
_Static_assert(sizeof gb_strategies / sizeof gb_strategies[0] == (0 GB_STRATEGY_LIST(GB__STRATEGY_COUNT)) + 1,
               "strategy table and list disagree");

const gb_strategy *gb_strategy_find(const char *name) {
  for (int i = 0; gb_strategies[i]; i++)
    if (strcmp(gb_strategies[i]->name, name) == 0) return gb_strategies[i];
  return NULL;
}
