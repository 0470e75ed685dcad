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
static int gb__counter_rank(const char *name) {
  static const char *const order[] = {"IPC", "context", "csw", "migrat", "cache",  "L1",  "L2",
                                      "L3",  "LLC",     "TCM", "DCM",    "branch", "BR_", "fault"};
  for (size_t i = 0; i < GB_ARRAY_LEN(order); i++)
    if (strcasestr(name, order[i])) return (int)i;
  return (int)GB_ARRAY_LEN(order);
}

static void gb__slug(char *out, size_t len, const char *name) {
  size_t k = 0;
  for (const char *p = name; *p && k + 1 < len; p++)
    out[k++] = isalnum((unsigned char)*p) ? (char)tolower((unsigned char)*p) : '-';
  out[k] = '\0';
}

static void gb__counter_chart(gb_charts *cs, const char *cname) {
  const gb_rmodel *m = cs->m;
  int *cols = gb_xmalloc(sizeof *cols * (size_t)(m->ngroups + 1)), nc = 0;
  int *slots = gb_xmalloc(sizeof *slots * (size_t)(m->nseries + 1)), ns = 0;
  for (int g = 0; g < m->ngroups; g++) {
    int any = 0;
    for (int s = 0; s < m->nseries; s++) {
      int ci = gb_rmodel_rep_cell(m, g, s);
      double v;
      const char *st;
      if (ci >= 0 && gb_rcell_counter(&m->cells[ci], cname, &v, &st) >= 0) any = 1;
    }
    if (any) cols[nc++] = g;
  }
  for (int s = 0; s < m->nseries; s++) {
    int any = 0;
    for (int k = 0; k < nc && !any; k++) {
      int ci = gb_rmodel_rep_cell(m, cols[k], s);
      double v;
      const char *st;
      any = ci >= 0 && gb_rcell_counter(&m->cells[ci], cname, &v, &st) >= 0;
    }
    if (any) slots[ns++] = s;
  }
  if (nc == 0 || ns == 0) goto out;
  double vmax = 0, vmin = INFINITY;
  int nvalues = 0;
  for (int k = 0; k < nc; k++)
    for (int j = 0; j < ns; j++) {
      int ci = gb_rmodel_rep_cell(m, cols[k], slots[j]);
      double v;
      const char *st;
      if (ci >= 0 && gb_rcell_counter(&m->cells[ci], cname, &v, &st) == 1) {
        vmax = fmax(vmax, v);
        if (v > 0) vmin = fmin(vmin, v);
        nvalues++;
      }
    }
  if (nvalues == 0) goto out; /* counted nowhere: the availability table says so, a chart of n/a would not */
  int ipc = strcmp(cname, "IPC") == 0;
  int logy = vmax > 0 && isfinite(vmin) && vmax / vmin > 100;
  double base = logy ? vmin / 2 : 0, top = vmax > 0 ? (logy ? vmax * 3 : vmax * 1.15) : 1;
  char slug[96], name[128], title[256];
  gb__slug(slug, sizeof slug, cname);
  snprintf(name, sizeof name, "counter-%s", slug);
  snprintf(title, sizeof title, ipc ? "Instructions per cycle, per strategy" : "%s per strategy", cname);
  gb_chart *ch = gb_chart_new(cs, name, -1, GB_SEC_COUNTERS, title);
  gb_buf dat, na, plot, body;
  gb_buf_init(&dat);
  gb_buf_init(&na);
  gb_buf_init(&plot);
  gb_buf_init(&body);
  double bw = 0.8 / ns;
  gb_buf_printf(&dat,
                "# %s\n# blocks 0..%d, one per series: x, median value, bar left, right, base, workers\n"
                "# block %d: where the counter was not counted (n/a) or was 0 on a log axis: x, label y, "
                "text, status\n",
                title, ns - 1, ns);
  for (int j = 0; j < ns; j++) {
    const gb_rseries *se = &m->series[slots[j]];
    gb_buf_printf(&dat, "%s# %s\n", j ? "\n\n" : "", se->label);
    int rows = 0;
    for (int k = 0; k < nc; k++) {
      int ci = gb_rmodel_rep_cell(m, cols[k], slots[j]);
      double v, x = k + (j - (ns - 1) / 2.0) * bw;
      const char *st = "unavailable";
      int r = ci >= 0 ? gb_rcell_counter(&m->cells[ci], cname, &v, &st) : -1;
      if (r == 1 && (!logy || v > 0)) {
        gb_buf_printf(&dat, "%.4f %.6g %.4f %.4f %.6g %d\n", x, v, x - bw * 0.46, x + bw * 0.46, base,
                      m->cells[ci].workers);
        rows++;
      } else if (r == 0 || r == 1) { /* not counted, or a true 0 that a log axis cannot show */
        gb_buf_printf(&na, "%.4f %.6g \"%s\" \"%s\"\n", x, logy ? base * 1.15 : top * 0.02,
                      r == 1 ? "0" : "n/a", r == 1 ? "zero" : st);
      }
    }
    if (!rows) gb_buf_add(&dat, "? ? ? ? ? ?\n");
    double fill = se->dash == 1 ? 0.85 : 0.85 / (1 + 0.7 * (se->dash - 1)); /* paler for later variants */
    /* The legend entry apart from the data, so a series counted nowhere still names its n/a marks. */
    gb_buf_printf(
        &plot,
        "%s\"%s.dat\" index %d using 1:2:3:4:5:2 with boxxyerror fc rgb \"%s\" fs solid %.2f notitle, \\\n"
        "  NaN with boxes fc rgb \"%s\" fs solid %.2f title '",
        j ? ", \\\n  " : "", name, j, se->color, fill, se->color, fill);
    gb_buf_gpstr(&plot, se->label);
    gb_buf_add(&plot, "'");
    gb_chart_legend(ch, se->label);
  }
  gb_buf_printf(&dat, "\n\n# not counted\n%s", na.n ? na.s : "? ? \"\" \"\"\n");
  if (na.n)
    gb_buf_printf(&plot,
                  ", \\\n  \"%s.dat\" index %d using 1:2:3 with labels rotate by 90 left "
                  "tc rgb \"#555555\" font \",11\" notitle",
                  name, ns);
  const char **xl = gb_xmalloc(sizeof *xl * (size_t)(nc + 1));
  int longest = 0;
  for (int k = 0; k < nc; k++) {
    xl[k] = m->groups[cols[k]].label;
    longest = (int)fmax(longest, strlen(xl[k]));
  }
  gb_buf_add(&body, "set grid noxtics ytics\nset xtics ");
  gb_gp_xtics(&body, xl, nc);
  gb_buf_printf(&body, " scale 0%s\nset xrange [-0.6:%g]\n", nc > 4 ? " rotate by 30 right" : "", nc - 0.4);
  if (logy) {
    gb_buf_printf(&body, "set logscale y\n");
    gb_gp_logtics(&body, "y", base, top);
  }
  gb_buf_printf(&body, "set yrange [%g:%g]\nset ylabel \"%s\"\nplot %s\n", base, top,
                ipc    ? "instructions per cycle (median of repetitions)"
                : logy ? "count per repetition (median, log scale)"
                       : "count per repetition (median)",
                plot.s);
  snprintf(
      ch->caption, sizeof ch->caption,
      "%s for every workload, a bar per strategy at its largest worker count, the median over "
      "repetitions (a multiplexed counter is scaled to the whole run). \"n/a\": the counter could not be "
      "read there; the Counters table below gives the reason.",
      ipc ? "Instructions per cycle, where both were counted," : cname);
  gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, GB_CHART_H + 20 + (nc > 4 ? 6 * longest : 0));
  free(xl);
  gb_buf_free(&dat);
  gb_buf_free(&na);
  gb_buf_free(&plot);
  gb_buf_free(&body);
out:
  free(cols);
  free(slots);
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
    for (int j = i; j > 0 && gb__counter_rank(names[j - 1]) > gb__counter_rank(names[j]); j--) {
      const char *t = names[j];
      names[j] = names[j - 1];
      names[j - 1] = t;
    }
  for (int i = 0; i < nn && i < GB_MAX_COUNTER_CHARTS; i++)
    gb__counter_chart(cs, names[i]);
  free(names);
  gb_rcounters_free(v, n);
}
