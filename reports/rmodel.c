/* rmodel.c: build the report model from a results document: cells with their medians and
 * intervals, workload groups, series with stable labels and colors. */
#include "rmodel.h"

#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "gb.h"
#include "palette.h"
#include "params.h"
#include "rbuf.h"
#include "schema.h"
#include "stats.h"

double gb_jnum(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *gb_jstr(json_t *o, const char *key, const char *def) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : def;
}

char *gb_jtext(json_t *v) {
  char num[64];
  if (!v) return gb_xstrdup("");
  if (json_is_string(v)) return gb_xstrdup(json_string_value(v));
  if (json_is_integer(v)) {
    snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
    return gb_xstrdup(num);
  }
  if (json_is_real(v)) {
    snprintf(num, sizeof num, "%.6g", json_real_value(v));
    return gb_xstrdup(num);
  }
  char *t = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  char *r = gb_xstrdup(t ? t : "");
  free(t);
  return r;
}

char *gb_jcanon(json_t *o) {
  gb_buf b;
  gb_buf_init(&b);
  const char *k;
  json_t *v;
  int first = 1;
  if (json_is_object(o)) {
    json_object_foreach(o, k, v) {
      char *t = gb_jtext(v);
      gb_buf_printf(&b, "%s%s=%s", first ? "" : ",", k, t);
      free(t);
      first = 0;
    }
  }
  return b.s;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

double gb_median_inplace(double *x, int n) {
  GB_ASSERT(n >= 1);
  qsort(x, (size_t)n, sizeof *x, cmp_double);
  return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

void gb_fmt_seconds(double s, char *buf, size_t len) {
  if (!isfinite(s))
    snprintf(buf, len, "–");
  else if (s < 1e-3)
    snprintf(buf, len, "%.3g µs", s * 1e6);
  else if (s < 1.0)
    snprintf(buf, len, "%.3g ms", s * 1e3);
  else
    snprintf(buf, len, "%.3g s", s);
}

void gb_fmt_us(double us, char *buf, size_t len) {
  if (!isfinite(us))
    snprintf(buf, len, "–");
  else if (us < 1000)
    snprintf(buf, len, "%.3g µs", us);
  else if (us < 1e6)
    snprintf(buf, len, "%.3g ms", us / 1e3);
  else
    snprintf(buf, len, "%.3g s", us / 1e6);
}

void gb_fmt_count(double v, char *buf, size_t len) {
  double a = fabs(v);
  if (!isfinite(v))
    snprintf(buf, len, "–");
  else if (a >= 1e9)
    snprintf(buf, len, "%.3g G", v / 1e9);
  else if (a >= 1e6)
    snprintf(buf, len, "%.3g M", v / 1e6);
  else if (a >= 1e4)
    snprintf(buf, len, "%.3g k", v / 1e3);
  else if (a == floor(a))
    snprintf(buf, len, "%.0f", v);
  else
    snprintf(buf, len, "%.3g", v);
}

const char *gb_time_unit(double max_s, double *scale) {
  if (isfinite(max_s) && max_s < 2e-3) {
    *scale = 1e6;
    return "µs";
  }
  if (isfinite(max_s) && max_s < 2.0) {
    *scale = 1e3;
    return "ms";
  }
  *scale = 1.0;
  return "s";
}

/* Median and its interval from stats.wall_s, or computed from the repetitions (older files). */
static void cell_wall(gb_rcell *c) {
  json_t *ws = json_object_get(json_object_get(c->j, GB_KEY_STATS), GB_KEY_WALL_S);
  json_t *ci = json_object_get(ws, GB_KEY_MEDIAN_CI95);
  c->median = gb_jnum(ws, GB_KEY_MEDIAN);
  c->mlo = c->mhi = c->median;
  if (json_is_array(ci) && json_array_size(ci) == 2 && json_is_number(json_array_get(ci, 0))) {
    c->mlo = json_number_value(json_array_get(ci, 0));
    c->mhi = json_number_value(json_array_get(ci, 1));
  }
  if (isfinite(c->median) || c->nreps == 0) return;
  double *x = gb_xmalloc(sizeof *x * (size_t)c->nreps);
  int n = 0;
  for (int r = 0; r < c->nreps; r++) {
    double w = gb_jnum(json_array_get(json_object_get(c->j, GB_KEY_REPS), (size_t)r), GB_KEY_WALL_S);
    if (isfinite(w)) x[n++] = w;
  }
  gb_stats st;
  if (n > 0 && gb_stats_compute(x, n, &st) == 0) {
    c->median = st.median;
    c->mlo = st.median_ci95[0];
    c->mhi = st.median_ci95[1];
  }
  free(x);
}

static void cell_latency(gb_rcell *c) {
  json_t *l = json_object_get(c->j, GB_KEY_LATENCY_US);
  c->lat = (gb_rlat){gb_jnum(l, GB_KEY_P50),  gb_jnum(l, GB_KEY_P90), gb_jnum(l, GB_KEY_P99),
                     gb_jnum(l, GB_KEY_P999), gb_jnum(l, GB_KEY_MAX), gb_jnum(l, GB_KEY_COUNT)};
  c->have_lat = isfinite(c->lat.count) && c->lat.count > 0 && isfinite(c->lat.p50);
  double *x = gb_xmalloc(sizeof *x * (size_t)(c->nreps + 1));
  int n = 0;
  for (int r = 0; r < c->nreps; r++) {
    double v = gb_jnum(json_array_get(json_object_get(c->j, GB_KEY_REPS), (size_t)r), GB_KEY_IO_OPS_PER_S);
    if (isfinite(v) && v > 0) x[n++] = v;
  }
  c->io_ops_per_s = n ? gb_median_inplace(x, n) : NAN;
  free(x);
}

/* The baseline: an object since schema 3, a bare name (the family's, at 1 worker) before. */
static void cell_baseline(gb_rcell *c) {
  json_t *b = json_object_get(c->j, GB_KEY_BASELINE);
  int measured = isfinite(gb_jnum(c->j, GB_KEY_SPEEDUP));
  if (json_is_object(b)) {
    c->baseline = gb_jstr(b, GB_KEY_STRATEGY, "");
    c->baseline_workers = (int)json_integer_value(json_object_get(b, GB_KEY_WORKERS));
    c->baseline_kind = gb_jstr(b, GB_KEY_BASELINE_KIND, "none");
    c->baseline_family = gb_jstr(b, GB_KEY_BASELINE_FAMILY, c->baseline);
  } else {
    c->baseline = gb_jstr(c->j, GB_KEY_BASELINE, "");
    c->baseline_workers = measured ? 1 : 0;
    c->baseline_kind = measured ? "family" : "none";
    c->baseline_family = c->baseline;
  }
}

void gb_rcell_baseline_text(const gb_rcell *c, char *buf, size_t len) {
  if (strcmp(c->baseline_kind, "self") == 0)
    snprintf(buf, len, "self ×%d", c->baseline_workers);
  else if (len)
    buf[0] = '\0';
}

static void cell_init(gb_rcell *c, json_t *j, int index) {
  memset(c, 0, sizeof *c);
  c->j = j;
  c->index = index;
  c->workload = gb_jstr(j, GB_KEY_WORKLOAD, "?");
  c->strategy = gb_jstr(j, GB_KEY_STRATEGY, "?");
  c->status = gb_jstr(j, GB_KEY_STATUS, "?");
  c->error = gb_jstr(j, GB_KEY_ERROR, "");
  c->binding = gb_jstr(j, GB_KEY_BINDING, "none");
  c->kind = gb_jstr(j, GB_KEY_KIND, "cpu");
  c->measure = gb_jstr(j, GB_KEY_MEASURE, "wall");
  cell_baseline(c);
  c->workers = (int)json_integer_value(json_object_get(j, GB_KEY_WORKERS));
  c->ok = strcmp(c->status, "ok") == 0;
  c->nreps = (int)json_array_size(json_object_get(j, GB_KEY_REPS));
  c->opts = gb_jcanon(json_object_get(j, GB_KEY_OPTIONS));
  c->params = gb_jcanon(json_object_get(j, GB_KEY_PARAMS));
  c->family = gb_rmodel_family(j);
  cell_wall(c);
  c->speedup = gb_jnum(j, GB_KEY_SPEEDUP);
  c->efficiency = gb_jnum(j, GB_KEY_EFFICIENCY);
  c->slo = c->shi = c->speedup;
  json_t *sci = json_object_get(j, GB_KEY_SPEEDUP_CI95), *ideal = json_object_get(j, GB_KEY_IDEAL);
  json_t *impl = json_object_get(j, GB_KEY_IMPLEMENTATION);
  c->ideal = gb_jnum(ideal, GB_KEY_SPEEDUP);
  c->ideal_basis = gb_jstr(ideal, GB_KEY_BASIS, "workers");
  if (!isfinite(c->ideal) && c->workers > 0) c->ideal = c->workers; /* older files: speedup / workers */
  c->eff_flag = json_string_value(json_object_get(j, GB_KEY_EFFICIENCY_FLAG));
  c->impl_factor = gb_jnum(impl, GB_KEY_FACTOR);
  c->impl_ref = gb_jstr(impl, GB_KEY_REFERENCE, "");
  json_t *ici = json_object_get(impl, GB_KEY_CI95);
  c->ilo = json_is_number(json_array_get(ici, 0)) ? json_number_value(json_array_get(ici, 0)) : NAN;
  c->ihi = json_is_number(json_array_get(ici, 1)) ? json_number_value(json_array_get(ici, 1)) : NAN;
  if (json_is_array(sci) && json_is_number(json_array_get(sci, 0)) &&
      json_is_number(json_array_get(sci, 1))) {
    c->slo = json_number_value(json_array_get(sci, 0));
    c->shi = json_number_value(json_array_get(sci, 1));
  } else if (isfinite(c->speedup) && c->median > 0 && c->mlo > 0 && c->mhi > 0) {
    /* speedup = base / median, so the interval maps through base = speedup * median. */
    c->slo = c->speedup * c->median / c->mhi;
    c->shi = c->speedup * c->median / c->mlo;
  }
  cell_latency(c);
}

char *gb_rmodel_family(json_t *cell) {
  const char *f = json_string_value(json_object_get(cell, GB_KEY_FAMILY));
  if (f && *f) return gb_xstrdup(f); /* the descriptor's, as the writer records it */
  /* A file written before cells recorded their family: from the names. The family's serial
   * baseline: a bare name, or (schema 3) the baseline object's "family", the family's baseline
   * whether or not the speedup fell back to the strategy's own fewest workers. */
  json_t *bj = json_object_get(cell, GB_KEY_BASELINE);
  const char *s = gb_jstr(cell, GB_KEY_STRATEGY, "");
  const char *b = json_is_object(bj) ? gb_jstr(bj, GB_KEY_BASELINE_FAMILY, gb_jstr(bj, GB_KEY_STRATEGY, ""))
                                     : gb_jstr(cell, GB_KEY_BASELINE, "");
  /* The built-in CPython baselines: the twins, the C kernels, a spawned pool's fresh interpreter. */
  static const char *const cpython[] = {"cpython-serial", "cpython-ext-serial", "cpython-serial-spawn"};
  for (size_t i = 0; i < GB_ARRAY_LEN(cpython); i++)
    if (strcmp(b, cpython[i]) == 0) return gb_xstrdup("cpython");
  size_t n = strlen(b);
  if (n > 7 && strcmp(b + n - 7, "-serial") == 0) { /* pypy-serial, jython-serial, LABEL-serial */
    char *fam = gb_xstrdup(b);
    fam[n - 7] = '\0';
    return fam;
  }
  if (!*b || strcmp(b, "serial") == 0 || !strchr(s, '-')) return gb_xstrdup("native");
  char *fam = gb_xstrdup(s); /* an unknown baseline: the name's prefix (cpython-*, pypy-*) */
  *strchr(fam, '-') = '\0';
  return fam;
}

const char *gb_rfamily_baseline(const char *family, char *buf, size_t len) {
  if (strcmp(family, "native") == 0)
    snprintf(buf, len, "serial");
  else
    snprintf(buf, len, "%s-serial", family);
  return buf;
}

int gb_rfamily_rank(const char *family) {
  static const char *const order[] = {"native", "cpython", "pypy", "jython"};
  for (size_t i = 0; i < GB_ARRAY_LEN(order); i++)
    if (strcmp(family, order[i]) == 0) return (int)i;
  return (int)GB_ARRAY_LEN(order);
}

int gb_rmodel_families(const gb_rmodel *m, const char **out, int max) {
  int n = 0;
  for (int i = 0; i < m->ncells && n < max; i++) {
    const char *f = m->cells[i].family;
    int seen = 0;
    for (int k = 0; k < n && !seen; k++)
      seen = strcmp(out[k], f) == 0;
    if (seen) continue;
    int at = n++; /* insertion by rank: first appearance stays first among equals */
    while (at > 0 && gb_rfamily_rank(out[at - 1]) > gb_rfamily_rank(f)) {
      out[at] = out[at - 1];
      at--;
    }
    out[at] = f;
  }
  return n;
}

/* Index of the group for (workload, params), creating it. */
static int group_of(gb_rmodel *m, const gb_rcell *c) {
  for (int g = 0; g < m->ngroups; g++)
    if (strcmp(m->groups[g].workload, c->workload) == 0 && strcmp(m->groups[g].params, c->params) == 0)
      return g;
  m->groups = gb_xrealloc(m->groups, sizeof *m->groups * (size_t)(m->ngroups + 1));
  gb_rgroup *g = &m->groups[m->ngroups];
  memset(g, 0, sizeof *g);
  g->workload = gb_xstrdup(c->workload);
  g->params = gb_xstrdup(c->params);
  g->kind = c->kind;
  g->measure = c->measure;
  return m->ngroups++;
}

static int series_of(gb_rmodel *m, const gb_rcell *c) {
  for (int s = 0; s < m->nseries; s++)
    if (strcmp(m->series[s].strategy, c->strategy) == 0 && strcmp(m->series[s].opts, c->opts) == 0 &&
        strcmp(m->series[s].binding, c->binding) == 0)
      return s;
  m->series = gb_xrealloc(m->series, sizeof *m->series * (size_t)(m->nseries + 1));
  gb_rseries *s = &m->series[m->nseries];
  memset(s, 0, sizeof *s);
  s->strategy = gb_xstrdup(c->strategy);
  s->opts = gb_xstrdup(c->opts);
  s->binding = gb_xstrdup(c->binding);
  s->color = gb_palette_color(c->strategy);
  return m->nseries++;
}

static int series_cmp_rank(const gb_rseries *a, const gb_rseries *b) {
  int ra = gb_palette_rank(a->strategy), rb = gb_palette_rank(b->strategy);
  if (ra != rb) return ra - rb;
  return strcmp(a->strategy, b->strategy);
}

/* Sort series (stable: insertion sort keeps first appearance within a strategy), then remap. */
static void series_sort(gb_rmodel *m) {
  int *order = gb_xmalloc(sizeof *order * (size_t)(m->nseries + 1));
  for (int i = 0; i < m->nseries; i++)
    order[i] = i;
  for (int i = 1; i < m->nseries; i++)
    for (int j = i; j > 0 && series_cmp_rank(&m->series[order[j - 1]], &m->series[order[j]]) > 0; j--) {
      int t = order[j];
      order[j] = order[j - 1];
      order[j - 1] = t;
    }
  gb_rseries *sorted = gb_xmalloc(sizeof *sorted * (size_t)(m->nseries + 1));
  int *newpos = gb_xmalloc(sizeof *newpos * (size_t)(m->nseries + 1));
  for (int i = 0; i < m->nseries; i++) {
    sorted[i] = m->series[order[i]];
    newpos[order[i]] = i;
  }
  for (int c = 0; c < m->ncells; c++)
    m->cells[c].series = newpos[m->cells[c].series];
  free(m->series);
  m->series = sorted;
  free(order);
  free(newpos);
}

static void series_labels(gb_rmodel *m) {
  int many_bindings = 0;
  for (int s = 1; s < m->nseries; s++)
    many_bindings |= strcmp(m->series[s].binding, m->series[0].binding) != 0;
  for (int s = 0; s < m->nseries; s++) {
    gb_rseries *se = &m->series[s];
    const char **sib = gb_xmalloc(sizeof *sib * (size_t)m->nseries);
    int n = 0, me = 0, variant = 0;
    for (int t = 0; t < m->nseries; t++) {
      if (strcmp(m->series[t].strategy, se->strategy) != 0) continue;
      if (t == s) me = n;
      if (t < s && strcmp(m->series[t].binding, se->binding) == 0) variant++;
      sib[n++] = m->series[t].opts;
    }
    char *d = gb_params_distinguishing(sib, n, me, ",");
    gb_buf b;
    gb_buf_init(&b);
    gb_buf_add(&b, se->strategy);
    if (many_bindings)
      gb_buf_printf(&b, "[bind=%s%s%s]", se->binding, *d ? "," : "", d);
    else if (*d)
      gb_buf_printf(&b, "[%s]", d);
    se->label = b.s;
    se->dash = 1 + variant % 5;
    free(d);
    free(sib);
  }
}

static void group_labels(gb_rmodel *m) {
  for (int g = 0; g < m->ngroups; g++) {
    gb_rgroup *gr = &m->groups[g];
    const char **sib = gb_xmalloc(sizeof *sib * (size_t)m->ngroups);
    int n = 0, me = 0, ordinal = 0;
    for (int h = 0; h < m->ngroups; h++) {
      if (strcmp(m->groups[h].workload, gr->workload) != 0) continue;
      if (h == g) me = n;
      if (h < g) ordinal++;
      sib[n++] = m->groups[h].params;
    }
    char *d = gb_params_distinguishing(sib, n, me, ", ");
    gb_buf b;
    gb_buf_init(&b);
    gb_buf_add(&b, gr->workload);
    if (*d) gb_buf_printf(&b, " (%s)", d);
    gr->label = b.s;
    gb_buf_init(&b);
    for (const char *p = gr->workload; *p; p++) {
      char ch = *p;
      int safe =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-';
      gb_buf_addn(&b, safe ? &ch : "_", 1);
    }
    if (n > 1) gb_buf_printf(&b, "-%d", ordinal + 1);
    gr->slug = b.s;
    free(d);
    free(sib);
  }
}

static int cmp_int(const void *a, const void *b) {
  return *(const int *)a - *(const int *)b;
}

void gb_rmodel_build(gb_rmodel *m, json_t *root, const char *path) {
  memset(m, 0, sizeof *m);
  m->root = json_incref(root);
  m->meta = json_object_get(root, GB_KEY_META);
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
    snprintf(m->dir, sizeof m->dir, "%s", path);
    snprintf(m->path, sizeof m->path, "%s/results.json", path);
  } else {
    snprintf(m->path, sizeof m->path, "%s", path);
    snprintf(m->dir, sizeof m->dir, "%s", path);
    char *slash = strrchr(m->dir, '/');
    if (slash)
      *slash = '\0';
    else
      snprintf(m->dir, sizeof m->dir, ".");
  }
  json_t *cells = json_object_get(root, GB_KEY_CELLS);
  m->ncells = (int)json_array_size(cells);
  m->cells = gb_xcalloc((size_t)m->ncells + 1, sizeof *m->cells);
  for (int i = 0; i < m->ncells; i++) {
    gb_rcell *c = &m->cells[i];
    cell_init(c, json_array_get(cells, (size_t)i), i);
    c->group = group_of(m, c);
    c->series = series_of(m, c);
    if (c->workers > m->max_workers) m->max_workers = c->workers;
    if (strcmp(c->status, "failed") == 0 || strcmp(c->status, "timeout") == 0) m->nfailed++;
    if (strcmp(c->status, "skipped") == 0) m->nskipped++;
    gb_rgroup *g = &m->groups[c->group];
    g->cells = gb_xrealloc(g->cells, sizeof *g->cells * (size_t)(g->ncells + 1));
    g->cells[g->ncells++] = i;
    int seen = 0;
    for (int w = 0; w < g->nworkers; w++)
      seen |= g->workers[w] == c->workers;
    if (!seen) {
      g->workers = gb_xrealloc(g->workers, sizeof *g->workers * (size_t)(g->nworkers + 1));
      g->workers[g->nworkers++] = c->workers;
    }
  }
  for (int g = 0; g < m->ngroups; g++)
    qsort(m->groups[g].workers, (size_t)m->groups[g].nworkers, sizeof(int), cmp_int);
  series_sort(m);
  series_labels(m);
  group_labels(m);
}

void gb_rmodel_free(gb_rmodel *m) {
  for (int i = 0; i < m->ncells; i++) {
    free(m->cells[i].opts);
    free(m->cells[i].params);
    free(m->cells[i].family);
  }
  for (int g = 0; g < m->ngroups; g++) {
    gb_rgroup *gr = &m->groups[g];
    free(gr->workload);
    free(gr->label);
    free(gr->slug);
    free(gr->params);
    free(gr->cells);
    free(gr->workers);
  }
  for (int s = 0; s < m->nseries; s++) {
    free(m->series[s].strategy);
    free(m->series[s].opts);
    free(m->series[s].binding);
    free(m->series[s].label);
  }
  free(m->cells);
  free(m->groups);
  free(m->series);
  json_decref(m->root);
  memset(m, 0, sizeof *m);
}

int gb_rmodel_rep_cell(const gb_rmodel *m, int group, int series) {
  int best = -1;
  const gb_rgroup *g = &m->groups[group];
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (c->series != series || !c->ok) continue;
    if (best < 0 || c->workers > m->cells[best].workers) best = g->cells[i];
  }
  return best;
}

int gb_rmodel_find(const gb_rmodel *m, int group, int series, int workers) {
  const gb_rgroup *g = &m->groups[group];
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (c->series == series && c->workers == workers) return g->cells[i];
  }
  return -1;
}

int gb_rmodel_noise_text(const gb_rmodel *m, struct gb_buf *b) {
  int n = 0;
  for (int i = 0; i < m->ncells; i++) {
    json_t *noise = json_object_get(m->cells[i].j, GB_KEY_NOISE);
    if (!json_is_true(json_object_get(noise, GB_KEY_FLAGGED))) continue;
    const gb_rcell *c = &m->cells[i];
    gb_buf_printf(b, "%s%s %s w=%d (", n ? "; " : "", m->groups[c->group].label, m->series[c->series].label,
                  c->workers);
    size_t k;
    json_t *r;
    json_array_foreach(json_object_get(noise, GB_KEY_REASONS), k, r) {
      const char *why = json_string_value(r);
      if (!why) continue;
      gb_buf_printf(b, "%s", k ? ", " : "");
      if (strcmp(why, "other_load") == 0)
        gb_buf_printf(b, "other processes used %.2f CPUs", gb_jnum(noise, GB_KEY_OTHER_LOAD));
      else if (strcmp(why, "steal") == 0)
        gb_buf_printf(b, "steal %.0f%%", gb_jnum(noise, GB_KEY_STEAL_FRACTION) * 100);
      else
        gb_buf_printf(b, "%s", why);
    }
    gb_buf_add(b, ")");
    n++;
  }
  return n;
}
