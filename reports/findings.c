/* findings.c: evaluate the findings rules (findings.h) over a run: find each rule's cells, compute
 * its statistic from the repetitions' medians, a seeded percentile-bootstrap 95% interval (GSL's
 * MT19937, as `compare` does), and the verdict against the threshold. */
#include <fnmatch.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "findings.h"
#include "gb.h"
#include "schema.h"

#define GB_FBOOT_ITERS 4000
#define GB_FMIN_REPS 3 /* fewer repetitions than this give no interval worth the name */

const char *gb_fverdict_name(gb_fverdict v) {
  static const char *const names[GB_FV_COUNT] = {"confirmed", "contradicted", "inconclusive", "not measured"};
  return v < GB_FV_COUNT ? names[v] : "?";
}

static void why(gb_finding *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(gb_finding *f, const char *fmt, ...) {
  size_t used = strlen(f->reason);
  if (used + 1 >= sizeof f->reason) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(f->reason + used, sizeof f->reason - used, fmt, ap);
  va_end(ap);
}

/* ---- selecting cells ---- */

/* Does the cell's params (qualified keys; a bare key matches the last component) or options hold
 * key=value? */
static int kv_match(json_t *obj, const char *key, const char *value) {
  const char *k;
  json_t *v;
  json_object_foreach(obj, k, v) {
    size_t kl = strlen(k), ql = strlen(key);
    int same = !strcmp(k, key) || (kl > ql && k[kl - ql - 1] == '.' && !strcmp(k + kl - ql, key));
    if (!same) continue;
    char *t = gb_jtext(v);
    int eq = !strcmp(t, value);
    free(t);
    if (eq) return 1;
  }
  return 0;
}

static int sel_match(const gb_fsel *s, const gb_rcell *c) {
  if (fnmatch(s->workload, c->workload, 0) != 0 || fnmatch(s->strategy, c->strategy, 0) != 0) return 0;
  if (s->workers > 0 && c->workers != s->workers) return 0;
  if (s->binding && strcmp(s->binding, c->binding) != 0) return 0;
  for (int i = 0; i < s->nkv; i++)
    if (!kv_match(json_object_get(c->j, GB_KEY_PARAMS), s->keys[i], s->values[i]) &&
        !kv_match(json_object_get(c->j, GB_KEY_OPTIONS), s->keys[i], s->values[i]))
      return 0;
  return 1;
}

/* The cell a selector picks: among the matching ok cells (narrowed to the most or fewest workers
 * for workers=max/min), the one with the lowest median wall. -1 with the reason in f when none;
 * *nmatched counts the ok candidates. */
/* A cell as findings name it: its index and the labels the tables use, as
 * "#12 (sumloop (tasks=8), gil[switch_interval_us=1000], 2 workers)". Returns buf. */
static const char *fcell(const gb_rmodel *m, const gb_rcell *c, char *buf, size_t len) {
  snprintf(buf, len, "#%d (%s, %s, %d workers)", c->index, m->groups[c->group].label,
           m->series[c->series].label, c->workers);
  return buf;
}

static int findings_select(const gb_rmodel *m, const gb_fsel *s, const char *role, gb_finding *f,
                           int *nmatched) {
  int any = -1, best = -1, wsel = 0, n = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!sel_match(s, c)) continue;
    if (any < 0 || (!m->cells[any].ok && strcmp(m->cells[any].status, "skipped") != 0)) any = i;
    if (!c->ok) continue;
    if (s->workers == GB_FSEL_MAX && c->workers > wsel) wsel = c->workers;
    if (s->workers == GB_FSEL_MIN && (!wsel || c->workers < wsel)) wsel = c->workers;
  }
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!c->ok || !sel_match(s, c) || (wsel && c->workers != wsel)) continue;
    n++;
    if (best < 0 || (isfinite(c->median) && !(m->cells[best].median <= c->median))) best = i;
  }
  if (nmatched) *nmatched = n;
  if (best >= 0) return best;
  if (any < 0) {
    why(f, "no cell matches the %s (%s)", role, s->text);
  } else {
    const gb_rcell *c = &m->cells[any];
    char name[512];
    if (!strcmp(c->status, "skipped"))
      why(f, "%s is unavailable: %s", c->strategy, *c->error ? c->error : "skipped");
    else
      why(f, "the %s cell %s %s: %s", role, fcell(m, c, name, sizeof name), c->status,
          *c->error ? c->error : "no reason given");
  }
  return -1;
}

/* The baseline of cell ci: its baseline strategy, same workload and parameters, 1 worker. */
static int findings_baseline(const gb_rmodel *m, int ci, gb_finding *f) {
  const gb_rcell *c = &m->cells[ci];
  const char *base =
      *c->baseline_family ? c->baseline_family : "serial"; /* the family's, as the rules mean */
  int any = -1;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *b = &m->cells[i];
    if (b->group != c->group || strcmp(b->strategy, base) != 0 || b->workers != 1) continue;
    if (b->ok) return i;
    any = i;
  }
  if (any >= 0)
    why(f, "the baseline cell #%d (%s) %s: %s", m->cells[any].index, base, m->cells[any].status,
        m->cells[any].error);
  else
    why(f, "no baseline cell (%s, 1 worker) beside cell #%d", base, c->index);
  return -1;
}

/* ---- samples ---- */

/* Memory per worker of one repetition, MiB: the memory of the distinct processes the workers ran
 * in (each process's proportional set size, or its peak RSS where PSS is unknown), divided by the
 * workers. Threads of one process count it once. */
static double rep_rss(json_t *rep) {
  json_t *ws = json_object_get(rep, GB_KEY_WORKER_LIST);
  size_t n = json_array_size(ws);
  double sum = 0;
  int counted = 0;
  for (size_t i = 0; i < n; i++) {
    json_t *w = json_array_get(ws, i);
    double pid = gb_jnum(w, GB_KEY_PID), kb = gb_jnum(w, GB_KEY_PSS_KB);
    if (!isfinite(kb)) kb = gb_jnum(w, GB_KEY_MAXRSS_KB);
    if (!isfinite(pid) || !isfinite(kb)) continue;
    int seen = 0;
    for (size_t j = 0; j < i && !seen; j++)
      seen = gb_jnum(json_array_get(ws, j), GB_KEY_PID) == pid;
    if (!seen) sum += kb, counted++;
  }
  return counted ? sum / 1024.0 / (double)n : NAN;
}

static double rep_value(json_t *rep, gb_fmeasure mm) {
  json_t *lat = json_object_get(rep, GB_KEY_LATENCY_US);
  switch (mm) {
  case GB_FM_WALL: return gb_jnum(rep, GB_KEY_WALL_S);
  case GB_FM_P50: return gb_jnum(lat, GB_KEY_COUNT) > 0 ? gb_jnum(lat, GB_KEY_P50) : NAN;
  case GB_FM_P99: return gb_jnum(lat, GB_KEY_COUNT) > 0 ? gb_jnum(lat, GB_KEY_P99) : NAN;
  case GB_FM_THROUGHPUT: {
    double v = gb_jnum(rep, GB_KEY_IO_OPS_PER_S);
    return v > 0 ? v : NAN;
  }
  case GB_FM_RSS: return rep_rss(rep);
  case GB_FM_STARTUP: return gb_jnum(rep, GB_KEY_STARTUP_S) * 1e3;
  default: return NAN;
  }
}

static const char *const measure_what[GB_FM_COUNT] = {
    "wall time",    "p50 latency", "p99 latency", "I/O throughput", "resident memory per worker",
    "start-up time"};

/* The cell's per-repetition values of mm (malloc'd into *x). Returns the count. */
static int findings_samples(const gb_rcell *c, gb_fmeasure mm, double **x) {
  json_t *reps = json_object_get(c->j, GB_KEY_REPS);
  *x = gb_xmalloc(sizeof **x * (json_array_size(reps) + 1));
  int n = 0;
  for (size_t r = 0; r < json_array_size(reps); r++) {
    double v = rep_value(json_array_get(reps, r), mm);
    if (isfinite(v)) (*x)[n++] = v;
  }
  return n;
}

static double findings_median(const double *x, int n) {
  double *t = gb_xmalloc(sizeof *t * (size_t)n);
  memcpy(t, x, sizeof *t * (size_t)n);
  double m = gb_median_inplace(t, n);
  free(t);
  return m;
}

static uint64_t findings_seed(const char *id) {
  uint64_t h = 1469598103934665603ull;
  for (; *id; id++)
    h = (h ^ (unsigned char)*id) * 1099511628211ull;
  return gb_splitmix64(h);
}

/* How the statistic combines the medians of the two samples (mb is NAN for one sample). */
typedef struct combine {
  gb_fstat stat;
  double workers, tasks;
} combine;

static double combine_eval(const combine *k, double ma, double mb) {
  switch (k->stat) {
  case GB_FSTAT_SPEEDUP: return mb / ma;
  case GB_FSTAT_EFFICIENCY: return mb / ma / k->workers;
  case GB_FSTAT_OVERHEAD: return (k->workers * ma - mb) / k->tasks * 1e6;
  case GB_FSTAT_RATIO: return ma / mb;
  default: return ma;
  }
}

static int dcmp(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return a < b ? -1 : a > b;
}

/* Percentile bootstrap of the combined statistic: resample each sample with replacement. */
static void boot(const combine *k, const double *a, int na, const double *b, int nb, uint64_t seed,
                 double *lo, double *hi) {
  gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
  gsl_rng_set(rng, (unsigned long)(seed ? seed : 1));
  double *ra = gb_xmalloc(sizeof *ra * (size_t)na), *rb = gb_xmalloc(sizeof *rb * (size_t)(nb + 1));
  double *v = gb_xmalloc(sizeof *v * GB_FBOOT_ITERS);
  int n = 0;
  for (int it = 0; it < GB_FBOOT_ITERS; it++) {
    for (int i = 0; i < na; i++)
      ra[i] = a[gsl_rng_uniform_int(rng, (unsigned long)na)];
    for (int i = 0; i < nb; i++)
      rb[i] = b[gsl_rng_uniform_int(rng, (unsigned long)nb)];
    double s = combine_eval(k, gb_median_inplace(ra, na), nb ? gb_median_inplace(rb, nb) : NAN);
    if (isfinite(s)) v[n++] = s;
  }
  if (n) {
    qsort(v, (size_t)n, sizeof *v, dcmp);
    *lo = v[(int)floor(0.025 * (n - 1))];
    *hi = v[(int)ceil(0.975 * (n - 1))];
  } else {
    *lo = *hi = NAN;
  }
  free(ra);
  free(rb);
  free(v);
  gsl_rng_free(rng);
}

/* Tasks in a cell: params.tasks, or the sum of every group's tasks. */
static double findings_tasks(const gb_rcell *c) {
  json_t *p = json_object_get(c->j, GB_KEY_PARAMS), *v;
  const char *k;
  double t = gb_jnum(p, "tasks"), sum = 0;
  if (isfinite(t)) return t;
  json_object_foreach(p, k, v) {
    size_t kl = strlen(k);
    if (kl > 6 && !strcmp(k + kl - 6, ".tasks") && !strncmp(k, "group.", 6) && json_is_number(v))
      sum += json_number_value(v);
  }
  return sum > 0 ? sum : NAN;
}

/* noise.flagged (absent: not flagged): name the cell and its reasons in f. 1 when flagged. */
static int findings_noisy(const gb_rmodel *m, const gb_rcell *c, gb_finding *f) {
  json_t *noise = json_object_get(c->j, GB_KEY_NOISE);
  if (!json_is_true(json_object_get(noise, GB_KEY_FLAGGED))) return 0;
  char name[512];
  why(f, "%scell %s was disturbed", *f->reason ? "; " : "", fcell(m, c, name, sizeof name));
  json_t *rs = json_object_get(noise, GB_KEY_REASONS), *r;
  size_t i;
  json_array_foreach(rs, i, r) {
    if (json_is_string(r)) why(f, "%s%s", i ? ", " : ": ", json_string_value(r));
  }
  return 1;
}

static gb_fmeasure measure_of(const gb_frule *r) {
  switch (r->stat) {
  case GB_FSTAT_RATIO: return r->of;
  case GB_FSTAT_P50: return GB_FM_P50;
  case GB_FSTAT_P99: return GB_FM_P99;
  case GB_FSTAT_THROUGHPUT: return GB_FM_THROUGHPUT;
  case GB_FSTAT_RSS: return GB_FM_RSS;
  case GB_FSTAT_STARTUP: return GB_FM_STARTUP;
  default: return GB_FM_WALL;
  }
}

/* The verdict: the interval on one side of the threshold, unless a cell is not to be trusted (noisy,
 * or fewer than GB_FMIN_REPS repetitions); b is NULL for a one-cell statistic. */
static void decide(gb_finding *f, const gb_frule *r, const gb_rmodel *m, const gb_rcell *a, const gb_rcell *b,
                   int na, int nb) {
  int noisy = findings_noisy(m, a, f);
  if (b) noisy |= findings_noisy(m, b, f);
  int few = na < GB_FMIN_REPS || (b && nb < GB_FMIN_REPS);
  int holds = r->op == '<' ? f->hi < r->threshold : f->lo > r->threshold;
  int fails = r->op == '<' ? f->lo >= r->threshold : f->hi <= r->threshold;
  if (noisy) {
    f->verdict = GB_FV_INCONCLUSIVE;
  } else if (few) {
    f->verdict = GB_FV_INCONCLUSIVE;
    why(f, "fewer than %d repetitions in a cell (%d and %d): no interval worth the name", GB_FMIN_REPS, na,
        b ? nb : na);
  } else if (holds) {
    f->verdict = GB_FV_CONFIRMED;
  } else if (fails) {
    f->verdict = GB_FV_CONTRADICTED;
  } else {
    f->verdict = GB_FV_INCONCLUSIVE;
    why(f, "the 95%% interval [%.3g, %.3g] straddles the threshold %.3g", f->lo, f->hi, r->threshold);
  }
}

static void eval_one(const gb_frule *r, const gb_rmodel *m, gb_finding *f) {
  memset(f, 0, sizeof *f);
  f->rule = r;
  f->verdict = GB_FV_NOT_MEASURED;
  f->value = f->lo = f->hi = f->p = NAN;
  f->cell = f->other = -1;
  int two = r->stat == GB_FSTAT_RATIO || r->stat == GB_FSTAT_SPEEDUP || r->stat == GB_FSTAT_EFFICIENCY ||
            r->stat == GB_FSTAT_OVERHEAD;
  if ((f->cell = findings_select(m, &r->cell, "cell", f, &f->nmatched)) < 0) return;
  if (two) {
    f->other = r->has_versus ? findings_select(m, &r->versus,
                                               r->stat == GB_FSTAT_RATIO ? "versus" : "baseline", f, NULL)
                             : findings_baseline(m, f->cell, f);
    if (f->other < 0) return;
  }
  const gb_rcell *a = &m->cells[f->cell], *b = two ? &m->cells[f->other] : NULL;
  gb_fmeasure mm = measure_of(r);
  double *xa = NULL, *xb = NULL;
  int na = findings_samples(a, mm, &xa), nb = b ? findings_samples(b, mm, &xb) : 0;
  if (na == 0 || (b && nb == 0)) {
    const gb_rcell *c = na == 0 ? a : b;
    char name[512];
    why(f, "cell %s records no %s", fcell(m, c, name, sizeof name), measure_what[mm]);
    if (mm == GB_FM_RSS) why(f, " (its workers have no pid and pss_kb or maxrss_kb)");
    goto out;
  }
  combine k = {r->stat, a->workers, findings_tasks(a)};
  if (r->stat == GB_FSTAT_OVERHEAD && !isfinite(k.tasks)) {
    why(f, "cell #%d records no task count", a->index);
    goto out;
  }
  f->value = combine_eval(&k, findings_median(xa, na), nb ? findings_median(xb, nb) : NAN);
  boot(&k, xa, na, xb, nb, findings_seed(r->id), &f->lo, &f->hi);
  if (b) f->p = gb_mwu_p(xa, na, xb, nb, NULL);
  if (!isfinite(f->value)) {
    why(f, "the %s is not a finite number (a zero median?)", gb_fstat_name(r->stat));
    goto out;
  }
  decide(f, r, m, a, b, na, nb);
out:
  free(xa);
  free(xb);
}

void gb_findings_eval(const gb_frules *r, const gb_rmodel *m, gb_finding *out) {
  for (int i = 0; i < r->nrules; i++)
    eval_one(&r->rules[i], m, &out[i]);
}
