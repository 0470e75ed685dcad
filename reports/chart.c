/* chart.c: the chart list, the common preamble every script starts with, and rendering. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "chart.h"
#include "gb.h"
#include "tmpl.h"

/* Every script starts here: it documents itself, refuses gnuplot < 5, picks SVG (with a viewBox:
 * "dynamic" leaves the size to the page) or PNG, and sets the house style. noenhanced: names
 * such as switch_interval_us must not turn into subscripts. */
static const char GB_GP_PREAMBLE[] =
    "# {{TITLE}}\n"
    "# Made by gilbench {{VERSION}} from {{SOURCE}}.\n"
    "# Re-render from this folder: gnuplot {{NAME}}.gp (SVG), gnuplot -e 'fmt=\"png\"' {{NAME}}.gp (PNG).\n"
    "# The numbers are in {{NAME}}.dat. Written for gnuplot 5.x.\n"
    "if (GPVAL_VERSION < 5.0) { print \"{{NAME}}.gp needs gnuplot 5.x\"; exit }\n"
    "if (!exists(\"fmt\")) fmt = \"svg\"\n"
    "if (fmt eq \"png\") {\n"
    "  set terminal pngcairo size {{W}},{{H}} noenhanced font \"sans-serif,{{FONT}}\" background rgb "
    "\"#ffffff\"\n"
    "  set output \"{{NAME}}.png\"\n"
    "} else {\n"
    "  set terminal svg size {{W}},{{H}} dynamic noenhanced font \"sans-serif,{{FONT}}\" background rgb "
    "\"#ffffff\"\n"
    "  set output \"{{NAME}}.svg\"\n"
    "}\n"
    "set encoding utf8\n"
    "set datafile missing \"?\"\n"
    "set border 3 lw 1 lc rgb \"#555555\"\n"
    "set tics nomirror textcolor rgb \"#333333\"\n"
    "set grid lc rgb \"#e3e3e3\" lw 1 dt solid\n"
    "set key below center horizontal Left reverse samplen 1.6 spacing 1.1 width 1 nobox\n"
    "set title '{{TITLE}}' font \",{{TITLEFONT}}\"\n"
    "set style fill solid 0.85 border rgb \"#333333\"\n"
    "\n";

void gb_chart_name(char *out, size_t len, const char *prefix, const gb_rgroup *g) {
  snprintf(out, len, "%s-%s", prefix, g->slug);
}

void gb_gp_logtics(gb_buf *b, const char *axis, double lo, double hi) {
  if (!(lo > 0) || !(hi > lo)) return;
  static const double steps[] = {1, 2, 5};
  int dense = log10(hi / lo) < 3, n = 0;
  gb_buf_printf(b, "set %stics (", axis);
  for (int d = (int)floor(log10(lo)); d <= (int)ceil(log10(hi)); d++)
    for (int k = 0; k < (dense ? 3 : 1); k++) {
      double v = steps[k] * pow(10, d);
      if (v < lo || v > hi) continue;
      gb_buf_printf(b, "%s\"%g\" %g", n++ ? ", " : "", v, v);
    }
  gb_buf_add(b, ")\n");
}

void gb_gp_xtics(gb_buf *b, const char *const *labels, int n) {
  gb_buf_add(b, "(");
  for (int i = 0; i < n; i++) {
    gb_buf_add(b, i ? ", '" : "'");
    for (const char *c = labels[i]; *c; c++) /* a tic label is a format: % must be doubled */
      if (*c == '%')
        gb_buf_add(b, "%");
      else {
        char one[2] = {*c, 0};
        gb_buf_gpstr(b, one);
      }
    gb_buf_printf(b, "' %d", i);
  }
  gb_buf_add(b, ")");
}

gb_chart *gb_chart_new(gb_charts *cs, const char *name, int group, gb_chart_section sec, const char *title) {
  cs->v = gb_xrealloc(cs->v, sizeof *cs->v * (size_t)(cs->n + 1));
  gb_chart *ch = &cs->v[cs->n++];
  memset(ch, 0, sizeof *ch);
  snprintf(ch->name, sizeof ch->name, "%s", name);
  snprintf(ch->title, sizeof ch->title, "%s", title);
  ch->group = group;
  ch->section = sec;
  return ch;
}

void gb_chart_legend(gb_chart *ch, const char *entry) {
  for (int i = 0; i < ch->nlegend; i++)
    if (strcmp(ch->legend[i], entry) == 0) return;
  ch->legend = gb_xrealloc(ch->legend, sizeof *ch->legend * (size_t)(ch->nlegend + 1));
  ch->legend[ch->nlegend++] = gb_xstrdup(entry);
}

int gb_chart_emit(gb_charts *cs, gb_chart *ch, const gb_buf *dat, const char *body, int w, int h) {
  char path[PATH_MAX + 160], ws[16], hs[16], title[512];
  if (!ch->nokey &&
      ch->nlegend > 0) { /* room for the key, as gnuplot lays it out (~10 px a character at 14 px) */
    size_t longest = 0;
    for (int i = 0; i < ch->nlegend; i++)
      longest = strlen(ch->legend[i]) > longest ? strlen(ch->legend[i]) : longest;
    int colw = (int)(10.2 * (double)longest) + 48, cols = (w - 20) / colw;
    if (cols < 1) cols = 1;
    h += ((ch->nlegend + cols - 1) / cols) * 20 + 8;
  }
  ch->w = w;
  ch->h = h;
  snprintf(ws, sizeof ws, "%d", w);
  snprintf(hs, sizeof hs, "%d", h);
  gb_buf t;
  gb_buf_init(&t);
  gb_buf_gpstr(&t, ch->title);
  snprintf(title, sizeof title, "%s", t.s);
  gb_buf_free(&t);
  /* The source file's name goes into a comment: no character may end the line or continue it. */
  const char *base = strrchr(cs->m->path, '/');
  char src[256];
  snprintf(src, sizeof src, "%.200s", base ? base + 1 : cs->m->path);
  for (char *p = src; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == '\\') *p = '?';
  const gb_tmpl_var vars[] = {
      {"TITLE", title}, {"VERSION", GB_VERSION}, {"SOURCE", src},     {"NAME", ch->name}, {"W", ws},
      {"H", hs},        {"FONT", "14"},          {"TITLEFONT", "15"}, {NULL, NULL}};
  gb_buf gp;
  gb_buf_init(&gp);
  gb_tmpl_render(&gp, GB_GP_PREAMBLE, vars);
  gb_buf_add(&gp, body);
  int rc = 0;
  snprintf(path, sizeof path, "%s/%s.dat", cs->dir, ch->name);
  int wr = gb_buf_write_file(dat, path);
  if (wr == 0) {
    snprintf(path, sizeof path, "%s/%s.gp", cs->dir, ch->name);
    wr = gb_buf_write_file(&gp, path);
  }
  if (wr != 0) {
    fprintf(stderr, "gilbench report: %s: write failed: %s\n", path, strerror(-wr));
    rc = -1;
  }
  gb_buf_free(&gp);
  if (rc != 0 || !cs->gp || !cs->gp->ok) {
    cs->failures += rc != 0;
    cs->write_failures += rc != 0;
    return rc;
  }
  char script[200], err[4096];
  snprintf(script, sizeof script, "%s.gp", ch->name);
  if (gb_gnuplot_run(cs->gp, cs->dir, script, "svg", err, sizeof err) != 0 ||
      (cs->png && gb_gnuplot_run(cs->gp, cs->dir, script, "png", err, sizeof err) != 0)) {
    fprintf(stderr, "gilbench report: chart %s: %s\n", ch->name, err);
    cs->failures++;
    return -1;
  }
  ch->rendered = 1;
  return 0;
}

void gb_charts_free(gb_charts *cs) {
  for (int i = 0; i < cs->n; i++) {
    for (int k = 0; k < cs->v[i].nlegend; k++)
      free(cs->v[i].legend[k]);
    free(cs->v[i].legend);
  }
  free(cs->v);
  cs->v = NULL;
  cs->n = 0;
}
