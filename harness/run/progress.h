/* progress.h: what a run says while it runs. On a terminal, one line redrawn after every
 * repetition; otherwise (a log, a pipe) a full line at least every 10 s: the round, repetitions
 * done of planned, the time elapsed and the estimated total. The estimate starts from the plan's
 * (the runner's estimate from the timed references, with its per-repetition overheads) and, once
 * repetitions have run, fits what they took against what was estimated (a cost per repetition
 * plus a factor on its work) and applies that to what is left. The lines go out with write(2) from one
 * buffer, so a tick from inside a wait (the isolated child's poll loop) never takes a stdio lock. */
#ifndef GB_PROGRESS_H
#define GB_PROGRESS_H

#define GB_PROGRESS_EVERY_S 10.0 /* the longest silence without a terminal (GILBENCH_PROGRESS_S: tests) */

typedef struct gb_progress {
  int fd;                     /* where lines go (2) */
  double every;               /* seconds between lines without a terminal */
  int tty, quiet;             /* fd is a terminal; print nothing */
  int done, total;            /* repetitions (warm-ups included) */
  int round, rounds;          /* the round now running (0-based) and how many */
  double t0;                  /* when the run began (gb_now_s) */
  double last_line;           /* when the last periodic line was written */
  double est_left;            /* the seconds the repetitions left will take, as of left_at */
  double left_at;             /* when est_left was set (gb_now_s) */
  double est_done;            /* its estimate for the repetitions done */
  double loop_t0;             /* when the first repetition began (0: not yet) */
  double last_end;            /* when the last repetition ended (the next one's time runs from it) */
  double n, sx, sy, sxx, sxy; /* repetitions done: estimate x against time taken y, for the fit */
  double first_estimate;      /* the first whole-run estimate printed (elapsed + est_left then) */
  double first_low;           /* with reps auto: the plan's lower bound (every cell at min_reps) */
  double first_worst;         /* with reps auto: the plan's upper bound (every cell at max_reps) */
  double refined_estimate;    /* the first whole-run estimate once every cell had 2 reps (0: not yet) */
  double refined_at;          /* the elapsed seconds then */
  char cell[256];             /* the cell running now, as the runner names it */
} gb_progress;

/* Begin: fd 2, the terminal test, the clock. */
void gb_progress_begin(gb_progress *p, int quiet);
/* The plan's estimate for the repetitions to come (s), set once the references are timed. */
void gb_progress_set_estimate(gb_progress *p, double est_s);
/* The estimate just set rests on every cell's own repetitions (estimate.h): the first time, keep it
 * and when it came (meta.duration.refined_s, refined_at_s). */
void gb_progress_refined(gb_progress *p);
/* A repetition of `cell` starts (round `round` of `rounds`). */
void gb_progress_rep_begin(gb_progress *p, const char *cell, int round, int rounds);
/* It ended; est_s: what the plan estimated for it. */
void gb_progress_rep_end(gb_progress *p, double est_s);
/* What a repetition estimated at x seconds takes here, fitted over the repetitions done: a + b x
 * by least squares (a: what each costs whatever its work, start-up, teardown, the journal and the
 * round's results.json among them; b: how its work's time compares with the reference's). Before
 * 3 repetitions, a = 0 and b = 1. */
void gb_progress_fit(const gb_progress *p, double *a, double *b);
/* The seconds the repetitions still to run will take (fitted), then the terminal line redrawn,
 * or a line written when the interval has passed since the last. */
void gb_progress_update(gb_progress *p, double left_s);
/* Called while waiting (any thread-free wait loop, about every 200 ms): a line when due. */
void gb_progress_tick(void *p);
/* The whole run's estimated duration now (elapsed + what is left, fitted), s. */
double gb_progress_estimate_now(const gb_progress *p);
/* Clear a redrawn terminal line before other output. */
void gb_progress_clear(gb_progress *p);

#endif
