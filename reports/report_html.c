/* report_html.c: report.html, one self-contained file (styles inline, charts inline as SVG, one
 * inline script that makes the tables sortable, a Content-Security-Policy that forbids every fetch
 * and any other script) that reads well from a phone (390 px) to a laptop: wide tables scroll
 * inside their own box, never the page, and each chart has a phone-width variant. Without script
 * the page reads the same, unsorted. */
#include <math.h>
#include <string.h>

#include "gb.h"
#include "report.h"
#include "schema.h"
#include "tmpl.h"

const char gb_html_style[] =
    ":root{--fg:#1d1d1f;--muted:#5b6068;--line:#e3e3e6;--accent:#1f5fa8;--soft:#f5f6f8}\n"
    "*{box-sizing:border-box}\n"
    "html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\n"
    "body{margin:0;background:#fff;color:var(--fg);font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,"
    "\"Helvetica Neue\",Arial,sans-serif}\n"
    "main{max-width:1080px;margin:0 auto;padding:12px clamp(12px,3vw,32px) 48px}\n"
    "h1{font-size:1.7rem;margin:.5em 0 .2em;line-height:1.2}\n"
    "h2{font-size:1.35rem;margin:1.8em 0 .5em;padding-top:.6em;border-top:1px solid "
    "var(--line);line-height:1.25}\n"
    "h3{font-size:1.05rem;margin:1.3em 0 .3em}\n"
    "p,li,dd,figcaption,h1,h2,h3{overflow-wrap:anywhere}td{overflow-wrap:break-word}\n"
    "a{color:var(--accent)}\n"
    ".run,.sub{color:var(--muted)}\n"
    "nav{display:flex;flex-wrap:wrap;gap:6px 8px;margin:14px 0 4px}\n"
    "nav a{padding:2px 10px;border:1px solid var(--line);border-radius:999px;text-decoration:none;"
    "font-size:.9rem;background:var(--soft)}\n"
    ".scroll{max-width:100%;overflow-x:auto;margin:.6em 0 1em;border:1px solid "
    "var(--line);border-radius:6px}\n"
    "table{border-collapse:collapse;width:100%;font-size:.92rem}\n"
    "th,td{padding:6px 10px;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}\n"
    "th{background:var(--soft);font-weight:600;white-space:nowrap}\n"
    "td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}\n"
    "tbody tr:last-child td{border-bottom:0}\n"
    ".sw{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:.35em;vertical-align:-."
    "05em}\n"
    ".bad{color:#b3261e;font-weight:600}.skip{color:#8a6100;font-weight:600}.good{color:#1e7b34;font-weight:"
    "600}\n"
    "figure{margin:1.2em 0 1.6em;max-width:680px;min-width:0}\n"
    "figure.wide{max-width:1000px}\n"
    ".figs{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,440px),1fr));gap:0 32px}\n"
    "figure svg{display:block;width:100%;height:auto}a.zoom{display:block}\n"
    "figcaption{color:var(--muted);font-size:.9rem;margin-top:.35em}\n"
    "figcaption strong{color:var(--fg)}\n"
    "pre{background:var(--soft);padding:10px "
    "12px;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;"
    "font-size:.88rem}\n"
    "code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}\n"
    "dl.kv{display:grid;grid-template-columns:minmax(9em,max-content) minmax(0,1fr);gap:3px "
    "18px;font-size:.92rem}\n"
    "dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}\n"
    ".note{background:#fff8e1;border:1px solid #efd27a;padding:8px 12px;border-radius:6px}\n"
    "footer{margin-top:3em;color:var(--muted);font-size:.85rem}\n"
    /* Sortable tables (GB_HTML_SCRIPT): the header's button, its focus ring and the order shown. */
    "th button{font:inherit;color:inherit;background:none;border:0;padding:0;margin:0;cursor:pointer;"
    "text-align:inherit;width:100%;white-space:nowrap}\n"
    "th button:focus-visible{outline:2px solid var(--accent);outline-offset:2px}\n"
    "th button::after{content:\"\\2195\";color:var(--muted);font-size:.8em;margin-left:.3em}\n"
    "th[aria-sort=ascending] button::after{content:\"\\25B2\";color:var(--fg)}"
    "th[aria-sort=descending] button::after{content:\"\\25BC\";color:var(--fg)}\n"
    /* A chart with a phone-width variant (gb_chart.narrow) shows it up to 500 px: the same fonts on
       a narrower canvas, so the text is drawn near its size instead of at 0.65 of it. */
    "a.zoom.chart-phone{display:none}\n"
    "@media (max-width:500px){figure.has-phone a.zoom.chart-full{display:none}"
    "figure.has-phone a.zoom.chart-phone{display:block}"
    /* One without (gb_chart.nonarrow) keeps its own size (--w, the figure's) in a box that scrolls
       sideways, as wide tables do. */
    "figure:not(.has-phone) a.zoom{overflow-x:auto}figure:not(.has-phone) "
    "a.zoom>svg{min-width:var(--w,520px)}}\n"
    "@media "
    "(max-width:600px){body{font-size:15px}h1{font-size:1.45rem}dl.kv{grid-template-columns:minmax(0,1fr)}"
    "dl.kv dd{margin-bottom:6px}th,td{padding:5px 7px}\n"
    /* Narrow screens: a .stack table turns each row into a small card of label: value lines. */
    "table.stack thead{display:none}table.stack,table.stack tbody{display:block;width:100%}"
    "table.stack tr{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:4px 10px;padding:8px 10px;"
    "border-bottom:1px solid var(--line)}table.stack tbody tr:last-child{border-bottom:0}"
    "table.stack td{display:block;padding:0;border:0;text-align:left}"
    "table.stack td:first-child{grid-column:1/-1;font-weight:600}"
    "table.stack td:not(:first-child)::before{content:attr(data-label);display:block;color:var(--muted);"
    "font-size:.78rem}}\n";

/* The page's one script: each column header of a table becomes a button (keyboard: Tab, then
 * Enter or Space) that sorts the rows by that column, ascending first, then descending. A cell's
 * data-v, when present, is its value (seconds, counts); else its text, read as a number when it
 * is one ("1.50×", "80%"). Numbers before words, blanks ("–") last either way; equal keys keep
 * their order. Tables with merged cells are left alone. The Content-Security-Policy allows this
 * script by its SHA-256 and nothing else: after any change to it, put the new hash in
 * GB_HTML_SCRIPT_SHA256 (test_report checks them against each other and prints the right one). */
static const char GB_HTML_SCRIPT[] =
    "(function () {\n"
    "  'use strict';\n"
    "  var words = new Intl.Collator(undefined, {numeric: true, sensitivity: 'base'});\n"
    "  var scale = {'ns': 1e-9, '\\u00b5s': 1e-6, 'ms': 1e-3, 'k': 1e3, 'M': 1e6, 'G': 1e9};\n"
    "  function key(row, col) {\n"
    "    var td = row.cells[col], v = td ? td.getAttribute('data-v') : null;\n"
    "    var t = (v !== null ? v : td ? td.textContent : '').trim();\n"
    "    if (t === '' || t === '\\u2013' || t === '-' || t === 'n/a') return null;\n"
    "    var m = "
    "/^([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?)\\s*(ns|\\u00b5s|ms|s|k|M|G|\\u00d7|%|B)?$/\n"
    "      .exec(t);\n"
    "    return m ? {n: parseFloat(m[1]) * (scale[m[2]] || 1)} : {s: t};\n"
    "  }\n"
    "  function cmp(a, b) {\n"
    "    if ('n' in a && 'n' in b) return a.n - b.n;\n"
    "    if ('n' in a || 'n' in b) return 'n' in a ? -1 : 1;\n"
    "    return words.compare(a.s, b.s);\n"
    "  }\n"
    "  function sortBy(table, th, col) {\n"
    "    var desc = th.getAttribute('aria-sort') === 'ascending', body = table.tBodies[0];\n"
    "    var rows = Array.prototype.map.call(body.rows, function (r, i) {\n"
    "      return {r: r, i: i, k: key(r, col)};\n"
    "    });\n"
    "    rows.sort(function (x, y) {\n"
    "      if (x.k === null || y.k === null) return (x.k === null) - (y.k === null) || x.i - y.i;\n"
    "      return (desc ? -cmp(x.k, y.k) : cmp(x.k, y.k)) || x.i - y.i;\n"
    "    });\n"
    "    rows.forEach(function (x) { body.appendChild(x.r); });\n"
    "    Array.prototype.forEach.call(th.parentNode.cells, function (h) {\n"
    "      h.removeAttribute('aria-sort');\n"
    "    });\n"
    "    th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');\n"
    "  }\n"
    "  function sortable(table) {\n"
    "    if (!table.tHead || table.tHead.rows.length !== 1 || table.tBodies.length !== 1) return false;\n"
    "    return !table.querySelector('[colspan],[rowspan]');\n"
    "  }\n"
    "  Array.prototype.forEach.call(document.querySelectorAll('table'), function (table) {\n"
    "    if (!sortable(table)) return;\n"
    "    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {\n"
    "      var b = document.createElement('button');\n"
    "      b.type = 'button';\n"
    "      while (th.firstChild) b.appendChild(th.firstChild);\n"
    "      th.appendChild(b);\n"
    "      b.addEventListener('click', function () { sortBy(table, th, col); });\n"
    "    });\n"
    "    table.classList.add('sortable');\n"
    "  });\n"
    "})();\n";
#define GB_HTML_SCRIPT_SHA256 "uRsYD3wGRFzvFys7YXEAg/Cdgv+wku4hitZcqWtzCUg="

static const char GB_HTML_PAGE[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\">\n"
    "<head>\n"
    "<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
    "img-src data:; script-src 'sha256-{{SCRIPTHASH}}'\">\n"
    "<title>{{TITLE}}</title>\n"
    "<style>\n{{STYLE}}</style>\n"
    "</head>\n"
    "<body>\n<main>\n"
    "<header>\n<h1>{{H1}}</h1>\n<p class=\"run\">{{RUNLINE}}</p>\n<nav "
    "aria-label=\"Sections\">{{NAV}}</nav>\n</header>\n"
    "{{BODY}}"
    "<footer>{{FOOTER}}</footer>\n"
    "</main>\n<script>{{SCRIPT}}</script>\n</body>\n</html>\n";

/* Replace every occurrence of `from` in [s, s+n) by `to` while appending to out. */
static void replace_all(gb_buf *out, const char *s, const char *const *from, const char *const *to,
                        int npat) {
  while (*s) {
    int hit = -1;
    for (int k = 0; k < npat && hit < 0; k++)
      if (strncmp(s, from[k], strlen(from[k])) == 0) hit = k;
    if (hit < 0) {
      gb_buf_addn(out, s, 1);
      s++;
      continue;
    }
    gb_buf_add(out, to[hit]);
    s += strlen(from[hit]);
  }
}

int gb_html_inline_svg(gb_buf *out, const char *dir, const char *name, const char *prefix,
                       const char *title) {
  char path[PATH_MAX + 160];
  snprintf(path, sizeof path, "%s/%s.svg", dir, name);
  gb_buf svg;
  gb_buf_init(&svg);
  if (gb_buf_read_file(&svg, path) != 0) {
    gb_buf_free(&svg);
    return -1;
  }
  const char *start = strstr(svg.s, "<svg");
  if (!start) {
    gb_buf_free(&svg);
    return -1;
  }
  char a1[64], a2[64], a3[64], a4[64], a5[64], t[1024];
  snprintf(a1, sizeof a1, "id='%s-", prefix);
  snprintf(a2, sizeof a2, "id=\"%s-", prefix);
  snprintf(a3, sizeof a3, "href='#%s-", prefix);
  snprintf(a4, sizeof a4, "href=\"#%s-", prefix);
  snprintf(a5, sizeof a5, "url(#%s-", prefix);
  gb_buf tt;
  gb_buf_init(&tt);
  gb_buf_add(&tt, "<title>");
  gb_buf_html(&tt, title);
  gb_buf_add(&tt, "</title>");
  snprintf(t, sizeof t, "%s", tt.s);
  gb_buf_free(&tt);
  const char *from[] = {"id='",    "id=\"", "href='#", "href=\"#", "url(#", "<title>Gnuplot</title>",
                        "<svg \n", "<svg "};
  const char *to[] = {a1, a2, a3, a4, a5, t, "<svg role=\"img\" ", "<svg role=\"img\" "};
  replace_all(out, start, from, to, (int)GB_ARRAY_LEN(from));
  gb_buf_free(&svg);
  return 0;
}

void gb_html_page(gb_buf *out, const char *title, const char *h1, const char *runline, const char *nav,
                  const char *body, const char *footer) {
  const gb_tmpl_var vars[] = {{"TITLE", title},
                              {"STYLE", gb_html_style},
                              {"H1", h1},
                              {"RUNLINE", runline},
                              {"NAV", nav},
                              {"BODY", body},
                              {"FOOTER", footer},
                              {"SCRIPT", GB_HTML_SCRIPT},
                              {"SCRIPTHASH", GB_HTML_SCRIPT_SHA256},
                              {NULL, NULL}};
  gb_tmpl_render(out, GB_HTML_PAGE, vars);
}

static void swatch(gb_buf *b, const gb_rseries *s) {
  gb_buf_printf(b, "<span class=\"sw\" style=\"background:%s\"></span>", s->color);
  gb_buf_html(b, s->label);
}

/* One chart as a figure: the full-size SVG and, when drawn, the phone-width one (CSS shows one of
 * them), each linking to its own file (a phone opens it full screen, to zoom). */
static void html_figure(const gb_charts *cs, int i, gb_buf *b) {
  const gb_chart *ch = &cs->v[i];
  gb_buf_printf(b, "<figure id=\"chart-%s\" data-chart=\"%s\"", ch->name, ch->name);
  if (ch->narrow)
    gb_buf_add(b, " class=\"has-phone\"");
  else if (ch->w > 0) /* the width it keeps on a phone (CSS) */
    gb_buf_printf(b, " style=\"--w:%dpx\"", ch->w);
  gb_buf_add(b, ">\n");
  for (int v = 0; v < 1 + ch->narrow; v++) {
    char prefix[32], file[160];
    snprintf(prefix, sizeof prefix, "%s%d", v ? "n" : "c", i); /* ids unique across the inlined SVGs */
    snprintf(file, sizeof file, "%s%s", ch->name, v ? "-narrow" : "");
    gb_buf_printf(b, "<a class=\"zoom chart-%s\" href=\"charts/%s.svg\">", v ? "phone" : "full", file);
    if (gb_html_inline_svg(b, cs->dir, file, prefix, ch->title) != 0)
      gb_buf_printf(b, "<span class=\"note\">charts/%s.svg could not be read.</span>", file);
    gb_buf_add(b, "</a>\n");
  }
  gb_buf_add(b, "<figcaption><strong>");
  gb_buf_html(b, ch->title);
  gb_buf_add(b, ".</strong> ");
  gb_buf_html(b, ch->caption);
  gb_buf_printf(
      b, /* hwloc's drawing: the topology it drew (lstopo -i NAME.xml), not a script */
      ch->hwloc ? " <a href=\"charts/%s.xml\">hwloc XML (lstopo -i)</a> · <a href=\"charts/%s.dat\">data</a>"
                  "</figcaption>\n</figure>\n"
                : " <a href=\"charts/%s.gp\">gnuplot script</a> · <a href=\"charts/%s.dat\">data</a>"
                  "</figcaption>\n</figure>\n",
      ch->name, ch->name);
}

/* The charts of one group or section, side by side where the screen is wide enough; id, when
 * given, names the container (the machine section's is "topology", which the browser test finds). */
static void html_figures(const gb_charts *cs, int group, gb_chart_section sec, const char *id, gb_buf *b) {
  int any = 0;
  for (int i = 0; i < cs->n; i++)
    any |= cs->v[i].rendered && cs->v[i].group == group && cs->v[i].section == sec;
  if (!any) return;
  gb_buf_add(b, "<div class=\"figs\"");
  if (id) gb_buf_printf(b, " id=\"%s\"", id);
  gb_buf_add(b, ">\n");
  for (int i = 0; i < cs->n; i++)
    if (cs->v[i].rendered && cs->v[i].group == group && cs->v[i].section == sec) html_figure(cs, i, b);
  gb_buf_add(b, "</div>\n");
}

/* A numeric table cell: the text shown, and data-v, the value the sorting script orders by
 * (plain seconds, counts), when the text carries a unit ("12.3 ms"). */
static void html_num(gb_buf *b, double v, const char *label, const char *text) {
  gb_buf_add(b, "<td class=\"num\"");
  if (isfinite(v)) gb_buf_printf(b, " data-v=\"%.9g\"", v);
  if (label) gb_buf_printf(b, " data-label=\"%s\"", label);
  gb_buf_printf(b, ">%s</td>", text);
}

/* Speedup with its interval, of ideal, and the ideal's basis: the last three verdict cells. */
static void verdict_speedup(const gb_rcell *c, gb_buf *b) {
  if (!isfinite(c->speedup)) {
    gb_buf_add(b, "<td class=\"num\" data-label=\"Speedup\">–</td><td class=\"num\" data-label=\"Of "
                  "ideal\">–</td><td data-label=\"Ideal\">–</td></tr>\n");
    return;
  }
  char ideal[160];
  gb_report_ideal_text(c, ideal, sizeof ideal);
  gb_buf_printf(b, "<td class=\"num\" data-v=\"%.9g\" data-label=\"Speedup\">%.2f×", c->speedup, c->speedup);
  if (isfinite(c->slo) && isfinite(c->shi)) gb_buf_printf(b, " (%.2f–%.2f)", c->slo, c->shi);
  gb_buf_printf(b,
                "</td><td class=\"num%s\" data-v=\"%.9g\" data-label=\"Of ideal\">%.0f%%%s</td>"
                "<td data-label=\"Ideal\">",
                c->eff_flag ? " bad" : "", c->efficiency * 100, c->efficiency * 100, c->eff_flag ? " ⚠" : "");
  gb_buf_html(b, ideal);
  if (c->eff_flag) {
    gb_buf_add(b, "; above ideal: ");
    gb_buf_html(b, c->eff_flag);
  }
  gb_buf_add(b, "</td></tr>\n");
}

static void verdict_row(const gb_rmodel *m, int g, gb_buf *b) {
  gb_rverdict v;
  gb_report_verdict(m, g, &v);
  gb_buf_printf(b, "<tr><td data-label=\"Workload\"><a href=\"#wl-%s\">", m->groups[g].slug);
  gb_buf_html(b, m->groups[g].label);
  gb_buf_add(b, "</a></td>");
  if (v.best < 0) {
    gb_buf_add(b, "<td class=\"bad\" data-label=\"Best strategy\">no cell succeeded</td><td></td><td></td>"
                  "<td></td><td></td><td></td></tr>\n");
    return;
  }
  const gb_rcell *c = &m->cells[v.best];
  char meas[64], workers[16];
  gb_report_best_measure(m, v.best, meas, sizeof meas);
  gb_buf_add(b, "<td data-label=\"Best strategy\">");
  if (v.ntied > 1) gb_buf_add(b, "tie: ");
  for (int i = 0; i < v.ntied; i++) {
    const gb_rcell *t = &m->cells[v.tied[i]];
    if (i) gb_buf_add(b, " ≈ ");
    swatch(b, &m->series[t->series]);
    if (v.ntied > 1) gb_buf_printf(b, " ×%d", t->workers);
  }
  if (v.ntied > 1)
    gb_buf_add(b, v.few_reps ? " <small>(too few repetitions to tell apart)</small>"
                             : " <small>(not significantly different)</small>");
  gb_buf_add(b, "</td>");
  snprintf(workers, sizeof workers, "%d", c->workers);
  html_num(b, NAN, "Workers", workers);
  int by_latency = strcmp(m->groups[g].measure, "latency") == 0 && c->have_lat;
  html_num(b, by_latency ? c->lat.p99 * 1e-6 : c->median, "Measured", meas); /* seconds either way */
  verdict_speedup(c, b);
}

/* Serial runs of another implementation or binary than their family's reference. */
static void impl_factors(const gb_rmodel *m, gb_buf *b) {
  int any = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!c->ok || !isfinite(c->impl_factor)) continue;
    if (!any)
      gb_buf_add(
          b, "<h3>Implementation factors</h3>\n<p>A speedup compares a strategy with a serial run of the "
             "same implementation in the same interpreter binary. How the implementations or binaries "
             "themselves differ is this factor (the reference's median over the baseline's), never part "
             "of a speedup.</p>\n<div class=\"scroll\"><table><thead><tr><th>Workload</th><th>Baseline</th>"
             "<th>Against</th><th class=\"num\">Factor (95% interval)</th></tr></thead>\n<tbody>\n");
    any = 1;
    gb_buf_add(b, "<tr><td>");
    gb_buf_html(b, m->groups[c->group].label);
    gb_buf_add(b, "</td><td>");
    gb_buf_html(b, m->series[c->series].label);
    gb_buf_add(b, "</td><td>");
    gb_buf_html(b, c->impl_ref);
    gb_buf_printf(b, "</td><td class=\"num\" data-v=\"%.9g\">%.2f×", c->impl_factor, c->impl_factor);
    if (isfinite(c->ilo)) gb_buf_printf(b, " (%.2f–%.2f)", c->ilo, c->ihi);
    gb_buf_add(b, "</td></tr>\n");
  }
  if (any) gb_buf_add(b, "</tbody></table></div>\n");
}

static void html_verdict(const gb_rmodel *m, gb_buf *b) {
  gb_buf_add(
      b, "<section id=\"verdict\">\n<h2>Verdict</h2>\n<p>For each workload, the strategy with the lowest "
         "median wall time (lowest p99 I/O latency for latency workloads) when it is significantly faster "
         "than every other (Mann-Whitney U, p &lt; 0.05, and more than 5% apart, as <code>gilbench "
         "compare</code> judges), else the strategies that tie; its speedup over its baseline with a "
         "bootstrap 95% interval, and how close that is to the ideal, which follows the workload's kind: "
         "min(workers, PUs) for CPU-bound work, the overlap limit (serial time over the longest chain of "
         "waits one task makes) for I/O-bound and mixed work. Above 105% of ideal is flagged (⚠) with its "
         "likely cause.</p>\n<div class=\"scroll\"><table class=\"stack\">\n<thead><tr><th>Workload</th>"
         "<th>Best strategy</th><th class=\"num\">Workers</th><th class=\"num\">Measured</th>"
         "<th class=\"num\">Speedup (95% interval)</th><th class=\"num\">Of ideal</th><th>Ideal</th></tr>"
         "</thead>\n<tbody>\n");
  for (int g = 0; g < m->ngroups; g++)
    verdict_row(m, g, b);
  gb_buf_add(b, "</tbody></table></div>\n");
  impl_factors(m, b);
  gb_buf_add(b, "</section>\n");
}

/* Median over repetitions of each metric of a cell, as "name value · name value". */
static void metrics_text(const gb_rmodel *m, const gb_rcell *c, gb_buf *b) {
  json_t *reps = json_object_get(c->j, GB_KEY_REPS), *defs = json_object_get(m->meta, GB_KEY_METRICS);
  const char *k;
  json_t *v;
  int first = 1;
  json_object_foreach(json_object_get(json_array_get(reps, 0), GB_KEY_METRICS), k, v) {
    double *x = gb_xmalloc(sizeof *x * (size_t)(c->nreps + 1));
    int n = 0;
    for (int r = 0; r < c->nreps; r++) {
      double y = gb_jnum(json_object_get(json_array_get(reps, (size_t)r), GB_KEY_METRICS), k);
      if (isfinite(y)) x[n++] = y;
    }
    if (n) {
      double med = gb_median_inplace(x, n);
      const char *unit = gb_jstr(json_object_get(defs, k), GB_KEY_UNIT, "");
      char t[64];
      if (strcmp(unit, "s") == 0)
        gb_fmt_seconds(med, t, sizeof t);
      else
        gb_fmt_count(med, t, sizeof t);
      gb_buf_add(b, first ? "" : " · ");
      gb_buf_html(b, k);
      gb_buf_printf(b, " %s%s", t, strcmp(unit, "bytes") == 0 ? " B" : "");
      first = 0;
    }
    free(x);
  }
}

static const char *status_class(const char *status) {
  return strcmp(status, "ok") == 0 ? "good" : strcmp(status, "skipped") == 0 ? "skip" : "bad";
}

/* One row of a workload's cell table; lat and metrics say which optional columns it has. */
static void cell_row(const gb_rmodel *m, const gb_rcell *c, int lat, int metrics, gb_buf *b) {
  char med[32], lo[32], hi[32], iv[80], t[32];
  gb_fmt_seconds(c->median, med, sizeof med);
  gb_fmt_seconds(c->mlo, lo, sizeof lo);
  gb_fmt_seconds(c->mhi, hi, sizeof hi);
  snprintf(iv, sizeof iv, "%s – %s", lo, hi);
  gb_buf_add(b, "<tr><td>");
  swatch(b, &m->series[c->series]);
  gb_buf_printf(b, "</td><td class=\"num\">%d</td><td class=\"%s\">%s</td>", c->workers,
                status_class(c->status), c->status);
  html_num(b, c->median, NULL, isfinite(c->median) ? med : "–");
  html_num(b, c->mlo, NULL, isfinite(c->median) ? iv : "–");
  char base[64], sp[160];
  gb_rcell_baseline_text(c, base, sizeof base); /* "self ×1" when not over the family's baseline */
  snprintf(sp, sizeof sp, "%.2f×%s%s%s", c->speedup, *base ? " <small>(" : "", base,
           *base ? ")</small>" : "");
  html_num(b, c->speedup, NULL, isfinite(c->speedup) ? sp : "–");
  snprintf(t, sizeof t, "%.0f%%", c->efficiency * 100);
  html_num(b, NAN, NULL, isfinite(c->speedup) ? t : "–");
  if (lat) {
    char p50[32] = "–", p99[32] = "–", ops[32] = "–";
    if (c->have_lat) {
      gb_fmt_us(c->lat.p50, p50, sizeof p50);
      gb_fmt_us(c->lat.p99, p99, sizeof p99);
    }
    if (isfinite(c->io_ops_per_s)) gb_fmt_count(c->io_ops_per_s, ops, sizeof ops);
    html_num(b, c->have_lat ? c->lat.p50 : NAN, NULL, p50);
    html_num(b, c->have_lat ? c->lat.p99 : NAN, NULL, p99);
    html_num(b, c->io_ops_per_s, NULL, ops);
  }
  if (metrics) {
    gb_buf_add(b, "<td>");
    metrics_text(m, c, b);
    gb_buf_add(b, "</td>");
  }
  gb_buf_add(b, "</tr>\n");
}

/* The cells of a workload group (of one family, or all when family is NULL), by series and workers. */
static void cell_table(const gb_rmodel *m, int group, const char *family, gb_buf *b) {
  const gb_rgroup *g = &m->groups[group];
  int lat = 0, metrics = 0;
  for (int i = 0; i < g->ncells; i++) {
    lat |= m->cells[g->cells[i]].have_lat;
    metrics |=
        json_object_size(json_object_get(
            json_array_get(json_object_get(m->cells[g->cells[i]].j, GB_KEY_REPS), 0), GB_KEY_METRICS)) > 0;
  }
  gb_buf_add(
      b, "<div class=\"scroll\"><table>\n<thead><tr><th>Strategy</th><th "
         "class=\"num\">Workers</th><th>Status</th>"
         "<th class=\"num\">Median wall</th><th class=\"num\">95% interval</th><th class=\"num\">Speedup</th>"
         "<th class=\"num\">Efficiency</th>");
  if (lat)
    gb_buf_add(b, "<th class=\"num\">p50 latency</th><th class=\"num\">p99 latency</th><th class=\"num\">I/O "
                  "ops/s</th>");
  if (metrics) gb_buf_add(b, "<th>Strategy metrics (median)</th>");
  gb_buf_add(b, "</tr></thead>\n<tbody>\n");
  for (int s = 0; s < m->nseries; s++)
    for (int w = 0; w < g->nworkers; w++) {
      int ci = gb_rmodel_find(m, group, s, g->workers[w]);
      if (ci >= 0 && (!family || strcmp(m->cells[ci].family, family) == 0))
        cell_row(m, &m->cells[ci], lat, metrics, b);
    }
  gb_buf_add(b, "</tbody></table></div>\n");
}

/* A workload's cells: one table, or with several families one per family under its own heading
 * that names the family's serial baseline (its speedups are over that). */
static void cell_tables(const gb_rmodel *m, int group, gb_buf *b) {
  if (!gb_report_has_families(m)) {
    cell_table(m, group, NULL, b);
    return;
  }
  gb_rfamrow rows[GB_FAMILIES_MAX];
  int n = gb_report_family_rows(m, group, rows, GB_FAMILIES_MAX);
  for (int i = 0; i < n; i++) {
    char title[160], base[160];
    gb_buf_printf(b, "<h3 class=\"family\" data-family=\"");
    gb_buf_html(b, rows[i].family);
    gb_buf_add(b, "\">");
    gb_buf_html(b, gb_report_family_title(rows[i].family, title, sizeof title));
    gb_buf_add(b, " <small class=\"sub\">speedups over <code>");
    gb_buf_html(b, gb_rfamily_baseline(rows[i].family, base, sizeof base));
    gb_buf_add(b, "</code></small></h3>\n");
    cell_table(m, group, rows[i].family, b);
  }
}

static void html_workload(const gb_rmodel *m, const gb_charts *cs, int group, gb_buf *b) {
  const gb_rgroup *g = &m->groups[group];
  gb_buf_printf(b, "<section id=\"wl-%s\" class=\"workload\">\n<h2>", g->slug);
  gb_buf_html(b, g->label);
  gb_buf_printf(b, "</h2>\n<p class=\"sub\">%s workload, judged by %s. Parameters: <code>", g->kind,
                strcmp(g->measure, "latency") == 0 ? "I/O latency" : "wall time");
  for (const char *p = g->params; *p; p++) { /* ", " so a long list wraps between parameters */
    char one[2] = {*p, 0};
    gb_buf_html(b, one);
    if (*p == ',') gb_buf_add(b, " ");
  }
  gb_buf_add(b, "</code></p>\n");
  html_figures(cs, group, GB_SEC_WORKLOAD, NULL, b);
  cell_tables(m, group, b);
  gb_buf_add(b, "</section>\n");
}

/* A value for people: arrays as "a; b; c", objects inside them as "k=v, k=v". Malloc'd. */
static char *pretty(json_t *v) {
  if (json_is_object(v)) {
    gb_buf b;
    gb_buf_init(&b);
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      char *t = pretty(x);
      gb_buf_printf(&b, "%s%s=%s", b.n ? ", " : "", k, t);
      free(t);
    }
    return b.s;
  }
  if (json_is_array(v)) {
    gb_buf b;
    gb_buf_init(&b);
    size_t i;
    json_t *x;
    json_array_foreach(v, i, x) {
      char *t = pretty(x);
      gb_buf_printf(&b, "%s%s", i ? "; " : "", t);
      free(t);
    }
    return b.s;
  }
  return gb_jtext(v);
}

/* meta as a definition list, nested objects flattened to dotted keys. */
static void flatten(gb_buf *b, json_t *v, const char *prefix, int depth) {
  if (json_is_object(v) && depth < 3 && json_object_size(v) > 0) {
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
      char key[512];
      snprintf(key, sizeof key, "%s%s%s", prefix, *prefix ? "." : "", k);
      flatten(b, x, key, depth + 1);
    }
    return;
  }
  char *t = pretty(v);
  if (strlen(t) > 400) strcpy(t + 397, "…");
  gb_buf_add(b, "<dt>");
  gb_buf_html(b, prefix);
  gb_buf_add(b, "</dt><dd>");
  gb_buf_html(b, *t ? t : "–");
  gb_buf_add(b, "</dd>\n");
  free(t);
}

static void html_counters(const gb_rmodel *m, const gb_charts *cs, gb_buf *b) {
  gb_buf_add(b, "<section id=\"counters\">\n<h2>Counters</h2>\n");
  gb_rcounter *v;
  int n = gb_rmodel_counters(m, &v);
  json_t *mc = json_object_get(m->meta, GB_KEY_COUNTERS);
  if (n == 0) {
    gb_buf_add(b, "<p>This run recorded no hardware or software counters.</p>\n");
  } else {
    html_figures(cs, -1, GB_SEC_COUNTERS, NULL, b);
    int nnone = 0;
    for (int i = 0; i < n; i++)
      if (v[i].n_ok + v[i].n_multiplexed == 0) {
        gb_buf_add(b, nnone++ ? ", <code>"
                              : "<p>Not counted anywhere in this run, so not charted (n/a): <code>");
        gb_buf_html(b, v[i].name);
        gb_buf_add(b, "</code>");
      }
    if (nnone) gb_buf_add(b, ". The reasons are in the table below.</p>\n");
    gb_buf_add(
        b, "<h3>Availability</h3>\n<p>How many repetitions counted each counter, and why the others could "
           "not. A counter that was not counted is shown as n/a, never as 0.</p>\n<div "
           "class=\"scroll\"><table>\n"
           "<thead><tr><th>Counter</th><th class=\"num\">Counted</th><th class=\"num\">Multiplexed</th>"
           "<th class=\"num\">Not counted</th><th>Status</th><th>Reason</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < n; i++) {
      int not = v[i].n_unavailable + v[i].n_denied + v[i].n_other;
      const char *st = v[i].n_ok + v[i].n_multiplexed == 0 ? (v[i].n_denied ? "denied" : "n/a (unavailable)")
                       : not                               ? "partly counted"
                       : v[i].n_multiplexed                ? "multiplexed"
                                                           : "ok";
      gb_buf_add(b, "<tr><td><code>");
      gb_buf_html(b, v[i].name);
      gb_buf_printf(b,
                    "</code></td><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%d</td>"
                    "<td class=\"%s\">%s</td><td>",
                    v[i].n_ok, v[i].n_multiplexed, not, not ? "bad" : "good", st);
      gb_buf_html(b, v[i].reasons);
      gb_buf_add(b, "</td></tr>\n");
    }
    gb_buf_add(b, "</tbody></table></div>\n");
  }
  if (json_object_size(mc) > 0) {
    gb_buf_add(b, "<h3>Counter set-up</h3>\n<dl class=\"kv\">\n");
    flatten(b, mc, "counters", 1);
    gb_buf_add(b, "</dl>\n");
  }
  gb_rcounters_free(v, n);
  gb_buf_add(b, "</section>\n");
}

static void html_machine(const gb_rmodel *m, const gb_charts *cs, gb_buf *b) {
  gb_buf_add(b, "<section id=\"machine\">\n<h2>Machine and software</h2>\n");
  html_figures(cs, -1, GB_SEC_MACHINE, "topology", b);
  gb_buf_add(b, "<dl class=\"kv\">\n");
  const char *k;
  json_t *v;
  json_object_foreach(m->meta, k, v) {
    if (strcmp(k, "metrics") == 0 || strcmp(k, "counters") == 0 || strcmp(k, "command") == 0) continue;
    flatten(b, v, k, 1);
  }
  gb_buf_add(b, "</dl>\n");
  json_t *defs = json_object_get(m->meta, GB_KEY_METRICS);
  if (json_object_size(defs) > 0) {
    gb_buf_add(
        b, "<h3>Strategy metrics</h3>\n<div class=\"scroll\"><table>\n<thead><tr><th>Metric</th><th>Unit</th>"
           "<th>Over workers</th><th>What it counts</th></tr></thead>\n<tbody>\n");
    json_object_foreach(defs, k, v) {
      gb_buf_add(b, "<tr><td><code>");
      gb_buf_html(b, k);
      gb_buf_add(b, "</code></td><td>");
      gb_buf_html(b, gb_jstr(v, GB_KEY_UNIT, ""));
      gb_buf_add(b, "</td><td>");
      gb_buf_html(b, gb_jstr(v, GB_KEY_AGGREGATE, ""));
      gb_buf_add(b, "</td><td>");
      gb_buf_html(b, gb_jstr(v, GB_KEY_HELP, ""));
      gb_buf_add(b, "</td></tr>\n");
    }
    gb_buf_add(b, "</tbody></table></div>\n");
  }
  gb_buf_add(b, "</section>\n");
}

static void html_problems(const gb_rmodel *m, gb_buf *b) {
  gb_buf_add(b, "<section id=\"problems\">\n<h2>Failed and skipped cells</h2>\n");
  if (m->nfailed + m->nskipped == 0) {
    gb_buf_add(b, "<p>None: every cell ran and matched its reference checksum.</p>\n</section>\n");
    return;
  }
  gb_buf_printf(
      b,
      "<p>%d failed or timed out, %d skipped.</p>\n<div class=\"scroll\"><table>\n<thead><tr>"
      "<th>Workload</th><th>Strategy</th><th class=\"num\">Workers</th><th>Status</th><th>Reason</th>"
      "</tr></thead>\n<tbody>\n",
      m->nfailed, m->nskipped);
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (c->ok) continue;
    gb_buf_printf(b, "<tr><td><a href=\"#wl-%s\">", m->groups[c->group].slug);
    gb_buf_html(b, m->groups[c->group].label);
    gb_buf_add(b, "</a></td><td>");
    swatch(b, &m->series[c->series]);
    gb_buf_printf(b, "</td><td class=\"num\">%d</td><td class=\"%s\">%s</td><td>", c->workers,
                  status_class(c->status), c->status);
    gb_buf_html(b, *c->error ? c->error : "(no reason recorded)");
    gb_buf_add(b, "</td></tr>\n");
  }
  gb_buf_add(b, "</tbody></table></div>\n</section>\n");
}

static void html_reproduce(const gb_rmodel *m, gb_buf *b) {
  gb_buf_add(b, "<section id=\"reproduce\">\n<h2>Reproduce</h2>\n<p>This run was made by gilbench ");
  gb_buf_html(b, gb_jstr(m->meta, GB_KEY_GILBENCH, "?"));
  gb_buf_add(b, " built from commit <code>");
  gb_buf_html(b, gb_jstr(m->meta, GB_KEY_GIT_COMMIT, "?"));
  gb_buf_add(b, "</code> (");
  gb_buf_html(b, gb_jstr(m->meta, GB_KEY_COMPILER, "?"));
  gb_buf_add(b, ", ");
  gb_buf_html(b, gb_jstr(m->meta, GB_KEY_BUILD_TYPE, "?"));
  gb_buf_add(b, "). In a checkout of that commit, <code>scripts/build.sh</code>, then:</p>\n<pre><code>");
  gb_buf_html(b, gb_jstr(m->meta, GB_KEY_COMMAND, "(the command was not recorded)"));
  gb_buf_add(
      b, "</code></pre>\n<p>and draw its report with <code>gilbench report DIR</code>.</p>\n</section>\n");
}

/* A ratio cell: num over den as "0.42×" (data-v the ratio), or "–". */
static void ratio_td(gb_buf *b, double num, double den) {
  char t[32];
  int ok = isfinite(num) && isfinite(den) && den > 0;
  snprintf(t, sizeof t, "%.2f×", ok ? num / den : 0);
  html_num(b, ok ? num / den : NAN, NULL, ok ? t : "–");
}

static void family_row(const gb_rmodel *m, int g, const gb_rfamrow *r, gb_buf *b) {
  const gb_rcell *best = r->best >= 0 ? &m->cells[r->best] : NULL;
  char base[160], t[32];
  gb_buf_printf(b, "<tr><td><a href=\"#wl-%s\">", m->groups[g].slug);
  gb_buf_html(b, m->groups[g].label);
  gb_buf_add(b, "</a></td><td>");
  gb_buf_html(b, r->family);
  gb_buf_add(b, "</td><td><code>");
  gb_buf_html(b, gb_rfamily_baseline(r->family, base, sizeof base));
  gb_buf_add(b, "</code></td>");
  gb_fmt_seconds(r->base, t, sizeof t);
  html_num(b, r->base, NULL, t);
  ratio_td(b, r->base, r->cpy);
  gb_buf_add(b, "<td>");
  if (best)
    swatch(b, &m->series[best->series]);
  else
    gb_buf_add(b, "no cell succeeded");
  snprintf(t, sizeof t, "%d", best ? best->workers : 0);
  gb_buf_add(b, "</td>");
  html_num(b, NAN, NULL, best ? t : "–");
  gb_fmt_seconds(best ? best->median : NAN, t, sizeof t);
  html_num(b, best ? best->median : NAN, NULL, t);
  snprintf(t, sizeof t, "%.2f×", best ? best->speedup : NAN);
  html_num(b, NAN, NULL, best && isfinite(best->speedup) ? t : "–");
  ratio_td(b, best ? best->median : NAN, r->cpy);
  gb_buf_add(b, "</tr>\n");
}

/* The families view (README "Every Python"), when the run has more than the native models. */
static void html_families(const gb_rmodel *m, gb_buf *b, gb_buf *nav) {
  if (!gb_report_has_families(m)) return;
  gb_buf_add(b,
             "<section id=\"families\">\n<h2>Families</h2>\n<p>Strategies by family: the native models, "
             "CPython, PyPy, Jython and any other Python given with <code>--python</code>. Each family's "
             "speedups are over its own serial baseline; the cross-family view is the time relative to "
             "<code>cpython-serial</code> on the same workload (below 1× is faster), of the family's serial "
             "baseline and of its fastest strategy.</p>\n<div class=\"scroll\"><table>\n<thead><tr>"
             "<th>Workload</th><th>Family</th><th>Serial baseline</th><th class=\"num\">Baseline median</th>"
             "<th class=\"num\">Relative to cpython-serial</th><th>Fastest strategy</th>"
             "<th class=\"num\">Workers</th><th class=\"num\">Median wall</th><th class=\"num\">Speedup</th>"
             "<th class=\"num\">Relative to cpython-serial</th></tr></thead>\n<tbody>\n");
  for (int g = 0; g < m->ngroups; g++) {
    gb_rfamrow rows[GB_FAMILIES_MAX];
    int n = gb_report_family_rows(m, g, rows, GB_FAMILIES_MAX);
    for (int i = 0; i < n; i++)
      family_row(m, g, &rows[i], b);
  }
  gb_buf_add(b, "</tbody></table></div>\n</section>\n");
  gb_buf_add(nav, "<a href=\"#families\">Families</a>");
}

/* The line under the title: when, where, how many repetitions, how many cells ok. */
static void run_line(const gb_rmodel *m, gb_buf *run) {
  json_t *cpu = json_object_get(m->meta, GB_KEY_CPU), *host = json_object_get(m->meta, GB_KEY_HOST);
  int ok = 0;
  for (int i = 0; i < m->ncells; i++)
    ok += m->cells[i].ok;
  gb_buf_add(run, "Started ");
  gb_buf_html(run, gb_jstr(m->meta, GB_KEY_STARTED, "?"));
  gb_buf_add(run, " on ");
  gb_buf_html(run, gb_jstr(cpu, GB_KEY_MODEL, "an unknown CPU"));
  if (isfinite(gb_jnum(cpu, GB_KEY_PUS))) gb_buf_printf(run, " (%.0f PUs)", gb_jnum(cpu, GB_KEY_PUS));
  gb_buf_add(run, ", ");
  gb_buf_html(run, gb_jstr(host, GB_KEY_OS, "?"));
  gb_buf_add(run, " ");
  gb_buf_html(run, gb_jstr(host, GB_KEY_KERNEL, "?"));
  gb_buf_add(run, "; profile ");
  gb_buf_html(run, gb_jstr(m->meta, GB_KEY_PROFILE, "?"));
  char reps[32], warm[32];
  gb_fmt_count(gb_jnum(m->meta, GB_KEY_REPS), reps, sizeof reps);
  gb_fmt_count(gb_jnum(m->meta, GB_KEY_WARMUP), warm, sizeof warm);
  gb_buf_printf(run, ", %s repetitions after %s warm-up. %d cells: <span class=\"good\">%d ok</span>", reps,
                warm, m->ncells, ok);
  if (m->nfailed) gb_buf_printf(run, ", <a class=\"bad\" href=\"#problems\">%d failed</a>", m->nfailed);
  if (m->nskipped) gb_buf_printf(run, ", <a class=\"skip\" href=\"#problems\">%d skipped</a>", m->nskipped);
  gb_buf_add(run, ".");
}

/* What goes above the verdict: why there are no charts, and the noise banner. */
static void html_banners(const gb_rmodel *m, const char *gnuplot_note, gb_buf *body) {
  if (gnuplot_note && *gnuplot_note) {
    gb_buf_add(body, "<p class=\"note\">No charts: ");
    gb_buf_html(body, gnuplot_note);
    gb_buf_add(body, "</p>\n");
  }
  gb_buf noise;
  gb_buf_init(&noise);
  int flagged = gb_rmodel_noise_text(m, &noise);
  if (flagged) { /* the noise banner: above everything the figures say */
    gb_buf_printf(
        body,
        "<p class=\"note noise\" id=\"noise\"><strong>Warning: measured under noise.</strong> %d of %d "
        "cells were measured while other processes or the hypervisor took CPU time, so their "
        "figures may be off: ",
        flagged, m->ncells);
    gb_buf_html(body, noise.s);
    gb_buf_add(body, ". Rerun them on a quiet machine; <code>gilbench doctor</code> says what limits "
                     "measurements here.</p>\n");
  }
  gb_buf_free(&noise);
}

/* Every section after the banners, in report order, with its link in nav. */
static void sections(const gb_rmodel *m, const gb_charts *cs, const gb_buf *findings, gb_buf *body,
                     gb_buf *nav) {
  if (findings && findings->n) {
    gb_buf_add(body, findings->s);
    gb_buf_add(nav, "<a href=\"#findings\">Findings</a>");
  }
  html_verdict(m, body);
  gb_buf_add(nav, "<a href=\"#verdict\">Verdict</a>");
  html_families(m, body, nav);
  int overview = 0;
  for (int i = 0; i < cs->n; i++)
    overview |= cs->v[i].rendered && cs->v[i].section == GB_SEC_OVERVIEW;
  if (overview) {
    gb_buf_add(body, "<section id=\"overview\">\n<h2>All workloads</h2>\n");
    html_figures(cs, -1, GB_SEC_OVERVIEW, NULL, body);
    gb_buf_add(body, "</section>\n");
    gb_buf_add(nav, "<a href=\"#overview\">All workloads</a>");
  }
  for (int g = 0; g < m->ngroups; g++) {
    html_workload(m, cs, g, body);
    gb_buf_printf(nav, "<a href=\"#wl-%s\">", m->groups[g].slug);
    gb_buf_html(nav, m->groups[g].label);
    gb_buf_add(nav, "</a>");
  }
  html_counters(m, cs, body);
  html_machine(m, cs, body);
  html_problems(m, body);
  html_reproduce(m, body);
  gb_buf_add(nav, "<a href=\"#counters\">Counters</a><a href=\"#machine\">Machine</a>"
                  "<a href=\"#problems\">Failed and skipped</a><a href=\"#reproduce\">Reproduce</a>");
}

void gb_report_html(const gb_rmodel *m, const gb_charts *cs, const char *gnuplot_note, const gb_buf *findings,
                    gb_buf *out) {
  gb_buf body, nav, run, title, foot;
  gb_buf_init(&body);
  gb_buf_init(&nav);
  gb_buf_init(&run);
  gb_buf_init(&title);
  gb_buf_init(&foot);
  html_banners(m, gnuplot_note, &body);
  sections(m, cs, findings, &body, &nav);
  run_line(m, &run);
  gb_buf_add(&title, "gilbench report: ");
  gb_buf_html(&title, gb_jstr(m->meta, GB_KEY_STARTED, "?"));
  gb_buf_add(&foot, "Made by gilbench " GB_VERSION " from ");
  gb_buf_html(&foot, m->path);
  gb_buf_add(&foot, ". Every chart's gnuplot script and data are in the charts folder beside this file.");
  gb_html_page(out, title.s, "gilbench report", run.s, nav.s, body.s, foot.s);
  gb_buf_free(&body);
  gb_buf_free(&nav);
  gb_buf_free(&run);
  gb_buf_free(&title);
  gb_buf_free(&foot);
}
