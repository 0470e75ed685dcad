/* report.h: `gilbench report` (charts, HTML, Markdown, CSV of one run) and `gilbench compare`
 * (two runs side by side with significance and environment differences). All views are written
 * from one in-memory model (rmodel.h) and one chart list (charts.h). */
#ifndef GB_REPORT_H
#define GB_REPORT_H

#include "charts.h"
#include "rbuf.h"
#include "rmodel.h"

/* The command line entry points; argv[0] is the command name. They return the exit status
 * (0 ok, 1 a chart failed to render or compare --fail-if-slower tripped, 2 bad usage or input). */
int gb_report_main(int argc, char **argv);
int gb_compare_main(int argc, char **argv);

/* The best cell of a workload group for the verdict (lowest median wall time, or lowest p99
 * latency for a measure=latency workload), or -1 when no cell succeeded. */
int gb_report_best(const gb_rmodel *m, int group);
/* The verdict of a workload group: each series' best cell, and those not significantly slower
 * than the fastest (verdict.h: compare's Mann-Whitney test and 5% threshold). */
enum { GB_VERDICT_MAX = 64 };
typedef struct gb_rverdict {
  int best;                 /* the fastest cell, -1 when no cell succeeded */
  int tied[GB_VERDICT_MAX]; /* cells, the fastest first: one means a significant winner */
  int ntied;
  int by_latency; /* judged by per-repetition p99 latency rather than wall time */
  int few_reps;   /* some tied cell had fewer than 4 repetitions: Mann-Whitney at 3+3
                     cannot reach p < 0.05, so nothing can be told apart */
} gb_rverdict;
void gb_report_verdict(const gb_rmodel *m, int group, gb_rverdict *v);
/* "threads ×2 ≈ openmp ×2 ≈ processes ×2", or the winner's "label ×W" alone. */
void gb_report_verdict_names(const gb_rmodel *m, const gb_rverdict *v, char *buf, size_t len);
/* Which ideal a cell's "of ideal" uses, as short text ("min(workers, PUs) = 2", "overlap 138"). */
void gb_report_ideal_text(const gb_rcell *c, char *buf, size_t len);
/* A cell's samples for the verdict: per-repetition wall_s or p99 latency. Returns the count;
 * *out is malloc'd. */
int gb_rcell_samples(const gb_rcell *c, int by_latency, double **out);

/* What the verdict judged the best cell by, as short text ("11.2 ms wall", "850 µs p99"). */
void gb_report_best_measure(const gb_rmodel *m, int cell, char *buf, size_t len);

/* The families view (families.c): one row per family present in a workload group, in report
 * order (gb_rmodel_families). */
enum { GB_FAMILIES_MAX = 32 };
typedef struct gb_rfamrow {
  const char *family; /* the family's key (rmodel.h) */
  double base;        /* median of its serial baseline at one worker in this group, NAN when absent */
  double cpy;         /* median of cpython-serial in this group (the cross-family reference), or NAN */
  int best;           /* its fastest ok cell (lowest median wall), -1 when none succeeded */
  int ncells;         /* its cells in this group */
} gb_rfamrow;
int gb_report_family_rows(const gb_rmodel *m, int group, gb_rfamrow *out, int max);
/* Whether the run has a family besides the native models (the families view is shown then). */
int gb_report_has_families(const gb_rmodel *m);
/* A family's name for people ("Native models", "CPython", "PyPy", "Jython", "LABEL (another
 * Python)") into buf; returns buf. */
const char *gb_report_family_title(const char *family, char *buf, size_t len);

/* The views. chart_ext: "svg" or "png", what the Markdown links to. */
void gb_report_csv(const gb_rmodel *m, gb_buf *out);
/* findings: the report's opening section (findings.h) already written for that format, or NULL. */
void gb_report_md(const gb_rmodel *m, const gb_charts *cs, const char *chart_ext, const gb_buf *findings,
                  gb_buf *out);
void gb_report_html(const gb_rmodel *m, const gb_charts *cs, const char *gnuplot_note, const gb_buf *findings,
                    gb_buf *out);

/* Shared by the HTML writers of report and compare. */
extern const char gb_html_style[];
/* The page skeleton (head with the style and the Content-Security-Policy, header, footer); all
 * arguments are HTML already escaped. */
void gb_html_page(gb_buf *out, const char *title, const char *h1, const char *runline, const char *nav,
                  const char *body, const char *footer);
/* Append a chart's SVG (read from dir/NAME.svg) for inlining: XML prolog dropped, ids prefixed
 * with prefix so several SVGs can share one page. 0, or -1 when the file is unreadable. */
int gb_html_inline_svg(gb_buf *out, const char *dir, const char *name, const char *prefix, const char *title);

#endif
