/* report_md.c: report.md, for pasting into an issue or a pull request: the run in one line, the
 * verdict table, every chart as an image link, what failed, and how to reproduce the run. */
#include <math.h>
#include <string.h>

#include "gb.h"
#include "report.h"
#include "schema.h"

/* "started on CPU (N PUs), kernel K; gilbench V (commit); profile P, R reps" */
static void run_line(const gb_rmodel *m, gb_buf *b) {
  json_t *meta = m->meta, *cpu = json_object_get(meta, GB_KEY_CPU),
         *host = json_object_get(meta, GB_KEY_HOST);
  double pus = gb_jnum(cpu, GB_KEY_PUS);
  int ok = 0;
  for (int i = 0; i < m->ncells; i++)
    ok += m->cells[i].ok;
  gb_buf_printf(b, "Run started %s on %s", gb_jstr(meta, GB_KEY_STARTED, "?"),
                gb_jstr(cpu, GB_KEY_MODEL, "an unknown CPU"));
  if (isfinite(pus)) gb_buf_printf(b, " (%.0f PUs)", pus);
  char reps[32], warm[32];
  gb_fmt_count(gb_jnum(meta, GB_KEY_REPS), reps, sizeof reps);
  gb_fmt_count(gb_jnum(meta, GB_KEY_WARMUP), warm, sizeof warm);
  gb_buf_printf(b,
                ", %s %s; gilbench %s (commit %s), %s; profile %s, %s repetitions after %s warm-up. "
                "%d cells: %d ok, %d failed, %d skipped.",
                gb_jstr(host, GB_KEY_OS, "?"), gb_jstr(host, GB_KEY_KERNEL, "?"),
                gb_jstr(meta, GB_KEY_GILBENCH, "?"), gb_jstr(meta, GB_KEY_GIT_COMMIT, "?"),
                gb_jstr(meta, GB_KEY_COMPILER, "?"), gb_jstr(meta, GB_KEY_PROFILE, "?"), reps, warm,
                m->ncells, ok, m->nfailed, m->nskipped);
}

static void md_verdict(const gb_rmodel *m, gb_buf *b) {
  gb_buf_add(b,
             "| Workload | Best strategy | Workers | Measured | Speedup (95% interval) | Of ideal | Ideal |\n"
             "| --- | --- | ---: | ---: | ---: | ---: | --- |\n");
  for (int g = 0; g < m->ngroups; g++) {
    gb_rverdict v;
    gb_report_verdict(m, g, &v);
    gb_buf_add(b, "| ");
    gb_buf_md(b, m->groups[g].label);
    if (v.best < 0) {
      gb_buf_add(b, " | no cell succeeded | | | | | |\n");
      continue;
    }
    const gb_rcell *c = &m->cells[v.best];
    char meas[64], names[1024], ideal[160];
    gb_report_best_measure(m, v.best, meas, sizeof meas);
    gb_report_verdict_names(m, &v, names, sizeof names);
    gb_report_ideal_text(c, ideal, sizeof ideal);
    gb_buf_add(b, " | ");
    if (v.ntied > 1) {
      gb_buf_add(b, "tie: ");
      gb_buf_md(b, names);
      gb_buf_add(b, v.few_reps ? " (too few repetitions to tell apart)" : " (not significantly different)");
    } else {
      gb_buf_md(b, m->series[c->series].label);
    }
    gb_buf_printf(b, " | %d | %s | ", c->workers, meas);
    if (isfinite(c->speedup)) {
      gb_buf_printf(b, "%.2f×", c->speedup);
      if (isfinite(c->slo) && isfinite(c->shi)) gb_buf_printf(b, " (%.2f–%.2f)", c->slo, c->shi);
      gb_buf_printf(b, " | %.0f%%%s | ", c->efficiency * 100, c->eff_flag ? " ⚠" : "");
      gb_buf_md(b, ideal);
      if (c->eff_flag) {
        gb_buf_add(b, "; above ideal: ");
        gb_buf_md(b, c->eff_flag);
      }
      gb_buf_add(b, " |\n");
    } else {
      gb_buf_add(b, "– | – | – |\n");
    }
  }
}

/* Serial runs of another implementation or binary than their family's reference: how much faster
 * (or slower) that makes the same work, given apart from every speedup. */
static void md_implementations(const gb_rmodel *m, gb_buf *b) {
  int any = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!c->ok || !isfinite(c->impl_factor)) continue;
    if (!any)
      gb_buf_add(b,
                 "\n## Implementation factors\n\nA speedup compares a strategy with a serial run of the same "
                 "implementation in the same interpreter binary. How the implementations or binaries "
                 "themselves differ is this factor (the reference's median over the baseline's), never "
                 "part of a speedup.\n\n| Workload | Baseline | Against | Factor (95% interval) |\n"
                 "| --- | --- | --- | ---: |\n");
    any = 1;
    gb_buf_add(b, "| ");
    gb_buf_md(b, m->groups[c->group].label);
    gb_buf_add(b, " | ");
    gb_buf_md(b, m->series[c->series].label);
    gb_buf_add(b, " | ");
    gb_buf_md(b, c->impl_ref);
    gb_buf_printf(b, " | %.2f×", c->impl_factor);
    if (isfinite(c->ilo)) gb_buf_printf(b, " (%.2f–%.2f)", c->ilo, c->ihi);
    gb_buf_add(b, " |\n");
  }
}

/* "1.23×" when both medians are known, else "–"; then end. */
static void ratio(gb_buf *b, double num, double den, const char *end) {
  if (isfinite(num) && isfinite(den) && den > 0)
    gb_buf_printf(b, "%.2f×%s", num / den, end);
  else
    gb_buf_printf(b, "–%s", end);
}

/* The families view (families.c), per workload: each family's serial baseline, the family's
 * fastest strategy with its speedup over that baseline, and both times relative to cpython-serial.
 * Only when the run has a family other than the native models. */
static void md_families(const gb_rmodel *m, gb_buf *b) {
  if (!gb_report_has_families(m)) return;
  gb_buf_add(b, "## Families\n\nEach family against its own serial baseline (`serial` for the native "
                "models, `cpython-serial`, `pypy-serial`, `jython-serial`, `LABEL-serial`), and the time "
                "relative to `cpython-serial` (the cross-family view: below 1× is faster).\n\n"
                "| Workload | Family | Serial median | Relative to cpython-serial | Best strategy | Speedup "
                "| Best, relative to cpython-serial |\n| --- | --- | ---: | ---: | --- | ---: | ---: |\n");
  for (int g = 0; g < m->ngroups; g++) {
    gb_rfamrow rows[GB_FAMILIES_MAX];
    int n = gb_report_family_rows(m, g, rows, GB_FAMILIES_MAX);
    for (int i = 0; i < n; i++) {
      const gb_rcell *best = rows[i].best >= 0 ? &m->cells[rows[i].best] : NULL;
      gb_buf_add(b, "| ");
      gb_buf_md(b, m->groups[g].label);
      gb_buf_add(b, " | ");
      gb_buf_md(b, rows[i].family);
      if (isfinite(rows[i].base))
        gb_buf_printf(b, " | %.4g s | ", rows[i].base);
      else
        gb_buf_add(b, " | – | ");
      ratio(b, rows[i].base, rows[i].cpy, " | ");
      if (best) {
        gb_buf_md(b, m->series[best->series].label);
        gb_buf_printf(b, " (%d) | ", best->workers);
      } else {
        gb_buf_add(b, "no cell succeeded | ");
      }
      if (best && isfinite(best->speedup))
        gb_buf_printf(b, "%.2f× | ", best->speedup);
      else
        gb_buf_add(b, "– | ");
      ratio(b, best ? best->median : NAN, rows[i].cpy, " |\n");
    }
  }
  gb_buf_add(b, "\n");
}

static void chart_links(const gb_charts *cs, int group, gb_chart_section sec, const char *ext, gb_buf *b) {
  for (int i = 0; i < cs->n; i++) {
    const gb_chart *ch = &cs->v[i];
    if (!ch->rendered || ch->group != group || ch->section != sec) continue;
    gb_buf_add(b, "![");
    gb_buf_md(b, ch->title);
    gb_buf_printf(b, "](charts/%s.%s)\n\n", ch->name, ext);
  }
}

/* The warning under the run line when cells were measured under noise (nothing otherwise). */
static void md_noise(const gb_rmodel *m, gb_buf *b) {
  gb_buf noise;
  gb_buf_init(&noise);
  int flagged = gb_rmodel_noise_text(m, &noise);
  if (flagged) {
    gb_buf_printf(b,
                  "\n\n> **Warning: measured under noise.** %d of %d cells were measured while other "
                  "processes or the hypervisor took CPU time, so their figures may be off: ",
                  flagged, m->ncells);
    gb_buf_md(b, noise.s);
    gb_buf_add(b, ". Rerun them on a quiet machine; `gilbench doctor` says what limits measurements here.");
  }
  gb_buf_free(&noise);
}

/* The charts section: each workload's charts, then those of every workload, counters and machine. */
static void md_charts(const gb_rmodel *m, const gb_charts *cs, const char *ext, gb_buf *b) {
  gb_buf_add(b, "## Charts\n\n");
  int any = 0;
  for (int i = 0; i < cs->n; i++)
    any |= cs->v[i].rendered;
  if (!any) gb_buf_add(b, "No charts were drawn (see the report's console output).\n\n");
  for (int g = 0; g < m->ngroups; g++) {
    int has = 0;
    for (int i = 0; i < cs->n; i++)
      has |= cs->v[i].rendered && cs->v[i].group == g;
    if (!has) continue;
    gb_buf_add(b, "### ");
    gb_buf_md(b, m->groups[g].label);
    gb_buf_add(b, "\n\n");
    chart_links(cs, g, GB_SEC_WORKLOAD, ext, b);
  }
  static const struct {
    gb_chart_section sec;
    const char *title;
  } secs[] = {{GB_SEC_OVERVIEW, "All workloads"}, {GB_SEC_COUNTERS, "Counters"}, {GB_SEC_MACHINE, "Machine"}};
  for (size_t k = 0; k < GB_ARRAY_LEN(secs); k++) {
    int has = 0;
    for (int i = 0; i < cs->n; i++)
      has |= cs->v[i].rendered && cs->v[i].section == secs[k].sec;
    if (!has) continue;
    gb_buf_printf(b, "### %s\n\n", secs[k].title);
    chart_links(cs, -1, secs[k].sec, ext, b);
  }
}

/* The failed and skipped cells, with their reasons. */
static void md_failed(const gb_rmodel *m, gb_buf *b) {
  gb_buf_add(b, "## Failed and skipped cells\n\n");
  if (m->nfailed + m->nskipped == 0) {
    gb_buf_add(b, "None.\n\n");
  } else {
    gb_buf_add(b, "| Workload | Strategy | Workers | Status | Reason |\n| --- | --- | ---: | --- | --- |\n");
    for (int i = 0; i < m->ncells; i++) {
      const gb_rcell *c = &m->cells[i];
      if (c->ok) continue;
      gb_buf_add(b, "| ");
      gb_buf_md(b, m->groups[c->group].label);
      gb_buf_add(b, " | ");
      gb_buf_md(b, m->series[c->series].label);
      gb_buf_printf(b, " | %d | %s | ", c->workers, c->status);
      gb_buf_md(b, c->error);
      gb_buf_add(b, " |\n");
    }
    gb_buf_add(b, "\n");
  }
}

void gb_report_md(const gb_rmodel *m, const gb_charts *cs, const char *ext, const gb_buf *findings,
                  gb_buf *b) {
  gb_buf_add(b, "# gilbench report\n\n");
  run_line(m, b);
  md_noise(m, b);
  gb_buf_add(b, "\n\n");
  if (findings && findings->s) gb_buf_add(b, findings->s);
  gb_buf_add(b, "## Verdict\n\nFor each workload, the strategy with the lowest median wall time (lowest p99 "
                "I/O latency for latency workloads) when it is significantly faster than every other "
                "(Mann-Whitney U, p < 0.05, and more than 5% apart, as `gilbench compare` judges), else the "
                "strategies that tie; its speedup over its baseline with a bootstrap 95% interval, and how "
                "close that is to the ideal, which follows the workload's kind: min(workers, PUs) for "
                "CPU-bound work, the overlap limit (serial time over the longest chain of waits one task "
                "makes) for I/O-bound and mixed work. Above 105% of ideal is flagged (⚠) with its likely "
                "cause.\n\n");
  md_verdict(m, b);
  md_implementations(m, b);
  gb_buf_add(b, "\n");
  md_families(m, b);
  md_charts(m, cs, ext, b);
  md_failed(m, b);
  gb_buf_printf(b, "## Reproduce\n\nWith gilbench %s built from commit %s:\n\n```sh\n%s\n```\n",
                gb_jstr(m->meta, GB_KEY_GILBENCH, "?"), gb_jstr(m->meta, GB_KEY_GIT_COMMIT, "?"),
                gb_jstr(m->meta, GB_KEY_COMMAND, "(the command was not recorded)"));
}
