/* replay.c: see replay.h. */
#include "replay.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "estimate.h"
#include "gb.h"
#include "plan.h"
#include "results.h"
#include "runner.h"
#include "schema.h"

#define REPLAY_TARGET 0.10      /* issue 18: the estimate within 10% of the time taken */
#define REPLAY_OVERHEAD_S 0.003 /* around a repetition, when the results do not say */

typedef struct replay {
  gb_run_cli cli;
  gb_plan plan;
  json_t *results, *lines; /* results.json, the journal's repetition lines */
  size_t n;                /* lines */
  int *cell;               /* per line: its cell (-1: none of the plan's) */
  double *end;             /* per line: when it ended, s since the run began */
  double *spent_per_rep;   /* per cell: its spent_s over its repetitions, as recorded */
  int *final_n;            /* per cell: its repetitions at the end */
  double overhead;         /* meta.duration.rep_overhead_s, or REPLAY_OVERHEAD_S */
  double taken;            /* the run's time (meta.duration.taken_s, or the quiet equivalent) */
  int retimed;             /* the references were timed now, not read from the results */
  int unskipped;           /* cells this build skips (a strategy it lacks) that the run measured */
} replay;

/* The journal, results.json and the plan from the journal's arguments. 0, or 2 with err set. */
static int replay_load(replay *r, const char *dir, char *err, size_t len) {
  json_t *header = NULL;
  if (gb_journal_read(dir, &header, &r->lines, stderr, err, len) != 0) return 2;
  char path[1024];
  json_error_t je;
  snprintf(path, sizeof path, "%s/results.json", dir);
  r->results = json_load_file(path, 0, &je);
  json_t *args = json_object_get(header, GB_KEY_ARGV);
  size_t na = json_array_size(args);
  char **av = gb_xcalloc(na + 2, sizeof *av);
  av[0] = "run";
  for (size_t i = 0; i < na; i++)
    av[i + 1] =
        (char *)(json_string_value(json_array_get(args, i)) ? json_string_value(json_array_get(args, i))
                                                            : "");
  int rc = 2;
  if (!r->results) {
    snprintf(err, len, "%.1024s:%d: %.200s", path, je.line, je.text);
  } else if (gb_cli_run_parse((int)na + 1, av, 1, &r->cli, err, len) == 0) {
    if (!r->cli.req.suite && r->cli.req.nworkloads == 0) r->cli.req.suite = "default"; /* as `run` does */
    rc = gb_plan_build(&r->cli.req, &r->plan, err, len) != 0 ? 2 : 0;
  }
  free(av);
  json_decref(header);
  r->n = json_array_size(r->lines);
  return rc;
}

static int find_cell(const gb_plan *plan, const char *key) {
  for (int i = 0; key && i < plan->ncells; i++)
    if (strcmp(plan->cells[i].key, key) == 0) return i;
  return -1;
}

/* The references' times from meta.duration.reference_s, or timed now when the results lack them. */
static void replay_references(replay *r) {
  json_t *refs = json_object_get(json_object_get(json_object_get(r->results, GB_KEY_META), GB_KEY_DURATION),
                                 GB_KEY_REFERENCE_S);
  json_t *ov = json_object_get(json_object_get(json_object_get(r->results, GB_KEY_META), GB_KEY_DURATION),
                               GB_KEY_REP_OVERHEAD_S);
  r->overhead = json_is_number(ov) ? json_number_value(ov) : REPLAY_OVERHEAD_S;
  for (int i = 0; i < r->plan.ncells; i++) {
    gb_cell *c = &r->plan.cells[i];
    const char *cut = strstr(c->key, ";strategy=");
    char name[2048];
    snprintf(name, sizeof name, "%.*s", cut ? (int)(cut - c->key) : 0, c->key);
    json_t *s = json_object_get(refs, name);
    if (!json_is_number(s)) continue;
    r->plan.paramsets[c->paramset].reference_s = json_number_value(s);
    r->plan.paramsets[c->paramset].have_reference = 1;
  }
  for (int i = 0; i < r->plan.nparamsets; i++)
    r->retimed |= !r->plan.paramsets[i].have_reference;
  if (r->retimed) gb_runner_references(&r->plan, 1, 0);
}

/* Each cell's end: its repetitions and spent_s as results.json has them; room for its reps. */
static void replay_cells(replay *r) {
  int nc = r->plan.ncells;
  r->spent_per_rep = gb_xcalloc((size_t)nc + 1, sizeof *r->spent_per_rep);
  r->final_n = gb_xcalloc((size_t)nc + 1, sizeof *r->final_n);
  json_t *cells = json_object_get(r->results, GB_KEY_CELLS), *jc;
  size_t k;
  json_array_foreach(cells, k, jc) {
    int i = find_cell(&r->plan, json_string_value(json_object_get(jc, GB_KEY_KEY)));
    if (i < 0) continue;
    r->final_n[i] = (int)json_array_size(json_object_get(jc, GB_KEY_REPS));
    double spent = json_number_value(json_object_get(json_object_get(jc, GB_KEY_REPS_AUTO), GB_KEY_SPENT_S));
    r->spent_per_rep[i] = r->final_n[i] > 0 ? spent / r->final_n[i] : 0;
  }
  for (int i = 0; i < nc; i++) {
    gb_cell *c = &r->plan.cells[i];
    c->reps = gb_xcalloc((size_t)r->plan.reps + 1, sizeof *c->reps);
    c->nreps = 0;
    c->spent_s = 0;
    if (c->status == GB_CELL_PENDING && r->final_n[i] == 0) c->status = GB_CELL_FAILED; /* ran nothing */
    if (c->status == GB_CELL_SKIPPED && r->final_n[i] > 0) { /* this build lacks it; the run had it */
      c->status = GB_CELL_PENDING;
      r->unskipped++;
    }
  }
}

/* When line i's repetition ended on the clock of its timing (joined_ns), s: for results that
 * predate at_s. A clock that is not the run's (a JVM's can be) gives the line before's end plus
 * the repetition's own times. */
static double line_clock(const replay *r, size_t i, double prev) {
  json_t *data = json_object_get(json_array_get(r->lines, i), GB_KEY_DATA);
  double e =
      json_number_value(json_object_get(json_object_get(data, GB_KEY_TIMING), GB_KEY_JOINED_NS)) * 1e-9;
  if (!isfinite(prev) || (e >= prev && e <= prev + 3600)) return e;
  return prev + json_number_value(json_object_get(data, GB_KEY_WALL_S)) +
         json_number_value(json_object_get(data, GB_KEY_STARTUP_S)) +
         json_number_value(json_object_get(data, GB_KEY_TEARDOWN_S));
}

/* When each line's repetition ended, s since the run began: its at_s (the runner's clock), or for
 * older results its timing's clock, with the run's start taken_s before the last end. */
static void replay_times(replay *r) {
  r->cell = gb_xcalloc(r->n + 1, sizeof *r->cell);
  r->end = gb_xcalloc(r->n + 1, sizeof *r->end);
  json_t *d = json_object_get(json_object_get(r->results, GB_KEY_META), GB_KEY_DURATION);
  r->taken = json_number_value(json_object_get(d, GB_KEY_TAKEN_S));
  double prev = NAN;
  int have_at = r->n > 0;
  for (size_t i = 0; i < r->n; i++) {
    json_t *line = json_array_get(r->lines, i);
    r->cell[i] = find_cell(&r->plan, json_string_value(json_object_get(line, GB_KEY_KEY)));
    have_at &= json_is_number(json_object_get(line, GB_KEY_AT_S));
    r->end[i] = prev = line_clock(r, i, prev);
  }
  double t0 = r->n ? r->end[r->n - 1] - r->taken : 0;
  for (size_t i = 0; i < r->n; i++)
    r->end[i] = have_at ? json_number_value(json_object_get(json_array_get(r->lines, i), GB_KEY_AT_S))
                        : r->end[i] - t0;
}

/* --quiet-until S: each repetition that ended after S takes its cell's mean time before S (the
 * mean of all cells' when it had none), and the run's time follows. */
static void replay_quiet(replay *r, double until) {
  int nc = r->plan.ncells;
  double *sum = gb_xcalloc((size_t)nc + 1, sizeof *sum), all = 0,
         tail = r->n ? r->taken - r->end[r->n - 1] : 0;
  int *cnt = gb_xcalloc((size_t)nc + 1, sizeof *cnt), nall = 0;
  for (size_t i = 1; i < r->n; i++)
    if (r->end[i] < until && r->cell[i] >= 0) sum[r->cell[i]] += r->end[i] - r->end[i - 1], cnt[r->cell[i]]++;
  for (int i = 0; i < nc; i++)
    if (cnt[i]) all += sum[i] / cnt[i], nall++;
  double prev_old = 0, prev_new = 0;
  for (size_t i = 0; i < r->n; i++) {
    double gap = r->end[i] - prev_old;
    prev_old = r->end[i];
    if (r->end[i] >= until && i > 0)
      gap =
          r->cell[i] >= 0 && cnt[r->cell[i]] ? sum[r->cell[i]] / cnt[r->cell[i]] : (nall ? all / nall : gap);
    r->end[i] = prev_new = prev_new + gap;
  }
  r->taken = prev_new + tail;
  free(sum);
  free(cnt);
}

/* Line i's repetition joins its cell, whose status becomes the recorded end once it has them all. */
static void replay_rep(replay *r, size_t i) {
  int ci = r->cell[i];
  gb_cell *c = &r->plan.cells[ci];
  if (c->status != GB_CELL_PENDING || c->nreps >= r->plan.reps) return;
  json_t *data = json_object_get(json_array_get(r->lines, i), GB_KEY_DATA);
  c->reps[c->nreps].wall_s = json_number_value(json_object_get(data, GB_KEY_WALL_S));
  c->nreps++;
  c->spent_s += r->spent_per_rep[ci];
  if (c->nreps >= r->final_n[ci]) c->status = GB_CELL_OK;
}

typedef struct replay_score {
  double mark[9], at[9]; /* the estimate at 10%, 20%, ... of the run and when */
  double refined, refined_at;
  double last_out; /* the last time the estimate was off by more than REPLAY_TARGET */
  double worst_after20;
} replay_score;

static void score_line(const replay *r, replay_score *s, double now, double est, int refined, int *next) {
  double err = (est - r->taken) / r->taken;
  if (fabs(err) > REPLAY_TARGET) s->last_out = now;
  if (now >= 0.2 * r->taken && fabs(err) > s->worst_after20) s->worst_after20 = fabs(err);
  if (refined && !(s->refined_at > 0)) s->refined = est, s->refined_at = now;
  while (*next < 9 && now >= (*next + 1) * 0.1 * r->taken)
    s->mark[*next] = est, s->at[(*next)++] = now;
}

/* Line i's repetition index: its round's, after the warm-ups. */
static json_int_t rep_index(const replay *r, size_t i) {
  return json_integer_value(json_object_get(json_array_get(r->lines, i), GB_KEY_REP));
}

/* The warm-up round is not journaled: each cell's first journaled repetition (what it took from
 * the line before) stands in for its warm-up, which the runner has seen by then. */
static void warmups(const replay *r, gb_estimator *e) {
  for (int i = 0; i < r->plan.ncells; i++)
    e->nwarm[i] = r->plan.warmup;
  for (size_t i = 1; i < r->n; i++) {
    int ci = r->cell[i];
    if (ci >= 0 && e->ntook[ci] == 0 && rep_index(r, i) == rep_index(r, i - 1) && r->plan.warmup > 0)
      gb_estimator_observe(e, ci, r->end[i] - r->end[i - 1], 0);
  }
}

/* Every line in order: the estimate after it (the fit for cells not yet seen: the ratio of what
 * the repetitions took to their estimates so far), scored against the time taken. */
static void replay_run(replay *r, replay_score *s) {
  gb_estimator e;
  gb_estimator_init(&e, &r->plan, r->overhead);
  warmups(r, &e);
  double sx = 0, sy = 0;
  int next = 0;
  memset(s, 0, sizeof *s);
  s->last_out = r->n ? r->end[0] : 0; /* nothing before the first journaled repetition is known */
  for (size_t i = 0; i < r->n; i++) {
    int ci = r->cell[i];
    if (ci < 0) continue;
    replay_rep(r, i);
    double took = i > 0 ? r->end[i] - r->end[i - 1] : NAN,
           x = gb_estimate_rep(&r->plan, &r->plan.cells[ci], r->overhead);
    if (i > 0 && rep_index(r, i) != rep_index(r, i - 1)) /* a new round: the last one's end is in it */
      gb_estimator_round(&e, fmax(0, took - (e.ntook[ci] ? e.took_s[ci] / e.ntook[ci] : 0)));
    else if (isfinite(took))
      gb_estimator_observe(&e, ci, took, 0), sx += x, sy += took;
    int refined;
    double left = gb_estimator_left(&e, &r->plan, r->plan.warmup, 0, sx > 0 ? sy / sx : 1, &refined);
    score_line(r, s, r->end[i], r->end[i] + left, refined, &next);
  }
  gb_estimator_free(&e);
}

static void replay_print(const replay *r, const replay_score *s, const char *dir, double quiet_until) {
  int measured;
  double low, worst, mid = gb_estimate_plan(&r->plan, r->overhead, &measured, &low, &worst);
  json_t *d = json_object_get(json_object_get(r->results, GB_KEY_META), GB_KEY_DURATION);
  printf("estimate-replay %s: %d cells, %zu repetitions journaled, references %s\n", dir, r->plan.ncells,
         r->n,
         r->retimed ? "timed now (these results predate reference_s: the start figure is today's, on this "
                      "machine as loaded now)"
                    : "as recorded");
  size_t lost = 0;
  for (size_t i = 0; i < r->n; i++)
    lost += r->cell[i] < 0;
  if (lost)
    printf("%zu journaled repetitions belong to cells this build's plan lacks: not replayed, so the estimate "
           "misses them (replay with the build that ran it)\n",
           lost);
  if (r->unskipped)
    printf("%d cells this build skips (a strategy it lacks) replayed as the run measured them\n",
           r->unskipped);
  if (quiet_until > 0)
    printf("quiet equivalent: repetitions ending after %.0f s take their cell's mean time before it\n",
           quiet_until);
  printf("taken: %.0f s%s\n", r->taken, quiet_until > 0 ? " (quiet equivalent)" : "");
  printf("start: the plan says about %.0f s (%.0f to %.0f s): error %+.1f%%; the run printed %.0f s\n", mid,
         low, worst, 100 * (mid - r->taken) / r->taken,
         json_number_value(json_object_get(d, GB_KEY_ESTIMATED_S)));
  for (int k = 0; k < 9; k++)
    if (s->at[k] > 0)
      printf("at %d%% (%.0f s): estimate %.0f s, error %+.1f%% (target 10%%)\n", 10 * (k + 1), s->at[k],
             s->mark[k], 100 * (s->mark[k] - r->taken) / r->taken);
  if (s->refined_at > 0)
    printf("every cell with 2 repetitions at %.0f s (%.0f%%): estimate %.0f s, error %+.1f%%\n",
           s->refined_at, 100 * s->refined_at / r->taken, s->refined,
           100 * (s->refined - r->taken) / r->taken);
  printf("within 10%% from %.0f s on (%.0f%% of the run); worst error from 20%% on: %.1f%%\n", s->last_out,
         100 * s->last_out / r->taken, 100 * s->worst_after20);
}

typedef struct model_row {
  const char *strategy;
  double est, real; /* the plan's seconds for its journaled repetitions, and what they took */
  int n;
} model_row;

static int cmp_row(const void *a, const void *b) {
  const model_row *x = a, *y = b;
  double rx = x->real / x->est, ry = y->real / y->est;
  return (rx < ry) - (rx > ry);
}

/* The plan's model of one repetition (gb_estimate_rep) against what the journaled ones took, by
 * strategy, the most underestimated first: where the start figure goes wrong. */
static void replay_model(const replay *r) {
  model_row *rows = gb_xcalloc((size_t)r->plan.ncells + 1, sizeof *rows), all = {"all", 0, 0, 0};
  int nrows = 0;
  for (size_t i = 1; i < r->n; i++) {
    int ci = r->cell[i];
    if (ci < 0 || rep_index(r, i) != rep_index(r, i - 1)) continue; /* a round's end is in it */
    const gb_cell *c = &r->plan.cells[ci];
    int k = 0;
    while (k < nrows && strcmp(rows[k].strategy, c->strategy->name) != 0)
      k++;
    if (k == nrows) rows[nrows++].strategy = c->strategy->name;
    double est = gb_estimate_rep(&r->plan, c, r->overhead), real = r->end[i] - r->end[i - 1];
    rows[k].est += est, rows[k].real += real, rows[k].n++;
    all.est += est, all.real += real, all.n++;
  }
  qsort(rows, (size_t)nrows, sizeof *rows, cmp_row);
  printf("the plan's time for a repetition against what it took (the start figure's model), by strategy:\n");
  for (int k = 0; k <= nrows; k++) {
    const model_row *m = k < nrows ? &rows[k] : &all;
    if (m->est > 0)
      printf("  %-22s %6d reps: took %8.1f s, plan %8.1f s: %.2fx\n", m->strategy, m->n, m->real, m->est,
             m->real / m->est);
  }
  free(rows);
}

static void replay_free(replay *r) {
  if (r->plan.cells) gb_plan_free(&r->plan);
  gb_cli_run_free(&r->cli);
  json_decref(r->results);
  json_decref(r->lines);
  free(r->cell);
  free(r->end);
  free(r->spent_per_rep);
  free(r->final_n);
}

int gb_replay_cmd(int argc, char **argv) {
  double quiet_until = 0;
  if (argc == 4 && strcmp(argv[2], "--quiet-until") == 0) quiet_until = atof(argv[3]);
  if (argc != 2 && !(argc == 4 && quiet_until > 0)) {
    fprintf(stderr,
            "gilbench estimate-replay: usage: gilbench estimate-replay RESULTS_DIR [--quiet-until S]\n");
    return 2;
  }
  replay r;
  memset(&r, 0, sizeof r);
  char err[2048];
  int rc = replay_load(&r, argv[1], err, sizeof err);
  if (rc != 0) {
    fprintf(stderr, "gilbench estimate-replay: %s\n", err);
  } else {
    replay_references(&r);
    replay_cells(&r);
    replay_times(&r);
    if (quiet_until > 0) replay_quiet(&r, quiet_until);
    replay_score s;
    replay_run(&r, &s);
    replay_print(&r, &s, argv[1], quiet_until);
    replay_model(&r);
  }
  replay_free(&r);
  return rc;
}
