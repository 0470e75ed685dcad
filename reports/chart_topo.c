/* chart_topo.c: the machine's topology (from hwloc's topology.xml beside the results; without it,
 * the PUs of meta.cpu.pus, flat) with where workers ran: each PU shaded by the share of workers,
 * over all cells and repetitions with one binding policy, that were seen on it (pus_seen), one
 * row of the picture per binding policy. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "charts.h"
#include "gb.h"

#define GB_TOPO_MAX_PUS 1024
#define GB_TOPO_WRAP 16 /* cores per line */

typedef struct {
  int os;      /* PU os_index */
  int core;    /* core ordinal (unique over the machine) */
  int package; /* package ordinal */
} gb__pu;

/* Value of attribute `name` inside tag text [p, end), or -1. */
static long gb__attr_int(const char *p, const char *end, const char *name) {
  char pat[64];
  snprintf(pat, sizeof pat, " %s=\"", name);
  const char *a = strstr(p, pat);
  if (!a || a >= end) return -1;
  return strtol(a + strlen(pat), NULL, 10);
}

static int gb__attr_is(const char *p, const char *end, const char *name, const char *value) {
  char pat[96];
  snprintf(pat, sizeof pat, " %s=\"%s\"", name, value);
  const char *a = strstr(p, pat);
  return a && a < end;
}

/* Parse hwloc XML (the parts we need: Package, Core and PU objects and their nesting). Returns the
 * number of PUs found, 0 when the file is absent or holds none. */
static int gb__parse_hwloc(const char *path, gb__pu *pus, int max) {
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
    if (gb__attr_is(open, end, "type", "Package")) {
      t = 'P';
      cur_pkg = npkg++;
    } else if (gb__attr_is(open, end, "type", "Core")) {
      t = 'C';
      cur_core = ncore++;
    } else if (gb__attr_is(open, end, "type", "PU") && n < max) {
      long os = gb__attr_int(open, end, "os_index");
      pus[n] = (gb__pu){(int)(os < 0 ? n : os), cur_core >= 0 ? cur_core : 100000 + n, cur_pkg};
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

/* Share of worker-repetitions with `binding` that saw each PU (by os index), and bind_held. */
static int gb__usage(const gb_rmodel *m, const char *binding, double *share, int maxpu, double *held) {
  int total = 0, nheld = 0, nknown = 0;
  for (int p = 0; p < maxpu; p++)
    share[p] = 0;
  for (int i = 0; i < m->ncells; i++) {
    if (strcmp(m->cells[i].binding, binding) != 0) continue;
    size_t r, w;
    json_t *rep, *wk;
    json_array_foreach(json_object_get(m->cells[i].j, "reps"), r, rep) {
      json_array_foreach(json_object_get(rep, "workers"), w, wk) {
        total++;
        size_t k;
        json_t *pu;
        json_array_foreach(json_object_get(wk, "pus_seen"), k, pu) {
          json_int_t os = json_integer_value(pu);
          if (os >= 0 && os < maxpu) share[os] += 1;
        }
        json_t *bh = json_object_get(wk, "bind_held");
        if (json_is_boolean(bh)) {
          nknown++;
          nheld += json_is_true(bh);
        }
      }
    }
  }
  for (int p = 0; p < maxpu && total; p++)
    share[p] /= total;
  *held = nknown ? (double)nheld / nknown : NAN;
  return total;
}

void gb_charts_topology(gb_charts *cs) {
  const gb_rmodel *m = cs->m;
  gb__pu *pus = gb_xmalloc(sizeof *pus * GB_TOPO_MAX_PUS);
  char xml[PATH_MAX + 32];
  const char *xname = gb_jstr(json_object_get(m->meta, "topology"), "xml", "topology.xml");
  if (strchr(xname, '/')) xname = "topology.xml"; /* only a file beside the results */
  snprintf(xml, sizeof xml, "%s/%s", m->dir, xname);
  int npu = gb__parse_hwloc(xml, pus, GB_TOPO_MAX_PUS), from_xml = npu > 0;
  if (!from_xml) {
    double n = gb_jnum(json_object_get(m->meta, "cpu"), "pus");
    npu = isfinite(n) && n > 0 ? (int)fmin(n, GB_TOPO_MAX_PUS) : 0;
    for (int p = 0; p < npu; p++)
      pus[p] = (gb__pu){p, p, 0};
  }
  const char *bindings[32];
  int nb = 0;
  for (int i = 0; i < m->ncells && nb < 32; i++) {
    int seen = 0;
    for (int k = 0; k < nb; k++)
      seen |= strcmp(bindings[k], m->cells[i].binding) == 0;
    if (!seen && m->cells[i].nreps > 0) bindings[nb++] = m->cells[i].binding;
  }
  if (npu == 0 || nb == 0) {
    free(pus);
    return;
  }
  int maxos = 0;
  for (int p = 0; p < npu; p++)
    maxos = pus[p].os > maxos ? pus[p].os : maxos;
  double *share = gb_xmalloc(sizeof *share * (size_t)(maxos + 1));
  gb_buf pu, core, text, body, dat;
  gb_buf_init(&pu);
  gb_buf_init(&core);
  gb_buf_init(&text);
  gb_buf_init(&body);
  gb_buf_init(&dat);
  double y = 0, xmax = 0;
  for (int b = 0; b < nb; b++) {
    double held;
    int total = gb__usage(m, bindings[b], share, maxos + 1, &held);
    char head[256];
    if (isfinite(held))
      snprintf(head, sizeof head, "binding %s: %d worker runs, held in %.0f%%", bindings[b], total,
               held * 100);
    else
      snprintf(head, sizeof head, "binding %s: %d worker runs", bindings[b], total);
    gb_buf_printf(&text, "-0.1 %.2f \"%s\"\n", y, head);
    y += 0.7;
    int pkg = -1, ncol = 0;
    double x = 0;
    int last_core = -2;
    double core_x0 = 0;
    for (int p = 0; p < npu; p++) {
      if (pus[p].package != pkg) {
        if (pkg >= 0) y += 1.9;
        pkg = pus[p].package;
        if (from_xml) {
          gb_buf_printf(&text, "-0.1 %.2f \"package %d\"\n", y, pkg);
          y += 0.55;
        }
        x = 0;
        ncol = 0;
        last_core = -2;
      }
      if (pus[p].core != last_core) {
        if (last_core != -2) {
          gb_buf_printf(&core, "%.3f %.3f %.3f %.3f %.3f %.3f\n", (core_x0 + x - 0.1) / 2, y + 0.5,
                        core_x0 - 0.08, x - 0.02, y - 0.08, y + 1.08);
          x += 0.25;
          if (++ncol % GB_TOPO_WRAP == 0) {
            x = 0;
            y += 1.5;
          }
        }
        last_core = pus[p].core;
        core_x0 = x;
      }
      double s = pus[p].os <= maxos ? share[pus[p].os] : 0;
      gb_buf_printf(&pu, "%.3f %.3f %.3f %.3f %.3f %.3f %.4f \"PU %d\" \"%.0f%%\"\n", x + 0.45, y + 0.5, x,
                    x + 0.9, y, y + 1, s, pus[p].os, s * 100);
      x += 1;
      xmax = fmax(xmax, x);
    }
    gb_buf_printf(&core, "%.3f %.3f %.3f %.3f %.3f %.3f\n", (core_x0 + x - 0.1) / 2, y + 0.5, core_x0 - 0.08,
                  x - 0.02, y - 0.08, y + 1.08);
    y += 1.9;
  }
  gb_chart *ch = gb_chart_new(cs, "topology", -1, GB_SEC_MACHINE, "Topology and where workers ran");
  ch->nokey = 1;
  for (int b = 0; b < nb; b++) {
    char l[128];
    snprintf(l, sizeof l, "binding %s", bindings[b]);
    gb_chart_legend(ch, l);
  }
  gb_buf_printf(&dat,
                "# Topology and where workers ran (%s)\n"
                "# block 0, PUs: x, y, left, right, top, bottom, share of worker runs seen there, labels\n%s"
                "\n\n# block 1, cores: x, y, left, right, top, bottom\n%s"
                "\n\n# block 2, headings: x, y, text\n%s",
                from_xml ? "from topology.xml" : "no topology.xml: PUs from meta.cpu.pus, one per core", pu.s,
                core.s, text.s);
  double xr = fmax(xmax + 0.3, 8.5); /* a small machine keeps readable squares, not giant ones */
  double nxr = fmax(xmax + 0.3, 5.0); /* the phone-width canvas: the same squares in fewer pixels */
  gb_buf_printf(
      &body,
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
      nxr + 0.3, xr + 0.3, y - 0.3);
  snprintf(
      ch->caption, sizeof ch->caption,
      "Each square is a PU (hardware thread)%s; its shade and percentage: the share of worker runs, over "
      "every cell and repetition with that binding policy, that were seen running on it. %s",
      from_xml ? ", outlined with the other PUs of its core" : "",
      from_xml ? "Read from topology.xml (hwloc)."
               : "No topology.xml beside the results: the PUs are shown flat.");
  int h = (int)(60 + y * 42);
  gb_chart_emit(cs, ch, &dat, body.s, GB_CHART_W, h < 200 ? 200 : (h > 1400 ? 1400 : h));
  free(share);
  free(pus);
  gb_buf_free(&pu);
  gb_buf_free(&core);
  gb_buf_free(&text);
  gb_buf_free(&body);
  gb_buf_free(&dat);
}
