/* rverdict.c: a workload group's verdict (rverdict.h), moved out of report.c so that the views
 * (report_html.c, report_md.c) and `show` use it without report.c and its views needing each
 * other. */
#include "rverdict.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"
#include "schema.h"
#include "verdict.h"

int gb_report_best(const gb_rmodel *m, int group) {
  const gb_rgroup *g = &m->groups[group];
  int by_latency = 0, best = -1;
  if (strcmp(g->measure, "latency") == 0)
    for (int i = 0; i < g->ncells; i++)
      by_latency |= m->cells[g->cells[i]].ok && m->cells[g->cells[i]].have_lat;
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (!c->ok || !isfinite(c->median) || (by_latency && !c->have_lat)) continue;
    if (best < 0) {
      best = g->cells[i];
      continue;
    }
    const gb_rcell *b = &m->cells[best];
    double x = by_latency ? c->lat.p99 : c->median, y = by_latency ? b->lat.p99 : b->median;
    if (x < y || (x == y && c->median < b->median)) best = g->cells[i];
  }
  return best;
}

int gb_rcell_samples(const gb_rcell *c, int by_latency, double **out) {
  json_t *reps = json_object_get(c->j, GB_KEY_REPS);
  double *x = gb_xmalloc(sizeof *x * (json_array_size(reps) + 1));
  int n = 0;
  size_t r;
  json_t *rep;
  json_array_foreach(reps, r, rep) {
    if (json_object_get(rep, GB_KEY_ERROR) && !json_is_null(json_object_get(rep, GB_KEY_ERROR))) continue;
    double v = by_latency ? gb_jnum(json_object_get(rep, GB_KEY_LATENCY_US), GB_KEY_P99)
                          : gb_jnum(rep, GB_KEY_WALL_S);
    if (isfinite(v) && v > 0) x[n++] = v;
  }
  *out = x;
  return n;
}

void gb_report_verdict(const gb_rmodel *m, int group, gb_rverdict *v) {
  memset(v, 0, sizeof *v);
  v->best = gb_report_best(m, group);
  if (v->best < 0) return;
  const gb_rgroup *g = &m->groups[group];
  v->by_latency = strcmp(g->measure, "latency") == 0 && m->cells[v->best].have_lat;
  /* Candidates: each series' best cell (its best worker count). */
  int cand[GB_VERDICT_MAX], k = 0;
  for (int s = 0; s < m->nseries && k < GB_VERDICT_MAX; s++) {
    int bc = -1;
    for (int i = 0; i < g->ncells; i++) {
      const gb_rcell *c = &m->cells[g->cells[i]];
      if (c->series != s || !c->ok || !isfinite(c->median) || (v->by_latency && !c->have_lat)) continue;
      double x = v->by_latency ? c->lat.p99 : c->median;
      double y = bc < 0 ? INFINITY : v->by_latency ? m->cells[bc].lat.p99 : m->cells[bc].median;
      if (x < y) bc = g->cells[i];
    }
    if (bc >= 0) cand[k++] = bc;
  }
  double *x[GB_VERDICT_MAX] = {0};
  int n[GB_VERDICT_MAX] = {0}, tied[GB_VERDICT_MAX] = {0};
  for (int i = 0; i < k; i++)
    n[i] = gb_rcell_samples(&m->cells[cand[i]], v->by_latency, &x[i]);
  v->ntied = gb_verdict_ties((const double *const *)x, n, k, tied);
  for (int i = 0; i < v->ntied; i++) {
    v->tied[i] = cand[tied[i]];
    if (n[tied[i]] < 4) v->few_reps = 1;
  }
  if (v->ntied > 0) v->best = v->tied[0];
  for (int i = 0; i < k; i++)
    free(x[i]);
}

void gb_report_verdict_names(const gb_rmodel *m, const gb_rverdict *v, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (int i = 0; i < v->ntied && off < len; i++) {
    const gb_rcell *c = &m->cells[v->tied[i]];
    int w =
        snprintf(buf + off, len - off, "%s%s ×%d", i ? " ≈ " : "", m->series[c->series].label, c->workers);
    if (w < 0) break;
    off += (size_t)w;
  }
}

void gb_report_ideal_text(const gb_rcell *c, char *buf, size_t len) {
  int self = strcmp(c->baseline_kind, "self") == 0;
  if (!isfinite(c->ideal))
    snprintf(buf, len, "–");
  else if (strcmp(c->ideal_basis, "overlap") == 0)
    snprintf(buf, len, "overlap limit %.3g×", c->ideal);
  else if (strcmp(c->ideal_basis, "cpu") == 0 && self && c->baseline_workers > 1)
    snprintf(buf, len, "min(workers, PUs) over the baseline's = %.3g×", c->ideal);
  else if (strcmp(c->ideal_basis, "cpu") == 0)
    snprintf(buf, len, "min(workers, PUs) = %.0f×", c->ideal);
  else
    snprintf(buf, len, "workers = %.0f×", c->ideal);
  size_t n = strlen(buf);
  if (self && n < len) /* the family's serial run was not in the run */
    snprintf(buf + n, len - n, "; baseline: the same strategy at %d worker%s", c->baseline_workers,
             c->baseline_workers == 1 ? "" : "s");
}

void gb_report_best_measure(const gb_rmodel *m, int cell, char *buf, size_t len) {
  const gb_rcell *c = &m->cells[cell];
  char t[48];
  int by_latency = strcmp(m->groups[c->group].measure, "latency") == 0 && c->have_lat;
  if (by_latency) {
    gb_fmt_us(c->lat.p99, t, sizeof t);
    snprintf(buf, len, "%s p99", t);
  } else {
    gb_fmt_seconds(c->median, t, sizeof t);
    snprintf(buf, len, "%s wall", t);
  }
}
