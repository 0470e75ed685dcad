/* chart_counters.c: one chart per counter (IPC first, then context switches, migrations, cache
 * misses, the rest): a bar per strategy for every workload, each strategy at its largest worker
 * count. A counter that could not be read is drawn as "n/a" where its bar would stand, never as
 * a zero bar. */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"

#define GB_MAX_COUNTER_CHARTS 10

/* Lower ranks are drawn first: the counters that answer "why is it slower" most often. */
static int counter_rank(const char *name) {
  static const char *const order[] = {"IPC", "context", "csw", "migrat", "cache",  "L1",  "L2",
                                      "L3",  "LLC",     "TCM", "DCM",    "branch", "BR_", "fault"};
  for (size_t i = 0; i < GB_ARRAY_LEN(order); i++)
    if (strcasestr(name, order[i])) return (int)i;
  return (int)GB_ARRAY_LEN(order);
}

static void make_slug(char *out, size_t len, const char *name) {
  size_t k = 0;
  for (const char *p = name; *p && k + 1 < len; p++)
    out[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
  out[k] = '\0';
}

/* Whether cell ci (or -1) has counter cname at all (counted, or known not to be). */
static int has_counter(const gb_rmodel *m, int ci, const char *cname) {
  double v;
  const char *st;
  return ci >= 0 && gb_rcell_counter(&m->cells[ci], cname, &v, &st) >= 0;
}

/* One counter's chart in the making: which groups (columns) and series (bar slots) it has. */
typedef struct {
  gb_charts *cs;
  const char *cname;
  int *cols, nc, *slots, ns;
  int ipc, logy;
  double base, top;
  char name[128], title[256];
  gb_buf dat, na, plot;
} ctr_chart;

/* The columns and slots of cc->cname: groups where a series has it, series that have it there. */
static void columns_and_slots(ctr_chart *cc) {
  const gb_rmodel *m = cc->cs->m;
  for (int g = 0; g < m->ngroups; g++) {
    int any = 0;
    for (int s = 0; s < m->nseries; s++)
      any |= has_counter(m, gb_rmodel_rep_cell(m, g, s), cc->cname);
    if (any) cc->cols[cc->nc++] = g;
  }
  for (int s = 0; s < m->nseries; s++) {
    int any = 0;
    for (int k = 0; k < cc->nc && !any; k++)
      any = has_counter(m, gb_rmodel_rep_cell(m, cc->cols[k], s), cc->cname);
    if (any) cc->slots[cc->ns++] = s;
  }
}

/* The counted values' largest and smallest positive; how many were counted. */
static int value_range(const ctr_chart *cc, double *vmin, double *vmax) {
  const gb_rmodel *m = cc->cs->m;
  int nvalues = 0;
  *vmax = 0, *vmin = INFINITY;
  for (int k = 0; k < cc->nc; k++)
    for (int j = 0; j < cc->ns; j++) {
      int ci = gb_rmodel_rep_cell(m, cc->cols[k], cc->slots[j]);
      double v;
      const char *st;
      if (ci >= 0 && gb_rcell_counter(&m->cells[ci], cc->cname, &v, &st) == 1) {
        *vmax = fmax(*vmax, v);
        if (v > 0) *vmin = fmin(*vmin, v);
        nvalues++;
      }
    }
  return nvalues;
}

/* Slot j's bars (one per column) and its n/a marks, its data block and plot line. */
static void add_slot(ctr_chart *cc, gb_chart *ch, int j) {
  const gb_rmodel *m = cc->cs->m;
  const gb_rseries *se = &m->series[cc->slots[j]];
  double bw = 0.8 / cc->ns;
  gb_buf_printf(&cc->dat, "%s# %s\n", j ? "\n\n" : "", se->label);
  int rows = 0;
  for (int k = 0; k < cc->nc; k++) {
    int ci = gb_rmodel_rep_cell(m, cc->cols[k], cc->slots[j]);
    double v, x = k + (j - (cc->ns - 1) / 2.0) * bw;
    const char *st = "unavailable";
    int r = ci >= 0 ? gb_rcell_counter(&m->cells[ci], cc->cname, &v, &st) : -1;
    if (r == 1 && (!cc->logy || v > 0)) {
      gb_buf_printf(&cc->dat, "%.4f %.6g %.4f %.4f %.6g %d\n", x, v, x - bw * 0.46, x + bw * 0.46, cc->base,
                    m->cells[ci].workers);
      rows++;
    } else if (r == 0 || r == 1) { /* not counted, or a true 0 that a log axis cannot show */
      gb_buf_printf(&cc->na, "%.4f %.6g \"%s\" \"%s\"\n", x, cc->logy ? cc->base * 1.15 : cc->top * 0.02,
                    r == 1 ? "0" : "n/a", r == 1 ? "zero" : st);
    }
  }
  if (!rows) gb_buf_add(&cc->dat, "? ? ? ? ? ?\n");
  double fill = se->dash == 1 ? 0.85 : 0.85 / (1 + 0.7 * (se->dash - 1)); /* paler for later variants */
  /* The legend entry apart from the data, so a series counted nowhere still names its n/a marks. */
  gb_buf_printf(
      &cc->plot,
      "%s\"%s.dat\" index %d using 1:2:3:4:5:2 with boxxyerror fc rgb \"%s\" fs solid %.2f notitle, \\\n"
      "  NaN with boxes fc rgb \"%s\" fs solid %.2f title '",
      j ? ", \\\n  " : "", cc->name, j, se->color, fill, se->color, fill);
  gb_buf_gpstr(&cc->plot, se->label);
  gb_buf_add(&cc->plot, "'");
  gb_chart_legend(ch, se->label);
}

/* The axes, caption and emission of a counter chart whose data and plot lines are made. */
static void emit_counter(ctr_chart *cc, gb_chart *ch) {
  const gb_rmodel *m = cc->cs->m;
  int nc = cc->nc;
  gb_buf body;
  gb_buf_init(&body);
  const char **xl = gb_xmalloc(sizeof *xl * (size_t)(nc + 1));
  int longest = 0;
  for (int k = 0; k < nc; k++) {
    xl[k] = m->groups[cc->cols[k]].label;
    longest = (int)fmax(longest, strlen(xl[k]));
  }
  gb_buf_add(&body, "set grid noxtics ytics\nset xtics ");
  gb_gp_xtics(&body, xl, nc);
  gb_buf_printf(&body, " scale 0%s\nset xrange [-0.6:%g]\n", nc > 4 ? " rotate by 30 right" : "", nc - 0.4);
  if (cc->logy) {
    gb_buf_printf(&body, "set logscale y\n");
    gb_gp_logtics(&body, "y", cc->base, cc->top);
  }
  gb_buf_printf(&body, "set yrange [%g:%g]\nset ylabel \"%s\"\nplot %s\n", cc->base, cc->top,
                cc->ipc    ? "instructions per cycle (median of repetitions)"
                : cc->logy ? "count per repetition (median, log scale)"
                           : "count per repetition (median)",
                cc->plot.s);
  snprintf(
      ch->caption, sizeof ch->caption,
      "%s for every workload, a bar per strategy at its largest worker count, the median over "
      "repetitions (a multiplexed counter is scaled to the whole run). \"n/a\": the counter could not be "
      "read there; the Counters table below gives the reason.",
      cc->ipc ? "Instructions per cycle, where both were counted," : cc->cname);
  gb_chart_emit(cc->cs, ch, &cc->dat, body.s, GB_CHART_W, GB_CHART_H + 20 + (nc > 4 ? 6 * longest : 0));
  free(xl);
  gb_buf_free(&body);
}

static void counter_chart(gb_charts *cs, const char *cname) {
  const gb_rmodel *m = cs->m;
  ctr_chart cc = {.cs = cs, .cname = cname};
  cc.cols = gb_xmalloc(sizeof *cc.cols * (size_t)(m->ngroups + 1));
  cc.slots = gb_xmalloc(sizeof *cc.slots * (size_t)(m->nseries + 1));
  columns_and_slots(&cc);
  double vmin = INFINITY, vmax = 0;
  /* counted nowhere: the availability table says so, a chart of n/a would not */
  if (cc.nc == 0 || cc.ns == 0 || value_range(&cc, &vmin, &vmax) == 0) goto out;
  cc.ipc = strcmp(cname, "IPC") == 0;
  cc.logy = vmax > 0 && isfinite(vmin) && vmax / vmin > 100;
  cc.base = cc.logy ? vmin / 2 : 0, cc.top = vmax > 0 ? (cc.logy ? vmax * 3 : vmax * 1.15) : 1;
  char slug[96];
  make_slug(slug, sizeof slug, cname);
  snprintf(cc.name, sizeof cc.name, "counter-%s", slug);
  snprintf(cc.title, sizeof cc.title, cc.ipc ? "Instructions per cycle, per strategy" : "%s per strategy",
           cname);
  gb_chart *ch = gb_chart_new(cs, cc.name, -1, GB_SEC_COUNTERS, cc.title);
  gb_buf_init(&cc.dat);
  gb_buf_init(&cc.na);
  gb_buf_init(&cc.plot);
  gb_buf_printf(&cc.dat,
                "# %s\n# blocks 0..%d, one per series: x, median value, bar left, right, base, workers\n"
                "# block %d: where the counter was not counted (n/a) or was 0 on a log axis: x, label y, "
                "text, status\n",
                cc.title, cc.ns - 1, cc.ns);
  for (int j = 0; j < cc.ns; j++)
    add_slot(&cc, ch, j);
  gb_buf_printf(&cc.dat, "\n\n# not counted\n%s", cc.na.n ? cc.na.s : "? ? \"\" \"\"\n");
  if (cc.na.n)
    gb_buf_printf(&cc.plot,
                  ", \\\n  \"%s.dat\" index %d using 1:2:3 with labels rotate by 90 left "
                  "tc rgb \"#555555\" font \",11\" notitle",
                  cc.name, cc.ns);
  emit_counter(&cc, ch);
  gb_buf_free(&cc.dat);
  gb_buf_free(&cc.na);
  gb_buf_free(&cc.plot);
out:
  free(cc.cols);
  free(cc.slots);
}

void gb_charts_counters(gb_charts *cs) {
  gb_rcounter *v;
  int n = gb_rmodel_counters(cs->m, &v);
  if (n == 0) return;
  const char **names = gb_xmalloc(sizeof *names * (size_t)(n + 1));
  int nn = 0, have_ins = 0, have_cyc = 0;
  for (int i = 0; i < n; i++) {
    have_ins |= strcmp(v[i].name, "PAPI_TOT_INS") == 0 || strcmp(v[i].name, "instructions") == 0;
    have_cyc |= strcmp(v[i].name, "PAPI_TOT_CYC") == 0 || strcmp(v[i].name, "cycles") == 0;
  }
  if (have_ins && have_cyc) names[nn++] = "IPC";
  for (int i = 0; i < n; i++)
    names[nn++] = v[i].name;
  for (int i = 1; i < nn; i++) /* stable sort by rank */
    for (int j = i; j > 0 && counter_rank(names[j - 1]) > counter_rank(names[j]); j--) {
      const char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  for (int i = 0; i < nn && i < GB_MAX_COUNTER_CHARTS; i++)
    counter_chart(cs, names[i]);
  free(names);
  gb_rcounters_free(v, n);
}
