/* params.h: parameters declared as data. Kernels, I/O ops and strategy options each carry a table
 * of gb_param_def; one table drives parsing, validation, `gilbench list` and the results file. */
#ifndef GB_PARAMS_H
#define GB_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#define GB_MAX_PARAMS 8

/* One declared parameter. Values are 64-bit integers; a parameter with `choices` is an
 * enumeration whose value is the index of the chosen word ("read|write": read=0, write=1). */
typedef struct gb_param_def {
  const char *name;    /* key as written in definition files and --set */
  const char *help;    /* one line for `gilbench list` */
  int64_t def;         /* default value */
  int64_t min;         /* smallest accepted value (inclusive) */
  int64_t max;         /* largest accepted value (inclusive) */
  const char *choices; /* NULL for a number, "word0|word1|..." for an enumeration, or
                          GB_PARAM_TEXT / GB_PARAM_COMMAND for a free text value */
} gb_param_def;

/* Text parameters (strategy options that are paths, host files or argument lists). A command
 * (GB_PARAM_COMMAND: a program gilbench runs) is accepted from the command line only, never from
 * a file, so nothing read from a file ever runs as a command. */
/* A text value is held in the text table (gb_param_text); the int64 is its index there, 0 the empty
 * text. The markers start with a byte no enumeration word has. */
#define GB_PARAM_TEXT "\001text"
#define GB_PARAM_COMMAND "\001command"
/* 0 for a number or an enumeration, 1 for text, 2 for a command. */
int gb_param_text_kind(const gb_param_def *def);
#define GB_PARAM_TEXT_MAX 256 /* longest text value, with its terminating NUL */
/* The text a text parameter's value names ("" for 0 or an unknown index). */
const char *gb_param_text(int64_t value);

/* Parse `text` as a value of `def` into *out. Returns 0, or GB_EINVAL with a message in err
 * ("expected an integer in [1, 100000], got 'x'"). Accepts 1000000, 1e6, 1_000_000, 4k/4M/4G
 * (powers of 1024 only for suffixes k, M, G) and, for choices, the word. */
int gb_param_parse(const gb_param_def *def, const char *text, int64_t *out, char *err, size_t errlen);

/* Write the value in its canonical text form (the word for choices) into buf. */
void gb_param_format(const gb_param_def *def, int64_t value, char *buf, size_t len);

/* Index of the parameter called `name` in a table of n, or -1. */
int gb_param_find(const gb_param_def *defs, int n, const char *name);

/* The "k=v" pairs of sets[i] whose values differ among sets[0..n-1] (each "k=v,k=v"; a key absent
 * from one counts as different), joined by sep; malloc'd, "" when none. What tells same-named
 * things of a run apart wherever a cell is named: a workload's parameter sets (sumloop (tasks=8))
 * and a strategy's option sets (gil[switch_interval_us=1000]). */
char *gb_params_distinguishing(const char *const *sets, int n, int i, const char *sep);

#endif
