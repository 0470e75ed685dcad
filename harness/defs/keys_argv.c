/* keys_argv.c: every command's options read through the key table (keys.h; docs/ARCHITECTURE.md
 * "The key table"): one getopt loop for all commands, so a value is parsed by its row's type and
 * an unknown option, a missing value or a bad value is worded the same whatever the command. */
#include <getopt.h>
#include <string.h>

#include "gb.h"
#include "keys.h"

/* What getopt_long returns for a missing value (the option string starts with ':'). */
#define MISSING ':'

/* An unknown long option (an abbreviation is one: the table's names are the grammar, so an option
 * is accepted as its row writes it, and a longer option added later breaks no command line). The
 * message names the options it begins, if any. */
static int unknown_long(const char *word, const struct option *lo, char *err, size_t errlen) {
  char name[128], cands[512] = "";
  snprintf(name, sizeof name, "%.*s", (int)strcspn(word, "="), word);
  size_t len = strlen(name) > 2 ? strlen(name) - 2 : 0;
  for (int i = 0; len && lo[i].name; i++)
    if (strncmp(lo[i].name, name + 2, len) == 0)
      snprintf(cands + strlen(cands), sizeof cands - strlen(cands), "%s--%s", *cands ? ", " : "", lo[i].name);
  if (*cands) return gb_err(err, errlen, GB_EINVAL, "unknown option '%s' (did you mean %s?)", name, cands);
  return gb_err(err, errlen, GB_EINVAL, "unknown option '%s'", name);
}

/* The word the user typed for the long option getopt_long just matched (before its separate value,
 * if it has one). */
static const char *typed_word(char **argv, int has_arg) {
  if (has_arg && optarg == argv[optind - 1]) return argv[optind - 2];
  return argv[optind - 1];
}

/* Whether word is an abbreviation of --name rather than --name or --name=VALUE. */
static int abbreviated(const char *word, const char *name) {
  size_t n = strlen(name);
  return strncmp(word, "--", 2) != 0 || strncmp(word + 2, name, n) != 0 ||
         (word[2 + n] && word[2 + n] != '=');
}

/* The message for what getopt_long refused (c is '?' or MISSING) in the word before argv[optind]. */
static int refused(const char *command, int c, char **argv, const struct option *lo, char *err,
                   size_t errlen) {
  const gb_key *k = optopt ? gb_keys_from_getopt(command, optopt) : NULL;
  char where[128];
  if (c == MISSING && k)
    return gb_err(err, errlen, GB_EINVAL, "%s needs a value (%s)",
                  gb_key_where(k, NULL, 0, where, sizeof where), k->arg ? k->arg : "VALUE");
  if (k && optopt >= 256) /* --flag=VALUE for a flag */
    return gb_err(err, errlen, GB_EINVAL, "--%s takes no value", k->flag);
  if (optopt > 0 && optopt < 256) return gb_err(err, errlen, GB_EINVAL, "unknown option '-%c'", optopt);
  return unknown_long(argv[optind - 1], lo, err, errlen);
}

int gb_keys_parse_argv(gb_keys_args *a, int argc, char **argv, char *err, size_t errlen) {
  struct option lo[64];
  char shortopts[64] = {MISSING};
  gb_keys_getopt(a->command, lo, (int)GB_ARRAY_LEN(lo), shortopts + 1, sizeof shortopts - 1);
  int saved_opterr = opterr, c, rc = 0;
  opterr = 0; /* every message is ours, worded alike for every command */
  optind = 0; /* GNU getopt: start afresh (tests parse many command lines in one process) */
  err[0] = '\0';
  int li = -1;
  while (rc == 0 && (c = getopt_long(argc, argv, shortopts, lo, &li)) != -1) {
    const gb_key *k = c == '?' || c == MISSING ? NULL : gb_keys_from_getopt(a->command, c);
    if (!k) {
      rc = refused(a->command, c, argv, lo, err, errlen);
      break;
    }
    if (li >= 0 && abbreviated(typed_word(argv, lo[li].has_arg), lo[li].name)) {
      rc = unknown_long(typed_word(argv, lo[li].has_arg), lo, err, errlen);
      break;
    }
    li = -1;
    const char *text = k->type == GB_KT_FLAG ? "" : optarg;
    gb_key_value v;
    char msg[1024], where[128];
    rc =
        gb_key_parse(k, text, &v, msg, sizeof msg) == 0 ? a->store(a->ctx, k, &v, text, msg, sizeof msg) : -1;
    gb_key_value_free(&v);
    if (rc != 0)
      rc = gb_err(err, errlen, GB_EINVAL, "%s%s%s: %s", gb_key_where(k, NULL, 0, where, sizeof where),
                  *text ? " " : "", text, msg);
  }
  a->first = optind;
  opterr = saved_opterr;
  return rc;
}

/* "-o DIR" or "--formats F,..." as the synopsis shows an option: the short form when there is one. */
static void synopsis_option(const gb_key *k, char *buf, size_t len) {
  const char *arg = k->type == GB_KT_FLAG || !k->arg ? "" : k->arg;
  if (k->shortopt)
    snprintf(buf, len, "[-%c%s%s]", k->shortopt, *arg ? " " : "", arg);
  else
    snprintf(buf, len, "[--%s%s%s]", k->flag, *arg ? " " : "", arg);
}

void gb_keys_synopsis(const char *command, FILE *out) {
  const gb_command_doc *c = gb_command_find(command);
  if (!c) return;
  int col = fprintf(out, "usage: gilbench %s%s%s", c->name, *c->args ? " " : "", c->args);
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!(k->where & GB_KW_CLI) || !k->command || strcmp(k->command, command) != 0) continue;
    char opt[160];
    synopsis_option(k, opt, sizeof opt);
    if (col + 1 + (int)strlen(opt) > 100) col = fprintf(out, "\n       ") - 1;
    col += fprintf(out, " %s", opt);
  }
  fprintf(out, "\n");
}
