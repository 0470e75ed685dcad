/* chart_io.c: I/O latency. Percentiles per strategy (log scale) for I/O and mixed workloads, and,
 * where a run swept a strategy's switch interval (the convoy experiment), latency against it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"

static const char *const gb__pct_names[] = {"p50", "p90", "p99", "p99.9", "max"};

static double gb__pct(const gb_rlat *l, int k) {
  const double v[] = {l->p50, l->p90, l->p99, l->p999, l->max};
  return v[k];
}

static void gb__percentiles(gb_charts *cs, int group) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  if (strcmp(g->kind, "cpu") == 0) return;
  char name[128], title[512];
  gb_chart_name(name, sizeof name, "latency", g);
  snprintf(title, sizeof title, "%s: I/O latency percentiles", g->label);
  gb_chart *ch = NULL;
  gb_buf dat, plot, body;
  gb_buf_init(&dat);
  gb_buf_init(&plot);
  gb_buf_init(&body);
  gb_buf_printf(&dat,
                "# %s\n# one block per series (each at its largest worker count): percentile index, "
                "latency us, percentile\n",
                title);
  double lo = INFINITY, hi = 0;
  int nb = 0;
  for (int s = 0; s < m->nseries; s++) {
    int ci = gb_rmodel_rep_cell(m, group, s);
    if (ci < 0 || !m->cells[ci].have_lat) continue;
    const gb_rcell *c = &m->cells[ci];
    if (!ch) ch = gb_chart_new(cs, name, group, GB_SEC_WORKLOAD, title);
    char label[512];
    snprintf(label, sizeof label, "%s ×%d", m->series[s].label, c->workers);
    gb_buf_printf(&dat, "%s# %s\n", nb ? "\n\n" : "", label);
    for (int k = 0; k < 5; k++) {
      double v = gb__pct(&c->lat, k);
      if (!isfinite(v) || v <= 0) continue; /* a log axis has no place for 0 */
      gb_buf_printf(&dat, "%d %.6g %s\n", k, v, gb__pct_names[k]);
      lo = fmin(lo, v);
      hi = fmax(hi, v);
    }
    gb_buf_printf(
        &plot,
        "%s\"%s.dat\" index %d using 1:2 with linespoints lc rgb \"%s\" dt %d lw 2 pt 7 ps 0.9 title '",
        nb ? ", \\\n  " : "", name, nb, m->series[s].color, m->series[s].dash);
    gb_buf_gpstr(&plot, label);
    gb_buf_add(&plot, "'");
    gb_chart_legend(ch, label);
    nb++;
  }
  if (ch && hi > 0) {
    gb_buf_add(&body, "set xtics ");
    gb_gp_xtics(&body, gb__pct_names, 5);
    gb_buf_printf(&body,
                  "\nset xrange [-0.3:4.3]\nset logscale y\nset yrange [%g:%g]\n"
                  "set xlabel \"percentile of the I/O operations' latency\"\n"
                  "set ylabel \"latency (µs, log scale)\"\n",
                  lo / 1.5, hi * 1.5);
    gb_gp_logtics(&body, "y", lo / 1.5, hi * 1.5);
    gb_buf_printf(&body, "plot %s\n", plot.s);
    snprintf(ch->caption, sizeof ch->caption,
             "Latency of the I/O operations (each op, measured where it is issued), from the median to the "
             "worst, for each strategy at its largest worker count (×N). Lower is better; a line that climbs "
             "steeply has a long tail.");
    gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, GB_CHART_H);
  } else if (ch) {
    cs->n--; /* every value was 0: nothing to draw */
    for (int k = 0; k < ch->nlegend; k++)
      free(ch->legend[k]);
    free(ch->legend);
  }
  gb_buf_free(&dat);
  gb_buf_free(&plot);
  gb_buf_free(&body);
}

/* The switch interval of a cell, from any option named like one (gil.switch_interval_us,
 * cpython-*.switch_interval_us), or NAN. */
static double gb__interval(const gb_rcell *c) {
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(c->j, "options"), k, v) {
    if (strstr(k, "switch_interval") && json_is_number(v)) return json_number_value(v);
  }
  return NAN;
}

typedef struct {
  double x, p50, p99;
} gb__ipoint;

static int gb__ipoint_cmp(const void *a, const void *b) {
  double x = ((const gb__ipoint *)a)->x, y = ((const gb__ipoint *)b)->x;
  return x < y ? -1 : x > y;
}

static void gb__switch(gb_charts *cs, int group) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  /* Strategies with latency at two or more intervals, at their largest worker count. */
  const char *strat[32];
  int nstrat = 0;
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (!c->ok || !c->have_lat || !isfinite(gb__interval(c))) continue;
    int seen = 0;
    for (int k = 0; k < nstrat; k++)
      seen |= strcmp(strat[k], c->strategy) == 0;
    if (!seen && nstrat < 32) strat[nstrat++] = c->strategy;
  }
  gb_buf dat, plot, body;
  gb_buf_init(&dat);
  gb_buf_init(&plot);
  gb_buf_init(&body);
  char name[128], title[512];
  gb_chart_name(name, sizeof name, "switch", g);
  snprintf(title, sizeof title, "%s: I/O latency against the switch interval", g->label);
  gb_buf_printf(&dat, "# %s\n# one block per line: switch interval us, p50 us, p99 us\n", title);
  gb_chart *ch = NULL;
  int nb = 0;
  double xlo = INFINITY, xhi = 0, ylo = INFINITY, yhi = 0;
  gb__ipoint pts_all[32][64], *ivals = NULL; /* the x tics: the last strategy's intervals */
  int nivals = 0;
  for (int k = 0; k < nstrat; k++) {
    int wmax = 0;
    for (int i = 0; i < g->ncells; i++) {
      const gb_rcell *c = &m->cells[g->cells[i]];
      if (c->ok && c->have_lat && strcmp(c->strategy, strat[k]) == 0 && isfinite(gb__interval(c)) &&
          c->workers > wmax)
        wmax = c->workers;
    }
    gb__ipoint *pts = pts_all[k];
    int np = 0;
    for (int i = 0; i < g->ncells && np < 64; i++) {
      const gb_rcell *c = &m->cells[g->cells[i]];
      double iv = gb__interval(c);
      if (c->ok && c->have_lat && strcmp(c->strategy, strat[k]) == 0 && c->workers == wmax && iv > 0 &&
          c->lat.p50 > 0 && c->lat.p99 > 0)
        pts[np++] = (gb__ipoint){iv, c->lat.p50, c->lat.p99};
    }
    if (np < 2) continue;
    qsort(pts, (size_t)np, sizeof *pts, gb__ipoint_cmp);
    if (!ch) ch = gb_chart_new(cs, name, group, GB_SEC_WORKLOAD, title);
    gb_buf_printf(&dat, "%s# %s ×%d\n", nb ? "\n\n" : "", strat[k], wmax);
    for (int p = 0; p < np; p++) {
      gb_buf_printf(&dat, "%.6g %.6g %.6g\n", pts[p].x, pts[p].p50, pts[p].p99);
      xlo = fmin(xlo, pts[p].x);
      xhi = fmax(xhi, pts[p].x);
      ylo = fmin(ylo, pts[p].p50);
      yhi = fmax(yhi, pts[p].p99);
    }
    const char *color = m->series[m->cells[g->cells[0]].series].color;
    for (int s = 0; s < m->nseries; s++)
      if (strcmp(m->series[s].strategy, strat[k]) == 0) color = m->series[s].color;
    char l50[160], l99[160];
    snprintf(l50, sizeof l50, "%s ×%d p50", strat[k], wmax);
    snprintf(l99, sizeof l99, "%s ×%d p99", strat[k], wmax);
    gb_buf_printf(&plot, "%s\"%s.dat\" index %d using 1:2 with linespoints lc rgb \"%s\" lw 2 pt 7 title '",
                  nb ? ", \\\n  " : "", name, nb, color);
    gb_buf_gpstr(&plot, l50);
    gb_buf_printf(
        &plot, "', \\\n  \"%s.dat\" index %d using 1:3 with linespoints lc rgb \"%s\" lw 2 dt 2 pt 5 title '",
        name, nb, color);
    gb_buf_gpstr(&plot, l99);
    gb_buf_add(&plot, "'");
    gb_chart_legend(ch, l50);
    gb_chart_legend(ch, l99);
    ivals = pts;
    nivals = np;
    nb++;
  }
  if (!ch) goto out;
  /* Strategies without the option, as flat references: their p99 at their largest worker count. */
  int nref = 0;
  for (int s = 0; s < m->nseries; s++) {
    int ci = gb_rmodel_rep_cell(m, group, s);
    if (ci < 0 || !m->cells[ci].have_lat || isfinite(gb__interval(&m->cells[ci])) ||
        m->cells[ci].lat.p99 <= 0)
      continue;
    const gb_rcell *c = &m->cells[ci];
    gb_buf_printf(&plot, ", \\\n  %.6g with lines lc rgb \"%s\" dt 3 lw 2 title '", c->lat.p99,
                  m->series[s].color);
    char label[512];
    snprintf(label, sizeof label, "%s ×%d p99", m->series[s].label, c->workers);
    gb_buf_gpstr(&plot, label);
    gb_buf_add(&plot, "'");
    gb_chart_legend(ch, label);
    ylo = fmin(ylo, c->lat.p99);
    yhi = fmax(yhi, c->lat.p99);
    nref++;
  }
  gb_buf_add(&body, "set xtics (");
  for (int p = 0; p < nivals; p++)
    gb_buf_printf(&body, "%s%g", p ? ", " : "", ivals[p].x);
  gb_buf_add(&body, ")\n");
  gb_buf_printf(&body,
                "set logscale xy\nset xrange [%g:%g]\nset yrange [%g:%g]\n"
                "set xlabel \"switch interval (µs, log scale)\"\n"
                "set ylabel \"I/O latency (µs, log scale)\"\n",
                xlo / 1.5, xhi * 1.5, ylo / 2, yhi * 2);
  gb_gp_logtics(&body, "y", ylo / 2, yhi * 2);
  gb_buf_printf(&body, "plot %s\n", plot.s);
  snprintf(ch->caption, sizeof ch->caption,
           "The convoy effect: how long an I/O operation takes beside CPU-bound work as the lock's switch "
           "interval changes (median, solid; p99, dashed).%s A GIL-bound I/O task waits up to a whole "
           "interval for the lock after each blocking call, so its latency follows the interval.",
           nref ? " Dotted flat lines: strategies without a lock, for reference." : "");
  gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, GB_CHART_H + 40);
out:
  gb_buf_free(&dat);
  gb_buf_free(&plot);
  gb_buf_free(&body);
}

void gb_charts_io(gb_charts *cs, int group) {
  gb__percentiles(cs, group);
  gb__switch(cs, group);
}
