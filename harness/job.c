/* job.c: metrics, failure reasons and the task hand-out shared by the strategies. */
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
