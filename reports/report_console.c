/* report_console.c: the console writer over the report model: `gilbench show` and the table a run
 * prints at its end. Cells are named by their series label (rmodel.h), so options that differ
 * between cells of a strategy show as cpython-processes[start=spawn]. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "counters.h"
#include "gb.h"
#include "report.h"
#include "results.h"
#include "schema.h"
#include "warn.h"

/* Seconds in a short human unit, ASCII only (the console may not be UTF-8). */
static void fmt_time(double s, char *buf, size_t len) {
  if (!isfinite(s))
    snprintf(buf, len, "-");
  else if (s < 1e-3)
    snprintf(buf, len, "%.1f us", s * 1e6);
  else if (s < 1.0)
    snprintf(buf, len, "%.2f ms", s * 1e3);
  else
    snprintf(buf, len, "%.3f s", s);
}

static const char *console_label(const gb_rmodel *m, const gb_rcell *c) {
  return m->series[c->series].label;
}

/* The workload column: the cell's group label, with the parameters that tell it from the run's
 * other groups of its workload (sumloop (tasks=8)), so rows of one workload's parameter sets are
 * told apart by name, not by order. */
static const char *console_group(const gb_rmodel *m, const gb_rcell *c) {
  return m->groups[c->group].label;
}

/* A cell as the console's notes name it: its workload's group label (with the parameters that
 * tell same-named groups apart), its series label (with the options that differ) and its
 * workers, as payload (bytes=4096)/cpython-processes[start=spawn]/2, so no two cells of a run
 * share a name. */
static void cell_name(const gb_rmodel *m, const gb_rcell *c, char *buf, size_t len) {
  snprintf(buf, len, "%s/%s/%d", m->groups[c->group].label, console_label(m, c), c->workers);
}

/* The strategy column's width: the longest cell label, at least 17. */
static int label_width(const gb_rmodel *m) {
  int w = 17;
  for (int i = 0; i < m->ncells; i++)
    if ((int)strlen(console_label(m, &m->cells[i])) > w) w = (int)strlen(console_label(m, &m->cells[i]));
  return w;
}

/* The workload column's width: the longest group label, at least 16. */
static int group_width(const gb_rmodel *m) {
  int w = 16;
  for (int g = 0; g < m->ngroups; g++)
    if ((int)strlen(m->groups[g].label) > w) w = (int)strlen(m->groups[g].label);
  return w;
}

static void print_row(const gb_rmodel *m, const gb_rcell *c, int gw, int sw, gb_buf *out) {
  char med[32], half[32], sp[24] = "-", ef[16] = "-";
  fmt_time(c->median, med, sizeof med);
  fmt_time(isfinite(c->mlo) ? (c->mhi - c->mlo) / 2 : NAN, half, sizeof half);
  int self = strcmp(c->baseline_kind, "self") == 0;
  if (isfinite(c->speedup)) snprintf(sp, sizeof sp, "%.2fx%s", c->speedup, self ? "*" : "");
  if (isfinite(c->efficiency))
    snprintf(ef, sizeof ef, "%.0f%%%s", c->efficiency * 100, c->eff_flag ? "!" : "");
  const char *ck = json_string_value(json_object_get(c->j, GB_KEY_CHECKSUM));
  const char *ref = json_string_value(json_object_get(c->j, GB_KEY_REFERENCE));
  gb_buf_printf(out, "%-*s %-*s %3d %-8s %11s %10s %8s %7s  %s%s\n", gw, console_group(m, c), sw,
                console_label(m, c), c->workers, c->status, med, half, sp, ef, ck ? ck : "-",
                ck && ref && strcmp(ck, ref) != 0 ? " (WRONG)" : "");
}

/* Which baseline the starred speedups are over: the same strategy at its fewest workers. */
static void print_self_baselines(const gb_rmodel *m, gb_buf *out) {
  int n = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (strcmp(c->baseline_kind, "self") != 0 || c->baseline_workers != c->workers) continue;
    if (!n++)
      gb_buf_add(out,
                 "\n* speedup over the same strategy at its fewest workers, its family's baseline not being "
                 "in the run:");
    gb_buf_printf(out, "%s %s/%s x%d (not %s)", n > 1 ? "," : "", m->groups[c->group].label,
                  console_label(m, c), c->workers, c->baseline_family);
  }
  if (n) gb_buf_add(out, "\n");
}

/* Efficiencies above 105% with their likely cause, and implementation factors (given apart from
 * every speedup). */
static void print_flags(const gb_rmodel *m, int gw, int sw, gb_buf *out) {
  int header = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!c->eff_flag) continue;
    if (!header++) gb_buf_printf(out, "\nabove 105%% of ideal (!), with the likely cause:\n");
    char name[512];
    cell_name(m, c, name, sizeof name);
    gb_buf_printf(out, "  %s: %.0f%% of %s ideal %.3gx: %s\n", name, c->efficiency * 100, c->ideal_basis,
                  c->ideal, c->eff_flag);
  }
  header = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!json_is_object(json_object_get(c->j, GB_KEY_IMPLEMENTATION))) continue;
    if (!header++)
      gb_buf_printf(out,
                    "\nimplementation factors (the reference's median over this baseline's; never part of a "
                    "speedup):\n");
    gb_buf_printf(out, "%-*s %-*s against %s: %.2fx", gw, console_group(m, c), sw, console_label(m, c),
                  c->impl_ref, c->impl_factor);
    if (isfinite(c->ilo)) gb_buf_printf(out, " [%.2f, %.2f]", c->ilo, c->ihi);
    gb_buf_add(out, "\n");
  }
}

/* Each workload's verdict with its ties (verdict.h). */
static void print_verdicts(const gb_rmodel *m, gb_buf *out) {
  for (int g = 0; g < m->ngroups; g++) {
    gb_rverdict v;
    gb_report_verdict(m, g, &v);
    if (v.best < 0) continue;
    if (g == 0) gb_buf_printf(out, "\nverdict (compare's test: Mann-Whitney p < 0.05 and beyond 5%%):\n");
    char names[1024], ideal[160];
    const gb_rcell *b = &m->cells[v.best];
    gb_report_verdict_names(m, &v, names, sizeof names);
    gb_report_ideal_text(b, ideal, sizeof ideal);
    gb_buf_printf(out, "  %-24s %s%s", m->groups[g].label, v.ntied > 1 ? "tie: " : "best: ", names);
    if (v.ntied > 1)
      gb_buf_add(out, v.few_reps ? " (too few repetitions to tell apart)" : " (not significantly different)");
    if (isfinite(b->speedup)) {
      gb_buf_printf(out, "; %.2fx", b->speedup);
      if (isfinite(b->slo)) gb_buf_printf(out, " [%.2f, %.2f]", b->slo, b->shi);
      gb_buf_printf(out, ", %.0f%% of %s", b->efficiency * 100, ideal);
    }
    gb_buf_add(out, "\n");
  }
}

/* Each cell with I/O ops: its latency over every measured repetition (what a `measure = latency`
 * workload such as convoy is judged by) and its I/O rate. */
static void print_latency(const gb_rmodel *m, const int *order, int gw, int sw, gb_buf *out) {
  int header = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[order[i]];
    if (!(c->lat.count > 0)) continue;
    if (!header++) {
      gb_buf_printf(
          out, "\nI/O op latency over the measured reps (measure = latency workloads are judged by p50):\n");
      gb_buf_printf(out, "%-*s %-*s %3s %11s %11s %11s %11s %10s %12s\n", gw, "workload", sw, "strategy", "w",
                    "p50", "p90", "p99", "max", "ops", "ops/s");
    }
    char q[4][32];
    double v[4] = {c->lat.p50, c->lat.p90, c->lat.p99, c->lat.max};
    for (int j = 0; j < 4; j++)
      fmt_time(v[j] * 1e-6, q[j], sizeof q[j]);
    gb_buf_printf(out, "%-*s %-*s %3d %11s %11s %11s %11s %10.0f %12.0f\n", gw, console_group(m, c), sw,
                  console_label(m, c), c->workers, q[0], q[1], q[2], q[3], c->lat.count,
                  gb_jnum(c->j, GB_KEY_IO_OPS_PER_S));
  }
}

/* A multi-line reason (a Python traceback) under its cell, indented under its summary line. */
static void print_traceback(const gb_rmodel *m, const gb_rcell *c, gb_buf *out) {
  const char *e = c->error;
  int first = (int)strcspn(e, "\n");
  char name[512];
  cell_name(m, c, name, sizeof name);
  gb_buf_printf(out, "  %s: %s: %.*s\n", name, c->status, first, e);
  for (const char *l = e + first; *l == '\n';) {
    int n = (int)strcspn(l + 1, "\n");
    if (n == 0 && l[1] == '\0') break; /* the text's own last newline */
    gb_buf_printf(out, "      | %.*s\n", n, l + 1);
    l += 1 + n;
  }
}

/* The grouped warnings of w (gb_warn_print) into out. */
static void warn_into(const gb_warn *w, gb_buf *out) {
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (!f) return;
  gb_warn_print(w, f);
  fclose(f);
  gb_buf_addn(out, text, len);
  free(text);
}

/* Cells that are not ok: a one-line reason once with every cell it applies to (a skipped
 * strategy's "built without OpenMP" once, not per cell, warn.h); a multi-line one per cell. */
static void print_not_ok(const gb_rmodel *m, gb_buf *out) {
  int header = 0;
  gb_warn *w = gb_warn_new();
  char name[512], reason[2200];
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (c->ok) continue;
    if (!header++) gb_buf_printf(out, "\nnot ok:\n");
    if (strchr(c->error, '\n')) continue;
    cell_name(m, c, name, sizeof name);
    snprintf(reason, sizeof reason, "%s: %s", c->status, c->error);
    gb_warn_add(w, reason, name);
  }
  warn_into(w, out);
  gb_warn_free(w);
  for (int i = 0; i < m->ncells; i++)
    if (!m->cells[i].ok && strchr(m->cells[i].error, '\n')) print_traceback(m, &m->cells[i], out);
}

/* counters.c's section (the counter catalogue words it), caught into the buffer: a line per cell in
 * the table's order, named as its row is (workload and strategy labels, workers). */
static void counters_section(const gb_rmodel *m, const int *order, int gw, int sw, gb_buf *out) {
  gb_counters_row *rows = gb_xmalloc(sizeof *rows * (size_t)(m->ncells + 1));
  char *names = gb_xmalloc((size_t)(m->ncells + 1) * (size_t)(gw + sw + 16));
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[order[i]];
    char *name = names + (size_t)i * (size_t)(gw + sw + 16);
    snprintf(name, (size_t)(gw + sw + 16), "%-*s %-*s %3d", gw, console_group(m, c), sw, console_label(m, c),
             c->workers);
    rows[i] = (gb_counters_row){.cell = c->index, .name = name};
  }
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&text, &len);
  if (f) {
    gb_counters_print_section(m->root, rows, m->ncells, f);
    fclose(f);
    gb_buf_addn(out, text, len);
    free(text);
  }
  free(names);
  free(rows);
}

/* The order of the table's rows (and of the sections that list every cell): group by group, each
 * group's cells in file order, so one workload's parameter sets are blocks, not interleaved. */
static int *row_order(const gb_rmodel *m) {
  int *order = gb_xmalloc(sizeof *order * (size_t)(m->ncells + 1)), n = 0;
  for (int g = 0; g < m->ngroups; g++)
    for (int k = 0; k < m->groups[g].ncells; k++)
      order[n++] = m->groups[g].cells[k];
  return order;
}

void gb_report_console(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out) {
  gb_buf_printf(
      out, "gilbench %s, started %s, %s, %lld PUs\n", gb_jstr(m->meta, GB_KEY_GILBENCH, "?"),
      gb_jstr(m->meta, GB_KEY_STARTED, "?"),
      gb_jstr(json_object_get(m->meta, GB_KEY_CPU), GB_KEY_MODEL, "unknown CPU"),
      (long long)json_integer_value(json_object_get(json_object_get(m->meta, GB_KEY_CPU), GB_KEY_PUS)));
  int gw = group_width(m), sw = label_width(m), *order = row_order(m);
  gb_buf_printf(out, "%-*s %-*s %3s %-8s %11s %10s %8s %7s  %s\n", gw, "workload", sw, "strategy", "w",
                "status", "median", "+-ci95", "speedup", "eff", "checksum");
  for (int i = 0; i < m->ncells; i++) {
    if (i > 0 && m->cells[order[i - 1]].group != m->cells[order[i]].group) gb_buf_add(out, "\n");
    print_row(m, &m->cells[order[i]], gw, sw, out);
  }
  print_self_baselines(m, out);
  print_flags(m, gw, sw, out);
  print_verdicts(m, out);
  counters_section(m, order, gw, sw, out); /* GIL and loop metrics beside the counters */
  print_latency(m, order, gw, sw, out);
  print_not_ok(m, out);
  free(order);
}

/* One flagged cell's reasons, as the console words them. */
static void print_noise_reasons(json_t *n, gb_buf *out) {
  size_t k;
  json_t *r;
  json_array_foreach(json_object_get(n, GB_KEY_REASONS), k, r) {
    const char *why = json_string_value(r);
    if (!why) continue;
    if (strcmp(why, "other_load") == 0)
      gb_buf_printf(out, "%s other processes used %.2f CPUs (other_load)", k ? "," : "",
                    gb_jnum(n, GB_KEY_OTHER_LOAD));
    else if (strcmp(why, "steal") == 0)
      gb_buf_printf(out, "%s the hypervisor stole %.1f%% (steal)", k ? "," : "",
                    gb_jnum(n, GB_KEY_STEAL_FRACTION) * 100);
    else
      gb_buf_printf(out, "%s the CPU frequency changed by more than 5%% (frequency)", k ? "," : "");
  }
}

/* Whether a repetition of the cell reported the metric `oversubscribed` (mpi: more ranks than PUs). */
static int cell_oversubscribed(const gb_rcell *c) {
  size_t r;
  json_t *rep;
  json_array_foreach(json_object_get(c->j, GB_KEY_REPS), r, rep) {
    double v = gb_jnum(json_object_get(rep, GB_KEY_METRICS), "oversubscribed");
    if (isfinite(v) && v > 0) return 1;
  }
  return 0;
}

/* Cells that ran more workers than the machine has PUs: the reason once, with every cell it
 * applies to (warn.h), instead of a line per cell while the run goes. */
static void print_oversubscribed(const gb_rmodel *m, gb_buf *out) {
  long long pus =
      (long long)json_integer_value(json_object_get(json_object_get(m->meta, GB_KEY_CPU), GB_KEY_PUS));
  gb_warn *w = gb_warn_new();
  char name[512], reason[512];
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!cell_oversubscribed(c)) continue;
    snprintf(reason, sizeof reason,
             "%s: more ranks than the %lld PUs: oversubscribed (mpiexec --oversubscribe); ranks take "
             "turns on the PUs and the timings show it",
             c->strategy, pus);
    cell_name(m, c, name, sizeof name);
    gb_warn_add(w, reason, name);
  }
  if (gb_warn_count(w)) {
    gb_buf_add(out, "\nnote: oversubscribed cells:\n");
    warn_into(w, out);
  }
  gb_warn_free(w);
}

/* Cells whose wall time varied by more than 5% run to run (the noise's cv_high). */
static void print_cv_note(const gb_rmodel *m, gb_buf *out) {
  int varied = 0;
  for (int i = 0; i < m->ncells; i++)
    varied += json_is_true(json_object_get(json_object_get(m->cells[i].j, GB_KEY_NOISE), GB_KEY_CV_HIGH));
  if (!varied) return;
  gb_buf_printf(out, "\nnote: %d cell%s varied by more than 5%% run to run (cv):", varied,
                varied == 1 ? "" : "s");
  for (int i = 0, k = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    json_t *n = json_object_get(c->j, GB_KEY_NOISE);
    if (!json_is_true(json_object_get(n, GB_KEY_CV_HIGH))) continue;
    char name[512];
    cell_name(m, c, name, sizeof name);
    gb_buf_printf(out, "%s %s (%.0f%%)", k++ ? "," : "", name, gb_jnum(n, GB_KEY_CV) * 100);
  }
  gb_buf_add(out, "\n");
}

int gb_report_console_noise(const gb_rmodel *m, gb_buf *out) {
  print_oversubscribed(m, out);
  print_cv_note(m, out);
  int flagged = 0;
  for (int i = 0; i < m->ncells; i++)
    flagged += json_is_true(json_object_get(json_object_get(m->cells[i].j, GB_KEY_NOISE), GB_KEY_FLAGGED));
  if (!flagged) return 0;
  gb_buf_printf(out, "\nwarning: %d of %d cells were measured under noise; their figures may be off:\n",
                flagged, m->ncells);
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    json_t *n = json_object_get(c->j, GB_KEY_NOISE);
    if (!json_is_true(json_object_get(n, GB_KEY_FLAGGED))) continue;
    gb_buf_printf(out, "  %s %s w=%d:", m->groups[c->group].label, console_label(m, c), c->workers);
    print_noise_reasons(n, out);
    gb_buf_add(out, "\n");
  }
  gb_buf_printf(out,
                "  rerun them on a quiet machine; `gilbench doctor` says what limits measurements here\n");
  return flagged;
}

int gb_report_show(const char *path, FILE *out, FILE *noise_out, char *err, size_t errlen) {
  json_t *root;
  if (gb_results_load(path, &root, err, errlen) != 0) return GB_EINVAL;
  gb_rmodel m;
  gb_rmodel_build(&m, root, path);
  json_decref(root);
  gb_buf b;
  gb_buf_init(&b);
  if (out) gb_report_console(&m, NULL, &b);
  if (out && noise_out != out) { /* one write when both go to one stream: a reader may stop early */
    fputs(b.s, out);
    fflush(out);
    gb_buf_reset(&b);
  }
  if (noise_out) gb_report_console_noise(&m, &b);
  if (noise_out || out) fputs(b.s, noise_out ? noise_out : out);
  gb_buf_free(&b);
  gb_rmodel_free(&m);
  return 0;
}
