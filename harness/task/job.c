/* job.c: metrics, failure reasons, the timing contract's check and the task hand-out shared by
 * the strategies. */
#include "job.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

void gb_metric_add(gb_rep *rep, const char *name, double value) {
  for (int m = 0; m < rep->nmetrics; m++) {
    if (strcmp(rep->metric_defs[m].name, name) != 0) continue;
    if (rep->metric_n[m] == 0 || value > rep->metric_max[m]) rep->metric_max[m] = value;
    rep->metric_sum[m] += value;
    rep->metric_n[m]++;
    return;
  }
  fprintf(stderr, "gilbench: metric '%s' is not declared by its strategy\n", name);
  GB_ASSERT(!"undeclared metric");
}

double gb_metric_value(const gb_rep *rep, int idx) {
  if (idx < 0 || idx >= rep->nmetrics || rep->metric_n[idx] == 0) return NAN;
  switch (rep->metric_defs[idx].agg) {
  case GB_AGG_SUM: return rep->metric_sum[idx];
  case GB_AGG_MEAN: return rep->metric_sum[idx] / rep->metric_n[idx];
  case GB_AGG_MAX: return rep->metric_max[idx];
  }
  return NAN;
}

int gb_rep_fail(gb_rep *rep, int code, const char *fmt, ...) {
  if (rep->error[0] == '\0') { /* keep the first failure, as fio does */
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rep->error, sizeof rep->error, fmt, ap);
    va_end(ap);
  }
  return code;
}

void gb_sched_init(gb_sched *s, const gb_job *job) {
  s->ntasks = job->ntasks;
  s->chunk = job->chunk ? job->chunk : 1;
  s->workers = job->workers;
  s->dynamic = job->schedule == GB_SCHED_DYNAMIC;
  atomic_init(&s->next, 0);
}

int gb_sched_next(gb_sched *s, int w, gb_sched_cursor *c, uint64_t *begin, uint64_t *end) {
  uint64_t b;
  if (s->dynamic) {
    b = atomic_fetch_add_explicit(&s->next, s->chunk, memory_order_relaxed);
  } else { /* like OpenMP schedule(static, chunk): chunks dealt round-robin */
    b = (c->k * (uint64_t)s->workers + (uint64_t)w) * s->chunk;
    c->k++;
  }
  if (b >= s->ntasks) return 0;
  *begin = b;
  *end = b + s->chunk < s->ntasks ? b + s->chunk : s->ntasks;
  return 1;
}

/* Seconds from a to b, 0 when either is missing. */
static double span_s(uint64_t a, uint64_t b) {
  return a && b && b >= a ? (double)(b - a) * 1e-9 : 0;
}

int gb_rep_timing_finish(gb_rep *rep, int rc) {
  rep->t_begun_ns = rep->t_end_ns = 0;
  for (int i = 0; i < rep->nworkers; i++) {
    const gb_worker_out *w = &rep->workers[i];
    if (w->begun_ns > rep->t_begun_ns) rep->t_begun_ns = w->begun_ns;
    if (w->end_ns && (!rep->t_end_ns || w->end_ns < rep->t_end_ns)) rep->t_end_ns = w->end_ns;
  }
  rep->startup_s = span_s(rep->t_create_ns, rep->t_start_ns);
  rep->wall_s = span_s(rep->t_start_ns, rep->t_stop_ns);
  rep->teardown_s = span_s(rep->t_stop_ns, rep->t_joined_ns);
  if (rc != 0) return rc; /* a failed repetition may have stopped anywhere: no order to check */
  if (!rep->t_create_ns || !rep->t_start_ns || !rep->t_stop_ns || !rep->t_joined_ns)
    return gb_rep_fail(rep, GB_EIO, "timing contract: the strategy did not mark %s",
                       !rep->t_create_ns  ? "worker creation"
                       : !rep->t_start_ns ? "the clock's start"
                       : !rep->t_stop_ns  ? "the clock's stop"
                                          : "the workers joined");
  const char *broken = NULL;
  if (rep->t_create_ns > rep->t_start_ns)
    broken = "creating workers began after the clock started";
  else if (!rep->no_hooks && (!rep->t_begun_ns || rep->t_begun_ns > rep->t_start_ns))
    broken = "the clock started before every worker's begin hook returned";
  else if (rep->t_start_ns >= rep->t_stop_ns)
    broken = "the clock stopped before it started";
  else if (!rep->no_hooks && (!rep->t_end_ns || rep->t_end_ns < rep->t_stop_ns))
    broken = "a worker's end hook ran before the clock stopped";
  else if (rep->t_joined_ns < rep->t_stop_ns)
    broken = "the workers were joined before the clock stopped";
  if (broken) return gb_rep_fail(rep, GB_EIO, "timing contract broken: %s", broken);
  return 0;
}
