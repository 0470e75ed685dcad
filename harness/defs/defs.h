/* defs.h: definition files (workloads/NAME.ini) and suite files (workloads/suites/NAME.ini), parsed
 * with inih. Every error is "file:line: message" (or "file: message" where there is no line);
 * callers exit with status 2 and run nothing. */
#ifndef GB_DEFS_H
#define GB_DEFS_H

#include <limits.h>
#include <stddef.h>

#include "keys.h" /* gb_reps_parse, gb_workers_parse: shared with the command line */
#include "task.h"

/* Parse a workload definition file into wl (defaults applied, profiles kept as overrides).
 * Returns 0, or GB_EINVAL with "file:line: message" in err. */
int gb_workload_load(const char *path, gb_workload *wl, char *err, size_t errlen);
/* Release what gb_workload_load allocated. */
void gb_workload_free(gb_workload *wl);
/* Deep copy (profiles included). */
void gb_workload_copy(gb_workload *dst, const gb_workload *src);

/* Set one parameter by key: `tasks`, `chunk`, `schedule`, `input_bytes`, `output_bytes`,
 * `phase.N.PARAM`, `group.G.tasks`, `group.G.phase.N.PARAM`, or a bare PARAM where exactly one
 * phase has it. Returns 0, or GB_EINVAL with a message (without file:line) in err. */
int gb_workload_set(gb_workload *wl, const char *key, const char *value, char *err, size_t errlen);
/* Apply the overrides of [profile.NAME] (no-op for "default"); an unknown profile is an error. */
int gb_workload_apply_profile(gb_workload *wl, const char *profile, char *err, size_t errlen);

/* The effective parameters as qualified key/value text pairs, in a stable order (for results and
 * cell identity). Calls fn once per parameter. */
void gb_workload_params_each(const gb_workload *wl,
                             void (*fn)(void *user, const char *key, int64_t value, const char *text),
                             void *user);

/* Find a workload or suite by name or path: a path (contains '/' or ends in .ini) is taken as
 * is; a name is looked up as NAME.ini in $GILBENCH_PATH (':'-separated), then the source tree's
 * and the installed workloads folders (suites/ below them for suites). 0 or GB_EINVAL; on
 * GB_EINVAL, path holds the message to print ("no workload 'x' (looked for x.ini in: ...)"). */
int gb_workload_resolve(const char *name, char *path, size_t len);
int gb_suite_resolve(const char *name, char *path, size_t len);
/* Every shipped workload (names, sorted) found on the search path. Caller frees each and array. */
int gb_workload_list(char ***names);

/* One [set] entry of a suite: a key and its list of values (a sweep when more than one). */
typedef struct gb_suite_set {
  char key[128];
  char **values;
  int nvalues;
  int line;
} gb_suite_set;

/* A suite file. Workers: positive counts, or -k for k*pus ("pus" = -1, "2*pus" = -2). */
typedef struct gb_suite {
  char path[PATH_MAX];
  char **workloads; /* names or paths, as written */
  int nworkloads;
  char **strategies; /* names; "all" expanded to every registered strategy */
  int nstrategies;
  int workers[64];
  int nworkers;
  char profile[GB_NAME_MAX];          /* "" when not given */
  int reps;                           /* -1 when not given (default 5); 0 with reps_auto */
  double reps_auto;                   /* reps = auto[:TARGET]: the target (0.02 = 2%), 0 when fixed */
  int max_reps;                       /* -1 when not given (default 30) */
  double max_cell_s;                  /* -1 when not given (default 20) */
  int warmup;                         /* -1 when not given (default 1) */
  char bind[128];                     /* "" when not given */
  double timeout;                     /* seconds, 0 when not given */
  char cap_strategy[16][GB_NAME_MAX]; /* max_workers: strategy names ... */
  int cap_workers[16];                /* ... and the most workers planned for each */
  int ncaps;
  gb_suite_set *sets; /* [set] entries in file order */
  int nsets;
  /* [part.NAME] sections (with their [part.NAME.set]): a suite made of several products, so it
   * can run exactly the cells it needs. Each part is a suite of its own; what it does not set
   * (strategies, workers, profile, [set] keys) it takes from [suite]. Reps, warmup, bind and
   * timeout are the suite's. */
  struct gb_suite *parts;
  int nparts;
  char name[GB_NAME_MAX]; /* a part's NAME ("" for the suite) */
} gb_suite;

/* Parse and validate a suite file (workloads exist and parse, strategies are registered, [set]
 * keys apply to some listed workload or name a strategy option). 0 or GB_EINVAL + err. */
int gb_suite_load(const char *path, gb_suite *s, char *err, size_t errlen);
void gb_suite_free(gb_suite *s);

/* `gilbench check FILE`: a suite if it has a [suite] (or [set]) section, else a workload. */
int gb_defs_check(const char *path, char *err, size_t errlen);

/* The INI reader behind definition and suite files, for other rule files (workloads/findings.ini):
 * every section and `key = value` with the line it was written on, duplicate sections and keys
 * refused, "file:line: message" errors. */
typedef struct gb_ini_entry {
  const char *section; /* the section it was written in */
  const char *key;
  const char *value;
  int line;
} gb_ini_entry;

typedef struct gb_ini_section {
  const char *name; /* as written between the brackets, trimmed */
  int line;
} gb_ini_section;

typedef struct gb_ini {
  gb_ini_section *sections; /* in file order */
  int nsections;
  gb_ini_entry *entries; /* in file order */
  int nentries;
  void *priv; /* what owns the strings */
} gb_ini;

/* Read path. 0, or GB_EINVAL with "path:line: message" in err (syntax, long line, a section or
 * key written twice, a key outside any section). */
int gb_ini_read(const char *path, gb_ini *ini, char *err, size_t errlen);
void gb_ini_free(gb_ini *ini);
/* Split a comma-separated list (blanks trimmed, empty items refused). 0 or GB_EINVAL; free with
 * gb_ini_list_free. */
int gb_ini_list(const char *value, char ***items, int *n);
void gb_ini_list_free(char **items, int n);

#endif
