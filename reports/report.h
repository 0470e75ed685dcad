/* report.h: `gilbench report` (charts, HTML, Markdown, CSV of one run) and `gilbench compare`
 * (two runs side by side with significance and environment differences). All views are written
 * from one in-memory model (rmodel.h) and one chart list (charts.h). */
#ifndef GB_REPORT_H
#define GB_REPORT_H

#include <stdint.h>

#include "charts.h"
#include "rbuf.h"
#include "rmodel.h"
#include "rverdict.h"

/* ---- the commands' bodies: the command layer (harness/cli) reads their options through the key
 * table into these structs and turns the codes and outcomes into exit statuses ---- */

/* `gilbench report`'s formats (--formats), a mask. */
enum { GB_REPORT_HTML = 1, GB_REPORT_MD = 2, GB_REPORT_CSV = 4, GB_REPORT_SVG = 8, GB_REPORT_PNG = 16 };
/* The format named name (html, md, csv, svg, png), or 0. */
int gb_report_format(const char *name);
typedef struct gb_report_opts {
  const char *input;    /* a results.json or the folder holding it */
  const char *outdir;   /* -o DIR; NULL: a report/ folder beside the results */
  const char *rules;    /* --rules FILE, "none"; NULL: the shipped findings rules */
  int formats;          /* GB_REPORT_* */
  int explicit_formats; /* --formats was given: charts it asks for that cannot be drawn fail the report */
} gb_report_opts;
/* What a report or a comparison did besides its files and its error. */
typedef struct gb_report_outcome {
  gb_buf notes;     /* warnings, one a line ("no charts: ..."), for the command to print; the caller frees */
  int chart_failed; /* report: a chart failed to render, or --formats asked for charts gnuplot cannot draw */
  int nslower;      /* compare: cells significantly slower in B */
} gb_report_outcome;
/* Write the report of o->input (naming each file on standard output). 0; GB_EINVAL with err when
 * the input, the rules or the output folder is refused (nothing written); GB_EIO with err naming
 * every file that could not be written (the others are). res is set up by the call either way. */
int gb_report_make(const gb_report_opts *o, gb_report_outcome *res, char *err, size_t errlen);

typedef struct gb_compare_opts {
  const char *in[2];  /* A and B: results files or their folders (B is compared against A) */
  const char *outdir; /* -o DIR; NULL: a compare/ folder beside B */
  double threshold;   /* smallest change reported as a difference (0.05) */
  uint64_t seed;      /* bootstrap seed */
} gb_compare_opts;
/* Compare two runs: the console view on standard output, compare.md and compare.html (and its
 * chart) in the output folder; res->nslower cells significantly slower in B. 0; GB_EINVAL with err
 * for an input refused, an output folder that cannot be made or two runs without a cell in common;
 * GB_EIO with err when a file could not be written. */
int gb_compare_make(const gb_compare_opts *o, gb_report_outcome *res, char *err, size_t errlen);

/* ---- writers: every output is a function over the model (docs/ARCHITECTURE.md "Writers") ----
 * A writer gets the model, what the run of writers shares (charts already drawn, the findings
 * section in its format), and a buffer it appends its whole output to; the caller decides where
 * the text goes (a file, standard output). Each is registered once in writer.c's table. */
typedef struct gb_writer_ctx {
  const gb_charts *charts;  /* drawn charts, or NULL (the writer then links none) */
  const char *chart_ext;    /* "svg" or "png": what the Markdown links to */
  const char *gnuplot_note; /* why no chart was rendered, or NULL */
  const gb_buf *findings;   /* the findings section in the writer's format, or NULL */
} gb_writer_ctx;
typedef void (*gb_writer_fn)(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out);
typedef struct gb_writer {
  const char *name; /* as `report --formats` and `export --format` name it */
  const char *file; /* the file `report` writes it to, NULL when only `export` or `show` writes it */
  const char *help; /* one line for usage texts */
  gb_writer_fn write;
} gb_writer;
/* The writer named name, or NULL. */
const gb_writer *gb_writer_find(const char *name);
/* Every writer's name, ", "-separated, for messages. */
const char *gb_writer_names(void);

/* The console writer (`gilbench show`, the end of a run): the table, the judgement, counters and
 * metrics, I/O latency and what was not ok. ctx may be NULL. */
void gb_report_console(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out);
/* The console's last word on noise: a note naming the cells that ran oversubscribed (more MPI
 * ranks than PUs; the reason once, grouped as warn.h does), a note naming cells whose wall time
 * varies by more than 5% (cv), then a warning naming every flagged cell and its reasons. Writes
 * nothing when no cell is any of these; returns how many cells are flagged. */
int gb_report_console_noise(const gb_rmodel *m, gb_buf *out);
/* Google Benchmark's JSON (export.c): one benchmark per cell and repetition, then the mean,
 * median and stddev aggregates, and a context from the run's machine metadata. */
void gb_report_gbench(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out);
/* JSON lines (export.c): one object per cell and repetition, as the CSV's rows. */
void gb_report_jsonl(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out);
/* `gilbench export RESULTS --format gbench|csv|jsonl [-o FILE]`: whether name is a format export
 * writes (gbench, csv, jsonl). */
int gb_export_format_ok(const char *name);
/* Export input with the writer named format (gb_export_format_ok) to path, or standard output when
 * path is NULL. 0; GB_EINVAL with err when the input is refused; GB_EIO with err when the write
 * failed. Notes (cells left out) go into notes, one a line. */
int gb_export_write(const char *input, const char *format, const char *path, gb_buf *notes, char *err,
                    size_t errlen);

/* `gilbench show`: load a results file (or folder) and write the console view, the table on out
 * and the noise on noise_out (either may be NULL). 0, or GB_EINVAL with err naming the file. */
int gb_report_show(const char *path, FILE *out, FILE *noise_out, char *err, size_t errlen);

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
