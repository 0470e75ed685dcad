/* writer.c: the table of writers over the report model. `report` writes those with a file name,
 * `export` any by name, `show` the console one; adding an output is one function and one row. */
#include <string.h>

#include "gb.h"
#include "report.h"

static void gb__md(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out) {
  gb_report_md(m, ctx->charts, ctx->chart_ext ? ctx->chart_ext : "svg", ctx->findings, out);
}

static void gb__html(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out) {
  gb_report_html(m, ctx->charts, ctx->gnuplot_note, ctx->findings, out);
}

static void gb__csv(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out) {
  gb_report_csv(m, out);
}

static const gb_writer gb__writers[] = {
    {"console", NULL, "the console table `show` prints", gb_report_console},
    {"csv", "results.csv", "one row per cell and repetition (RFC 4180)", gb__csv},
    {"md", "report.md", "the Markdown report", gb__md},
    {"html", "report.html", "the self-contained HTML report", gb__html},
    {"gbench", NULL, "Google Benchmark's JSON (its compare.py and dashboards read it)", gb_report_gbench},
    {"jsonl", NULL, "JSON lines, one object per cell and repetition", gb_report_jsonl},
};

const gb_writer *gb_writer_find(const char *name) {
  for (size_t i = 0; i < GB_ARRAY_LEN(gb__writers); i++)
    if (strcmp(gb__writers[i].name, name) == 0) return &gb__writers[i];
  return NULL;
}

const char *gb_writer_names(void) {
  static char names[256];
  if (!names[0])
    for (size_t i = 0; i < GB_ARRAY_LEN(gb__writers); i++)
      snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
               gb__writers[i].name);
  return names;
}
