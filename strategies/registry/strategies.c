/* strategies.c: the registry, expanded from the one list in strategies.h. */
#include "strategies.h"

#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#define GB__STRATEGY_ENTRY(n) &gb_strategy_##n,
/* The built-in list, then room for the families --python adds at run time (gb_strategy_add). */
const gb_strategy *gb_strategies[GB_MAX_STRATEGIES + 1] = {GB_STRATEGY_LIST(GB__STRATEGY_ENTRY) NULL};

/* Compile-time count check, as stress-ng does: the list fits the table with room to spare. */
#define GB__STRATEGY_COUNT(n) +1
_Static_assert((0 GB_STRATEGY_LIST(GB__STRATEGY_COUNT)) + 64 <= GB_MAX_STRATEGIES,
               "the strategy table leaves too little room for --python families");

int gb_strategy_add(const gb_strategy *s) {
  int n = 0;
  while (gb_strategies[n])
    n++;
  if (n >= GB_MAX_STRATEGIES || gb_strategy_find(s->name)) return -1;
  gb_strategies[n] = s;
  gb_strategies[n + 1] = NULL;
  return 0;
}

const gb_strategy *gb_strategy_find(const char *name) {
  for (int i = 0; gb_strategies[i]; i++)
    if (strcmp(gb_strategies[i]->name, name) == 0) return gb_strategies[i];
  return NULL;
}

const char *gb_strategy_baseline(const gb_strategy *s, const int64_t *opts) {
  const char *b = s->baseline_of ? s->baseline_of(opts) : NULL;
  return b ? b : s->baseline;
}

/* Whether strategy s is what `word` (without its '-') names. */
static int gb__strategy_matches(const gb_strategy *s, const char *word) {
  if (strcmp(word, "all") == 0) return 1;
  if (strcmp(word, "native") == 0) return s->family == NULL; /* the models: no interpreter family */
  return fnmatch(word, s->name, 0) == 0;
}

int gb_strategy_select(char *const *words, int n, const gb_strategy **out, int max, char *err,
                       size_t errlen) {
  int count = 0;
  if (n > 0 && words[0][0] == '-') /* only leaving out: from every strategy, as "all,-gil" */
    for (int k = 0; gb_strategies[k] && count < max; k++)
      out[count++] = gb_strategies[k];
  for (int i = 0; i < n; i++) {
    int drop = words[i][0] == '-';
    const char *w = words[i] + drop;
    int matched = 0;
    for (int k = 0; gb_strategies[k]; k++) {
      const gb_strategy *s = gb_strategies[k];
      if (!gb__strategy_matches(s, w)) continue;
      matched++;
      int at = 0;
      while (at < count && out[at] != s)
        at++;
      if (drop && at < count) {
        memmove(&out[at], &out[at + 1], sizeof *out * (size_t)(count - at - 1));
        count--;
      } else if (!drop && at == count && count < max) {
        out[count++] = s;
      }
    }
    if (!matched) {
      char known[1024] = "";
      size_t off = 0;
      for (int k = 0; gb_strategies[k] && off < sizeof known; k++)
        off +=
            (size_t)snprintf(known + off, sizeof known - off, "%s%s", k ? ", " : "", gb_strategies[k]->name);
      snprintf(err, errlen,
               "unknown strategy '%s' (known: %s; or all, native, a pattern such as "
               "cpython-*, and -NAME to leave some out)",
               w, known);
      return -1;
    }
  }
  return count;
}
