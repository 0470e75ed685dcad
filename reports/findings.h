/* findings.h: turn a run into the answers its users came for. Each claim (the seed's: threads help
 * I/O but not CPU-bound work, processes pay for data sharing, ...) is a small declarative rule in
 * workloads/findings.ini: the cells it needs (selectors over workload, strategy name or pattern,
 * workers and parameters), one statistic from a fixed vocabulary, a threshold, and what would
 * contradict it. Evaluated over a results file, each rule becomes a finding: confirmed,
 * contradicted, inconclusive or not measured, with its figure, a seeded 95% bootstrap interval and
 * the cells behind it. The same findings, grouped by approach, rebuild the seed's comparison table
 * at the top of the report. */
#ifndef GB_FINDINGS_H
#define GB_FINDINGS_H

#include <limits.h>
#include <stdio.h>

#include "rbuf.h"
#include "rmodel.h"

/* The statistics a rule may ask for. */
typedef enum gb_fstat {
  GB_FSTAT_SPEEDUP,    /* baseline median wall / the cell's median wall (x) */
  GB_FSTAT_EFFICIENCY, /* speedup / workers */
  GB_FSTAT_OVERHEAD,   /* per-task overhead: (workers x wall - baseline wall) / tasks (us) */
  GB_FSTAT_RATIO,      /* median of cell / median of versus, of wall or another measure (x) */
  GB_FSTAT_P50,        /* I/O latency median (us) */
  GB_FSTAT_P99,        /* I/O latency 99th percentile (us) */
  GB_FSTAT_THROUGHPUT, /* I/O operations per second */
  GB_FSTAT_RSS,        /* peak resident memory per worker (MiB) */
  GB_FSTAT_STARTUP,    /* time to start the workers (ms) */
  GB_FSTAT_COUNT
} gb_fstat;

/* What a ratio compares (`of = ...`): the per-repetition value read from each cell. */
typedef enum gb_fmeasure {
  GB_FM_WALL,
  GB_FM_P50,
  GB_FM_P99,
  GB_FM_THROUGHPUT,
  GB_FM_RSS,
  GB_FM_STARTUP,
  GB_FM_COUNT
} gb_fmeasure;

/* A selector: `workload=W strategy=S workers=N|max|min KEY=VALUE ...`. Workload and strategy are
 * fnmatch patterns; any other key is a workload parameter (qualified, or a bare name that ends a
 * qualified one: `n` matches `phase.1.n`) or a strategy option, compared as text. */
typedef struct gb_fsel {
  char *text;            /* as written, for messages */
  char *workload;        /* pattern ("*" when not given) */
  char *strategy;        /* pattern ("*" when not given) */
  int workers;           /* N > 0, or GB_FSEL_MAX / GB_FSEL_MIN / GB_FSEL_ANY */
  char *binding;         /* NULL when not given */
  char **keys, **values; /* parameter or option constraints */
  int nkv;
} gb_fsel;

enum { GB_FSEL_ANY = 0, GB_FSEL_MAX = -1, GB_FSEL_MIN = -2 };

/* One [finding.ID] section. */
typedef struct gb_frule {
  char *id;            /* the section's name after "finding." */
  char *claim;         /* the claim in words */
  char *approach;      /* the [approach.ID] row it backs (NULL: none) */
  int column;          /* GB_FCOL_*: which column of that row */
  gb_fstat stat;       /* the statistic */
  gb_fmeasure of;      /* what a ratio compares (wall unless `of` says) */
  gb_fsel cell;        /* the cell the statistic is about */
  gb_fsel versus;      /* the other cell (ratio), or an explicit baseline (speedup, efficiency,
                          overhead) */
  int has_versus;      /* versus was given */
  char op;             /* '<' or '>': the claim holds when the figure is below / above threshold */
  double threshold;    /* in the statistic's unit */
  char *contradiction; /* what a contradiction means, in words */
  int line;            /* the section's line */
} gb_frule;

enum { GB_FCOL_GIL, GB_FCOL_COST, GB_FCOL_IO, GB_FCOL_COUNT };

/* One [approach.ID] section: a row of the seed's table, with what the seed says in it. */
typedef struct gb_fapproach {
  char *id;
  char *name;         /* "Threads in CPython" */
  char *seed_gil;     /* the seed's "bypasses the GIL?" */
  char *seed_verdict; /* the seed's typical use / verdict */
  int line;
} gb_fapproach;

typedef struct gb_frules {
  char path[PATH_MAX];
  gb_frule *rules;
  int nrules;
  gb_fapproach *approaches;
  int napproaches;
} gb_frules;

/* Find a rules file: a path is taken as is, a name (default "findings") is looked up as NAME.ini
 * where workload definitions are. 0, or GB_EINVAL with the message in path. */
int gb_findings_resolve(const char *name, char *path, size_t len);
/* Parse and validate a rules file. 0, or GB_EINVAL with "file:line: message" in err. */
int gb_findings_load(const char *path, gb_frules *r, char *err, size_t errlen);
void gb_findings_free(gb_frules *r);
/* A quick test used by `gilbench check`: does the file hold [finding.*] sections? */
int gb_findings_file_is(const char *path);

typedef enum gb_fverdict {
  GB_FV_CONFIRMED,
  GB_FV_CONTRADICTED,
  GB_FV_INCONCLUSIVE,
  GB_FV_NOT_MEASURED,
  GB_FV_COUNT
} gb_fverdict;

/* A rule evaluated over one run. */
typedef struct gb_finding {
  const gb_frule *rule;
  gb_fverdict verdict;
  double value, lo, hi; /* the figure and its 95% interval (NAN when not measured) */
  double p;             /* Mann-Whitney p of the two samples (NAN for one-cell statistics) */
  int cell, other;      /* model cell indexes (-1 when none): the cell, and versus or baseline */
  int nmatched;         /* cells the cell's selector matched (the best of them is used) */
  char reason[1024];    /* why inconclusive or not measured, or what was found ("" when none) */
} gb_finding;

/* Evaluate every rule over the model; out has r->nrules entries. Deterministic: the bootstrap is
 * seeded from each rule's id. */
void gb_findings_eval(const gb_frules *r, const gb_rmodel *m, gb_finding *out);

const char *gb_fverdict_name(gb_fverdict v);
const char *gb_fstat_name(gb_fstat s);

/* The views: console text, one JSON object, and the report's opening section. */
void gb_findings_text(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, FILE *out);
json_t *gb_findings_json(const gb_frules *r, const gb_rmodel *m, const gb_finding *f);
void gb_findings_md(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, gb_buf *b);
void gb_findings_html(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, gb_buf *b);

/* `gilbench findings RESULTS [--rules FILE] [--json]`'s body (its options and rules read by the
 * command layer): the rules r judged over the run input, as text or JSON on out. 0, or the
 * results loader's code with err. */
int gb_findings_print(const gb_frules *r, const char *input, int as_json, FILE *out, char *err,
                      size_t errlen);

#endif
