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

/* A range of chunks [lo, hi) packed in one word, and its ends. */
static inline uint64_t range_pack(uint64_t lo, uint64_t hi) {
  return lo | hi << 32;
}
static inline uint64_t range_lo(uint64_t v) {
  return v & 0xffffffffu;
}
static inline uint64_t range_hi(uint64_t v) {
  return v >> 32;
}

void gb_sched_init(gb_sched *s, const gb_job *job) {
  s->ntasks = job->ntasks;
  s->chunk = job->chunk ? job->chunk : 1;
  s->nchunks = (s->ntasks + s->chunk - 1) / s->chunk;
  s->workers = job->workers;
  s->dynamic = job->schedule == GB_SCHED_DYNAMIC;
  s->ranges = s->dynamic && s->workers >= 2 && s->workers <= GB_SCHED_SLOTS && s->nchunks < UINT32_MAX;
  atomic_init(&s->next, 0);
  for (int w = 0; w < GB_SCHED_SLOTS; w++) { /* worker w starts with the w-th of W equal shares */
    uint64_t lo = 0, hi = 0;
    if (s->ranges && w < s->workers) {
      lo = s->nchunks * (uint64_t)w / (uint64_t)s->workers;
      hi = s->nchunks * (uint64_t)(w + 1) / (uint64_t)s->workers;
    }
    atomic_init(&s->slot[w].range, range_pack(lo, hi));
  }
}

/* Steal for worker w: the upper half of the first non-empty range after its own; w keeps the
 * half's first chunk (*k) and puts the rest in its own range, which is empty (only w fills it,
 * and a thief only takes from a non-empty one). 0 when every other range was seen empty; a range
 * in flight (stolen, not yet put back) is missed then, and its thief runs it: that happens only when
 * the thief stalls between its two steps while the others drain theirs, and costs about the stall. */
__attribute__((noinline, cold)) static int sched_steal(gb_sched *s, int w, uint64_t *k) {
  for (int i = 1; i < s->workers; i++) {
    _Atomic uint64_t *victim = &s->slot[(w + i) % s->workers].range;
    uint64_t v = atomic_load_explicit(victim, memory_order_relaxed);
    while (range_lo(v) < range_hi(v)) {
      uint64_t lo = range_lo(v), hi = range_hi(v), mid = lo + (hi - lo) / 2;
      if (atomic_compare_exchange_weak_explicit(victim, &v, range_pack(lo, mid), memory_order_relaxed,
                                                memory_order_relaxed)) {
        *k = mid;
        if (mid + 1 < hi)
          atomic_store_explicit(&s->slot[w].range, range_pack(mid + 1, hi), memory_order_relaxed);
        return 1;
      }
    }
  }
  return 0;
}

/* The next chunk for worker w from its own range, else stolen; 0 when none is left. The owner
 * takes with one fetch_add on lo, no compare-and-swap loop: on an empty range (emptied by a thief
 * meanwhile, or long since) that leaves lo past hi, which reads as empty just the same; w puts it
 * back to hi (no thief touches an empty range, so nothing races that store) and steals. */
static int sched_take(gb_sched *s, int w, uint64_t *k) {
  _Atomic uint64_t *own = &s->slot[w].range;
  uint64_t v = atomic_fetch_add_explicit(own, 1, memory_order_relaxed);
  if (__builtin_expect(range_lo(v) < range_hi(v), 1)) {
    *k = range_lo(v);
    return 1;
  }
  atomic_store_explicit(own, range_pack(range_hi(v), range_hi(v)), memory_order_relaxed);
  return sched_steal(s, w, k);
}

int gb_sched_next(gb_sched *s, int w, gb_sched_cursor *c, uint64_t *begin, uint64_t *end) {
  uint64_t b;
  if (!s->dynamic) { /* like OpenMP schedule(static, chunk): chunks dealt round-robin */
    b = (c->k * (uint64_t)s->workers + (uint64_t)w) * s->chunk;
    c->k++;
  } else if (s->ranges) {
    uint64_t k;
    if (!sched_take(s, w, &k)) return 0;
    b = k * s->chunk;
  } else {
    b = atomic_fetch_add_explicit(&s->next, s->chunk, memory_order_relaxed);
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
