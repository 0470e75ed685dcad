/* runner.h: measuring a plan (runner.c). The run layer's entry points: references, the plan's
 * printout and estimate, the rounds of repetitions, and the statistics of every cell. */
#ifndef GB_RUNNER_H
#define GB_RUNNER_H

#include <stdio.h>

#include "plan.h"

/* Options of a run. */
typedef struct gb_run_opts {
  const char *outdir;  /* results directory (created) */
  const char *command; /* the command line, for metadata */
  int quiet;           /* no progress */
  double timeout_s;    /* per repetition; 0: derived from the reference's time (generous) */
  int no_isolation;    /* run repetitions in this process (debugging); no crash or hang safety */
  int resume;          /* continue the run journaled in outdir (skip finished repetitions) */
  struct json_t *argv; /* the `run` arguments as a JSON array, for the journal header */
} gb_run_opts;

/* Measure the plan; writes outdir/results.json (atomically, after each round) and the journal.
 * Returns 0 when the run went to its end (a cell that failed, timed out or was skipped is a
 * measured fact, in plan->cells, not an error of the run); GB_EINVAL when it was refused (outdir
 * already holds a run, or a --resume that does not match); GB_EIO when its folder could not be
 * made or locked, or a write of the journal or results failed (what was written is kept); -EINTR
 * when a signal stopped it (gb_runner_stop_signal() names it). Messages go to stderr. */
int gb_runner_run(gb_plan *plan, const gb_run_opts *opts);
/* The signal (SIGINT, SIGTERM) that stopped the last gb_runner_run, or 0. */
int gb_runner_stop_signal(void);
/* Print the plan and an estimated duration (measures nothing: without references the estimate
 * says it covers I/O and dispatch only). */
void gb_runner_print(gb_plan *plan, FILE *out);
/* Compute the reference checksums not yet computed, each in a child process with a timeout
 * (timeout_s, or 10 minutes; 60 s at the quick profile) unless isolate is 0. A reference that
 * crashes or hangs fails every cell of its parameter set with the reason. */
void gb_runner_references(gb_plan *plan, int isolate, double timeout_s);
/* Statistics, speedup and efficiency of every cell from its reps. */
void gb_runner_summarize(gb_plan *plan);

#endif
