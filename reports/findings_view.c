/* findings_view.c: the findings as console text, one JSON object, and the report's opening section
 * (the seed's comparison table rebuilt from measurements, then every finding with its evidence);
 * and `gilbench findings`. */
#include <math.h>
#include <string.h>

#include "findings.h"
#include "gb.h"
#include "results.h"
#include "schema.h"

/* The figure in its unit: "0.98×", "12.3 µs/task", "45%". */
static void findings_view_fmt(gb_fstat s, double v, char *buf, size_t len) {
  if (!isfinite(v)) {
    snprintf(buf, len, "–");
    return;
  }
  switch (s) {
  case GB_FSTAT_SPEEDUP:
  case GB_FSTAT_RATIO: snprintf(buf, len, "%.3g×", v); break;
  case GB_FSTAT_EFFICIENCY: snprintf(buf, len, "%.0f%%", v * 100); break;
  case GB_FSTAT_OVERHEAD: {
    char t[48];
    gb_fmt_us(v, t, sizeof t);
    snprintf(buf, len, "%s/task", t);
    break;
  }
  case GB_FSTAT_P50:
  case GB_FSTAT_P99: gb_fmt_us(v, buf, len); break;
  case GB_FSTAT_THROUGHPUT: snprintf(buf, len, "%.3g ops/s", v); break;
  case GB_FSTAT_RSS: snprintf(buf, len, "%.3g MiB", v); break;
  case GB_FSTAT_STARTUP: snprintf(buf, len, "%.3g ms", v); break;
  default: snprintf(buf, len, "%.3g", v);
  }
}

static const char *findings_view_unit(gb_fstat s) {
  static const char *const u[GB_FSTAT_COUNT] = {"x",  "fraction", "us/task", "x", "us",
                                                "us", "ops/s",    "MiB",     "ms"};
  return s < GB_FSTAT_COUNT ? u[s] : "";
}

/* "speedup 0.98× (95% 0.95–1.01), expected < 1.3" */
static void findings_view_figure(const gb_finding *f, char *buf, size_t len) {
  const gb_frule *r = f->rule;
  char v[64], lo[64], hi[64], t[64];
  findings_view_fmt(r->stat, f->value, v, sizeof v);
  findings_view_fmt(r->stat, f->lo, lo, sizeof lo);
  findings_view_fmt(r->stat, f->hi, hi, sizeof hi);
  findings_view_fmt(r->stat, r->threshold, t, sizeof t);
  if (isfinite(f->value))
    snprintf(buf, len, "%s %s (95%% %s – %s), expected %s %s", gb_fstat_name(r->stat), v, lo, hi,
             r->op == '<' ? "<" : ">", t);
  else
    snprintf(buf, len, "%s expected %s %s", gb_fstat_name(r->stat), r->op == '<' ? "<" : ">", t);
}

/* The rules file's name, without its folder: reports stay the same wherever they are made. */
static const char *findings_view_base(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash ? slash + 1 : path;
}

/* "#12 sumloop, cpython-threads, 2 workers" */
static void cell_name(const gb_rmodel *m, int ci, char *buf, size_t len) {
  const gb_rcell *c = &m->cells[ci];
  snprintf(buf, len, "#%d %s, %s%s%s, %d worker%s", c->index, m->groups[c->group].label, c->strategy,
           *c->opts ? " " : "", c->opts, c->workers, c->workers == 1 ? "" : "s");
}

static void findings_view_counts(const gb_frules *r, const gb_finding *f, int n[GB_FV_COUNT]) {
  memset(n, 0, sizeof(int) * GB_FV_COUNT);
  for (int i = 0; i < r->nrules; i++)
    n[f[i].verdict]++;
}

void gb_findings_text(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, FILE *out) {
  fprintf(out, "findings: %s\nrules:    %s\n\n", m->path, r->path);
  for (int i = 0; i < r->nrules; i++) {
    char fig[512], c1[256], c2[256];
    findings_view_figure(&f[i], fig, sizeof fig);
    fprintf(out, "%-14s %s: %s\n", gb_fverdict_name(f[i].verdict), r->rules[i].id, r->rules[i].claim);
    fprintf(out, "%14s %s\n", "", fig);
    if (f[i].cell >= 0) {
      cell_name(m, f[i].cell, c1, sizeof c1);
      fprintf(out, "%14s cell %s", "", c1);
      if (f[i].other >= 0) {
        cell_name(m, f[i].other, c2, sizeof c2);
        fprintf(out, "; against %s", c2);
      }
      if (f[i].nmatched > 1) fprintf(out, " (best of %d matching cells)", f[i].nmatched);
      fprintf(out, "\n");
    }
    if (f[i].verdict == GB_FV_CONTRADICTED) fprintf(out, "%14s %s\n", "", r->rules[i].contradiction);
    if (*f[i].reason) fprintf(out, "%14s %s\n", "", f[i].reason);
  }
  int n[GB_FV_COUNT];
  findings_view_counts(r, f, n);
  fprintf(out, "\n%d confirmed, %d contradicted, %d inconclusive, %d not measured\n", n[GB_FV_CONFIRMED],
          n[GB_FV_CONTRADICTED], n[GB_FV_INCONCLUSIVE], n[GB_FV_NOT_MEASURED]);
}

static json_t *jnum(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jcell(const gb_rmodel *m, int ci, const char *role) {
  const gb_rcell *c = &m->cells[ci];
  return json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:i,s:O}", "role", role, "index", c->index, "workload",
                   c->workload, "params", c->params, "strategy", c->strategy, "options", c->opts, "workers",
                   c->workers, "key",
                   json_object_get(c->j, GB_KEY_KEY) ? json_object_get(c->j, GB_KEY_KEY) : json_null());
}

/* The approach rows: for each, the findings of each column and an overall verdict. */
static const char *row_verdict(const gb_frules *r, const gb_finding *f, const char *approach, char *buf,
                               size_t len) {
  int n[GB_FV_COUNT] = {0};
  const char *contra = NULL;
  for (int i = 0; i < r->nrules; i++) {
    if (!r->rules[i].approach || strcmp(r->rules[i].approach, approach) != 0) continue;
    n[f[i].verdict]++;
    if (f[i].verdict == GB_FV_CONTRADICTED && !contra) contra = r->rules[i].contradiction;
  }
  int total = n[0] + n[1] + n[2] + n[3];
  if (total == 0)
    snprintf(buf, len, "no rule measures this approach");
  else if (contra)
    snprintf(buf, len, "The measurement contradicts the seed here: %s", contra);
  else if (n[GB_FV_CONFIRMED] == total)
    snprintf(buf, len, "Measured as the seed says (%d of %d findings confirmed)", total, total);
  else if (n[GB_FV_NOT_MEASURED] == total)
    snprintf(buf, len, "Not measured in this run");
  else
    snprintf(buf, len, "%d confirmed, %d inconclusive, %d not measured", n[GB_FV_CONFIRMED],
             n[GB_FV_INCONCLUSIVE], n[GB_FV_NOT_MEASURED]);
  return buf;
}

/* One column's short evidence: "0.98× speedup, sumloop, 2 workers (confirmed)". */
static void findings_view_evidence(const gb_rmodel *m, const gb_finding *f, char *buf, size_t len) {
  char v[64], lo[64], hi[64];
  findings_view_fmt(f->rule->stat, f->value, v, sizeof v);
  findings_view_fmt(f->rule->stat, f->lo, lo, sizeof lo);
  findings_view_fmt(f->rule->stat, f->hi, hi, sizeof hi);
  if (f->cell >= 0 && isfinite(f->value)) {
    const gb_rcell *c = &m->cells[f->cell];
    snprintf(buf, len, "%s %s [%s – %s] (%s, %s, %d worker%s): %s", gb_fstat_name(f->rule->stat), v, lo, hi,
             m->groups[c->group].label, m->series[c->series].label, c->workers, c->workers == 1 ? "" : "s",
             gb_fverdict_name(f->verdict));
  } else {
    snprintf(buf, len, "%s (%s): %s", gb_fstat_name(f->rule->stat), f->rule->id,
             gb_fverdict_name(f->verdict));
  }
}

json_t *gb_findings_json(const gb_frules *r, const gb_rmodel *m, const gb_finding *f) {
  json_t *arr = json_array(), *rows = json_array();
  static const char *const cols[GB_FCOL_COUNT] = {"gil", "cost", "io"};
  for (int i = 0; i < r->nrules; i++) {
    const gb_frule *fr = &r->rules[i];
    json_t *cells = json_array();
    if (f[i].cell >= 0) json_array_append_new(cells, jcell(m, f[i].cell, "cell"));
    if (f[i].other >= 0)
      json_array_append_new(cells, jcell(m, f[i].other, fr->stat == GB_FSTAT_RATIO ? "versus" : "baseline"));
    json_t *o = json_pack(
        "{s:s,s:s,s:s,s:s,s:o,s:[o,o],s:s,s:f,s:o,s:s,s:o,s:s}", "id", fr->id, "claim", fr->claim, "verdict",
        gb_fverdict_name(f[i].verdict), "statistic", gb_fstat_name(fr->stat), "value", jnum(f[i].value),
        "ci95", jnum(f[i].lo), jnum(f[i].hi), "op", fr->op == '<' ? "<" : ">", "threshold", fr->threshold,
        "p_value", jnum(f[i].p), "unit", findings_view_unit(fr->stat), "cells", cells, "reason", f[i].reason);
    json_object_set_new(o, "contradiction", json_string(fr->contradiction));
    json_object_set_new(o, "approach", fr->approach ? json_string(fr->approach) : json_null());
    json_object_set_new(o, "column", fr->column >= 0 ? json_string(cols[fr->column]) : json_null());
    json_object_set_new(o, "line", json_integer(fr->line));
    json_array_append_new(arr, o);
  }
  for (int a = 0; a < r->napproaches; a++) {
    const gb_fapproach *ap = &r->approaches[a];
    char verdict[1024];
    json_t *row = json_pack("{s:s,s:s}", "approach", ap->id, "name", ap->name);
    json_object_set_new(row, "seed_gil", ap->seed_gil ? json_string(ap->seed_gil) : json_null());
    json_object_set_new(row, "seed_verdict", ap->seed_verdict ? json_string(ap->seed_verdict) : json_null());
    for (int c = 0; c < GB_FCOL_COUNT; c++) {
      json_t *ids = json_array();
      for (int i = 0; i < r->nrules; i++)
        if (r->rules[i].approach && !strcmp(r->rules[i].approach, ap->id) && r->rules[i].column == c)
          json_array_append_new(ids, json_string(r->rules[i].id));
      json_object_set_new(row, cols[c], ids);
    }
    json_object_set_new(row, "verdict", json_string(row_verdict(r, f, ap->id, verdict, sizeof verdict)));
    json_array_append_new(rows, row);
  }
  int n[GB_FV_COUNT];
  findings_view_counts(r, f, n);
  return json_pack("{s:s,s:s,s:s,s:{s:i,s:i,s:i,s:i},s:o,s:o}", "schema", "gilbench-findings/1", "results",
                   m->path, "rules", r->path, "counts", "confirmed", n[0], "contradicted", n[1],
                   "inconclusive", n[2], "not_measured", n[3], "findings", arr, "table", rows);
}

/* ---- the report's opening section ---- */

static const char *const col_titles[GB_FCOL_COUNT] = {"Bypasses the GIL here? (measured speedup, CPU-bound)",
                                                      "Cost (per-task overhead, memory per worker, start-up)",
                                                      "I/O-bound behaviour (throughput and tail latency)"};

void gb_findings_md(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, gb_buf *b) {
  int n[GB_FV_COUNT];
  findings_view_counts(r, f, n);
  gb_buf_printf(
      b,
      "## Findings\n\nThe seed's comparison table, rebuilt from this run's measurements by the rules in "
      "`%s`: %d confirmed, %d contradicted, %d inconclusive, %d not measured. Figures are medians "
      "with their 95%% bootstrap interval.\n\n",
      findings_view_base(r->path), n[0], n[1], n[2], n[3]);
  gb_buf_printf(
      b, "| Approach | The seed says | %s | %s | %s | Verdict |\n| --- | --- | --- | --- | --- | --- |\n",
      col_titles[0], col_titles[1], col_titles[2]);
  for (int a = 0; a < r->napproaches; a++) {
    const gb_fapproach *ap = &r->approaches[a];
    char verdict[1024];
    gb_buf_add(b, "| ");
    gb_buf_md(b, ap->name);
    gb_buf_add(b, " | ");
    gb_buf_md(b, ap->seed_gil ? ap->seed_gil : "");
    for (int c = 0; c < GB_FCOL_COUNT; c++) {
      gb_buf_add(b, " | ");
      int k = 0;
      for (int i = 0; i < r->nrules; i++) {
        if (!r->rules[i].approach || strcmp(r->rules[i].approach, ap->id) || r->rules[i].column != c)
          continue;
        char ev[768];
        findings_view_evidence(m, &f[i], ev, sizeof ev);
        gb_buf_add(b, k++ ? "<br>" : "");
        gb_buf_md(b, ev);
      }
      if (!k) gb_buf_add(b, "–");
    }
    gb_buf_add(b, " | ");
    gb_buf_md(b, row_verdict(r, f, ap->id, verdict, sizeof verdict));
    gb_buf_add(b, " |\n");
  }
  gb_buf_add(b, "\n| Finding | Verdict | Figure | Cells | Why |\n| --- | --- | --- | --- | --- |\n");
  for (int i = 0; i < r->nrules; i++) {
    char fig[512], c1[256] = "", c2[256] = "";
    findings_view_figure(&f[i], fig, sizeof fig);
    if (f[i].cell >= 0) cell_name(m, f[i].cell, c1, sizeof c1);
    if (f[i].other >= 0) cell_name(m, f[i].other, c2, sizeof c2);
    gb_buf_add(b, "| ");
    gb_buf_md(b, r->rules[i].claim);
    gb_buf_printf(b, " | **%s** | ", gb_fverdict_name(f[i].verdict));
    gb_buf_md(b, fig);
    gb_buf_add(b, " | ");
    gb_buf_md(b, c1);
    if (*c2) gb_buf_add(b, "; ");
    gb_buf_md(b, c2);
    gb_buf_add(b, " | ");
    gb_buf_md(b, f[i].verdict == GB_FV_CONTRADICTED ? r->rules[i].contradiction : f[i].reason);
    gb_buf_add(b, " |\n");
  }
  gb_buf_add(b, "\n");
}

static void html_cell_link(const gb_rmodel *m, int ci, gb_buf *b) {
  char name[256];
  cell_name(m, ci, name, sizeof name);
  gb_buf_printf(b, "<a href=\"#wl-%s\">", m->groups[m->cells[ci].group].slug);
  gb_buf_html(b, name);
  gb_buf_add(b, "</a>");
}

/* The comparison table's rows: one per approach, each column's findings linked to their row below. */
static void html_approaches(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, gb_buf *b) {
  for (int a = 0; a < r->napproaches; a++) {
    const gb_fapproach *ap = &r->approaches[a];
    char verdict[1024];
    gb_buf_add(b, "<tr><th>");
    gb_buf_html(b, ap->name);
    gb_buf_add(b, "</th><td>");
    gb_buf_html(b, ap->seed_gil ? ap->seed_gil : "");
    gb_buf_add(b, "</td>");
    for (int c = 0; c < GB_FCOL_COUNT; c++) {
      gb_buf_add(b, "<td>");
      int k = 0;
      for (int i = 0; i < r->nrules; i++) {
        if (!r->rules[i].approach || strcmp(r->rules[i].approach, ap->id) || r->rules[i].column != c)
          continue;
        char ev[768];
        findings_view_evidence(m, &f[i], ev, sizeof ev);
        gb_buf_printf(b, "%s<a class=\"f-%s\" href=\"#finding-%s\">", k++ ? "<br>" : "",
                      f[i].verdict == GB_FV_NOT_MEASURED ? "none" : gb_fverdict_name(f[i].verdict),
                      r->rules[i].id);
        gb_buf_html(b, ev);
        gb_buf_add(b, "</a>");
      }
      gb_buf_add(b, k ? "</td>" : "–</td>");
    }
    gb_buf_add(b, "<td>");
    gb_buf_html(b, row_verdict(r, f, ap->id, verdict, sizeof verdict));
    gb_buf_add(b, "</td></tr>\n");
  }
}

/* The findings table's rows: each claim, its verdict, figure, cells and why. */
static void html_findings_rows(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, gb_buf *b) {
  for (int i = 0; i < r->nrules; i++) {
    char fig[512];
    findings_view_figure(&f[i], fig, sizeof fig);
    gb_buf_add(b, "<tr id=\"finding-");
    gb_buf_html(b, r->rules[i].id);
    gb_buf_add(b, "\"><td>");
    gb_buf_html(b, r->rules[i].claim);
    gb_buf_printf(b, "</td><td><strong>%s</strong></td><td>", gb_fverdict_name(f[i].verdict));
    gb_buf_html(b, fig);
    gb_buf_add(b, "</td><td>");
    if (f[i].cell >= 0) html_cell_link(m, f[i].cell, b);
    if (f[i].other >= 0) {
      gb_buf_add(b, "<br>");
      html_cell_link(m, f[i].other, b);
    }
    gb_buf_add(b, "</td><td>");
    gb_buf_html(b, f[i].verdict == GB_FV_CONTRADICTED ? r->rules[i].contradiction : f[i].reason);
    gb_buf_add(b, "</td></tr>\n");
  }
}

void gb_findings_html(const gb_frules *r, const gb_rmodel *m, const gb_finding *f, gb_buf *b) {
  int n[GB_FV_COUNT];
  findings_view_counts(r, f, n);
  gb_buf_add(
      b, "<section id=\"findings\">\n<h2>Findings</h2>\n<p>The seed's comparison table, rebuilt from this "
         "run's measurements by the rules in <code>");
  gb_buf_html(b, findings_view_base(r->path));
  gb_buf_printf(
      b,
      "</code>: %d confirmed, %d contradicted, %d inconclusive, %d not measured. Figures are medians "
      "with their 95%% bootstrap interval.</p>\n<div class=\"scroll\"><table "
      "class=\"findings\">\n<thead><tr><th>Approach</th>"
      "<th>The seed says</th>",
      n[0], n[1], n[2], n[3]);
  for (int c = 0; c < GB_FCOL_COUNT; c++)
    gb_buf_printf(b, "<th>%s</th>", col_titles[c]);
  gb_buf_add(b, "<th>Verdict</th></tr></thead>\n<tbody>\n");
  html_approaches(r, m, f, b);
  gb_buf_add(b, "</tbody>\n</table></div>\n<div class=\"scroll\"><table "
                "class=\"findings\">\n<thead><tr><th>Finding</th><th>Verdict</th>"
                "<th>Figure</th><th>Cells</th><th>Why</th></tr></thead>\n<tbody>\n");
  html_findings_rows(r, m, f, b);
  gb_buf_add(b, "</tbody>\n</table></div>\n</section>\n");
}

/* ---- gilbench findings ---- */

int gb_findings_print(const gb_frules *r, const char *input, int as_json, FILE *out, char *err,
                      size_t errlen) {
  json_t *root;
  int rc = gb_results_load(input, &root, err, errlen);
  if (rc != 0) return rc;
  gb_rmodel m;
  gb_rmodel_build(&m, root, input);
  json_decref(root);
  gb_finding *f = gb_xcalloc((size_t)r->nrules, sizeof *f);
  gb_findings_eval(r, &m, f);
  if (as_json) {
    json_t *o = gb_findings_json(r, &m, f);
    json_dumpf(o, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    fprintf(out, "\n");
    json_decref(o);
  } else {
    gb_findings_text(r, &m, f, out);
  }
  free(f);
  gb_rmodel_free(&m);
  return 0;
}
