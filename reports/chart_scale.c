/* chart_scale.c: "cost as work grows": for a workload measured at three or more worker counts (the
 * scale suite), each cost against workers on log-log axes, one line per strategy, and beside each
 * line its fitted growth: the least-squares slope b of log(cost) on log(workers), so cost ~ n^b,
 * named (falling, constant, sublinear, linear, superlinear, quadratic). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"
#include "schema.h"

/* One quantity drawn: its file prefix, title, axis label and how a repetition gives it. */
typedef struct gb_scale_q {
  const char *prefix, *title, *ylabel, *caption;
  double (*of)(json_t *rep, const gb_rcell *c, double tasks);
} gb_scale_q;

static double q_wall(json_t *r, const gb_rcell *c, double tasks) {
  (void)c, (void)tasks;
  return gb_jnum(r, GB_KEY_WALL_S);
}
static double q_task(json_t *r, const gb_rcell *c, double tasks) {
  (void)c;
  return gb_jnum(r, GB_KEY_WALL_S) / tasks * 1e6;
}
static double q_peak(json_t *r, const gb_rcell *c, double tasks) {
  (void)c, (void)tasks;
  return gb_jnum(r, GB_KEY_PEAK_RSS_BYTES) / 1048576.0;
}
static double q_per_worker(json_t *r, const gb_rcell *c, double tasks) {
  (void)tasks;
  return (gb_jnum(r, GB_KEY_PEAK_RSS_BYTES) - gb_jnum(r, GB_KEY_BASE_RSS_BYTES)) / 1024.0 / c->workers;
}
static double q_csw(json_t *r, const gb_rcell *c, double tasks) {
  (void)c, (void)tasks;
  return gb_jnum(r, GB_KEY_CTX_SWITCHES);
}

static const gb_scale_q qs[] = {
    {"scale-wall", "wall time against workers", "wall time (s, log scale)",
     "Wall time of the whole cell: flat while the work is shared out, rising where extra workers only add "
     "cost.",
     q_wall},
    {"scale-task", "cost per task against workers", "per task (µs, log scale)",
     "Wall time divided by the tasks: what one task costs end to end at each worker count.", q_task},
    {"scale-peak", "peak memory against workers", "peak RSS (MiB, log scale)",
     "Largest resident set of gilbench's repetition and its children while the cell ran (sampled every 1-10 "
     "ms, "
     "and the kernel's own peak of the process). A forked worker's pages shared copy-on-write with the "
     "coordinator count once per process, as ps counts them.",
     q_peak},
    {"scale-per-worker", "memory per worker", "(peak - before) RSS / workers (KiB, log scale)",
     "What each worker added to the resident set: peak RSS less RSS before the workers existed, over the "
     "workers.",
     q_per_worker},
    {"scale-csw", "context switches against workers", "context switches (log scale)",
     "Voluntary and involuntary context switches of the repetition's threads and children while the cell ran "
     "(the memory sampler's own left out).",
     q_csw},
};

/* Median over the cell's repetitions of q (NAN if none is finite and > 0). */
static double cell_q(const gb_rcell *c, const gb_scale_q *q) {
  json_t *reps = json_object_get(c->j, GB_KEY_REPS);
  size_t n = json_array_size(reps);
  json_t *params = json_object_get(c->j, GB_KEY_PARAMS);
  double tasks = gb_jnum(params, "tasks");
  if (!isfinite(tasks) || tasks <= 0) tasks = 1;
  double *x = malloc(sizeof *x * (n + 1));
  int k = 0;
  for (size_t i = 0; i < n; i++) {
    double v = q->of(json_array_get(reps, i), c, tasks);
    if (isfinite(v) && v > 0) x[k++] = v;
  }
  double v = k ? gb_median_inplace(x, k) : NAN;
  free(x);
  return v;
}

const char *gb_growth_name(double b) {
  return b < -0.2  ? "falling"
         : b < 0.2 ? "constant"
         : b < 0.8 ? "sublinear"
         : b < 1.2 ? "linear"
         : b < 1.8 ? "superlinear"
                   : "quadratic";
}

/* Least-squares slope of log(y) on log(x); NAN with fewer than 2 distinct x. */
double gb_loglog_slope(const double *x, const double *y, int n) {
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (int i = 0; i < n; i++) {
    double lx = log(x[i]), ly = log(y[i]);
    sx += lx, sy += ly, sxx += lx * lx, sxy += lx * ly;
  }
  double d = n * sxx - sx * sx;
  return n >= 2 && d > 1e-12 ? (n * sxy - sx * sy) / d : NAN;
}

/* Emit a scaling chart: log-log axes over the group's worker counts and the values lo..hi. */
static void emit_scale(gb_charts *cs, gb_chart *ch, const gb_rgroup *g, const gb_scale_q *q, gb_buf *dat,
                       const char *labels, const char *plot, double lo, double hi) {
  gb_buf body;
  gb_buf_init(&body);
  int wmin = g->workers[0], wmax = g->workers[g->nworkers - 1];
  gb_buf_add(&body, "set logscale xy\nset xtics (");
  for (int w = 0; w < g->nworkers; w++)
    gb_buf_printf(&body, "%s%d", w ? ", " : "", g->workers[w]);
  gb_buf_printf(&body, ")\nset xrange [%g:%g]\nset yrange [%g:%g]\n", wmin / 1.3, wmax * 2.2, lo / 1.6,
                hi * 1.6);
  gb_gp_logtics(&body, "y", lo / 1.6, hi * 1.6);
  gb_buf_printf(&body, "set xlabel \"workers (log scale)\"\nset ylabel \"%s\"\n%splot %s\n", q->ylabel,
                labels, plot);
  snprintf(ch->caption, sizeof ch->caption,
           "%s Both axes are logarithmic, so a straight line is a power law: its fitted exponent b (least "
           "squares "
           "on log-log, cost ~ n^b) is written beside it: about 0 is constant, 1 linear in the workers.",
           q->caption);
  gb_chart_emit(cs, ch, dat, body.s, GB_CHART_W, GB_CHART_H);
  gb_buf_free(&body);
}

static void scale_chart(gb_charts *cs, int group, const gb_scale_q *q) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  char name[128], title[512];
  gb_chart_name(name, sizeof name, q->prefix, g);
  snprintf(title, sizeof title, "%s: %s", g->label, q->title);
  gb_buf dat, plot, labels;
  gb_buf_init(&dat);
  gb_buf_init(&plot);
  gb_buf_init(&labels);
  gb_buf_printf(&dat, "# %s\n# one block per series: workers, median over repetitions; the fit: cost ~ n^b\n",
                title);
  gb_chart *ch = NULL;
  int nb = 0;
  double lo = INFINITY, hi = 0;
  for (int s = 0; s < m->nseries; s++) {
    double xs[64], ys[64];
    int n = 0;
    for (int w = 0; w < g->nworkers && n < 64; w++) {
      int ci = gb_rmodel_find(m, group, s, g->workers[w]);
      if (ci < 0 || !m->cells[ci].ok) continue;
      double v = cell_q(&m->cells[ci], q);
      if (!isfinite(v)) continue;
      xs[n] = g->workers[w], ys[n++] = v;
    }
    if (n < 3) continue; /* a line of two points has no growth worth naming */
    if (!ch) ch = gb_chart_new(cs, name, group, GB_SEC_WORKLOAD, title);
    double b = gb_loglog_slope(xs, ys, n);
    char label[512];
    snprintf(label, sizeof label, "%s: ~n^%.2f (%s)", m->series[s].label, b, gb_growth_name(b));
    gb_buf_printf(&dat, "%s# %s\n", nb ? "\n\n" : "", label);
    for (int i = 0; i < n; i++) {
      gb_buf_printf(&dat, "%g %.6g\n", xs[i], ys[i]);
      lo = fmin(lo, ys[i]);
      hi = fmax(hi, ys[i]);
    }
    gb_buf_printf(
        &plot,
        "%s\"%s.dat\" index %d using 1:2 with linespoints lc rgb \"%s\" dt %d lw 2 pt 7 ps 0.8 title \"",
        nb ? ", \\\n  " : "", name, nb, m->series[s].color, m->series[s].dash);
    gb_buf_gpstr(&plot, label);
    gb_buf_add(&plot, "\"");
    gb_buf_printf(&labels, "set label \"n^%.2f\" at %g,%.6g offset 0.6,0 left font \",11\" tc rgb \"%s\"\n",
                  b, xs[n - 1], ys[n - 1], m->series[s].color);
    gb_chart_legend(ch, label);
    nb++;
  }
  if (ch) emit_scale(cs, ch, g, q, &dat, labels.s, plot.s, lo, hi);
  gb_buf_free(&dat);
  gb_buf_free(&plot);
  gb_buf_free(&labels);
}

void gb_charts_scale(gb_charts *cs, int group) {
  if (cs->m->groups[group].nworkers < 3) return;
  for (size_t k = 0; k < GB_ARRAY_LEN(qs); k++)
    scale_chart(cs, group, &qs[k]);
}
