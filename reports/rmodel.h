/* rmodel.h: the report's in-memory view of a results file. Every report format (charts, HTML,
 * Markdown, CSV) and `compare` read the same model, built once from the JSON, so that they agree
 * on groups, series, labels and colors. The JSON stays the source of truth: the model borrows
 * from it and adds what the views need (medians, intervals, labels). Fields that a results file
 * may lack (older or newer files, cells that never ran) come out as NAN or empty, never as 0. */
#ifndef GB_RMODEL_H
#define GB_RMODEL_H

#include <jansson.h>
#include <limits.h>

/* I/O latency summary in microseconds (docs/ARCHITECTURE.md's latency_us). */
typedef struct gb_rlat {
  double p50, p90, p99, p999, max, count;
} gb_rlat;

typedef struct gb_rcell {
  json_t *j; /* the cell object (borrowed from the model's root) */
  int index; /* position in "cells": trace files are cell-<index>-rep-<k>.* */
  const char *workload, *strategy, *status, *error, *binding, *kind, *measure;
  const char *baseline;        /* the strategy the speedup is over ("" when unknown) */
  int baseline_workers;        /* its workers (0: no baseline was measured; 1 for files before schema 3) */
  const char *baseline_kind;   /* "family" (the family's serial run), "self" (the same strategy at its
                                  fewest workers, when the family's is not in the run) or "none" */
  const char *baseline_family; /* the family's baseline strategy, whichever was used ("" unknown) */
  int workers;
  int group;               /* index into the model's groups */
  int series;              /* index into the model's series */
  int ok;                  /* status is "ok" */
  int nreps;               /* measured repetitions present */
  double median;           /* median wall_s (NAN when no repetition) */
  double mlo, mhi;         /* 95% interval of the median wall_s */
  double speedup;          /* baseline median / this median (NAN when none) */
  double slo, shi;         /* speedup's 95% interval: the bootstrap of the ratio (both sides' spread) from
                              the results, or for older files the baseline median over this cell's
                              median interval */
  double efficiency;       /* speedup / ideal (NAN when none) */
  double ideal;            /* the ideal speedup: results' ideal.speedup, or workers for older files */
  const char *ideal_basis; /* "cpu" (min(workers, PUs)), "overlap" (I/O, mixed) or "workers" (old) */
  const char *eff_flag;    /* likely cause of an efficiency above 105%, NULL when none */
  double impl_factor;      /* for a serial run of another implementation or binary: the family's
                              reference median over this one's (NAN when none) */
  double ilo, ihi;         /* its 95% interval */
  const char *impl_ref;    /* the reference strategy */
  gb_rlat lat;             /* cell latency; valid when have_lat */
  int have_lat;            /* latency_us present with count > 0 */
  double io_ops_per_s;     /* median over repetitions of io_ops_per_s, NAN when absent or 0 */
  char *opts;              /* options as "k=v,k=v" in file order ("" when none) */
  char *params;            /* params as "k=v,k=v" */
  char *family;            /* gb_rmodel_family: "native", "cpython", "pypy", "jython" or a --python LABEL */
} gb_rcell;

/* A workload with one set of parameter values: what a chart or a verdict row is about. */
typedef struct gb_rgroup {
  char *workload;      /* workload name */
  char *label;         /* name, plus the parameters that tell it from same-named groups */
  char *slug;          /* file-name and HTML-id safe, unique */
  char *params;        /* "k=v,k=v" */
  const char *kind;    /* cpu | io | mixed */
  const char *measure; /* wall | latency */
  int *cells;          /* indexes into the model's cells, in file order */
  int ncells;
  int *workers; /* distinct worker counts, ascending */
  int nworkers;
} gb_rgroup;

/* A line in a chart: a strategy with one option set and one binding. */
typedef struct gb_rseries {
  char *strategy;
  char *opts; /* "k=v,k=v" */
  char *binding;
  char *label;       /* strategy, plus the options (and binding) that differ between the run's
                        cells of that strategy: cpython-processes[start=spawn] (plan.h's
                        gb_plan_cell_label names a cell in progress lines the same way) */
  const char *color; /* the strategy's color (palette.h) */
  int dash;          /* gnuplot dash type: 1 for the first variant of a strategy, 2, 3, ... */
} gb_rseries;

typedef struct gb_rmodel {
  json_t *root;        /* the results document (one reference held by the model) */
  json_t *meta;        /* root.meta (borrowed) */
  char dir[PATH_MAX];  /* folder of the results file: traces and topology.xml live there */
  char path[PATH_MAX]; /* the results file */
  gb_rcell *cells;
  int ncells;
  gb_rgroup *groups;
  int ngroups;
  gb_rseries *series; /* sorted: strategy registry order, then first appearance */
  int nseries;
  int max_workers;       /* largest worker count of any cell */
  int nfailed, nskipped; /* cells failed or timed out; cells skipped */
} gb_rmodel;

/* Build the model from a loaded results document (gb_results_load has validated its shape);
 * path is the results file or its folder. Takes a new reference to root. */
void gb_rmodel_build(gb_rmodel *m, json_t *root, const char *path);
void gb_rmodel_free(gb_rmodel *m);
/* The ok cell of (group, series) with the most workers, or -1: the one bar or point a per-group
 * chart shows for a series when it cannot show every worker count. */
int gb_rmodel_rep_cell(const gb_rmodel *m, int group, int series);
/* A cell's baseline as short text: "" for its family's serial run, "self ×1" when the speedup is
 * over the same strategy at its fewest workers (the family's baseline was not in the run). */
void gb_rcell_baseline_text(const gb_rcell *c, char *buf, size_t len);
/* The cell of (group, series, workers), or -1. */
int gb_rmodel_find(const gb_rmodel *m, int group, int series, int workers);
/* The family of a cell (README "Every Python"): the cell's "family" (the strategy descriptor's,
 * which the writer records), else, in a file written before it did, derived from its baseline and
 * name: "native" (the models, baseline serial), "cpython", "pypy", "jython", or the LABEL of a
 * `--python LABEL=PATH` family (an "other Python"). The one place that decides it. Malloc'd. */
char *gb_rmodel_family(json_t *cell);
/* A family's own serial baseline ("serial", "cpython-serial", "LABEL-serial") into buf; returns buf. */
const char *gb_rfamily_baseline(const char *family, char *buf, size_t len);
/* Report order of families: native, cpython, pypy, jython, then the other Pythons (4). */
int gb_rfamily_rank(const char *family);
/* The families of a model's cells in report order (rank, then first appearance): up to max
 * pointers into the cells' family strings. Returns how many. */
int gb_rmodel_families(const gb_rmodel *m, const char **out, int max);

/* The noise banner's text (README "Noise"): "" when no cell is flagged, else one paragraph
 * naming each flagged cell and its reasons. Writes into b (plain text, the caller escapes it);
 * returns how many cells are flagged. */
struct gb_buf;
int gb_rmodel_noise_text(const gb_rmodel *m, struct gb_buf *b);

/* A counter as the repetitions report it (docs/ARCHITECTURE.md: status ok | multiplexed | unavailable |
 * denied, a reason when not counted), summed over the run. */
typedef struct gb_rcounter {
  char *name;
  int n_ok, n_multiplexed, n_unavailable, n_denied, n_other; /* repetitions with each status */
  char *reasons; /* distinct reasons, "; "-separated ("" when none) */
} gb_rcounter;

/* Every counter name found in the repetitions, in order of first appearance. Returns the count;
 * *out is malloc'd (free with gb_rcounters_free). */
int gb_rmodel_counters(const gb_rmodel *m, gb_rcounter **out);
void gb_rcounters_free(gb_rcounter *v, int n);
/* A cell's value of counter `name`: the median over repetitions that counted it (ok or
 * multiplexed). Returns 1 with *value; 0 when it was not counted (*status names why, e.g.
 * "unavailable"); -1 when no repetition mentions it. The name "IPC" is derived from instructions
 * and cycles (PAPI_TOT_INS/PAPI_TOT_CYC or instructions/cycles) counted in the same repetition. */
int gb_rcell_counter(const gb_rcell *c, const char *name, double *value, const char **status);

/* JSON helpers that never fail: a missing or mistyped member reads as NAN, def, or "". */
double gb_jnum(json_t *o, const char *key);
const char *gb_jstr(json_t *o, const char *key, const char *def);
/* A JSON value as short text: strings as is, numbers compactly, others as compact JSON.
 * Returns a malloc'd string. */
char *gb_jtext(json_t *v);
/* An object as "k=v,k=v" in file order. Malloc'd. */
char *gb_jcanon(json_t *o);
/* Median of x[0..n-1] (n >= 1; x is reordered). */
double gb_median_inplace(double *x, int n);

/* Seconds, microseconds and plain numbers in short human units ("12.3 ms", "850 µs", "1.2 M"). */
void gb_fmt_seconds(double s, char *buf, size_t len);
void gb_fmt_us(double us, char *buf, size_t len);
void gb_fmt_count(double v, char *buf, size_t len);
/* A time unit for an axis whose largest value is max_s: sets *scale (multiply seconds by it) and
 * returns the unit's name ("s", "ms", "µs"). */
const char *gb_time_unit(double max_s, double *scale);

#endif
