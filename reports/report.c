/* report.c: `gilbench report`'s body (its options read by the command layer, harness/cli): load a
 * results file, build the model, draw the charts, write the views. Default output: a report/
 * folder beside the results file. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "findings.h"
#include "gb.h"
#include "report.h"
#include "results.h"
#include "verdict.h"

static int mkdirs(const char *path) {
  char p[PATH_MAX];
  if (gb_pathf(p, sizeof p, "%s", path) != 0) return -ENAMETOOLONG;
  for (char *s = p + 1; *s; s++) {
    if (*s != '/') continue;
    *s = '\0';
    if (mkdir(p, 0777) != 0 && errno != EEXIST) return -errno;
    *s = '/';
  }
  if (mkdir(p, 0777) != 0 && errno != EEXIST) return -errno;
  return 0;
}

int gb_report_format(const char *name) {
  static const struct {
    const char *name;
    int bit;
  } names[] = {{"html", GB_REPORT_HTML},
               {"md", GB_REPORT_MD},
               {"csv", GB_REPORT_CSV},
               {"svg", GB_REPORT_SVG},
               {"png", GB_REPORT_PNG}};
  for (size_t k = 0; k < GB_ARRAY_LEN(names); k++)
    if (strcmp(names[k].name, name) == 0) return names[k].bit;
  return 0;
}

/* A failed write, added to err ("; "-separated when several files failed). GB_EIO. */
static int write_failed(const char *path, int rc, char *err, size_t errlen) {
  size_t n = strlen(err);
  if (n + 2 < errlen)
    snprintf(err + n, errlen - n, "%s%s: write failed: %s", n ? "; " : "", path, strerror(-rc));
  return GB_EIO;
}

/* Write one view's text into the file dir/file and name it on standard output. 0, or GB_EIO with
 * the failure added to err. */
static int write_view_file(const gb_buf *b, const char *dir, const char *file, char *err, size_t errlen) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  int rc = gb_buf_write_file(b, path);
  if (rc != 0) return write_failed(path, rc, err, errlen);
  printf("  %s\n", path);
  return 0;
}

/* The findings section in Markdown and HTML (findings.h). 0, or GB_EINVAL when a named rules file
 * is bad; the shipped rules missing only leave the section out, with a note. */
static int report_findings(const gb_rmodel *m, const char *rules, gb_buf *md, gb_buf *html, gb_buf *notes,
                           char *err, size_t errlen) {
  if (rules && !strcmp(rules, "none")) return 0;
  char path[PATH_MAX];
  if (gb_findings_resolve(rules, path, sizeof path) != 0) {
    if (rules) return gb_err(err, errlen, GB_EINVAL, "no findings section: %s", path);
    gb_buf_printf(notes, "no findings section: %s\n", path);
    return 0;
  }
  gb_frules r;
  int rc = gb_findings_load(path, &r, err, errlen);
  if (rc != 0) return rc;
  gb_finding *f = gb_xcalloc((size_t)r.nrules, sizeof *f);
  gb_findings_eval(&r, m, f);
  gb_findings_md(&r, m, f, md);
  gb_findings_html(&r, m, f, html);
  free(f);
  gb_findings_free(&r);
  return 0;
}

/* Find gnuplot and draw every chart into cs. 0, or GB_EIO when a chart's files could not be
 * written (err); res->chart_failed when a chart failed to render. */
static int report_charts(const gb_report_opts *o, gb_gnuplot *gp, gb_charts *cs, gb_report_outcome *res,
                         char *err, size_t errlen) {
  gb_gnuplot_find(gp);
  if (!gp->ok) {
    gb_buf_printf(&res->notes, "no charts: %s. The chart scripts and data are still written to %s.\n",
                  gp->why, cs->dir);
    if (o->explicit_formats && (o->formats & (GB_REPORT_SVG | GB_REPORT_PNG))) res->chart_failed = 1;
  }
  gb_charts_build(cs);
  if (cs->failures) res->chart_failed = 1;
  if (cs->write_failures)
    return gb_err(err, errlen, GB_EIO, "%s: %d chart file%s could not be written", cs->dir,
                  cs->write_failures, cs->write_failures == 1 ? "" : "s");
  return 0;
}

/* Run one writer of the table (writer.c) into dir/its file. 0, or GB_EIO with err. */
static int report_view(const gb_rmodel *m, const char *name, const gb_writer_ctx *ctx, const char *dir,
                       char *err, size_t errlen) {
  const gb_writer *w = gb_writer_find(name);
  gb_buf b;
  gb_buf_init(&b);
  w->write(m, ctx, &b);
  int rc = write_view_file(&b, dir, w->file, err, errlen);
  gb_buf_free(&b);
  return rc;
}

/* The views the formats ask for, in the order they are listed. 0, or GB_EIO with every failed
 * file in err (the others are still written). */
static int report_views(const gb_rmodel *m, const gb_report_opts *o, const gb_charts *cs,
                        const gb_gnuplot *gp, const gb_buf *fmd, const gb_buf *fhtml, const char *dir,
                        char *err, size_t errlen) {
  int rc = 0, need_charts = o->formats & (GB_REPORT_HTML | GB_REPORT_MD | GB_REPORT_SVG | GB_REPORT_PNG);
  gb_writer_ctx md = {cs, (o->formats & GB_REPORT_PNG) && !(o->formats & GB_REPORT_SVG) ? "png" : "svg", NULL,
                      fmd};
  gb_writer_ctx html = {cs, NULL, gp->ok ? NULL : gp->why, fhtml};
  if ((o->formats & GB_REPORT_CSV) && report_view(m, "csv", &md, dir, err, errlen) != 0) rc = GB_EIO;
  if ((o->formats & GB_REPORT_MD) && report_view(m, "md", &md, dir, err, errlen) != 0) rc = GB_EIO;
  if (need_charts) {
    int drawn = 0;
    for (int i = 0; i < cs->n; i++)
      drawn += cs->v[i].rendered;
    printf("  %s/ (%d chart%s%s, each with its .gp script and .dat data)\n", cs->dir, drawn,
           drawn == 1 ? "" : "s", gp->ok ? "" : "; none rendered: gnuplot missing");
  }
  if ((o->formats & GB_REPORT_HTML) && report_view(m, "html", &html, dir, err, errlen) != 0) rc = GB_EIO;
  return rc;
}

/* Where the report goes (dir) and its charts (charts); created. 0, or a negative code with err. */
static int report_dirs(const gb_report_opts *o, const gb_rmodel *m, char *dir, char *charts, char *err,
                       size_t errlen) {
  if ((o->outdir ? gb_pathf(dir, PATH_MAX, "%s", o->outdir) : gb_pathf(dir, PATH_MAX, "%s/report", m->dir)) !=
          0 ||
      gb_pathf(charts, PATH_MAX, "%s/charts", dir) != 0)
    return gb_err(err, errlen, GB_EINVAL, "output path too long");
  int need_charts = o->formats & (GB_REPORT_HTML | GB_REPORT_MD | GB_REPORT_SVG | GB_REPORT_PNG);
  int rc = mkdirs(need_charts ? charts : dir);
  if (rc != 0) /* refused before anything is written: bad input (exit 2), as a bad -o is */
    return gb_err(err, errlen, GB_EINVAL, "cannot create %s: %s", need_charts ? charts : dir, strerror(-rc));
  return 0;
}

/* The whole report of one loaded model into its folder: charts, then each view. 0, or a negative
 * code with err. */
static int write_report_folder(const gb_rmodel *m, const gb_report_opts *o, const gb_buf *fmd,
                               const gb_buf *fhtml, gb_report_outcome *res, char *err, size_t errlen) {
  char dir[PATH_MAX], charts[PATH_MAX];
  int rc = report_dirs(o, m, dir, charts, err, errlen);
  if (rc != 0) return rc;
  gb_gnuplot gp;
  gb_charts cs;
  memset(&cs, 0, sizeof cs);
  memset(&gp, 0, sizeof gp);
  cs.m = m;
  cs.png = (o->formats & GB_REPORT_PNG) != 0;
  cs.gp = &gp;
  gb_pathf(cs.dir, sizeof cs.dir, "%s", charts);
  if (o->formats & (GB_REPORT_HTML | GB_REPORT_MD | GB_REPORT_SVG | GB_REPORT_PNG))
    rc = report_charts(o, &gp, &cs, res, err, errlen);
  printf("report of %s:\n", m->path);
  if (report_views(m, o, &cs, &gp, fmd, fhtml, dir, err, errlen) != 0) rc = GB_EIO;
  gb_charts_free(&cs);
  return rc;
}

int gb_report_make(const gb_report_opts *o, gb_report_outcome *res, char *err, size_t errlen) {
  memset(res, 0, sizeof *res);
  gb_buf_init(&res->notes);
  err[0] = '\0';
  json_t *root;
  int rc = gb_results_load(o->input, &root, err, errlen);
  if (rc != 0) return rc;
  gb_rmodel m;
  gb_rmodel_build(&m, root, o->input);
  json_decref(root);
  gb_buf fmd, fhtml;
  gb_buf_init(&fmd);
  gb_buf_init(&fhtml);
  rc = report_findings(&m, o->rules, &fmd, &fhtml, &res->notes, err, errlen);
  if (rc == 0) {
    err[0] = '\0'; /* write failures are added to it, each */
    rc = write_report_folder(&m, o, &fmd, &fhtml, res, err, errlen);
  }
  gb_buf_free(&fmd);
  gb_buf_free(&fhtml);
  gb_rmodel_free(&m);
  return rc;
}
