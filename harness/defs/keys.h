/* keys.h: the one grammar (docs/ARCHITECTURE.md "The key table"). Every key a user can write,
 * on the command line, in a suite, in a workload definition or with --set, is one row of
 * gb_keys: its name, type, range, default, help and where it may appear. That row drives the
 * command-line parser, the suite reader, --set, `gilbench list keys`, every `COMMAND --help`
 * and the man page; one parser per type gives one set of messages. */
#ifndef GB_KEYS_H
#define GB_KEYS_H

#include <stddef.h>
#include <stdio.h>

#include "params.h"

/* What a value is; each type has one parser (gb_key_parse). */
typedef enum gb_key_type {
  GB_KT_FLAG,     /* no value: present or not */
  GB_KT_INT,      /* an integer in [min, max] (1e6, 4k accepted as gb_param_parse does) */
  GB_KT_SECONDS,  /* a number of seconds in (min, max] */
  GB_KT_REPS,     /* a count, or auto[:TARGET] (gb_reps_parse) */
  GB_KT_WORKERS,  /* worker counts: N, pus, K*pus, comma-separated (gb_workers_parse) */
  GB_KT_LIST,     /* a comma-separated list with no empty item (gb_list_split) */
  GB_KT_NAME,     /* a name of the name character set, without '.' and '+' */
  GB_KT_BIND,     /* a binding policy (gb_bind_parse: syntax; the PUs are checked when planned) */
  GB_KT_ASSIGN,   /* KEY=VALUE */
  GB_KT_PYTHONS,  /* LABEL=PATH, comma-separated */
  GB_KT_TEXT,     /* free text (a path, a set of counters) */
  GB_KT_PARAM,    /* a workload parameter: parsed by its gb_param_def */
  GB_KT_FRACTION, /* a percentage (5%) or a fraction (0.05) */
} gb_key_type;

/* Where a key may appear (a mask). */
enum {
  GB_KW_CLI = 1u << 0,    /* a command-line option of its command */
  GB_KW_SUITE = 1u << 1,  /* a [suite] key */
  GB_KW_PART = 1u << 2,   /* a [part.NAME] key */
  GB_KW_SET = 1u << 3,    /* --set KEY=VALUE and a suite's [set] (sweeps) */
  GB_KW_DEF = 1u << 4,    /* a workload definition's [workload] (or [group.NAME]) key */
  GB_KW_PHASE = 1u << 5,  /* a [phase.N] key of a definition */
  GB_KW_OPTION = 1u << 6, /* a strategy option: STRATEGY.OPTION or FAMILY.OPTION (--set, [set]) */
  GB_KW_GROUP = 1u << 7,  /* a [group.NAME] key of a definition with groups (group.NAME.KEY) */
  GB_KW_RESULTS = 1u << 8 /* echoed in results.json's meta under its name (gb_plan_settings_json) */
};

/* The keys with a storage of their own (the command line's and the suites' settings). */
typedef enum gb_key_id {
  GB_K_NONE,
  GB_K_WORKLOADS,
  GB_K_STRATEGIES,
  GB_K_WORKERS,
  GB_K_MAX_WORKERS,
  GB_K_PROFILE,
  GB_K_SET,
  GB_K_REPS,
  GB_K_MAX_REPS,
  GB_K_MAX_CELL_SECONDS,
  GB_K_WARMUP,
  GB_K_BIND,
  GB_K_TIMEOUT,
  GB_K_PYTHONS,
  GB_K_SEED,
  GB_K_OUTPUT,
  GB_K_DRY_RUN,
  GB_K_QUIET,
  GB_K_COUNTERS,
  GB_K_COUNTERS_BACKEND,
  GB_K_NO_ISOLATION,
  GB_K_RESUME,
  GB_K_CHECKPOINT_STATS,
  GB_K_SYNTHETIC,
  GB_K_MAN,
  /* a workload definition's keys (defs_set.c stores them: one case per id) */
  GB_K_NAME,
  GB_K_SUMMARY,
  GB_K_KIND,
  GB_K_MEASURE,
  GB_K_SCHEDULE,
  GB_K_CHUNK,
  GB_K_TASKS,
  GB_K_INPUT_BYTES,
  GB_K_OUTPUT_BYTES,
  GB_K_KERNEL,
  GB_K_IO,
  GB_K_PYTHON,
} gb_key_id;

typedef struct gb_key {
  gb_key_id id;
  const char *command; /* the command whose option it is ("run"); NULL for file-only keys */
  const char *name;    /* the key in files ("max_cell_seconds"); NULL for a command-line-only one */
  const char *flag;    /* the long option without "--" ("max-cell-seconds"); NULL for none */
  char shortopt;       /* 'n' for -n, 0 for none */
  gb_key_type type;
  double min, max;           /* range of INT and SECONDS (SECONDS: min excluded) */
  const char *def;           /* the default, as text ("5"; "" when there is none) */
  const char *arg;           /* what the value looks like in help ("N|auto[:TARGET]") */
  const char *help;          /* one or two sentences */
  unsigned where;            /* GB_KW_* */
  const char *example;       /* a valid value other than the default (tests/unit/test_keys.c) */
  const gb_param_def *param; /* GB_KT_PARAM: the parameter */
} gb_key;

/* The workload's own settings (definition files, --set): parsed like any kernel parameter. */
extern const gb_param_def gb_wlparam_tasks, gb_wlparam_input, gb_wlparam_output, gb_wlparam_chunk,
    gb_wlparam_schedule, gb_wlparam_kind, gb_wlparam_measure, gb_wlparam_python;

extern const gb_key gb_keys[];
extern const int gb_nkeys;

/* A parsed value. Lists are owned: release with gb_key_value_free. */
typedef struct gb_key_value {
  long long i;  /* INT; REPS: the count (0 for auto); FLAG: 1 */
  double d;     /* SECONDS, FRACTION; REPS: the auto target (0 for a count) */
  char **items; /* LIST, PYTHONS */
  int nitems;
  int workers[64]; /* WORKERS: counts, or -K for K*pus */
  int nworkers;
  const char *text; /* NAME, BIND, ASSIGN, TEXT: the text as given (not copied) */
} gb_key_value;

/* The key of a file section (GB_KW_SUITE, GB_KW_PART, GB_KW_DEF, ...) called name, or NULL. */
const gb_key *gb_key_by_name(const char *name, unsigned where);
/* The names of the keys a section takes (where), comma-separated, into buf; keys also marked
 * `unless` are left out. */
void gb_keys_names(unsigned where, unsigned unless, char *buf, size_t len);
/* The command-line key of command with this id, or NULL. */
const gb_key *gb_key_by_id(const char *command, gb_key_id id);
/* Parse text as a value of k. 0, or -1 with a message in msg ("expected an integer in [1,
 * 100000], got 'x'") that the caller prefixes with where it was read (gb_key_where). */
int gb_key_parse(const gb_key *k, const char *text, gb_key_value *v, char *msg, size_t msglen);
void gb_key_value_free(gb_key_value *v);
/* "--reps" (flag given), or "FILE:LINE: reps" (read from a file), into buf. */
const char *gb_key_where(const gb_key *k, const char *path, int line, char *buf, size_t len);

/* Worker expressions (the command line's -n and a suite's workers): N in [1, GB_MAX_WORKERS],
 * pus, or K*pus (K in [1, 64]); out[i] = N, or -K for K*pus. 0, or -1 with msg. */
int gb_workers_parse(char *const *items, int n, int *out, int max, char *msg, size_t msglen);
/* `reps` text: a count in [1, 100000], or auto[:TARGET] with TARGET a percentage ("2%") or a
 * fraction ("0.02") in (0, 50%]; *reps = the count (0 for auto), *target = the target (0 for a
 * count). 0, or -1 with msg. */
int gb_reps_parse(const char *text, int *reps, double *target, char *msg, size_t msglen);

/* getopt_long's tables for command: long options (val = 256 + row index) and short ones. Returns
 * the number of long options written (lo ends with a zero row; max counts it). */
int gb_keys_getopt(const char *command, void *lo, int max, char *shortopts, size_t len);
/* The key getopt_long returned c for (a long option's val or a short option), or NULL. */
const gb_key *gb_keys_from_getopt(const char *command, int c);

/* The commands, in the order `gilbench --help` lists them, with their synopses. */
typedef struct gb_command_doc {
  const char *name;
  const char *args; /* positional arguments ("[SUITE]") */
  const char *help;
} gb_command_doc;
extern const gb_command_doc gb_commands[];
const gb_command_doc *gb_command_find(const char *name);

/* `gilbench COMMAND --help`: the command's synopsis and its options, from the table. */
void gb_keys_help(const char *command, FILE *out);
/* `gilbench list keys`: every key, with its type, range, default and where it may appear. */
void gb_keys_list(FILE *out);
/* `gilbench help --man`: the man page gilbench(1), in roff, from the table. */
void gb_keys_man(FILE *out);

/* ---------------------------------------------------------------------------------------------
 * Strategy options (optkey.c): one parser for a STRATEGY.OPTION or FAMILY.OPTION key, wherever it
 * is written (--set, a suite's [set]). FAMILY is a strategy descriptor's .family (cpython, pypy,
 * jython, a --python LABEL). */
struct gb_strategy;
/* How key addresses strategy s: 0 not, 1 through its family, 2 by its name; *option = the option's
 * index in s's table. */
int gb_optkey_match(const char *key, const struct gb_strategy *s, int *option);
/* Check an option key and its values: 0 when key is not of that form (no strategy or family
 * before its dot: a workload key), 1 when every value parses for every strategy it addresses,
 * -1 with msg otherwise (unknown option, bad value, a program named in a file: from_file). */
int gb_optkey_check(const char *key, char *const *values, int nvalues, int from_file, char *msg,
                    size_t msglen);
/* Apply key=value to opts of s where it addresses s at this precedence (1 family, 2 name):
 * FAMILY.OPTION first, then STRATEGY.OPTION, which is more specific and wins. 1 when applied. */
int gb_optkey_apply(const char *key, const char *value, const struct gb_strategy *s, int precedence,
                    int64_t *opts);

#endif
