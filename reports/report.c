/* report.c: `gilbench report RESULTS [-o DIR] [--formats html,md,csv,svg,png]`: load a results file,
 * build the model, draw the charts, write the views. Default output: a report/ folder beside the
 * results file. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>

#include "findings.h"
#include "gb.h"
#include "report.h"
#include "results.h"
#include "verdict.h"

static int gb__mkdirs(const char *path) {
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

enum { GB_FMT_HTML = 1, GB_FMT_MD = 2, GB_FMT_CSV = 4, GB_FMT_SVG = 8, GB_FMT_PNG = 16 };

static int gb__parse_formats(const char *text, int *out) {
  static const struct {
    const char *name;
    int bit;
  } names[] = {{"html", GB_FMT_HTML},
               {"md", GB_FMT_MD},
               {"csv", GB_FMT_CSV},
               {"svg", GB_FMT_SVG},
               {"png", GB_FMT_PNG}};
  char *dup = gb_xstrdup(text), *save = NULL;
  *out = 0;
  int rc = 0;
  for (char *t = strtok_r(dup, ", ", &save); t; t = strtok_r(NULL, ", ", &save)) {
    size_t k = 0;
    while (k < GB_ARRAY_LEN(names) && strcmp(names[k].name, t) != 0)
      k++;
    if (k == GB_ARRAY_LEN(names)) {
      fprintf(stderr, "gilbench report: --formats: unknown format '%s' (html, md, csv, svg, png)\n", t);
      rc = -1;
      break;
    }
    *out |= names[k].bit;
  }
  free(dup);
  if (rc == 0 && *out == 0) {
    fprintf(stderr, "gilbench report: --formats: no format given (html, md, csv, svg, png)\n");
    rc = -1;
  }
  return rc;
}

static int gb__write(const gb_buf *b, const char *dir, const char *file) {
  char path[PATH_MAX + 64];
  snprintf(path, sizeof path, "%s/%s", dir, file);
  int rc = gb_buf_write_file(b, path);
  if (rc != 0) {
    fprintf(stderr, "gilbench report: %s: write failed: %s\n", path, strerror(-rc));
    return -1;
  }
  printf("  %s\n", path);
  return 0;
}

static void gb__usage(FILE *out) {
  fprintf(out, "usage: gilbench report RESULTS [-o DIR] [--formats html,md,csv,svg,png] [--rules FILE|none]\n"
               "  RESULTS   a results.json or the folder holding it\n"
               "  -o DIR    where to write (default: a report/ folder beside the results)\n"
               "  --formats what to write (default html,md,csv,svg); charts need gnuplot 5.x\n"
               "  --rules   the findings rules the report opens with (default: the shipped findings.ini)\n");
}

/* The findings section in Markdown and HTML (findings.h). 0, or 2 when a named rules file is bad;
 * the shipped rules missing only leave the section out, with a note. */
static int gb__findings(const gb_rmodel *m, const char *rules, gb_buf *md, gb_buf *html) {
  if (rules && !strcmp(rules, "none")) return 0;
  char path[PATH_MAX], err[2048];
  if (gb_findings_resolve(rules, path, sizeof path) != 0) {
    fprintf(stderr, "gilbench report: no findings section: %s\n", path);
    return rules ? 2 : 0;
  }
  gb_frules r;
  if (gb_findings_load(path, &r, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench report: %s\n", err);
    return 2;
  }
  gb_finding *f = gb_xcalloc((size_t)r.nrules, sizeof *f);
  gb_findings_eval(&r, m, f);
  gb_findings_md(&r, m, f, md);
  gb_findings_html(&r, m, f, html);
  free(f);
  gb_findings_free(&r);
  return 0;
}

int gb_report_main(int argc, char **argv) {
  static const struct option lo[] = {{"formats", required_argument, 0, 'F'},
                                     {"rules", required_argument, 0, 'R'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  const char *outdir = NULL, *rules = NULL;
  int formats = GB_FMT_HTML | GB_FMT_MD | GB_FMT_CSV | GB_FMT_SVG, explicit_formats = 0, c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
    switch (c) {
    case 'o': outdir = optarg; break;
    case 'F':
      if (gb__parse_formats(optarg, &formats) != 0) return 2;
      explicit_formats = 1;
      break;
    case 'R': rules = optarg; break;
    case 'h': gb__usage(stdout); return 0;
    default: gb__usage(stderr); return 2;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, optind >= argc ? "gilbench report: which results file or folder?\n"
                                   : "gilbench report: one results file or folder, please\n");
    gb__usage(stderr);
    return 2;
  }
  const char *input = argv[optind];
  json_t *root;
  char err[2048];
  if (gb_results_load(input, &root, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench report: %s\n", err);
    return 2;
  }
  gb_rmodel m;
  gb_rmodel_build(&m, root, input);
  json_decref(root);
  gb_buf fmd, fhtml;
  gb_buf_init(&fmd);
  gb_buf_init(&fhtml);
  if (gb__findings(&m, rules, &fmd, &fhtml) != 0) {
    gb_buf_free(&fmd);
    gb_buf_free(&fhtml);
    gb_rmodel_free(&m);
    return 2;
  }
  char dir[PATH_MAX], charts[PATH_MAX];
  if ((outdir ? gb_pathf(dir, sizeof dir, "%s", outdir) : gb_pathf(dir, sizeof dir, "%s/report", m.dir)) !=
          0 ||
      gb_pathf(charts, sizeof charts, "%s/charts", dir) != 0) {
    fprintf(stderr, "gilbench report: output path too long\n");
    gb_buf_free(&fmd);
    gb_buf_free(&fhtml);
    gb_rmodel_free(&m);
    return 2;
  }
  int need_charts = formats & (GB_FMT_HTML | GB_FMT_MD | GB_FMT_SVG | GB_FMT_PNG);
  if (gb__mkdirs(need_charts ? charts : dir) != 0) {
    fprintf(stderr, "gilbench report: cannot create %s: %s\n", need_charts ? charts : dir, strerror(errno));
    gb_buf_free(&fmd);
    gb_buf_free(&fhtml);
    gb_rmodel_free(&m);
    return 2;
  }
  int status = 0;
  gb_gnuplot gp;
  gb_charts cs;
  memset(&cs, 0, sizeof cs);
  cs.m = &m;
  cs.png = (formats & GB_FMT_PNG) != 0;
  cs.gp = &gp;
  gb_pathf(cs.dir, sizeof cs.dir, "%s", charts);
  memset(&gp, 0, sizeof gp);
  if (need_charts) {
    gb_gnuplot_find(&gp);
    if (!gp.ok) {
      fprintf(stderr, "gilbench report: no charts: %s. The chart scripts and data are still written to %s.\n",
              gp.why, charts);
      if (explicit_formats && (formats & (GB_FMT_SVG | GB_FMT_PNG))) status = 1;
    }
    gb_charts_build(&cs);
    if (cs.failures) status = 1;
    if (cs.write_failures) status = GB_EXIT_WRITE;
  }
  printf("report of %s:\n", m.path);
  gb_buf b;
  gb_buf_init(&b);
  if (formats & GB_FMT_CSV) {
    gb_report_csv(&m, &b);
    if (gb__write(&b, dir, "results.csv") != 0) status = GB_EXIT_WRITE;
    gb_buf_reset(&b);
  }
  if (formats & GB_FMT_MD) {
    gb_report_md(&m, &cs, (formats & GB_FMT_PNG) && !(formats & GB_FMT_SVG) ? "png" : "svg", &fmd, &b);
    if (gb__write(&b, dir, "report.md") != 0) status = GB_EXIT_WRITE;
    gb_buf_reset(&b);
  }
  if (need_charts) {
    int drawn = 0;
    for (int i = 0; i < cs.n; i++)
      drawn += cs.v[i].rendered;
    printf("  %s/ (%d chart%s%s, each with its .gp script and .dat data)\n", charts, drawn,
           drawn == 1 ? "" : "s", gp.ok ? "" : "; none rendered: gnuplot missing");
  }
  if (formats & GB_FMT_HTML) {
    gb_report_html(&m, &cs, gp.ok ? NULL : gp.why, &fhtml, &b);
    if (gb__write(&b, dir, "report.html") != 0) status = GB_EXIT_WRITE;
    gb_buf_reset(&b);
  }
  gb_buf_free(&b);
  gb_buf_free(&fmd);
  gb_buf_free(&fhtml);
  gb_charts_free(&cs);
  gb_rmodel_free(&m);
  return status;
}
