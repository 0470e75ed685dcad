/* chart.c: the chart list, the common preamble every script starts with, and rendering. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "chart.h"
#include "gb.h"
#include "tmpl.h"

/* Every script starts here: it documents itself, refuses gnuplot < 5, picks SVG (with a viewBox:
 * "dynamic" leaves the size to the page) or PNG, full size or the phone-width variant (narrow=1:
 * the same fonts on a narrower canvas, which a phone scales less), and sets the house style.
 * noenhanced: names such as switch_interval_us must not turn into subscripts. */
static const char GB_GP_PREAMBLE[] =
    "# {{TITLE}}\n"
    "# Made by gilbench {{VERSION}} from {{SOURCE}}.\n"
    "# Re-render from this folder: gnuplot {{NAME}}.gp (SVG), gnuplot -e 'fmt=\"png\"' {{NAME}}.gp (PNG);\n"
    "# add -e 'narrow=1' for the phone-width variant ({{NAME}}-narrow.svg or .png).\n"
    "# The numbers are in {{NAME}}.dat. Written for gnuplot 5.x.\n"
    "if (GPVAL_VERSION < 5.0) { print \"{{NAME}}.gp needs gnuplot 5.x\"; exit }\n"
    "if (!exists(\"fmt\")) fmt = \"svg\"\n"
    "if (!exists(\"narrow\")) narrow = 0\n"
    "gb_w = narrow ? {{NW}} : {{W}}\n"
    "gb_h = narrow ? {{NH}} : {{H}}\n"
    "if (fmt eq \"png\") {\n"
    "  set terminal pngcairo size gb_w,gb_h noenhanced font \"sans-serif,{{FONT}}\" background rgb "
    "\"#ffffff\"\n"
    "} else {\n"
    "  set terminal svg size gb_w,gb_h dynamic noenhanced font \"sans-serif,{{FONT}}\" background rgb "
    "\"#ffffff\"\n"
    "}\n"
    "set output \"{{NAME}}\" . (narrow ? \"-narrow.\" : \".\") . fmt\n"
    "set encoding utf8\n"
    "set datafile missing \"?\"\n"
    "set border 3 lw 1 lc rgb \"#555555\"\n"
    "set tics nomirror textcolor rgb \"#333333\"\n"
    "set grid lc rgb \"#e3e3e3\" lw 1 dt solid\n"
    "set key below center horizontal Left reverse samplen 1.6 spacing 1.1 width 1 nobox\n"
    "set title (narrow ? {{NTITLE}} : '{{TITLE}}') font \",{{TITLEFONT}}\"\n"
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

/* Height of the key's rows below a plot w wide, as gnuplot lays them out (~10 px a character at
 * 14 px); 0 without a key. */
static int gb__key_height(const gb_chart *ch, int w) {
  if (ch->nokey || ch->nlegend == 0) return 0;
  size_t longest = 0;
  for (int i = 0; i < ch->nlegend; i++)
    longest = strlen(ch->legend[i]) > longest ? strlen(ch->legend[i]) : longest;
  int colw = (int)(10.2 * (double)longest) + 48, cols = (w - 20) / colw;
  if (cols < 1) cols = 1;
  return ((ch->nlegend + cols - 1) / cols) * 20 + 8;
}

/* The title for the phone-width canvas: broken at spaces into lines of about 38 characters, each a
 * single-quoted gnuplot string (gb_buf_gpstr), joined by a constant "\n". */
static int gb__title_lines(const char *title, gb_buf *out) {
  const char *p = title;
  int lines = 0;
  while (*p) {
    size_t n = strlen(p), cut = n;
    if (n > 38) { /* the last space within the line, else the first after it */
      cut = 0;
      for (size_t i = 1; i < n && (i <= 38 || cut == 0); i++)
        if (p[i] == ' ') cut = i;
      if (cut == 0) cut = n;
    }
    char *line = gb_xstrdup(p);
    line[cut] = '\0';
    gb_buf_add(out, p == title ? "'" : " . \"\\n\" . '");
    gb_buf_gpstr(out, line);
    gb_buf_add(out, "'");
    free(line);
    lines++;
    p += cut;
    while (*p == ' ')
      p++;
  }
  if (p == title) gb_buf_add(out, "''");
  return lines;
}

/* NAME.gp: the preamble filled in for both sizes, then the body. */
static void gb__script(const gb_charts *cs, const gb_chart *ch, const char *body, gb_buf *gp) {
  char ws[16], hs[16], nws[16], nhs[16], title[512];
  snprintf(ws, sizeof ws, "%d", ch->w);
  snprintf(hs, sizeof hs, "%d", ch->h);
  snprintf(nws, sizeof nws, "%d", ch->nw);
  snprintf(nhs, sizeof nhs, "%d", ch->nh);
  gb_buf t;
  gb_buf_init(&t);
  gb_buf_gpstr(&t, ch->title);
  snprintf(title, sizeof title, "%s", t.s);
  gb_buf_reset(&t);
  gb__title_lines(ch->title, &t);
  /* The source file's name goes into a comment: no character may end the line or continue it. */
  const char *base = strrchr(cs->m->path, '/');
  char src[256];
  snprintf(src, sizeof src, "%.200s", base ? base + 1 : cs->m->path);
  for (char *p = src; *p; p++)
    if ((unsigned char)*p < 0x20 || *p == '\\') *p = '?';
  const gb_tmpl_var vars[] = {{"TITLE", title}, {"VERSION", GB_VERSION},
                              {"SOURCE", src},  {"NAME", ch->name},
                              {"W", ws},        {"H", hs},
                              {"NW", nws},      {"NH", nhs},
                              {"FONT", "14"},   {"TITLEFONT", "15"},
                              {"NTITLE", t.s},  {NULL, NULL}};
  gb_tmpl_render(gp, GB_GP_PREAMBLE, vars);
  gb_buf_add(gp, body);
  gb_buf_free(&t);
}

/* NAME.svg, NAME-narrow.svg (unless the chart has none) and (when asked) NAME.png. 0, or -1 with gnuplot's
 * messages in err. */
static int gb__render(const gb_charts *cs, const gb_chart *ch, char *err, size_t errlen) {
  char script[200];
  snprintf(script, sizeof script, "%s.gp", ch->name);
  if (gb_gnuplot_run(cs->gp, cs->dir, script, "svg", err, errlen) != 0) return -1;
  if (!ch->nonarrow &&
      gb_gnuplot_run_expr(cs->gp, cs->dir, script, "fmt=\"svg\"; narrow=1", err, errlen) != 0)
    return -1;
  if (cs->png && gb_gnuplot_run(cs->gp, cs->dir, script, "png", err, errlen) != 0) return -1;
  return 0;
}

int gb_chart_emit(gb_charts *cs, gb_chart *ch, const gb_buf *dat, const char *body, int w, int h) {
  char path[PATH_MAX + 160], err[4096];
  ch->w = w;
  ch->h = h + gb__key_height(ch, w);
  ch->nw = w < GB_CHART_NARROW_W ? w : GB_CHART_NARROW_W;
  gb_buf t;
  gb_buf_init(&t);
  ch->nh = h + gb__key_height(ch, ch->nw) + 18 * (gb__title_lines(ch->title, &t) - 1); /* title lines */
  gb_buf_free(&t);
  gb_buf gp;
  gb_buf_init(&gp);
  gb__script(cs, ch, body, &gp);
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
  if (gb__render(cs, ch, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench report: chart %s: %s\n", ch->name, err);
    cs->failures++;
    return -1;
  }
  ch->rendered = 1;
  ch->narrow = !ch->nonarrow;
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
