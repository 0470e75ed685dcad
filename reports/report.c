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

/* The report's options. */
typedef struct gb__ropts {
  const char *outdir, *rules, *input;
  int formats, explicit_formats;
} gb__ropts;

/* Parse the command line into o. 0, 1 for --help (done), or 2. */
static int gb__report_args(int argc, char **argv, gb__ropts *o) {
  static const struct option lo[] = {{"formats", required_argument, 0, 'F'},
                                     {"rules", required_argument, 0, 'R'},
                                     {"help", no_argument, 0, 'h'},
                                     {0, 0, 0, 0}};
  int c;
  memset(o, 0, sizeof *o);
  o->formats = GB_FMT_HTML | GB_FMT_MD | GB_FMT_CSV | GB_FMT_SVG;
  optind = 1;
  while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
    switch (c) {
    case 'o': o->outdir = optarg; break;
    case 'F':
      if (gb__parse_formats(optarg, &o->formats) != 0) return 2;
      o->explicit_formats = 1;
      break;
    case 'R': o->rules = optarg; break;
    case 'h': gb__usage(stdout); return 1;
    default: gb__usage(stderr); return 2;
    }
  }
  if (optind != argc - 1) {
    fprintf(stderr, optind >= argc ? "gilbench report: which results file or folder?\n"
                                   : "gilbench report: one results file or folder, please\n");
    gb__usage(stderr);
    return 2;
  }
  o->input = argv[optind];
  return 0;
}

/* Find gnuplot and draw every chart into cs. The exit status so far (0, 1, GB_EXIT_WRITE). */
static int gb__report_charts(const gb__ropts *o, gb_gnuplot *gp, gb_charts *cs) {
  int status = 0;
  gb_gnuplot_find(gp);
  if (!gp->ok) {
    fprintf(stderr, "gilbench report: no charts: %s. The chart scripts and data are still written to %s.\n",
            gp->why, cs->dir);
    if (o->explicit_formats && (o->formats & (GB_FMT_SVG | GB_FMT_PNG))) status = 1;
  }
  gb_charts_build(cs);
  if (cs->failures) status = 1;
  if (cs->write_failures) status = GB_EXIT_WRITE;
  return status;
}

/* Run one writer of the table (writer.c) into dir/its file. 0 or GB_EXIT_WRITE. */
static int gb__report_view(const gb_rmodel *m, const char *name, const gb_writer_ctx *ctx, const char *dir) {
  const gb_writer *w = gb_writer_find(name);
  gb_buf b;
  gb_buf_init(&b);
  w->write(m, ctx, &b);
  int rc = gb__write(&b, dir, w->file);
  gb_buf_free(&b);
  return rc != 0 ? GB_EXIT_WRITE : 0;
}

/* The views the formats ask for, in the order they are listed. The exit status so far. */
static int gb__report_views(const gb_rmodel *m, const gb__ropts *o, const gb_charts *cs, const gb_gnuplot *gp,
                            const gb_buf *fmd, const gb_buf *fhtml, const char *dir) {
  int status = 0, need_charts = o->formats & (GB_FMT_HTML | GB_FMT_MD | GB_FMT_SVG | GB_FMT_PNG);
  gb_writer_ctx md = {cs, (o->formats & GB_FMT_PNG) && !(o->formats & GB_FMT_SVG) ? "png" : "svg", NULL, fmd};
  gb_writer_ctx html = {cs, NULL, gp->ok ? NULL : gp->why, fhtml};
  if ((o->formats & GB_FMT_CSV) && gb__report_view(m, "csv", &md, dir) != 0) status = GB_EXIT_WRITE;
  if ((o->formats & GB_FMT_MD) && gb__report_view(m, "md", &md, dir) != 0) status = GB_EXIT_WRITE;
  if (need_charts) {
    int drawn = 0;
    for (int i = 0; i < cs->n; i++)
      drawn += cs->v[i].rendered;
    printf("  %s/ (%d chart%s%s, each with its .gp script and .dat data)\n", cs->dir, drawn,
           drawn == 1 ? "" : "s", gp->ok ? "" : "; none rendered: gnuplot missing");
  }
  if ((o->formats & GB_FMT_HTML) && gb__report_view(m, "html", &html, dir) != 0) status = GB_EXIT_WRITE;
  return status;
}

/* Where the report goes (dir) and its charts (charts); created. 0 or 2 after saying why. */
static int gb__report_dirs(const gb__ropts *o, const gb_rmodel *m, char *dir, char *charts) {
  if ((o->outdir ? gb_pathf(dir, PATH_MAX, "%s", o->outdir) : gb_pathf(dir, PATH_MAX, "%s/report", m->dir)) !=
          0 ||
      gb_pathf(charts, PATH_MAX, "%s/charts", dir) != 0) {
    fprintf(stderr, "gilbench report: output path too long\n");
    return 2;
  }
  int need_charts = o->formats & (GB_FMT_HTML | GB_FMT_MD | GB_FMT_SVG | GB_FMT_PNG);
  if (gb__mkdirs(need_charts ? charts : dir) != 0) {
    fprintf(stderr, "gilbench report: cannot create %s: %s\n", need_charts ? charts : dir, strerror(errno));
    return 2;
  }
  return 0;
}

/* The report of one loaded model into its folder. Returns the exit status. */
static int gb__report(const gb_rmodel *m, const gb__ropts *o, const gb_buf *fmd, const gb_buf *fhtml) {
  char dir[PATH_MAX], charts[PATH_MAX];
  if (gb__report_dirs(o, m, dir, charts) != 0) return 2;
  int status = 0;
  gb_gnuplot gp;
  gb_charts cs;
  memset(&cs, 0, sizeof cs);
  memset(&gp, 0, sizeof gp);
  cs.m = m;
  cs.png = (o->formats & GB_FMT_PNG) != 0;
  cs.gp = &gp;
  gb_pathf(cs.dir, sizeof cs.dir, "%s", charts);
  if (o->formats & (GB_FMT_HTML | GB_FMT_MD | GB_FMT_SVG | GB_FMT_PNG))
    status = gb__report_charts(o, &gp, &cs);
  printf("report of %s:\n", m->path);
  int vs = gb__report_views(m, o, &cs, &gp, fmd, fhtml, dir);
  if (vs) status = vs;
  gb_charts_free(&cs);
  return status;
}

int gb_report_main(int argc, char **argv) {
  gb__ropts o;
  int rc = gb__report_args(argc, argv, &o);
  if (rc != 0) return rc == 1 ? 0 : rc;
  json_t *root;
  char err[2048];
  if (gb_results_load(o.input, &root, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench report: %s\n", err);
    return 2;
  }
  gb_rmodel m;
  gb_rmodel_build(&m, root, o.input);
  json_decref(root);
  gb_buf fmd, fhtml;
  gb_buf_init(&fmd);
  gb_buf_init(&fhtml);
  int status = gb__findings(&m, o.rules, &fmd, &fhtml);
  if (status == 0) status = gb__report(&m, &o, &fmd, &fhtml);
  gb_buf_free(&fmd);
  gb_buf_free(&fhtml);
  gb_rmodel_free(&m);
  return status;
}
