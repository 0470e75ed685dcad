/* report.h: `gilbench report` (charts, HTML, Markdown, CSV of one run) and `gilbench compare`
 * (two runs side by side with significance and environment differences). All views are written
 * from one in-memory model (rmodel.h) and one chart list (charts.h). */
#ifndef GB_REPORT_H
#define GB_REPORT_H

#include "charts.h"
#include "rbuf.h"
#include "rmodel.h"
#include "rverdict.h"

/* The command line entry points; argv[0] is the command name. They return the exit status
 * (0 ok, 1 a chart failed to render or compare --fail-if-slower tripped, 2 bad usage or input). */
int gb_report_main(int argc, char **argv);
int gb_compare_main(int argc, char **argv);

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
