/* compare.c: `gilbench compare A B [--threshold 5%] [--fail-if-slower] [-o DIR] [--seed N]`: match
 * the cells of two runs by identity, and for each give the ratio of medians B/A with a seeded
 * bootstrap 95% interval, a Mann-Whitney U p-value and a verdict; then the geometric mean, and
 * every difference between the two runs' environments, field by field. Writes compare.md and
 * compare.html (with a chart) into DIR (default: a compare/ folder beside B). */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "gb.h"
#include "palette.h"
#include "report.h"
#include "results.h"
#include "schema.h"

#define GB_BOOT_ITERS 4000

enum { GB_CMP_SAME = 0, GB_CMP_SLOWER = 1, GB_CMP_FASTER = -1, GB_CMP_NA = 2 };

typedef struct {
  int a, b;         /* cell index in each run, -1 when absent */
  const char *what; /* "wall" or "p99 latency" */
  int na, nb;       /* samples */
  double ma, mb;    /* medians (seconds, or µs for latency) */
  double ratio, lo, hi, p;
  int verdict;    /* GB_CMP_* */
  char note[160]; /* why not comparable */
} compare_row;

typedef struct {
  char path[256];
  char a[512], b[512];
} diff;

typedef struct {
  const gb_rmodel *A, *B;
  compare_row *rows;
  int nrows;
  diff *diffs;
  int ndiffs;
  double threshold;
  double geomean;
  int ncomparable, nslower, nfaster;
} compare_cmp;

/* A cell's identity across runs (docs/ARCHITECTURE.md: workload, effective params, strategy, options,
 * workers, binding). */
static void compare_identity(const gb_rcell *c, char *out, size_t len) {
  snprintf(out, len, "%s|%s|%s|%s|%d|%s", c->workload, c->params, c->strategy, c->opts, c->workers,
           c->binding);
}

/* The samples compared: per-repetition p99 latency for latency workloads that have it, else
 * wall_s. Returns the count; *what names it. */
static int compare_samples(const gb_rcell *c, int by_latency, double **out) {
  return gb_rcell_samples(c, by_latency, out);
}

static int rep_latency(const gb_rcell *c) {
  if (strcmp(c->measure, "latency") != 0) return 0;
  json_t *rep0 = json_array_get(json_object_get(c->j, GB_KEY_REPS), 0);
  return gb_jnum(json_object_get(rep0, GB_KEY_LATENCY_US), GB_KEY_COUNT) > 0;
}

static uint64_t hash(const char *s, uint64_t seed) {
  uint64_t h = 1469598103934665603ull ^ seed;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return gb_splitmix64(h);
}

static void compare_cell(compare_cmp *cmp, compare_row *row, uint64_t seed, const char *id) {
  const gb_rcell *a = &cmp->A->cells[row->a], *b = &cmp->B->cells[row->b];
  int by_latency = rep_latency(a) && rep_latency(b);
  row->what = by_latency ? "p99 latency" : "wall";
  row->verdict = GB_CMP_NA;
  row->ratio = row->lo = row->hi = row->p = row->ma = row->mb = NAN;
  if (!a->ok || !b->ok) {
    snprintf(row->note, sizeof row->note, "%s in A, %s in B", a->status, b->status);
    return;
  }
  double *xa, *xb;
  row->na = compare_samples(a, by_latency, &xa);
  row->nb = compare_samples(b, by_latency, &xb);
  if (row->na >= 1 && row->nb >= 1) {
    double *ta = gb_xmalloc(sizeof *ta * (size_t)row->na), *tb = gb_xmalloc(sizeof *tb * (size_t)row->nb);
    memcpy(ta, xa, sizeof *ta * (size_t)row->na);
    memcpy(tb, xb, sizeof *tb * (size_t)row->nb);
    row->ma = gb_median_inplace(ta, row->na);
    row->mb = gb_median_inplace(tb, row->nb);
    free(ta);
    free(tb);
    row->ratio = row->mb / row->ma;
    cmp->ncomparable++;
    cmp->geomean += log(row->ratio);
  }
  if (row->na < 2 || row->nb < 2) {
    snprintf(row->note, sizeof row->note, "too few repetitions to test (%d and %d)", row->na, row->nb);
  } else {
    gb_boot_ratio(xa, row->na, xb, row->nb, GB_BOOT_ITERS, hash(id, seed), &row->lo, &row->hi);
    row->p = gb_mwu_p(xa, row->na, xb, row->nb, NULL);
    int beyond = fabs(row->ratio - 1) > cmp->threshold;
    row->verdict = row->p < 0.05 && beyond ? (row->ratio > 1 ? GB_CMP_SLOWER : GB_CMP_FASTER) : GB_CMP_SAME;
    if (row->verdict == GB_CMP_SLOWER) cmp->nslower++;
    if (row->verdict == GB_CMP_FASTER) cmp->nfaster++;
    if (row->verdict == GB_CMP_SAME && row->p >= 0.05 && beyond && row->na + row->nb < 8)
      snprintf(row->note, sizeof row->note, "%d+%d repetitions cannot reach p < 0.05", row->na, row->nb);
  }
  free(xa);
  free(xb);
}

static const compare_cmp *sort_ctx; /* qsort has no user pointer */

static int row_cmp(const void *x, const void *y) {
  const compare_row *a = x, *b = y;
  if ((a->a < 0) != (b->a < 0)) return a->a < 0 ? 1 : -1;
  const gb_rmodel *m = a->a >= 0 ? sort_ctx->A : sort_ctx->B;
  const gb_rcell *ca = &m->cells[a->a >= 0 ? a->a : a->b], *cb = &m->cells[b->a >= 0 ? b->a : b->b];
  if (ca->group != cb->group) return ca->group - cb->group;
  if (ca->series != cb->series) return ca->series - cb->series;
  if (ca->workers != cb->workers) return ca->workers - cb->workers;
  return ca->index - cb->index;
}

static void compare_match(compare_cmp *cmp, uint64_t seed) {
  const gb_rmodel *A = cmp->A, *B = cmp->B;
  char ia[4096], ib[4096];
  int *used = gb_xcalloc((size_t)B->ncells + 1, sizeof *used);
  cmp->rows = gb_xcalloc((size_t)(A->ncells + B->ncells) + 1, sizeof *cmp->rows);
  for (int i = 0; i < A->ncells; i++) {
    compare_identity(&A->cells[i], ia, sizeof ia);
    compare_row *row = &cmp->rows[cmp->nrows++];
    row->a = i;
    row->b = -1;
    for (int j = 0; j < B->ncells && row->b < 0; j++) {
      if (used[j]) continue;
      compare_identity(&B->cells[j], ib, sizeof ib);
      if (strcmp(ia, ib) == 0) {
        row->b = j;
        used[j] = 1;
      }
    }
    if (row->b >= 0)
      compare_cell(cmp, row, seed, ia);
    else {
      row->verdict = GB_CMP_NA;
      row->ratio = row->lo = row->hi = row->p = NAN;
      row->ma = A->cells[i].median;
      row->mb = NAN;
      row->what = "wall";
      snprintf(row->note, sizeof row->note, "only in A");
    }
  }
  for (int j = 0; j < B->ncells; j++) {
    if (used[j]) continue;
    compare_row *row = &cmp->rows[cmp->nrows++];
    row->a = -1;
    row->b = j;
    row->verdict = GB_CMP_NA;
    row->ratio = row->lo = row->hi = row->p = row->ma = NAN;
    row->mb = B->cells[j].median;
    row->what = "wall";
    snprintf(row->note, sizeof row->note, "only in B");
  }
  free(used);
  cmp->geomean = cmp->ncomparable ? exp(cmp->geomean / cmp->ncomparable) : NAN;
  /* Read by workload, then strategy, then workers (A's order of groups and series); B-only last. */
  sort_ctx = cmp;
  qsort(cmp->rows, (size_t)cmp->nrows, sizeof *cmp->rows, row_cmp);
}

/* ---- environment differences ---- */

typedef struct {
  char **k, **v;
  int n;
} flat;

/* Fields of meta that differ between any two runs and say nothing of their environments: times
 * (started, finished, and the estimated and taken durations), the command, the seed and the
 * per-run secret, the load and steal time sampled around the run (their keys as the writer names
 * them, schema.h: noise is judged per cell, not here). */
static int skip_path(const char *p) {
  static const char *const skip[] = {GB_KEY_STARTED,
                                     GB_KEY_FINISHED,
                                     GB_KEY_DURATION,
                                     GB_KEY_COMMAND,
                                     GB_KEY_METRICS,
                                     GB_KEY_SEED,
                                     GB_KEY_SECRET,
                                     GB_KEY_HOST "." GB_KEY_LOADAVG_START,
                                     GB_KEY_HOST "." GB_KEY_LOADAVG_END,
                                     GB_KEY_HOST "." GB_KEY_STEAL_S_START,
                                     GB_KEY_HOST "." GB_KEY_STEAL_S_END,
                                     GB_KEY_HOST "." GB_KEY_STEAL_S_DURING};
  for (size_t i = 0; i < GB_ARRAY_LEN(skip); i++) {
    size_t l = strlen(skip[i]);
    if (strncmp(p, skip[i], l) == 0 && (p[l] == '\0' || p[l] == '.')) return 1;
  }
  return 0;
}

static void flatten(flat *f, json_t *v, const char *prefix) {
  if (*prefix && skip_path(prefix)) return;
  if (json_is_object(v) && json_object_size(v) > 0) {
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      char key[512];
      snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", k);
      flatten(f, x, key);
    }
    return;
  }
  f->k = gb_xrealloc(f->k, sizeof *f->k * (size_t)(f->n + 1));
  f->v = gb_xrealloc(f->v, sizeof *f->v * (size_t)(f->n + 1));
  f->k[f->n] = gb_xstrdup(prefix);
  f->v[f->n] = gb_jtext(v);
  f->n++;
}

static const char *flat_get(const flat *f, const char *k) {
  for (int i = 0; i < f->n; i++)
    if (strcmp(f->k[i], k) == 0) return f->v[i];
  return NULL;
}

static void flat_free(flat *f) {
  for (int i = 0; i < f->n; i++) {
    free(f->k[i]);
    free(f->v[i]);
  }
  free(f->k);
  free(f->v);
}

static void add_diff(compare_cmp *cmp, const char *path, const char *a, const char *b) {
  cmp->diffs = gb_xrealloc(cmp->diffs, sizeof *cmp->diffs * (size_t)(cmp->ndiffs + 1));
  diff *d = &cmp->diffs[cmp->ndiffs++];
  snprintf(d->path, sizeof d->path, "%s", path);
  snprintf(d->a, sizeof d->a, "%s", a ? a : "(absent)");
  snprintf(d->b, sizeof d->b, "%s", b ? b : "(absent)");
}

/* The bindings the cells of a run used, as "none, cores". */
static void compare_bindings(const gb_rmodel *m, char *out, size_t len) {
  out[0] = '\0';
  for (int i = 0; i < m->ncells; i++) {
    const char *b = m->cells[i].binding;
    int seen = 0;
    for (int j = 0; j < i && !seen; j++)
      seen = strcmp(m->cells[j].binding, b) == 0;
    if (!seen) snprintf(out + strlen(out), len - strlen(out), "%s%s", *out ? ", " : "", b);
  }
}

static void compare_env(compare_cmp *cmp) {
  flat fa = {0}, fb = {0};
  flatten(&fa, cmp->A->meta, "");
  flatten(&fb, cmp->B->meta, "");
  for (int i = 0; i < fa.n; i++) {
    const char *b = flat_get(&fb, fa.k[i]);
    if (!b || strcmp(b, fa.v[i]) != 0) add_diff(cmp, fa.k[i], fa.v[i], b);
  }
  for (int i = 0; i < fb.n; i++)
    if (!flat_get(&fa, fb.k[i])) add_diff(cmp, fb.k[i], NULL, fb.v[i]);
  char ba[512], bb[512];
  compare_bindings(cmp->A, ba, sizeof ba);
  compare_bindings(cmp->B, bb, sizeof bb);
  if (strcmp(ba, bb) != 0) add_diff(cmp, "cells.binding", ba, bb);
  flat_free(&fa);
  flat_free(&fb);
}

/* ---- output ---- */

static const char *verdict_word(int v) {
  return v == GB_CMP_SLOWER   ? "slower"
         : v == GB_CMP_FASTER ? "faster"
         : v == GB_CMP_SAME   ? "no change"
                              : "n/a";
}

static const gb_rcell *row_cell(const compare_cmp *cmp, const compare_row *r) {
  return r->a >= 0 ? &cmp->A->cells[r->a] : &cmp->B->cells[r->b];
}

/* The texts of one row, as both the Markdown and the HTML table show them. */
typedef struct row_text {
  char label[512], a[32], b[32], ratio[64], p[16];
} row_text;

static void row_label(const compare_cmp *cmp, const compare_row *r, char *out, size_t len);
static void fmt_value(const compare_row *r, double v, char *out, size_t len);
static void fmt_ratio(const compare_row *r, char *out, size_t len);
static void fmt_p(double p, char *out, size_t len);

static void row_text_fill(const compare_cmp *cmp, const compare_row *r, row_text *t) {
  row_label(cmp, r, t->label, sizeof t->label);
  fmt_value(r, r->ma, t->a, sizeof t->a);
  fmt_value(r, r->mb, t->b, sizeof t->b);
  fmt_ratio(r, t->ratio, sizeof t->ratio);
  fmt_p(r->p, t->p, sizeof t->p);
}

static void row_label(const compare_cmp *cmp, const compare_row *r, char *out, size_t len) {
  const gb_rcell *c = row_cell(cmp, r);
  const gb_rmodel *m = r->a >= 0 ? cmp->A : cmp->B;
  snprintf(out, len, "%s · %s ×%d", m->groups[c->group].label, m->series[c->series].label, c->workers);
}

static void fmt_value(const compare_row *r, double v, char *out, size_t len) {
  if (strcmp(r->what, "wall") == 0)
    gb_fmt_seconds(v, out, len);
  else
    gb_fmt_us(v, out, len);
}

static void fmt_ratio(const compare_row *r, char *out, size_t len) {
  if (!isfinite(r->ratio))
    snprintf(out, len, "–");
  else if (isfinite(r->lo))
    snprintf(out, len, "%.3f [%.3f, %.3f]", r->ratio, r->lo, r->hi);
  else
    snprintf(out, len, "%.3f", r->ratio);
}

static void fmt_p(double p, char *out, size_t len) {
  if (!isfinite(p))
    snprintf(out, len, "–");
  else if (p < 0.001)
    snprintf(out, len, "<0.001");
  else
    snprintf(out, len, "%.3f", p);
}

static void compare_summary(const compare_cmp *cmp, char *out, size_t len) {
  if (cmp->ncomparable)
    snprintf(
        out, len,
        "Geometric mean of the ratios over %d cells: %.3f (%s). %d significantly slower, %d significantly "
        "faster (p < 0.05 and beyond the %.3g%% threshold).",
        cmp->ncomparable, cmp->geomean,
        cmp->geomean > 1   ? "B slower"
        : cmp->geomean < 1 ? "B faster"
                           : "no difference",
        cmp->nslower, cmp->nfaster, cmp->threshold * 100);
  else
    snprintf(out, len, "No cell ran successfully in both runs.");
}

/* Characters on screen of UTF-8 text (labels hold ×, ·, µ). */
static int width(const char *s) {
  int n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xc0) != 0x80;
  return n;
}

/* s left-aligned (right-aligned when right) in a field of w screen characters. */
static void bfield(gb_buf *out, const char *s, int w, int right) {
  int pad = w - width(s);
  for (; right && pad > 0; pad--)
    gb_buf_add(out, " ");
  gb_buf_add(out, s);
  for (; !right && pad > 0; pad--)
    gb_buf_add(out, " ");
}

/* The environment differences, or that there are none, as the console says them. */
static void console_env(const compare_cmp *cmp, gb_buf *out) {
  if (!cmp->ndiffs) {
    gb_buf_add(out, "\nThe two runs' environments match.\n");
    return;
  }
  gb_buf_printf(out, "\nwarning: the two runs' environments differ (%d field%s):\n", cmp->ndiffs,
                cmp->ndiffs == 1 ? "" : "s");
  for (int i = 0; i < cmp->ndiffs; i++)
    gb_buf_printf(out, "  %s: %s -> %s\n", cmp->diffs[i].path, cmp->diffs[i].a, cmp->diffs[i].b);
}

/* The console writer of a comparison. */
static void compare_console(const compare_cmp *cmp, const gb_charts *cs, gb_buf *out) {
  gb_buf_printf(out, "A: %s (started %s)\nB: %s (started %s)\n", cmp->A->path,
                gb_jstr(cmp->A->meta, GB_KEY_STARTED, "?"), cmp->B->path,
                gb_jstr(cmp->B->meta, GB_KEY_STARTED, "?"));
  gb_buf_add(
      out, "ratio = B / A of the medians (> 1: B is slower), 95% bootstrap interval; p: Mann-Whitney U\n\n");
  int lw = 4;
  row_text t;
  for (int i = 0; i < cmp->nrows; i++) {
    row_label(cmp, &cmp->rows[i], t.label, sizeof t.label);
    if (width(t.label) > lw) lw = width(t.label);
  }
  bfield(out, "cell", lw, 0);
  gb_buf_printf(out, "  %-11s %10s %10s  %-24s %6s  %s\n", "measure", "A", "B", "ratio [95% CI]", "p",
                "change");
  for (int i = 0; i < cmp->nrows; i++) {
    const compare_row *r = &cmp->rows[i];
    row_text_fill(cmp, r, &t);
    bfield(out, t.label, lw, 0);
    gb_buf_printf(out, "  %-11s ", r->what);
    bfield(out, t.a, 10, 1);
    gb_buf_add(out, " ");
    bfield(out, t.b, 10, 1);
    gb_buf_printf(out, "  %-24s %6s  %s%s%s%s\n", t.ratio, t.p, verdict_word(r->verdict),
                  *r->note ? " (" : "", r->note, *r->note ? ")" : "");
  }
  char sum[512];
  compare_summary(cmp, sum, sizeof sum);
  gb_buf_printf(out, "\n%s\n", sum);
  console_env(cmp, out);
}

/* The Markdown writer of a comparison. */
static void compare_md(const compare_cmp *cmp, const gb_charts *cs, gb_buf *b) {
  const gb_chart *ch = cs->n ? &cs->v[0] : NULL;
  char s[512];
  gb_buf_add(b, "# gilbench comparison\n\n");
  gb_buf_printf(b, "- A: `%s` (started %s)\n- B: `%s` (started %s)\n\n", cmp->A->path,
                gb_jstr(cmp->A->meta, GB_KEY_STARTED, "?"), cmp->B->path,
                gb_jstr(cmp->B->meta, GB_KEY_STARTED, "?"));
  compare_summary(cmp, s, sizeof s);
  gb_buf_printf(b, "%s\n\n", s);
  if (cmp->ndiffs) {
    gb_buf_printf(b, "**The environments differ** (%d field%s):\n\n| Field | A | B |\n| --- | --- | --- |\n",
                  cmp->ndiffs, cmp->ndiffs == 1 ? "" : "s");
    for (int i = 0; i < cmp->ndiffs; i++) {
      gb_buf_add(b, "| ");
      gb_buf_md(b, cmp->diffs[i].path);
      gb_buf_add(b, " | ");
      gb_buf_md(b, cmp->diffs[i].a);
      gb_buf_add(b, " | ");
      gb_buf_md(b, cmp->diffs[i].b);
      gb_buf_add(b, " |\n");
    }
    gb_buf_add(b, "\n");
  } else {
    gb_buf_add(b, "The environments match.\n\n");
  }
  if (ch && ch->rendered) gb_buf_add(b, "![Ratio of medians B / A per cell](compare.svg)\n\n");
  gb_buf_add(b, "| Cell | Measure | A | B | Ratio B/A [95% CI] | p | Change |\n| --- | --- | ---: | ---: | "
                "---: | ---: | --- |\n");
  for (int i = 0; i < cmp->nrows; i++) {
    const compare_row *r = &cmp->rows[i];
    row_text t;
    row_text_fill(cmp, r, &t);
    gb_buf_add(b, "| ");
    gb_buf_md(b, t.label);
    gb_buf_printf(b, " | %s | %s | %s | %s | %s | %s%s", r->what, t.a, t.b, t.ratio, t.p,
                  r->verdict == GB_CMP_SLOWER ? "**slower**" : verdict_word(r->verdict),
                  *r->note ? " (" : "");
    gb_buf_md(b, r->note);
    gb_buf_add(b, *r->note ? ") |\n" : " |\n");
  }
}

/* The HTML summary section: the summary line and the environment differences. */
static void html_summary(const compare_cmp *cmp, gb_buf *body) {
  char s[512];
  compare_summary(cmp, s, sizeof s);
  gb_buf_add(body, "<section id=\"summary\">\n<h2>Summary</h2>\n<p>");
  gb_buf_html(body, s);
  gb_buf_add(body,
             " Ratio = median of B / median of A (above 1: B is slower), with a 95% bootstrap interval; p: "
             "two-sided Mann–Whitney U test.</p>\n");
  if (!cmp->ndiffs) {
    gb_buf_add(body, "<p>The two runs' environments match.</p>\n</section>\n");
    return;
  }
  gb_buf_printf(
      body,
      "<p class=\"note\">The two runs' environments differ in %d field%s; differences below may come "
      "from them.</p>\n<div class=\"scroll\"><table>\n<thead><tr><th>Field</th><th>A</th><th>B</th>"
      "</tr></thead>\n<tbody>\n",
      cmp->ndiffs, cmp->ndiffs == 1 ? "" : "s");
  for (int i = 0; i < cmp->ndiffs; i++) {
    gb_buf_add(body, "<tr><td><code>");
    gb_buf_html(body, cmp->diffs[i].path);
    gb_buf_add(body, "</code></td><td>");
    gb_buf_html(body, cmp->diffs[i].a);
    gb_buf_add(body, "</td><td>");
    gb_buf_html(body, cmp->diffs[i].b);
    gb_buf_add(body, "</td></tr>\n");
  }
  gb_buf_add(body, "</tbody></table></div>\n</section>\n");
}

/* One row of the HTML cells table. */
static void html_row(const compare_cmp *cmp, const compare_row *r, gb_buf *body) {
  row_text t;
  row_text_fill(cmp, r, &t);
  const gb_rcell *c = row_cell(cmp, r);
  gb_buf_printf(body, "<tr><td><span class=\"sw\" style=\"background:%s\"></span>",
                gb_palette_color(c->strategy));
  gb_buf_html(body, t.label);
  gb_buf_printf(body,
                "</td><td>%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td><td class=\"num\">%s</td>"
                "<td class=\"num\">%s</td><td class=\"%s\">%s",
                r->what, t.a, t.b, t.ratio, t.p,
                r->verdict == GB_CMP_SLOWER   ? "bad"
                : r->verdict == GB_CMP_FASTER ? "good"
                                              : "",
                verdict_word(r->verdict));
  if (*r->note) {
    gb_buf_add(body, " (");
    gb_buf_html(body, r->note);
    gb_buf_add(body, ")");
  }
  gb_buf_add(body, "</td></tr>\n");
}

/* The HTML cells section: the chart, then the table. */
static void html_cells(const compare_cmp *cmp, const gb_charts *cs, gb_buf *body) {
  gb_buf_add(body, "<section id=\"cells\">\n<h2>Cells</h2>\n");
  if (cs->n && cs->v[0].rendered) {
    gb_buf_add(body, "<figure class=\"wide\" id=\"chart-compare\" data-chart=\"compare\">\n"
                     "<a class=\"zoom\" href=\"compare.svg\">");
    gb_html_inline_svg(body, cs->dir, "compare", "c0", cs->v[0].title);
    gb_buf_add(body, "</a>\n<figcaption>");
    gb_buf_html(body, cs->v[0].caption);
    gb_buf_add(body, " <a href=\"compare.gp\">gnuplot script</a> · <a "
                     "href=\"compare.dat\">data</a></figcaption>\n</figure>\n");
  }
  gb_buf_add(body,
             "<div class=\"scroll\"><table>\n<thead><tr><th>Cell</th><th>Measure</th><th class=\"num\">A</th>"
             "<th class=\"num\">B</th><th class=\"num\">Ratio B/A [95% CI]</th><th class=\"num\">p</th>"
             "<th>Change</th></tr></thead>\n<tbody>\n");
  for (int i = 0; i < cmp->nrows; i++)
    html_row(cmp, &cmp->rows[i], body);
  gb_buf_add(body, "</tbody></table></div>\n</section>\n");
}

/* The HTML writer of a comparison. */
static void compare_html(const compare_cmp *cmp, const gb_charts *cs, gb_buf *out) {
  gb_buf body, run;
  gb_buf_init(&body);
  gb_buf_init(&run);
  for (int k = 0; k < 2; k++) {
    const gb_rmodel *m = k ? cmp->B : cmp->A;
    gb_buf_add(&run, k ? ")<br>B: <code>" : "A: <code>");
    gb_buf_html(&run, m->path);
    gb_buf_add(&run, "</code> (started ");
    gb_buf_html(&run, gb_jstr(m->meta, GB_KEY_STARTED, "?"));
  }
  gb_buf_add(&run, ")");
  html_summary(cmp, &body);
  html_cells(cmp, cs, &body);
  gb_html_page(out, "gilbench comparison", "gilbench comparison", run.s,
               "<a href=\"#summary\">Summary</a><a href=\"#cells\">Cells</a>", body.s,
               "Made by gilbench " GB_VERSION ".");
  gb_buf_free(&body);
  gb_buf_free(&run);
}

/* 1, 2 or 5 times a power of ten, at least x. */
static double nice_step(double x) {
  double p = pow(10, floor(log10(x))), m = x / p;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * p;
}

/* The chart's y axis: each compared row's label at its height (the first row on top). */
static void chart_ytics(const compare_cmp *cmp, int n, gb_buf *tics) {
  int y = 0;
  gb_buf_add(tics, "set ytics (");
  for (int i = 0; i < cmp->nrows; i++) {
    if (!isfinite(cmp->rows[i].ratio)) continue;
    char label[512];
    row_label(cmp, &cmp->rows[i], label, sizeof label);
    gb_buf_add(tics, y ? ", '" : "'");
    gb_buf_gpstr(tics, label);
    gb_buf_printf(tics, "' %d", n - 1 - y);
    y++;
  }
  gb_buf_add(tics, ")\n");
}

/* The chart's data, one block per strategy (its rows: ratio, height, interval), and the plot
 * clauses drawing them; widens [*xlo, *xhi] to every interval. */
static void chart_series(const compare_cmp *cmp, int n, gb_chart *ch, gb_buf *dat, gb_buf *plot, double *xlo,
                         double *xhi) {
  const char *strats[64];
  int ns = 0;
  for (int i = 0; i < cmp->nrows; i++) {
    if (!isfinite(cmp->rows[i].ratio)) continue;
    const char *s = row_cell(cmp, &cmp->rows[i])->strategy;
    int k = 0;
    while (k < ns && strcmp(strats[k], s) != 0)
      k++;
    if (k == ns && ns < 64) strats[ns++] = s;
  }
  for (int k = 0; k < ns; k++) {
    gb_buf_printf(dat, "%s# %s\n", k ? "\n\n" : "", strats[k]);
    for (int i = 0, y = 0; i < cmp->nrows; i++) {
      const compare_row *r = &cmp->rows[i];
      if (!isfinite(r->ratio)) continue;
      if (strcmp(row_cell(cmp, r)->strategy, strats[k]) == 0) {
        double lo = isfinite(r->lo) ? r->lo : r->ratio, hi = isfinite(r->hi) ? r->hi : r->ratio;
        gb_buf_printf(dat, "%.6g %d %.6g %.6g\n", r->ratio, n - 1 - y, lo, hi);
        *xlo = fmin(*xlo, lo);
        *xhi = fmax(*xhi, hi);
      }
      y++;
    }
    gb_buf_printf(plot,
                  ", \\\n  \"compare.dat\" index %d using 1:2:3:4 with xerrorbars lc rgb \"%s\" pt 7 ps 1 lw "
                  "1.5 title '",
                  k, gb_palette_color(strats[k]));
    gb_buf_gpstr(plot, strats[k]);
    gb_buf_add(plot, "'");
    gb_chart_legend(ch, strats[k]);
  }
}

/* The longest label of a compared row, in screen characters. */
static int chart_longest_label(const compare_cmp *cmp) {
  int longest = 0;
  for (int i = 0; i < cmp->nrows; i++) {
    char label[512];
    row_label(cmp, &cmp->rows[i], label, sizeof label);
    if (isfinite(cmp->rows[i].ratio) && width(label) > longest) longest = width(label);
  }
  return longest;
}

/* The chart: one row per compared cell, the ratio with its interval, colored by strategy, the
 * threshold band shaded around 1. */
static void compare_chart(const compare_cmp *cmp, gb_charts *cs) {
  int n = 0;
  for (int i = 0; i < cmp->nrows; i++)
    n += isfinite(cmp->rows[i].ratio);
  if (n == 0) return;
  gb_chart *ch = gb_chart_new(cs, "compare", -1, GB_SEC_OVERVIEW, "Ratio of medians, B / A");
  ch->nokey = 1; /* each row's label names its strategy; the caption explains the band */
  gb_buf dat, body, plot, tics;
  gb_buf_init(&dat);
  gb_buf_init(&body);
  gb_buf_init(&plot);
  gb_buf_init(&tics);
  gb_buf_add(&dat,
             "# Ratio of medians B / A per cell\n# one block per strategy: ratio, row, interval low, high\n");
  double xlo = 1 - cmp->threshold, xhi = 1 + cmp->threshold;
  chart_ytics(cmp, n, &tics);
  chart_series(cmp, n, ch, &dat, &plot, &xlo, &xhi);
  double pad = (xhi - xlo) * 0.08 + 0.01;
  int longest = chart_longest_label(cmp);
  gb_buf_printf(
      &body,
      "%sset yrange [-0.7:%g]\nset xrange [%g:%g]\nset grid xtics noytics\nset xtics %g format \"%%.2f\"\n"
      "set ytics font \",11\"\nset lmargin %d\nunset key\n"
      "set xlabel \"median B / median A (above 1: B is slower)\"\n"
      "set object 1 rect from %g, graph 0 to %g, graph 1 behind fc rgb \"#eeeeee\" fs solid 1 noborder\n"
      "set arrow 1 from 1, graph 0 to 1, graph 1 nohead lc rgb \"#777777\" dt 2\n"
      "plot NaN with boxes fc rgb \"#eeeeee\" title \"within the ±%.3g%% threshold\"%s\n",
      tics.s, n - 0.3, fmax(0, xlo - pad), xhi + pad, nice_step((xhi - xlo + 2 * pad) / 5),
      (int)(longest * 0.85) + 2, 1 - cmp->threshold, 1 + cmp->threshold, cmp->threshold * 100, plot.s);
  snprintf(
      ch->caption, sizeof ch->caption,
      "Each cell's ratio of medians with its 95%% bootstrap interval, colored by strategy; the shaded band "
      "is the ±%.3g%% threshold, the dashed line no change.",
      cmp->threshold * 100);
  int h = 100 + 24 * n, w = (int)(longest * 7.2) + 520;
  gb_chart_emit(cs, ch, &dat, body.s, w > 1000 ? 1000 : w, h > 4000 ? 4000 : h);
  gb_buf_free(&dat);
  gb_buf_free(&body);
  gb_buf_free(&plot);
  gb_buf_free(&tics);
}

/* The writers of a comparison: each a function over it, like report's (writer.c); the console one
 * goes to standard output, the others into files in the output folder. */
typedef void (*cmp_writer)(const compare_cmp *cmp, const gb_charts *cs, gb_buf *out);
static const struct {
  const char *file; /* NULL: standard output */
  cmp_writer write;
} cmp_writers[] = {{"compare.md", compare_md}, {"compare.html", compare_html}};

/* Load both runs into models. 0, or the loader's code with err. */
static int compare_load(const gb_compare_opts *o, gb_rmodel *A, gb_rmodel *B, char *err, size_t errlen) {
  json_t *r[2] = {NULL, NULL};
  for (int i = 0; i < 2; i++) {
    int rc = gb_results_load(o->in[i], &r[i], err, errlen);
    if (rc != 0) {
      json_decref(r[0]);
      return rc;
    }
  }
  gb_rmodel_build(A, r[0], o->in[0]);
  gb_rmodel_build(B, r[1], o->in[1]);
  json_decref(r[0]);
  json_decref(r[1]);
  return 0;
}

/* The chart and every file writer into dir. 0, or GB_EIO with every file that failed in err. */
static int compare_files(const compare_cmp *cmp, const char *dir, gb_buf *notes, char *err, size_t errlen) {
  gb_gnuplot gp;
  gb_gnuplot_find(&gp);
  if (!gp.ok) gb_buf_printf(notes, "no chart: %s\n", gp.why);
  gb_charts cs;
  memset(&cs, 0, sizeof cs);
  cs.m = cmp->B;
  cs.gp = &gp;
  gb_pathf(cs.dir, sizeof cs.dir, "%s", dir);
  compare_chart(cmp, &cs);
  int rc = 0;
  gb_buf b;
  gb_buf_init(&b);
  for (size_t i = 0; i < GB_ARRAY_LEN(cmp_writers); i++) {
    char path[PATH_MAX + 32];
    gb_buf_reset(&b);
    cmp_writers[i].write(cmp, &cs, &b);
    snprintf(path, sizeof path, "%s/%s", dir, cmp_writers[i].file);
    int wr = gb_buf_write_file(&b, path);
    if (wr != 0) {
      size_t n = strlen(err);
      snprintf(err + n, errlen - n, "%s%s: write failed: %s", n ? "; " : "", path, strerror(-wr));
      rc = GB_EIO;
    }
    printf(i == 0 ? "\nwrote %s" : " and %s", path);
  }
  printf("\n");
  gb_buf_free(&b);
  gb_charts_free(&cs);
  return rc;
}

/* The output folder (made) and the files in it. 0, or a negative code with err. */
static int compare_outputs(const compare_cmp *cmp, const char *outdir, gb_buf *notes, char *err,
                           size_t errlen) {
  char dir[PATH_MAX];
  if ((outdir ? gb_pathf(dir, sizeof dir, "%s", outdir)
              : gb_pathf(dir, sizeof dir, "%s/compare", cmp->B->dir)) != 0)
    return gb_err(err, errlen, GB_EINVAL, "output path too long");
  if (mkdir(dir, 0777) != 0 && errno != EEXIST) /* refused before anything is written, as a bad -o is */
    return gb_err(err, errlen, GB_EINVAL, "cannot create %s: %s", dir, strerror(errno));
  return compare_files(cmp, dir, notes, err, errlen);
}

int gb_compare_make(const gb_compare_opts *o, gb_report_outcome *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  gb_buf_init(&res->notes);
  err[0] = '\0';
  gb_rmodel A, B;
  int rc = compare_load(o, &A, &B, err, errlen);
  if (rc != 0) return rc;
  compare_cmp cmp;
  memset(&cmp, 0, sizeof cmp);
  cmp.threshold = o->threshold;
  cmp.A = &A;
  cmp.B = &B;
  compare_match(&cmp, o->seed);
  compare_env(&cmp);
  gb_buf out;
  gb_buf_init(&out);
  compare_console(&cmp, NULL, &out);
  fputs(out.s, stdout);
  gb_buf_free(&out);
  err[0] = '\0'; /* write failures are added to it, each */
  rc = compare_outputs(&cmp, o->outdir, &res->notes, err, errlen);
  int common = 0;
  for (int i = 0; i < cmp.nrows; i++)
    common += cmp.rows[i].a >= 0 && cmp.rows[i].b >= 0;
  if (rc == 0 && common == 0) /* nothing compared is not "no slowdown" */
    rc = gb_err(err, errlen, GB_EINVAL, "the two runs have no cell in common: nothing was compared");
  res->nslower = cmp.nslower;
  free(cmp.rows);
  free(cmp.diffs);
  gb_rmodel_free(&A);
  gb_rmodel_free(&B);
  return rc;
}
