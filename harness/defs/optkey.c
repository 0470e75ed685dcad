/* optkey.c: strategy-option keys, STRATEGY.OPTION and FAMILY.OPTION (keys.h). The plan and the
 * suite reader both go through here, so an option key has one meaning and one set of messages. */
#include <stdio.h>
#include <string.h>

#include "keys.h"
#include "strategy.h"

/* The part of key before its dot, into buf; NULL when there is no dot or it does not fit. */
static const char *key_prefix(const char *key, char *buf, size_t len) {
  const char *dot = strchr(key, '.');
  if (!dot || dot == key || (size_t)(dot - key) >= len) return NULL;
  snprintf(buf, len, "%.*s", (int)(dot - key), key);
  return dot + 1;
}

int gb_optkey_match(const char *key, const gb_strategy *s, int *option) {
  char prefix[128];
  *option = -1;
  const char *opt = key_prefix(key, prefix, sizeof prefix);
  if (!opt) return 0;
  int how = strcmp(s->name, prefix) == 0 ? 2 : s->family && strcmp(s->family, prefix) == 0 ? 1 : 0;
  if (!how) return 0;
  *option = gb_param_find(s->options, s->noptions, opt);
  return *option >= 0 ? how : 0;
}

/* Whether any registered strategy is named prefix (2) or has the family prefix (1). */
static int prefix_kind(const char *prefix) {
  if (gb_strategy_find(prefix)) return 2;
  for (int i = 0; gb_strategies[i]; i++)
    if (gb_strategies[i]->family && strcmp(gb_strategies[i]->family, prefix) == 0) return 1;
  return 0;
}

/* The options the strategies prefix addresses have, comma-separated, into buf. */
static void known_options(const char *prefix, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (int i = 0; gb_strategies[i]; i++) {
    const gb_strategy *s = gb_strategies[i];
    if (strcmp(s->name, prefix) != 0 && !(s->family && strcmp(s->family, prefix) == 0)) continue;
    for (int o = 0; o < s->noptions && off < len; o++) {
      char word[80];
      snprintf(word, sizeof word, "%s,", s->options[o].name);
      if (strstr(buf, word) == NULL) off += (size_t)snprintf(buf + off, len - off, "%s", word);
    }
  }
  if (off > 0 && off < len) buf[off - 1] = '\0';
}

/* Every value parses for strategy s's option o. */
static int check_values(const gb_strategy *s, int o, const char *key, char *const *values, int n,
                        int from_file, char *msg, size_t msglen) {
  const gb_param_def *def = &s->options[o];
  if (from_file && gb_param_text_kind(def) == 2) {
    snprintf(msg, msglen,
             "%s names a program to run, so it is taken from the command line only (--set %s=...), "
             "never from a file",
             key, key);
    return -1;
  }
  for (int v = 0; v < n; v++) {
    int64_t x;
    char e[512];
    if (gb_param_parse(def, values[v], &x, e, sizeof e) != 0) {
      snprintf(msg, msglen, "%s: %s", key, e);
      return -1;
    }
  }
  return 0;
}

int gb_optkey_check(const char *key, char *const *values, int nvalues, int from_file, char *msg,
                    size_t msglen) {
  char prefix[128];
  const char *opt = key_prefix(key, prefix, sizeof prefix);
  int kind = opt ? prefix_kind(prefix) : 0;
  if (!kind) return 0;
  int takers = 0;
  for (int i = 0; gb_strategies[i]; i++) {
    int o;
    if (!gb_optkey_match(key, gb_strategies[i], &o)) continue;
    if (check_values(gb_strategies[i], o, key, values, nvalues, from_file, msg, msglen) != 0) return -1;
    takers++;
  }
  if (takers) return 1;
  char known[1024];
  known_options(prefix, known, sizeof known);
  if (kind == 2)
    snprintf(msg, msglen, "%s: unknown option '%s' of %s (%s%s)", key, opt, prefix,
             *known ? "it has: " : "it has no options", known);
  else
    snprintf(msg, msglen, "%s: unknown option '%s' of the %s family (%s%s)", key, opt, prefix,
             *known ? "they have: " : "they have no options", known);
  return -1;
}

int gb_optkey_apply(const char *key, const char *value, const gb_strategy *s, int precedence, int64_t *opts) {
  int o = -1;
  if (gb_optkey_match(key, s, &o) != precedence || o < 0) return 0;
  char e[512];
  return gb_param_parse(&s->options[o], value, &opts[o], e, sizeof e) == 0;
}
