/* chart_perf.c: how each strategy scales: speedup against workers (with the ideal line), time per
 * strategy at each worker count (bars with intervals), and the efficiency heat map. */
#include <math.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"

/* Does series s have an ok cell with a finite value of `speedup` (want_speedup) or median? */
static int series_has(const gb_rmodel *m, int group, int s, int want_speedup) {
  const gb_rgroup *g = &m->groups[group];
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (c->series == s && c->ok && isfinite(want_speedup ? c->speedup : c->median)) return 1;
  }
  return 0;
}

static void worker_tics(gb_buf *b, const gb_rgroup *g) {
  gb_buf_add(b, "set xtics (");
  for (int w = 0; w < g->nworkers; w++)
    gb_buf_printf(b, "%s%d", w ? ", " : "", g->workers[w]);
  gb_buf_add(b, ")\n");
}

/* Add series s to the speedup chart: its data block (index nblocks) and plot line; raises *ymax to
 * its highest interval end. */
static void speedup_series(const gb_rmodel *m, int group, int s, const char *name, int nblocks, gb_buf *dat,
                           gb_buf *plot, double *ymax) {
  const gb_rgroup *g = &m->groups[group];
  int wmin = g->workers[0], wmax = g->workers[g->nworkers - 1];
  int logx = wmax >= 8 * wmin;
  double dodge = (wmax > wmin ? (wmax - wmin) : 1) * 0.012;
  const gb_rseries *se = &m->series[s];
  gb_buf_printf(dat, "%s# %s\n", nblocks ? "\n\n" : "", se->label);
  for (int w = 0; w < g->nworkers; w++) {
    int ci = gb_rmodel_find(m, group, s, g->workers[w]);
    if (ci < 0 || !m->cells[ci].ok || !isfinite(m->cells[ci].speedup)) continue;
    const gb_rcell *c = &m->cells[ci];
    /* Dodge: each series a little to the side, so error bars at one worker count stay apart. */
    double x = logx ? c->workers * pow(1.035, s - (m->nseries - 1) / 2.0)
                    : c->workers + dodge * (s - (m->nseries - 1) / 2.0);
    gb_buf_printf(dat, "%.5g %.6g %.6g %.6g %.9g %d\n", x, c->speedup, c->slo, c->shi, c->median, c->workers);
    if (c->shi > *ymax) *ymax = c->shi;
  }
  gb_buf_printf(plot,
                ", \\\n  \"%s.dat\" index %d using 1:2:3:4 with yerrorlines lc rgb \"%s\" dt %d lw 2 pt 7 "
                "ps 0.9 title '",
                name, nblocks, se->color, se->dash);
  gb_buf_gpstr(plot, se->label);
  gb_buf_add(plot, "'");
}

/* The speedup chart's axes, reference lines, caption and emission. */
static void emit_speedup(gb_charts *cs, gb_chart *ch, const gb_rgroup *g, gb_buf *dat, const char *plot,
                         double ymax) {
  int wmin = g->workers[0], wmax = g->workers[g->nworkers - 1];
  gb_buf body;
  gb_buf_init(&body);
  if (wmax > ymax) ymax = wmax;
  worker_tics(&body, g);
  if (wmax >= 8 * wmin)
    gb_buf_printf(&body, "set logscale x 2\nset xrange [%g:%g]\n", wmin / 1.2, wmax * 1.2);
  else if (wmax == wmin)
    gb_buf_printf(&body, "set xrange [%g:%g]\n", wmin - 0.5, wmax + 0.5);
  else
    gb_buf_printf(&body, "set xrange [%g:%g]\n", wmin - 0.08 * (wmax - wmin) - 0.05,
                  wmax + 0.08 * (wmax - wmin) + 0.05);
  gb_buf_printf(&body,
                "set yrange [0:%g]\n"
                "set xlabel \"workers\"\n"
                "set ylabel \"speedup over the baseline (×)\"\n"
                "set samples 200\n"
                "plot x with lines lc rgb \"#999999\" dt 2 lw 1.5 title \"ideal (linear)\", \\\n"
                "  1 with lines lc rgb \"#bbbbbb\" dt 3 lw 1 title \"no gain (1×)\"%s\n",
                ymax * 1.1, plot);
  gb_chart_legend(ch, "ideal (linear)");
  gb_chart_legend(ch, "no gain (1×)");
  snprintf(
      ch->caption, sizeof ch->caption,
      "Speedup of each strategy over its baseline (a serial run of the same implementation in the same "
      "interpreter binary: serial, cpython-serial, cpython-ext-serial or cpython-serial-spawn) as workers "
      "are added. Error bars: the speedup's bootstrap 95%% interval (both sides' spread). The dashed "
      "diagonal is perfect scaling; points on the dotted line gain nothing.");
  gb_chart_emit(cs, ch, dat, body.s, GB_CHART_W, GB_CHART_H);
  gb_buf_free(&body);
}

static void speedup(gb_charts *cs, int group) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  gb_buf dat, plot;
  gb_buf_init(&dat);
  gb_buf_init(&plot);
  char name[128], title[512];
  gb_chart_name(name, sizeof name, "speedup", g);
  snprintf(title, sizeof title, "%s: speedup against workers", g->label);
  gb_buf_printf(&dat,
                "# %s\n# one block per series: x (workers, dodged a little per series), speedup, its 95%% "
                "interval (low, high), median wall s, workers\n",
                title);
  double ymax = 1.0;
  int nblocks = 0;
  gb_chart *ch = NULL;
  for (int s = 0; s < m->nseries; s++) {
    if (!series_has(m, group, s, 1)) continue;
    if (!ch) ch = gb_chart_new(cs, name, group, GB_SEC_WORKLOAD, title);
    speedup_series(m, group, s, name, nblocks, &dat, &plot, &ymax);
    gb_chart_legend(ch, m->series[s].label);
    nblocks++;
  }
  if (ch) emit_speedup(cs, ch, g, &dat, plot.s, ymax);
  gb_buf_free(&dat);
  gb_buf_free(&plot);
}

/* The series of the time chart (at most 256) and the range of their medians and intervals. */
static int time_slots(const gb_rmodel *m, int group, int slots[256], double *vmax, double *vmin,
                      double *lomin) {
  const gb_rgroup *g = &m->groups[group];
  int ns = 0;
  *vmax = 0, *vmin = INFINITY, *lomin = INFINITY;
  for (int s = 0; s < m->nseries && ns < 256; s++) {
    if (!series_has(m, group, s, 0)) continue;
    slots[ns++] = s;
    for (int i = 0; i < g->ncells; i++) {
      const gb_rcell *c = &m->cells[g->cells[i]];
      if (c->series != s || !c->ok || !isfinite(c->median)) continue;
      *vmax = fmax(*vmax, fmax(c->mhi, c->median));
      *vmin = fmin(*vmin, c->median);
      *lomin = fmin(*lomin, fmin(c->mlo, c->median));
    }
  }
  return ns;
}

/* Slot k (series s) of the time chart: its bars' data block and plot lines (bar and whiskers). */
static void time_series(const gb_rmodel *m, int group, int s, int k, int ns, double scale, double base,
                        const char *name, gb_buf *dat, gb_buf *plot) {
  const gb_rgroup *g = &m->groups[group];
  const gb_rseries *se = &m->series[s];
  double bw = 0.8 / ns;
  gb_buf_printf(dat, "%s# %s\n", k ? "\n\n" : "", se->label);
  for (int w = 0; w < g->nworkers; w++) {
    int ci = gb_rmodel_find(m, group, s, g->workers[w]);
    double x = w + (k - (ns - 1) / 2.0) * bw;
    if (ci < 0 || !m->cells[ci].ok || !isfinite(m->cells[ci].median)) continue;
    const gb_rcell *c = &m->cells[ci];
    gb_buf_printf(dat, "%.4f %.6g %.6g %.6g %.4f %.4f %.6g %d\n", x, c->median * scale, c->mlo * scale,
                  c->mhi * scale, x - bw * 0.46, x + bw * 0.46, base, c->workers);
  }
  /* Variants of one strategy share its color; later ones are paler. */
  gb_buf_printf(
      plot, "%s\"%s.dat\" index %d using 1:2:5:6:7:2 with boxxyerror fc rgb \"%s\" fs solid %.2f title '",
      k ? ", \\\n  " : "", name, k, se->color, se->dash == 1 ? 0.85 : 0.85 / (1 + 0.7 * (se->dash - 1)));
  gb_buf_gpstr(plot, se->label);
  /* Whiskers as vectors: gnuplot 5.4's yerrorbars punches a white disc around each point. */
  gb_buf_printf(
      plot,
      "', \\\n  \"%s.dat\" index %d using 1:3:(0):($4-$3) with vectors nohead lc rgb \"#222222\" notitle"
      ", \\\n  \"%s.dat\" index %d using ($1-%g):3:(%g):(0) with vectors nohead lc rgb \"#222222\" notitle"
      ", \\\n  \"%s.dat\" index %d using ($1-%g):4:(%g):(0) with vectors nohead lc rgb \"#222222\" notitle",
      name, k, name, k, bw * 0.12, bw * 0.24, name, k, bw * 0.12, bw * 0.24);
}

/* The time chart's axes: a tic per worker count, a linear or (logy, from base) logarithmic y. */
static void time_body(gb_buf *body, const gb_rgroup *g, int logy, double base, double top, const char *unit,
                      const char *plot) {
  gb_buf_add(body, "set xtics (");
  for (int w = 0; w < g->nworkers; w++)
    gb_buf_printf(body, "%s\"%d worker%s\" %d", w ? ", " : "", g->workers[w], g->workers[w] == 1 ? "" : "s",
                  w);
  gb_buf_printf(body, ") scale 0\nset xrange [-0.6:%g]\nset grid noxtics ytics\n", g->nworkers - 0.4);
  if (logy) {
    gb_buf_printf(body, "set logscale y\nset yrange [%g:%g]\n", base, top * 1.6);
    gb_gp_logtics(body, "y", base, top * 1.6);
  } else
    gb_buf_printf(body, "set yrange [0:%g]\n", top * 1.12);
  gb_buf_printf(body, "set ylabel \"median wall time (%s)%s\"\nplot %s\n", unit, logy ? ", log scale" : "",
                plot);
}

static void time_chart(gb_charts *cs, int group) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  int slots[256];
  double vmax, vmin, lomin;
  int ns = time_slots(m, group, slots, &vmax, &vmin, &lomin);
  if (ns == 0) return;
  char name[128], title[512];
  gb_chart_name(name, sizeof name, "time", g);
  snprintf(title, sizeof title, "%s: median wall time", g->label);
  gb_chart *ch = gb_chart_new(cs, name, group, GB_SEC_WORKLOAD, title);
  double scale;
  const char *unit = gb_time_unit(vmax, &scale);
  int logy = vmin > 0 && vmax / vmin > 25;
  double base = logy ? lomin * scale / 1.6 : 0.0;
  gb_buf dat, body, plot;
  gb_buf_init(&dat);
  gb_buf_init(&body);
  gb_buf_init(&plot);
  gb_buf_printf(&dat,
                "# %s\n# one block per series: x, median (%s), 95%% interval low, high, bar left, right, "
                "bar base, workers\n",
                title, unit);
  for (int k = 0; k < ns; k++) {
    time_series(m, group, slots[k], k, ns, scale, base, name, &dat, &plot);
    gb_chart_legend(ch, m->series[slots[k]].label);
  }
  time_body(&body, g, logy, base, vmax * scale, unit, plot.s);
  snprintf(ch->caption, sizeof ch->caption,
           "Median wall time of each strategy at each worker count (lower is better); whiskers: the 95%% "
           "interval of the median.%s",
           logy ? " The times span more than 25×, so the axis is logarithmic." : "");
  gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, GB_CHART_H);
  gb_buf_free(&dat);
  gb_buf_free(&body);
  gb_buf_free(&plot);
}

void gb_charts_perf(gb_charts *cs, int group) {
  speedup(cs, group);
  time_chart(cs, group);
}

/* Whether series s has an efficiency at wmax workers in group g. */
static int has_efficiency(const gb_rmodel *m, int g, int s, int wmax) {
  int ci = gb_rmodel_find(m, g, s, wmax);
  return ci >= 0 && m->cells[ci].ok && isfinite(m->cells[ci].efficiency);
}

/* The heat map in the making: rows (series) and columns (groups) with a value at wmax workers. */
typedef struct {
  const gb_rmodel *m;
  int wmax, *rows, nr, *cols, nc;
} eff_map;

/* The largest worker count (over 1) with an efficiency anywhere, or 0. */
static int efficiency_workers(const gb_rmodel *m) {
  int wmax = 0;
  for (int i = 0; i < m->ncells; i++)
    if (m->cells[i].ok && m->cells[i].workers > 1 && isfinite(m->cells[i].efficiency) &&
        m->cells[i].workers > wmax)
      wmax = m->cells[i].workers;
  return wmax;
}

static void efficiency_rows_cols(eff_map *e) {
  const gb_rmodel *m = e->m;
  for (int s = 0; s < m->nseries; s++) {
    int has = 0;
    for (int g = 0; g < m->ngroups && !has; g++)
      has = has_efficiency(m, g, s, e->wmax);
    if (has) e->rows[e->nr++] = s;
  }
  for (int g = 0; g < m->ngroups; g++) {
    int has = 0;
    for (int r = 0; r < e->nr && !has; r++)
      has = has_efficiency(m, g, e->rows[r], e->wmax);
    if (has) e->cols[e->nc++] = g;
  }
}

/* The cells (block 0) and the n/a cells (block 1); a legend entry per row. */
static void efficiency_data(const eff_map *e, gb_chart *ch, gb_buf *dat) {
  const gb_rmodel *m = e->m;
  gb_buf na;
  gb_buf_init(&na);
  for (int r = 0; r < e->nr; r++) {
    gb_chart_legend(ch, m->series[e->rows[r]].label);
    for (int k = 0; k < e->nc; k++) {
      int ci = gb_rmodel_find(m, e->cols[k], e->rows[r], e->wmax);
      int y = e->nr - 1 - r; /* first series at the top */
      if (ci >= 0 && m->cells[ci].ok && isfinite(m->cells[ci].efficiency))
        gb_buf_printf(dat, "%d %d %.4f \"%.0f%%%s\"\n", k, y, m->cells[ci].efficiency,
                      m->cells[ci].efficiency * 100, m->cells[ci].eff_flag ? " !" : "");
      else
        gb_buf_printf(&na, "%d %d\n", k, y);
    }
  }
  gb_buf_printf(dat, "\n\n# n/a\n%s", na.n ? na.s : "? ?\n");
  gb_buf_free(&na);
}

/* Column k's label: the group, and which ideal its efficiencies use (CPU-bound work min(workers,
 * PUs), I/O-bound and mixed work the overlap limit). The caller frees it. */
static char *efficiency_column(const eff_map *e, int k) {
  const gb_rmodel *m = e->m;
  const char *basis = "cpu";
  for (int r = 0; r < e->nr; r++) {
    int ci = gb_rmodel_find(m, e->cols[k], e->rows[r], e->wmax);
    if (ci >= 0 && m->cells[ci].ok && isfinite(m->cells[ci].efficiency)) basis = m->cells[ci].ideal_basis;
  }
  gb_buf t;
  gb_buf_init(&t);
  gb_buf_printf(&t, "%s [%s]", m->groups[e->cols[k]].label,
                strcmp(basis, "overlap") == 0 ? "of overlap"
                : strcmp(basis, "cpu") == 0   ? "of min(w, PUs)"
                                              : "of workers");
  return t.s;
}

/* The heat map's gnuplot body over column labels xl and row labels yl. */
static void efficiency_body(gb_buf *body, const char **xl, int nc, const char **yl, int nr) {
  gb_buf_add(body, "unset key\nset grid noxtics noytics\nset border 0\nset tics scale 0\nset xtics ");
  gb_gp_xtics(body, xl, nc);
  gb_buf_add(body, nc > 4 ? " rotate by 30 right\nset ytics " : "\nset ytics ");
  gb_gp_xtics(body, yl, nr);
  gb_buf_printf(
      body,
      "\nset xrange [-0.5:%g]\nset yrange [-0.5:%g]\n"
      "set cbrange [0:1]\nset cbtics (\"0%%%%\" 0, \"25%%%%\" 0.25, \"50%%%%\" 0.5, \"75%%%%\" 0.75, "
      "\"100%%%%\" 1)\n"
      "set cblabel \"efficiency = speedup / ideal\" offset 1.5,0\n"
      "set palette defined (0 \"#ffffd9\", 0.25 \"#c7e9b4\", 0.5 \"#41b6c4\", 0.75 \"#225ea8\", 1 "
      "\"#081d58\")\n"
      "plot \"efficiency.dat\" index 0 using 1:2:($1-0.5):($1+0.5):($2-0.5):($2+0.5):($3 > 1 ? 1 : $3) "
      "with boxxyerror fc palette fs solid 1 border rgb \"#ffffff\", \\\n"
      "  \"efficiency.dat\" index 1 using 1:2:($1-0.5):($1+0.5):($2-0.5):($2+0.5) with boxxyerror "
      "fc rgb \"#eeeeee\" fs solid 1 border rgb \"#ffffff\", \\\n"
      "  \"efficiency.dat\" index 0 using 1:($3 > 0.55 ? $2 : NaN):4 with labels tc rgb \"#ffffff\", \\\n"
      "  \"efficiency.dat\" index 0 using 1:($3 > 0.55 ? NaN : $2):4 with labels tc rgb \"#222222\", \\\n"
      "  \"efficiency.dat\" index 1 using 1:2:(\"n/a\") with labels tc rgb \"#666666\"\n",
      nc - 0.5, nr - 0.5);
}

void gb_charts_efficiency(gb_charts *cs) {
  const gb_rmodel *m = cs->m;
  eff_map e = {.m = m, .wmax = efficiency_workers(m)};
  if (e.wmax == 0) return;
  e.rows = gb_xmalloc(sizeof *e.rows * (size_t)(m->nseries + 1));
  e.cols = gb_xmalloc(sizeof *e.cols * (size_t)(m->ngroups + 1));
  efficiency_rows_cols(&e);
  int nr = e.nr, nc = e.nc;
  char title[256];
  snprintf(title, sizeof title, "Parallel efficiency at %d workers", e.wmax);
  gb_chart *ch = gb_chart_new(cs, "efficiency", -1, GB_SEC_OVERVIEW, title);
  ch->nokey = 1;
  ch->nonarrow = 1; /* the row labels take the width a phone's canvas has: it scrolls this one */
  gb_buf dat, body;
  gb_buf_init(&dat);
  gb_buf_init(&body);
  gb_buf_printf(&dat,
                "# %s\n# block 0: column, row, efficiency, label; block 1: column, row of cells with no "
                "value (n/a)\n",
                title);
  efficiency_data(&e, ch, &dat);
  const char **xl = gb_xmalloc(sizeof *xl * (size_t)(nc + 1)),
             **yl = gb_xmalloc(sizeof *yl * (size_t)(nr + 1));
  char **xlab = gb_xmalloc(sizeof *xlab * (size_t)(nc + 1));
  for (int k = 0; k < nc; k++)
    xl[k] = xlab[k] = efficiency_column(&e, k);
  for (int r = 0; r < nr; r++)
    yl[nr - 1 - r] = m->series[e.rows[r]].label;
  efficiency_body(&body, xl, nc, yl, nr);
  snprintf(
      ch->caption, sizeof ch->caption,
      "Speedup divided by its ideal for every strategy (rows) and workload (columns) at the largest worker "
      "count of the run, %d. Each column names its ideal: min(workers, PUs) for CPU-bound work, the "
      "overlap limit (serial time over the longest chain of waits one task makes) for I/O-bound and mixed "
      "work. 100%% reaches the ideal; ! marks above 105%%, flagged with its likely cause in the verdict; "
      "n/a: that strategy did not run (or did not succeed) there.",
      e.wmax);
  int longest = 0;
  for (int k = 0; k < nc; k++)
    longest = (int)fmax(longest, strlen(xl[k]));
  int h = 90 + 38 * nr + (nc > 4 ? 7 * longest : 30);
  gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, h < 240 ? 240 : h);
  for (int k = 0; k < nc; k++)
    free(xlab[k]);
  free(xlab);
  free(xl);
  free(yl);
  free(e.rows);
  free(e.cols);
  gb_buf_free(&dat);
  gb_buf_free(&body);
}
