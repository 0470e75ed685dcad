/* chart_io.c: I/O latency. Percentiles per strategy (log scale) for I/O and mixed workloads, and,
 * where a run swept a strategy's switch interval (the convoy experiment), latency against it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"
#include "schema.h"

static const char *const pct_names[] = {"p50", "p90", "p99", "p99.9", "max"};

static double pct(const gb_rlat *l, int k) {
  const double v[] = {l->p50, l->p90, l->p99, l->p999, l->max};
  return v[k];
}

/* Emit the percentiles chart: the five percentiles on x, latency lo..hi on a log y axis. */
static void emit_percentiles(gb_charts *cs, gb_chart *ch, gb_buf *dat, const char *plot, double lo,
                             double hi) {
  gb_buf body;
  gb_buf_init(&body);
  gb_buf_add(&body, "set xtics ");
  gb_gp_xtics(&body, pct_names, 5);
  gb_buf_printf(&body,
                "\nset xrange [-0.3:4.3]\nset logscale y\nset yrange [%g:%g]\n"
                "set xlabel \"percentile of the I/O operations' latency\"\n"
                "set ylabel \"latency (µs, log scale)\"\n",
                lo / 1.5, hi * 1.5);
  gb_gp_logtics(&body, "y", lo / 1.5, hi * 1.5);
  gb_buf_printf(&body, "plot %s\n", plot);
  snprintf(ch->caption, sizeof ch->caption,
           "Latency of the I/O operations (each op, measured where it is issued), from the median to the "
           "worst, for each strategy at its largest worker count (×N). Lower is better; a line that climbs "
           "steeply has a long tail.");
  gb_chart_emit(cs, ch, dat, body.s, GB_CHART_W, GB_CHART_H);
  gb_buf_free(&body);
}

static void percentiles(gb_charts *cs, int group) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  if (strcmp(g->kind, "cpu") == 0) return;
  char name[128], title[512];
  gb_chart_name(name, sizeof name, "latency", g);
  snprintf(title, sizeof title, "%s: I/O latency percentiles", g->label);
  gb_chart *ch = NULL;
  gb_buf dat, plot;
  gb_buf_init(&dat);
  gb_buf_init(&plot);
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
      double v = pct(&c->lat, k);
      if (!isfinite(v) || v <= 0) continue; /* a log axis has no place for 0 */
      gb_buf_printf(&dat, "%d %.6g %s\n", k, v, pct_names[k]);
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
    emit_percentiles(cs, ch, &dat, plot.s, lo, hi);
  } else if (ch) {
    cs->n--; /* every value was 0: nothing to draw */
    for (int k = 0; k < ch->nlegend; k++)
      free(ch->legend[k]);
    free(ch->legend);
  }
  gb_buf_free(&dat);
  gb_buf_free(&plot);
}

/* The switch interval of a cell, from any option named like one (gil.switch_interval_us,
 * cpython-*.switch_interval_us), or NAN. */
static double switch_interval(const gb_rcell *c) {
  const char *k;
  json_t *v;
  json_object_foreach(json_object_get(c->j, GB_KEY_OPTIONS), k, v) {
    if (strstr(k, "switch_interval") && json_is_number(v)) return json_number_value(v);
  }
  return NAN;
}

typedef struct {
  double x, p50, p99;
} ipoint;

static int ipoint_cmp(const void *a, const void *b) {
  double x = ((const ipoint *)a)->x, y = ((const ipoint *)b)->x;
  return x < y ? -1 : x > y;
}

/* A switch chart in the making: its data, plot lines, legend and ranges. */
typedef struct {
  gb_charts *cs;
  gb_chart *ch;
  gb_buf dat, plot;
  char name[128], title[512];
  int group, nb;
  double xlo, xhi, ylo, yhi;
} sw_chart;

/* Strategies with latency at two or more intervals, at most 32. */
static int switch_strategies(const gb_rmodel *m, const gb_rgroup *g, const char *strat[32]) {
  int nstrat = 0;
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (!c->ok || !c->have_lat || !isfinite(switch_interval(c))) continue;
    int seen = 0;
    for (int k = 0; k < nstrat; k++)
      seen |= strcmp(strat[k], c->strategy) == 0;
    if (!seen && nstrat < 32) strat[nstrat++] = c->strategy;
  }
  return nstrat;
}

/* The points of strategy st at its largest worker count (*wmax), sorted by interval; how many. */
static int strategy_points(const gb_rmodel *m, const gb_rgroup *g, const char *st, ipoint pts[64],
                           int *wmax) {
  *wmax = 0;
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (c->ok && c->have_lat && strcmp(c->strategy, st) == 0 && isfinite(switch_interval(c)) &&
        c->workers > *wmax)
      *wmax = c->workers;
  }
  int np = 0;
  for (int i = 0; i < g->ncells && np < 64; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    double iv = switch_interval(c);
    if (c->ok && c->have_lat && strcmp(c->strategy, st) == 0 && c->workers == *wmax && iv > 0 &&
        c->lat.p50 > 0 && c->lat.p99 > 0)
      pts[np++] = (ipoint){iv, c->lat.p50, c->lat.p99};
  }
  if (np >= 2) qsort(pts, (size_t)np, sizeof *pts, ipoint_cmp);
  return np;
}

/* Add strategy st's p50 and p99 lines (np >= 2 points at wmax workers). */
static void add_strategy(sw_chart *sc, const char *st, int wmax, const ipoint *pts, int np) {
  const gb_rmodel *m = sc->cs->m;
  const gb_rgroup *g = &m->groups[sc->group];
  if (!sc->ch) sc->ch = gb_chart_new(sc->cs, sc->name, sc->group, GB_SEC_WORKLOAD, sc->title);
  gb_buf_printf(&sc->dat, "%s# %s ×%d\n", sc->nb ? "\n\n" : "", st, wmax);
  for (int p = 0; p < np; p++) {
    gb_buf_printf(&sc->dat, "%.6g %.6g %.6g\n", pts[p].x, pts[p].p50, pts[p].p99);
    sc->xlo = fmin(sc->xlo, pts[p].x);
    sc->xhi = fmax(sc->xhi, pts[p].x);
    sc->ylo = fmin(sc->ylo, pts[p].p50);
    sc->yhi = fmax(sc->yhi, pts[p].p99);
  }
  const char *color = m->series[m->cells[g->cells[0]].series].color;
  for (int s = 0; s < m->nseries; s++)
    if (strcmp(m->series[s].strategy, st) == 0) color = m->series[s].color;
  char l50[160], l99[160];
  snprintf(l50, sizeof l50, "%s ×%d p50", st, wmax);
  snprintf(l99, sizeof l99, "%s ×%d p99", st, wmax);
  gb_buf_printf(&sc->plot, "%s\"%s.dat\" index %d using 1:2 with linespoints lc rgb \"%s\" lw 2 pt 7 title '",
                sc->nb ? ", \\\n  " : "", sc->name, sc->nb, color);
  gb_buf_gpstr(&sc->plot, l50);
  gb_buf_printf(
      &sc->plot,
      "', \\\n  \"%s.dat\" index %d using 1:3 with linespoints lc rgb \"%s\" lw 2 dt 2 pt 5 title '",
      sc->name, sc->nb, color);
  gb_buf_gpstr(&sc->plot, l99);
  gb_buf_add(&sc->plot, "'");
  gb_chart_legend(sc->ch, l50);
  gb_chart_legend(sc->ch, l99);
  sc->nb++;
}

/* Strategies without the option, as flat references: their p99 at their largest worker count.
 * How many. */
static int add_references(sw_chart *sc) {
  const gb_rmodel *m = sc->cs->m;
  int nref = 0;
  for (int s = 0; s < m->nseries; s++) {
    int ci = gb_rmodel_rep_cell(m, sc->group, s);
    if (ci < 0 || !m->cells[ci].have_lat || isfinite(switch_interval(&m->cells[ci])) ||
        m->cells[ci].lat.p99 <= 0)
      continue;
    const gb_rcell *c = &m->cells[ci];
    gb_buf_printf(&sc->plot, ", \\\n  %.6g with lines lc rgb \"%s\" dt 3 lw 2 title '", c->lat.p99,
                  m->series[s].color);
    char label[512];
    snprintf(label, sizeof label, "%s ×%d p99", m->series[s].label, c->workers);
    gb_buf_gpstr(&sc->plot, label);
    gb_buf_add(&sc->plot, "'");
    gb_chart_legend(sc->ch, label);
    sc->ylo = fmin(sc->ylo, c->lat.p99);
    sc->yhi = fmax(sc->yhi, c->lat.p99);
    nref++;
  }
  return nref;
}

/* Emit the switch chart, x tics at the intervals ivals. */
static void emit_switch(sw_chart *sc, const ipoint *ivals, int nivals, int nref) {
  gb_buf body;
  gb_buf_init(&body);
  gb_buf_add(&body, "set xtics (");
  for (int p = 0; p < nivals; p++)
    gb_buf_printf(&body, "%s%g", p ? ", " : "", ivals[p].x);
  gb_buf_add(&body, ")\n");
  gb_buf_printf(&body,
                "set logscale xy\nset xrange [%g:%g]\nset yrange [%g:%g]\n"
                "set xlabel \"switch interval (µs, log scale)\"\n"
                "set ylabel \"I/O latency (µs, log scale)\"\n",
                sc->xlo / 1.5, sc->xhi * 1.5, sc->ylo / 2, sc->yhi * 2);
  gb_gp_logtics(&body, "y", sc->ylo / 2, sc->yhi * 2);
  gb_buf_printf(&body, "plot %s\n", sc->plot.s);
  snprintf(sc->ch->caption, sizeof sc->ch->caption,
           "The convoy effect: how long an I/O operation takes beside CPU-bound work as the lock's switch "
           "interval changes (median, solid; p99, dashed).%s A GIL-bound I/O task waits up to a whole "
           "interval for the lock after each blocking call, so its latency follows the interval.",
           nref ? " Dotted flat lines: strategies without a lock, for reference." : "");
  gb_chart_emit(sc->cs, sc->ch, &sc->dat, body.s, GB_CHART_W, GB_CHART_H + 40);
  gb_buf_free(&body);
}

static void switch_chart(gb_charts *cs, int group) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  const char *strat[32];
  int nstrat = switch_strategies(m, g, strat);
  sw_chart sc = {.cs = cs, .group = group, .xlo = INFINITY, .ylo = INFINITY};
  gb_buf_init(&sc.dat);
  gb_buf_init(&sc.plot);
  gb_chart_name(sc.name, sizeof sc.name, "switch", g);
  snprintf(sc.title, sizeof sc.title, "%s: I/O latency against the switch interval", g->label);
  gb_buf_printf(&sc.dat, "# %s\n# one block per line: switch interval us, p50 us, p99 us\n", sc.title);
  ipoint pts_all[32][64], *ivals = NULL; /* the x tics: the last strategy's intervals */
  int nivals = 0;
  for (int k = 0; k < nstrat; k++) {
    int wmax, np = strategy_points(m, g, strat[k], pts_all[k], &wmax);
    if (np < 2) continue;
    add_strategy(&sc, strat[k], wmax, pts_all[k], np);
    ivals = pts_all[k];
    nivals = np;
  }
  if (sc.ch) emit_switch(&sc, ivals, nivals, add_references(&sc));
  gb_buf_free(&sc.dat);
  gb_buf_free(&sc.plot);
}

void gb_charts_io(gb_charts *cs, int group) {
  percentiles(cs, group);
  switch_chart(cs, group);
}
