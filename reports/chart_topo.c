/* chart_topo.c: the machine's topology with where workers ran, one picture per binding policy:
 * each PU coloured by its share of the workers' time over every cell and repetition with that
 * policy (gb_toposvg_usage). hwloc draws it (lstopo, from topology.xml beside the results: see
 * topo_svg.h); where it cannot (no lstopo, no hwloc, no topology.xml), gilbench draws it with
 * gnuplot instead (from topology.xml's packages, cores and PUs, else meta.cpu.pus flat), one row
 * per policy, and the caption says why. */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"
#include "schema.h"
#include "topo_svg.h"

#define GB_TOPO_MAX_PUS 1024
#define GB_TOPO_WRAP 16 /* cores per line */

typedef struct {
  int os;      /* PU os_index */
  int core;    /* core ordinal (unique over the machine) */
  int package; /* package ordinal */
} chart_topo_pu;

/* Value of attribute `name` inside tag text [p, end), or -1. */
static long attr_int(const char *p, const char *end, const char *name) {
  char pat[64];
  snprintf(pat, sizeof pat, " %s=\"", name);
  const char *a = strstr(p, pat);
  if (!a || a >= end) return -1;
  return strtol(a + strlen(pat), NULL, 10);
}

static int attr_is(const char *p, const char *end, const char *name, const char *value) {
  char pat[96];
  snprintf(pat, sizeof pat, " %s=\"%s\"", name, value);
  const char *a = strstr(p, pat);
  return a && a < end;
}

/* Parse hwloc XML (the parts we need: Package, Core and PU objects and their nesting). Returns the
 * number of PUs found, 0 when the file is absent or holds none. */
static int parse_hwloc(const char *path, chart_topo_pu *pus, int max) {
  gb_buf b;
  gb_buf_init(&b);
  if (gb_buf_read_file(&b, path) != 0) {
    gb_buf_free(&b);
    return 0;
  }
  char stack[256]; /* 'P' package, 'C' core, 'o' other */
  int depth = 0, npkg = 0, ncore = 0, cur_pkg = 0, cur_core = -1, n = 0;
  const char *p = b.s;
  for (;;) {
    const char *open = strstr(p, "<object"), *close = strstr(p, "</object>");
    if (!open && !close) break;
    if (close && (!open || close < open)) {
      if (depth > 0) {
        char t = stack[--depth];
        if (t == 'C') cur_core = -1;
      }
      p = close + 9;
      continue;
    }
    const char *end = strchr(open, '>');
    if (!end) break;
    int selfclose = end > open && end[-1] == '/';
    char t = 'o';
    if (attr_is(open, end, "type", "Package")) {
      t = 'P';
      cur_pkg = npkg++;
    } else if (attr_is(open, end, "type", "Core")) {
      t = 'C';
      cur_core = ncore++;
    } else if (attr_is(open, end, "type", "PU") && n < max) {
      long os = attr_int(open, end, "os_index");
      pus[n] = (chart_topo_pu){(int)(os < 0 ? n : os), cur_core >= 0 ? cur_core : 100000 + n, cur_pkg};
      n++;
    }
    if (!selfclose && depth < (int)sizeof stack)
      stack[depth++] = t;
    else if (selfclose && t == 'C')
      cur_core = -1;
    p = end + 1;
  }
  gb_buf_free(&b);
  return n;
}

/* Each PU's share of the workers' time with `binding` (by os index), and bind_held's share. */
static int usage(const gb_rmodel *m, const char *binding, double *share, int maxpu, double *held) {
  int runs, nheld = 0, nknown = 0;
  double total = gb_toposvg_usage(m, binding, share, maxpu, &runs);
  for (int p = 0; p < maxpu && total > 0; p++)
    share[p] /= total;
  for (int i = 0; i < m->ncells; i++) {
    if (strcmp(m->cells[i].binding, binding) != 0) continue;
    size_t r, w;
    json_t *rep, *wk;
    json_array_foreach(json_object_get(m->cells[i].j, GB_KEY_REPS), r, rep) {
      json_array_foreach(json_object_get(rep, GB_KEY_WORKER_LIST), w, wk) {
        json_t *bh = json_object_get(wk, GB_KEY_BIND_HELD);
        nknown += json_is_boolean(bh);
        nheld += json_is_true(bh);
      }
    }
  }
  *held = nknown ? (double)nheld / nknown : NAN;
  return runs;
}

/* The gnuplot drawing's parts: PUs, cores and headings as the .dat's three blocks, and the
 * picture's extent. */
typedef struct layout {
  gb_buf pu, core, text;
  double y, xmax;
} layout;

/* One policy's row of the gnuplot drawing: its heading, then its PUs package by package, cores
 * outlined, GB_TOPO_WRAP cores a line. */
static void layout_row(layout *L, const chart_topo_pu *pus, int npu, int from_xml, const char *head,
                       const double *share, int maxos) {
  gb_buf_printf(&L->text, "-0.1 %.2f \"%s\"\n", L->y, head);
  L->y += 0.7;
  int pkg = -1, ncol = 0, last_core = -2;
  double x = 0, core_x0 = 0;
  for (int p = 0; p < npu; p++) {
    if (pus[p].package != pkg) {
      if (pkg >= 0) L->y += 1.9;
      pkg = pus[p].package;
      if (from_xml) {
        gb_buf_printf(&L->text, "-0.1 %.2f \"package %d\"\n", L->y, pkg);
        L->y += 0.55;
      }
      x = 0;
      ncol = 0;
      last_core = -2;
    }
    if (pus[p].core != last_core) {
      if (last_core != -2) {
        gb_buf_printf(&L->core, "%.3f %.3f %.3f %.3f %.3f %.3f\n", (core_x0 + x - 0.1) / 2, L->y + 0.5,
                      core_x0 - 0.08, x - 0.02, L->y - 0.08, L->y + 1.08);
        x += 0.25;
        if (++ncol % GB_TOPO_WRAP == 0) {
          x = 0;
          L->y += 1.5;
        }
      }
      last_core = pus[p].core;
      core_x0 = x;
    }
    double s = pus[p].os <= maxos ? share[pus[p].os] : 0;
    gb_buf_printf(&L->pu, "%.3f %.3f %.3f %.3f %.3f %.3f %.4f \"PU %d\" \"%.0f%%\"\n", x + 0.45, L->y + 0.5,
                  x, x + 0.9, L->y, L->y + 1, s, pus[p].os, s * 100);
    x += 1;
    L->xmax = fmax(L->xmax, x);
  }
  gb_buf_printf(&L->core, "%.3f %.3f %.3f %.3f %.3f %.3f\n", (core_x0 + x - 0.1) / 2, L->y + 0.5,
                core_x0 - 0.08, x - 0.02, L->y - 0.08, L->y + 1.08);
  L->y += 1.9;
}

/* The gnuplot script's body for the drawing laid out in L. */
static void topo_script(gb_buf *body, const layout *L) {
  double xr = fmax(L->xmax + 0.3, 8.5);  /* a small machine keeps readable squares, not giant ones */
  double nxr = fmax(L->xmax + 0.3, 5.0); /* the phone-width canvas: the same squares in fewer pixels */
  gb_buf_printf(
      body,
      "unset key\nunset border\nunset tics\nunset grid\nset lmargin 2\nset rmargin 8\nset bmargin 1\n"
      "set xrange [-0.3:(narrow ? %g : %g)]\nset yrange [%g:-0.5] reverse\n"
      "set cbrange [0:1]\nunset colorbox\n"
      "set palette defined (0 \"#f4f4f4\", 0.5 \"#6baed6\", 1 \"#08306b\")\n"
      "plot \"topology.dat\" index 1 using 1:2:3:4:5:6 with boxxyerror fs empty lc rgb \"#888888\" lw 1.2, "
      "\\\n"
      "  \"topology.dat\" index 0 using 1:2:3:4:5:6:7 with boxxyerror fc palette fs solid 1 border rgb "
      "\"#555555\", \\\n"
      "  \"topology.dat\" index 0 using 1:($7 > 0.55 ? $2 - 0.2 : NaN):8 with labels tc rgb \"#ffffff\" font "
      "\",11\", \\\n"
      "  \"topology.dat\" index 0 using 1:($7 > 0.55 ? NaN : $2 - 0.2):8 with labels tc rgb \"#222222\" font "
      "\",11\", \\\n"
      "  \"topology.dat\" index 0 using 1:($7 > 0.55 ? $2 + 0.22 : NaN):9 with labels tc rgb \"#ffffff\" "
      "font \",11\", \\\n"
      "  \"topology.dat\" index 0 using 1:($7 > 0.55 ? NaN : $2 + 0.22):9 with labels tc rgb \"#222222\" "
      "font \",11\", \\\n"
      "  \"topology.dat\" index 2 using 1:2:3 with labels left tc rgb \"#222222\"\n",
      nxr + 0.3, xr + 0.3, L->y - 0.3);
}

/* The PUs to draw: topology.xml's, else meta.cpu.pus flat. Returns how many; *from_xml. */
static int topo_pus(const gb_rmodel *m, chart_topo_pu *pus, int *from_xml) {
  char xml[PATH_MAX + 32];
  const char *xname = gb_jstr(json_object_get(m->meta, GB_KEY_TOPOLOGY), GB_KEY_XML, "topology.xml");
  if (strchr(xname, '/')) xname = "topology.xml"; /* only a file beside the results */
  snprintf(xml, sizeof xml, "%s/%s", m->dir, xname);
  int npu = parse_hwloc(xml, pus, GB_TOPO_MAX_PUS);
  *from_xml = npu > 0;
  if (!*from_xml) {
    double n = gb_jnum(json_object_get(m->meta, GB_KEY_CPU), GB_KEY_PUS);
    npu = isfinite(n) && n > 0 ? (int)fmin(n, GB_TOPO_MAX_PUS) : 0;
    for (int p = 0; p < npu; p++)
      pus[p] = (chart_topo_pu){p, p, 0};
  }
  return npu;
}

/* gilbench's own drawing (gnuplot), one row per policy; `why` says why hwloc did not draw it. */
static void topo_gnuplot(gb_charts *cs, const char *const *bindings, int nb, const char *why) {
  const gb_rmodel *m = cs->m;
  chart_topo_pu *pus = gb_xmalloc(sizeof *pus * GB_TOPO_MAX_PUS);
  int from_xml, npu = topo_pus(m, pus, &from_xml), maxos = 0;
  for (int p = 0; p < npu; p++)
    maxos = pus[p].os > maxos ? pus[p].os : maxos;
  double *share = gb_xmalloc(sizeof *share * (size_t)(maxos + 1));
  layout L = {.y = 0};
  gb_buf_init(&L.pu), gb_buf_init(&L.core), gb_buf_init(&L.text);
  for (int b = 0; b < nb && npu > 0; b++) {
    double held;
    int total = usage(m, bindings[b], share, maxos + 1, &held);
    char head[256];
    snprintf(head, sizeof head, "binding %s: %d worker runs", bindings[b], total);
    if (isfinite(held))
      snprintf(head + strlen(head), sizeof head - strlen(head), ", held in %.0f%%", held * 100);
    layout_row(&L, pus, npu, from_xml, head, share, maxos);
  }
  if (npu > 0) {
    gb_chart *ch = gb_chart_new(cs, "topology", -1, GB_SEC_MACHINE, "Topology and where workers ran");
    ch->nokey = 1;
    for (int b = 0; b < nb; b++) {
      char l[160];
      snprintf(l, sizeof l, "binding %s", bindings[b]);
      gb_chart_legend(ch, l);
    }
    gb_buf dat, body;
    gb_buf_init(&dat), gb_buf_init(&body);
    gb_buf_printf(
        &dat,
        "# Topology and where workers ran (%s)\n"
        "# block 0, PUs: x, y, left, right, top, bottom, share of the workers' time there, labels\n%s"
        "\n\n# block 1, cores: x, y, left, right, top, bottom\n%s"
        "\n\n# block 2, headings: x, y, text\n%s",
        from_xml ? "from topology.xml" : "no topology.xml: PUs from meta.cpu.pus, one per core", L.pu.s,
        L.core.s, L.text.s);
    topo_script(&body, &L);
    snprintf(
        ch->caption, sizeof ch->caption,
        "Each square is a PU (hardware thread)%s; its shade and percentage: its share of the workers' time "
        "(sampled about once a millisecond; CPU time split over the PUs seen where a host reports no more), "
        "over every cell and repetition with that binding policy. %s Drawn by gilbench, not hwloc: %.300s.",
        from_xml ? ", outlined with the other PUs of its core" : "",
        from_xml ? "Read from topology.xml (hwloc)."
                 : "No topology.xml beside the results: the PUs are shown flat.",
        why);
    int h = (int)(60 + L.y * 42);
    gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, h < 200 ? 200 : (h > 1400 ? 1400 : h));
    gb_buf_free(&dat), gb_buf_free(&body);
  }
  free(share);
  free(pus);
  gb_buf_free(&L.pu), gb_buf_free(&L.core), gb_buf_free(&L.text);
}

/* A chart name for a policy: "topology-" and the policy with anything but letters and digits as
 * '-' (list:0,2-3 becomes topology-list-0-2-3). */
static void topo_name(char *out, size_t len, const char *binding) {
  int n = snprintf(out, len, "topology-");
  for (const char *c = binding; *c && n + 1 < (int)len; c++)
    out[n++] = isalnum((unsigned char)*c) ? *c : '-';
  out[n < (int)len ? n : (int)len - 1] = '\0';
}

/* One policy drawn by hwloc: NAME.svg (and .png), NAME.xml (the shaded topology), NAME.dat. */
static int topo_hwloc_one(gb_charts *cs, const char *xml, const char *binding, char *why, size_t whylen) {
  double *secs = gb_xcalloc(GB_TOPO_MAX_PUS, sizeof *secs);
  int runs;
  double total = gb_toposvg_usage(cs->m, binding, secs, GB_TOPO_MAX_PUS, &runs);
  gb_buf dat;
  gb_buf_init(&dat);
  gb_buf_printf(&dat,
                "# Where workers ran, binding %s: %d worker runs, %.6f s of worker time\n"
                "# PU (OS index), seconds of worker time on it, share\n",
                binding, runs, total);
  for (int p = 0; p < GB_TOPO_MAX_PUS; p++) {
    secs[p] = total > 0 ? secs[p] / total : 0;
    if (secs[p] > 0) gb_buf_printf(&dat, "%d %.6f %.4f\n", p, secs[p] * total, secs[p]);
  }
  char name[160], lines[8][256], x[PATH_MAX + 200], svg[PATH_MAX + 200], png[PATH_MAX + 200];
  const char *legend[8];
  int nl = gb_toposvg_legend(binding, secs, GB_TOPO_MAX_PUS, runs, lines, 8);
  for (int i = 0; i < nl; i++)
    legend[i] = lines[i];
  topo_name(name, sizeof name, binding);
  snprintf(x, sizeof x, "%s/%s.xml", cs->dir, name);
  snprintf(svg, sizeof svg, "%s/%s.svg", cs->dir, name);
  snprintf(png, sizeof png, "%s/%s.png", cs->dir, name);
  int rc = gb_toposvg_draw(xml, secs, GB_TOPO_MAX_PUS, legend, nl, x, svg, cs->png ? png : NULL, why, whylen);
  if (rc == 0) {
    snprintf(x, sizeof x, "%s/%s.dat", cs->dir, name);
    rc = gb_buf_write_file(&dat, x) == 0 ? 0 : (snprintf(why, whylen, "%.900s: write failed", x), -1);
  }
  if (rc == 0) {
    char title[256];
    snprintf(title, sizeof title, "Topology and where workers ran, binding %s", binding);
    gb_chart *ch = gb_chart_new(cs, name, -1, GB_SEC_MACHINE, title);
    ch->rendered = ch->hwloc = 1;
    snprintf(
        ch->caption, sizeof ch->caption,
        "hwloc's drawing of the machine (lstopo: packages, NUMA nodes, caches, cores, PUs). Each PU is "
        "coloured by its share of the workers' time over every cell and repetition with binding %.100s "
        "(%d worker runs), from white (0%%) to dark blue (100%%); the legend lists the shares. Time on a "
        "PU is sampled about once a millisecond; where a host reports only the PUs a worker was seen "
        "on, its CPU time is split evenly over them.",
        binding, runs);
  }
  gb_buf_free(&dat);
  free(secs);
  return rc;
}

void gb_charts_topology(gb_charts *cs) {
  const gb_rmodel *m = cs->m;
  const char *bindings[32];
  int nb = 0;
  for (int i = 0; i < m->ncells && nb < 32; i++) {
    int seen = 0;
    for (int k = 0; k < nb; k++)
      seen |= strcmp(bindings[k], m->cells[i].binding) == 0;
    if (!seen && m->cells[i].nreps > 0) bindings[nb++] = m->cells[i].binding;
  }
  if (nb == 0) return;
  char xml[PATH_MAX + 32], why[1024] = "";
  const char *xname = gb_jstr(json_object_get(m->meta, GB_KEY_TOPOLOGY), GB_KEY_XML, NULL);
  if (!xname || strchr(xname, '/')) /* only a file beside the results */
    snprintf(why, sizeof why, "the results have no topology.xml beside them (%s)",
             gb_jstr(json_object_get(m->meta, GB_KEY_TOPOLOGY), GB_KEY_XML_REASON, "not recorded"));
  snprintf(xml, sizeof xml, "%s/%s", m->dir, xname ? xname : "topology.xml");
  int first = cs->n, rc = why[0] ? -1 : 0;
  for (int b = 0; b < nb && rc == 0; b++)
    rc = topo_hwloc_one(cs, xml, bindings[b], why, sizeof why);
  if (rc == 0) return;
  for (int i = first; i < cs->n; i++) /* all drawn one way: forget hwloc's part */
    cs->v[i].rendered = 0;
  fprintf(stderr, "gilbench report: topology drawn by gilbench instead of hwloc: %s\n", why);
  topo_gnuplot(cs, bindings, nb, why);
}
