/* counters.h: hardware and OS counters taken per worker, with honest fallbacks. A counter set is
 * resolved once per run in the coordinator: for each requested event the backends are tried in
 * chain order (PAPI hardware events, then the kernel's perf events, then getrusage; or only the
 * one --counters-backend forces) and the first that can count it is recorded with why the others
 * could not. Workers then start the set in gb_worker_begin and read it in gb_worker_end, in the
 * worker itself. A counter that cannot be read has a status and a reason, never a value. */
#ifndef GB_COUNTERS_H
#define GB_COUNTERS_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#include "job.h"

/* Status of one counter, in a worker and aggregated. GB_CTR_NONE: the worker never reported. */
typedef enum {
  GB_CTR_NONE = 0,
  GB_CTR_OK = 1,          /* counted the whole time */
  GB_CTR_MULTIPLEXED = 2, /* counted part of the time; the value is scaled up */
  GB_CTR_UNAVAILABLE = 3, /* this machine, build or backend cannot count it */
  GB_CTR_DENIED = 4,      /* the kernel or library refused (permissions, paranoia level) */
} gb_counter_status;
const char *gb_counter_status_name(int status);

struct gb_counter_set;

/* Per-worker state of the counter backends, between begin and end. Fixed size: it lives in the
 * worker hook's thread-local state. */
typedef struct gb_counter_worker {
  int fd[GB_MAX_COUNTERS];        /* perf: one descriptor per event, -1 for none */
  int papi_set;                   /* PAPI event set, -1 for none */
  int papi_registered;            /* this thread registered itself with PAPI */
  int papi_err;                   /* PAPI error starting the set (0 none) */
  int open_err[GB_MAX_COUNTERS];  /* errno of a failed per-worker open (0 none) */
  struct rusage ru0;              /* rusage: the thread's usage at begin */
  int ru_ok;                      /* ru0 was read */
  uint64_t priv[GB_MAX_COUNTERS]; /* free for a backend's own begin values (the test's fake) */
} gb_counter_worker;

/* One counter backend. The chain is papi, perf, rusage; tests may register more (a fake). */
typedef enum {
  GB_PROBE_OK = 0,
  GB_PROBE_UNKNOWN = -1,
  GB_PROBE_UNAVAILABLE = -2,
  GB_PROBE_DENIED = -3
} gb_probe;
typedef struct gb_counter_probe {
  char native[128]; /* what the backend counts for it ("PERF_COUNT_SW_CONTEXT_SWITCHES") */
  char reason[640]; /* why not (UNAVAILABLE/DENIED/UNKNOWN), or a note when OK */
  uint64_t cfg[3];  /* backend-private configuration (perf type/config/flags, PAPI code) */
} gb_counter_probe;

typedef struct gb_counter_backend {
  const char *name;    /* "papi", "perf", "rusage" */
  const char *summary; /* one line */
  /* NULL when the backend can count something here, else why not. Called once, coordinator. */
  const char *(*unavailable)(void);
  /* Can it count `event`? Fills p; returns a gb_probe. Coordinator only. */
  int (*probe)(const char *event, gb_counter_probe *p);
  /* Called once after every event is resolved (PAPI: decide multiplexing). May be NULL. */
  void (*prepare)(struct gb_counter_set *set);
  /* In the worker: start counting this backend's events of the set. */
  void (*start)(const struct gb_counter_set *set, gb_counter_worker *w);
  /* In the worker: read them into out (values, statuses, fractions, errors) and release. */
  void (*stop)(const struct gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out);
  /* Text of an error code this backend stored in out->counter_err. */
  void (*strerror)(int code, char *buf, size_t len);
  /* Facts for meta.counters.backends and `list counters` (version, limits, reasons). May be NULL. */
  json_t *(*describe)(void);
  /* Events it knows, for `list counters` (NULL-terminated). May be NULL. */
  const char *const *events;
} gb_counter_backend;

/* One requested event, resolved. */
typedef struct gb_counter_event {
  char name[64];                     /* as requested ("PAPI_TOT_INS", "context-switches") */
  const gb_counter_backend *backend; /* the one counting it; NULL when none can */
  int status;                        /* GB_CTR_OK, or UNAVAILABLE / DENIED (then no backend) */
  gb_counter_probe probe;            /* the chosen backend's probe (or the last one tried) */
  char tried[1400];                  /* "papi: reason; perf: reason" of backends passed over */
} gb_counter_event;

/* A resolved counter set (run-level: names, backends and reasons live here, not per worker). */
typedef struct gb_counter_set {
  char spec[256];                   /* as given ("default", "PAPI_TOT_INS,cycles") */
  const gb_counter_backend *forced; /* --counters-backend, or NULL for the chain */
  int n;
  gb_counter_event ev[GB_MAX_COUNTERS];
  int papi_multiplex;   /* PAPI events do not fit the counters: multiplexed */
  double papi_fraction; /* estimated fraction of time each multiplexed event counts */
  int papi_domain;      /* PAPI counting domain used */
} gb_counter_set;

/* Named sets for --counters. */
#define GB_COUNTERS_DEFAULT "default"

/* Resolve `spec` (a named set, or a comma-separated list of event names, or "none") with
 * `backend` (NULL, "papi", "perf", "rusage" or a registered one). 0, or GB_EINVAL with a message
 * for an unknown set, event or backend. Heap-allocates *out (NULL for "none"). */
int gb_counters_resolve(const char *spec, const char *backend, gb_counter_set **out, char *err,
                        size_t errlen);
void gb_counters_free(gb_counter_set *set);

/* Worker side (called by the worker hooks). */
void gb_counters_worker_start(const gb_counter_set *set, gb_counter_worker *w);
void gb_counters_worker_stop(const gb_counter_set *set, gb_counter_worker *w, gb_worker_out *out);

/* JSON: meta.counters; a repetition's "counters" (summed over workers) and "derived"; one
 * worker's "counters". */
json_t *gb_counters_meta_json(const gb_counter_set *set);
json_t *gb_counters_rep_json(const gb_counter_set *set, const gb_rep *rep);
json_t *gb_counters_derived_json(json_t *rep_counters);
json_t *gb_counters_worker_json(const gb_counter_set *set, const gb_worker_out *w);

/* For --dry-run: one line per counter with its backend or why none (set NULL: "none"). */
void gb_counters_print_plan(const gb_counter_set *set, FILE *out);

/* A line of the counters section: the cell (its index in root's "cells") and the name it is shown
 * by, as the table above names it (the report model's labels, with the parameters and options that
 * tell the run's cells apart: "sumloop (tasks=8)  gil[switch_interval_us=1000]  2"). */
typedef struct gb_counters_row {
  int cell;
  const char *name;
} gb_counters_row;

/* `gilbench show`: the counters and metrics section under the main table (one line per row, in
 * rows' order: strategy metrics such as gil_wait_s beside the counters, medians over repetitions;
 * then what was not counted and why, once, over every cell). Reads a loaded results document. */
void gb_counters_print_section(json_t *root, const gb_counters_row *rows, int nrows, FILE *out);

/* `gilbench list counters`: backends, then every known event with what would count it here. */
void gb_counters_list(FILE *out);

/* Register an extra backend (tests). Returns 0, or GB_EINVAL when the registry is full. */
int gb_counters_register_backend(const gb_counter_backend *b);

/* The built-in backends (counters.c, counters_papi.c). */
extern const gb_counter_backend gb_counter_backend_papi;
extern const gb_counter_backend gb_counter_backend_perf;
extern const gb_counter_backend gb_counter_backend_rusage;

/* Internal, shared by the backends: the PAPI preset of a catalog name (NULL when the catalog has
 * the name without one; *in_catalog says whether it has the name at all), and the kernel's reason
 * hardware events cannot be counted ("" when they can). */
const char *gb_counters_papi_name(const char *event, int *in_catalog);
void gb_counters_kernel_hw_reason(char *buf, size_t len);

#endif
