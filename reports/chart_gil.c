/* chart_gil.c: the GIL model's lock timeline from a gil.trace=1 run (cell-N-rep-0.gil-trace.tsv
 * beside results.json, rows "t_ns worker event"): which worker held the lock when, who waited for
 * it, and when a waiter asked the holder to drop it. Over a short window (the first few dozen
 * acquisitions) so the handoffs stay visible: the picture that makes the convoy effect obvious. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"

#define GB_TL_ACQUISITIONS 40 /* the window ends at this many acquisitions */
#define GB_TL_MAX_WORKERS 64

typedef struct {
  double t; /* seconds since the first record */
  int worker;
  char ev; /* 't' take-request, 'a' acquired, 'r' released, 'd' drop-request */
} tev;

/* Read the window's events. Returns how many, -1 when the file is absent or unreadable. */
static int read_trace(const char *path, tev **out, double *tend) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[256];
  int n = 0, cap = 0, acq = 0;
  unsigned long long t0 = 0;
  tev *v = NULL;
  *tend = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long long t;
    int w;
    char ev[32];
    if (sscanf(line, "%llu %d %31s", &t, &w, ev) != 3 || w < 0 || w >= GB_TL_MAX_WORKERS) continue;
    if (n == 0) t0 = t;
    char e = strcmp(ev, "take-request") == 0   ? 't'
             : strcmp(ev, "acquired") == 0     ? 'a'
             : strcmp(ev, "released") == 0     ? 'r'
             : strcmp(ev, "drop-request") == 0 ? 'd'
                                               : 0;
    if (!e) continue;
    double ts = (double)(t - t0) * 1e-9;
    if (e == 'a' && ++acq > GB_TL_ACQUISITIONS) {
      *tend = ts;
      break;
    }
    if (n == cap) v = gb_xrealloc(v, sizeof *v * (size_t)(cap = cap ? 2 * cap : 256));
    v[n++] = (tev){ts, w, e};
    *tend = ts;
  }
  fclose(f);
  *out = v;
  return n;
}

/* The gil cell of the group with a trace and the most workers, or -1. */
static int pick_cell(const gb_rmodel *m, int group, char *path, size_t len) {
  const gb_rgroup *g = &m->groups[group];
  int best = -1;
  for (int i = 0; i < g->ncells; i++) {
    const gb_rcell *c = &m->cells[g->cells[i]];
    if (strcmp(c->strategy, "gil") != 0 || c->nreps == 0 ||
        (best >= 0 && c->workers <= m->cells[best].workers))
      continue;
    char p[PATH_MAX + 64];
    snprintf(p, sizeof p, "%s/cell-%d-rep-0.gil-trace.tsv", m->dir, c->index);
    FILE *f = fopen(p, "r");
    if (!f) continue;
    fclose(f);
    best = g->cells[i];
    snprintf(path, len, "%s", p);
  }
  return best;
}

/* The timeline's three data blocks, in chart units: holds, waits, drop requests. */
typedef struct {
  gb_buf hold, wait, drop;
} bars;

/* One bar of the hold or wait block: x, worker, from, to, bottom, top (half-height hh). */
static void bar(gb_buf *b, int w, double from, double to, double hh) {
  gb_buf_printf(b, "%.6g %d %.6g %.6g %.3f %.3f\n", (from + to) / 2, w, from, to, w - hh, w + hh);
}

/* Turn the events into bars; te ends what is still open when the window closes, minw is the
 * narrowest hold drawn. */
static void make_bars(const tev *ev, int n, int nw, double scale, double te, double minw, bars *b) {
  double since_wait[GB_TL_MAX_WORKERS], since_hold[GB_TL_MAX_WORKERS];
  for (int w = 0; w < GB_TL_MAX_WORKERS; w++)
    since_wait[w] = since_hold[w] = NAN;
  for (int i = 0; i < n; i++) {
    int w = ev[i].worker;
    double t = ev[i].t * scale;
    switch (ev[i].ev) {
    case 't': since_wait[w] = t; break;
    case 'a':
      if (isfinite(since_wait[w])) bar(&b->wait, w, since_wait[w], t, 0.13);
      since_wait[w] = NAN;
      since_hold[w] = t;
      break;
    case 'r':
      if (isfinite(since_hold[w])) /* at least minw wide, so a hold of a few µs is still seen */
        bar(&b->hold, w, since_hold[w], fmax(t, since_hold[w] + minw), 0.32);
      since_hold[w] = NAN;
      break;
    case 'd': gb_buf_printf(&b->drop, "%.6g %d\n", t, w); break;
    }
  }
  for (int w = 0; w < nw && w < GB_TL_MAX_WORKERS; w++) { /* still open when the window closes */
    if (isfinite(since_hold[w]) && since_hold[w] < te) bar(&b->hold, w, since_hold[w], te, 0.32);
    if (isfinite(since_wait[w]) && since_wait[w] < te) bar(&b->wait, w, since_wait[w], te, 0.13);
  }
}

/* The gnuplot body: one row per worker, holds, waits and drop requests. */
static void timeline_body(gb_buf *body, int nw, double te, const char *unit, const char *name,
                          const char *color) {
  gb_buf_add(body, "set ytics (");
  for (int w = 0; w < nw; w++)
    gb_buf_printf(body, "%s\"worker %d\" %d", w ? ", " : "", w, w);
  gb_buf_printf(
      body,
      ")\nset yrange [%g:-0.7] reverse\nset xrange [0:%g]\nset grid xtics noytics\nset key maxcols 3 maxrows "
      "1 width -2\n"
      "set xlabel \"time since the first lock request (%s)\"\n"
      "plot \"%s.dat\" index 0 using 1:2:3:4:5:6 with boxxyerror fc rgb \"%s\" fs solid 0.9 noborder "
      "title \"holds the GIL\", \\\n"
      "  \"%s.dat\" index 1 using 1:2:3:4:5:6 with boxxyerror fc rgb \"#9a9a9a\" fs solid 0.9 noborder "
      "title \"waits for it\", \\\n"
      "  \"%s.dat\" index 2 using 1:2 with points pt 9 ps 1.1 lc rgb \"#111111\" "
      "title \"asks the holder to drop it\"\n",
      nw - 0.3, te, unit, name, color, name, name);
}

/* Emit the timeline chart of cell c (its trace at path) from its bars. */
static void emit_timeline(gb_charts *cs, int group, const gb_rcell *c, const char *path, const bars *b,
                          int nw, double te, const char *unit) {
  const gb_rmodel *m = cs->m;
  const gb_rgroup *g = &m->groups[group];
  char name[128], title[512];
  gb_chart_name(name, sizeof name, "gil-timeline", g);
  snprintf(title, sizeof title, "%s: GIL timeline (%s ×%d, first %.3g %s)", g->label,
           m->series[c->series].label, c->workers, te, unit);
  gb_chart *ch = gb_chart_new(cs, name, group, GB_SEC_WORKLOAD, title);
  gb_chart_legend(ch, "holds the GIL");
  gb_chart_legend(ch, "waits for it");
  gb_chart_legend(ch, "asks the holder to drop it");
  gb_buf dat, body;
  gb_buf_init(&dat);
  gb_buf_init(&body);
  const char *src = strrchr(path, '/');
  gb_buf_printf(&dat,
                "# %s\n# from %s (cell %d, options %s)\n# times in %s\n"
                "# block 0, holds the lock: x, worker, from, to, bar bottom, top\n%s"
                "\n\n# block 1, waits for it (take-request to acquired)\n%s"
                "\n\n# block 2, drop requests: time, the waiting worker that asked\n%s",
                title, src ? src + 1 : path, c->index, c->opts, unit, b->hold.n ? b->hold.s : "? ? ? ? ? ?\n",
                b->wait.n ? b->wait.s : "? ? ? ? ? ?\n", b->drop.n ? b->drop.s : "? ?\n");
  timeline_body(&body, nw, te, unit, name, m->series[c->series].color);
  snprintf(ch->caption, sizeof ch->caption,
           "Who held the modelled GIL (colored bars) and who waited for it (grey) over the first %d "
           "acquisitions of the first repetition (a hold shorter than 0.4%% of the window is drawn that "
           "wide, so it stays visible). A waiter asks the holder to drop the lock (triangle) "
           "after a switch interval without a switch. Gaps: the worker needs no lock (it is in a blocking "
           "call, or idle). With CPU-bound work beside I/O, every blocking call costs a wait like this: the "
           "convoy effect.",
           GB_TL_ACQUISITIONS);
  int h = 110 + 44 * nw;
  gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, h > 700 ? 700 : h);
  gb_buf_free(&dat);
  gb_buf_free(&body);
}

void gb_charts_gil(gb_charts *cs, int group) {
  const gb_rmodel *m = cs->m;
  char path[PATH_MAX + 64];
  int ci = pick_cell(m, group, path, sizeof path);
  if (ci < 0) return;
  tev *ev = NULL;
  double tend;
  int n = read_trace(path, &ev, &tend);
  if (n <= 1 || tend <= 0) {
    free(ev);
    return;
  }
  const gb_rcell *c = &m->cells[ci];
  int nw = c->workers;
  for (int i = 0; i < n; i++)
    if (ev[i].worker + 1 > nw) nw = ev[i].worker + 1;
  double scale;
  const char *unit = gb_time_unit(tend, &scale);
  bars b;
  gb_buf_init(&b.hold);
  gb_buf_init(&b.wait);
  gb_buf_init(&b.drop);
  make_bars(ev, n, nw, scale, tend * scale, tend * scale / 250, &b);
  emit_timeline(cs, group, c, path, &b, nw, tend * scale, unit);
  gb_buf_free(&b.hold);
  gb_buf_free(&b.wait);
  gb_buf_free(&b.drop);
  free(ev);
}
