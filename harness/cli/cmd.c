/* cmd.c: the command layer's shared parts (cmd.h) and the commands over the reports and the
 * doctor: each reads its options through the key table into its layer's options struct, calls
 * the body there, prints what it says went wrong and turns its code and outcome into the exit
 * status (docs/ARCHITECTURE.md "Command line and exit status"). */
#include "cmd.h"

#include <limits.h>
#include <stdarg.h>
#include <string.h>

#include "doctor.h"
#include "findings.h"
#include "gb.h"
#include "report.h"

int gb_cmd_usage(const char *command, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "gilbench %s: ", command);
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  gb_keys_synopsis(command, stderr);
  return 2;
}

int gb_cmd_parse(const char *command, int argc, char **argv, gb_keys_store_fn store, void *ctx, int *first) {
  char err[1536];
  gb_keys_args a = {.command = command, .store = store, .ctx = ctx};
  *first = argc;
  if (gb_keys_parse_argv(&a, argc, argv, err, sizeof err) != 0) return gb_cmd_usage(command, "%s", err);
  *first = a.first;
  return 0;
}

int gb_cmd_fail(const char *command, int code, const char *err) {
  if (code == 0) return 0;
  fprintf(stderr, "gilbench %s: %s\n", command, err);
  return code == GB_EIO ? GB_EXIT_WRITE : 2;
}

int gb_cmd_store_flag(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                      size_t msglen) {
  (void)k, (void)v, (void)text, (void)msg, (void)msglen;
  *(int *)ctx = 1;
  return 0;
}

/* Print a body's notes, one a line, as the command's. */
static void print_notes(const char *command, const gb_buf *notes) {
  for (const char *s = notes->s; *s;) {
    size_t n = strcspn(s, "\n");
    fprintf(stderr, "gilbench %s: %.*s\n", command, (int)n, s);
    s += n + (s[n] == '\n');
  }
}

/* ---- report ---- */

static int store_report(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                        size_t msglen) {
  gb_report_opts *o = ctx;
  if (k->id == GB_K_OUTPUT) {
    o->outdir = text;
  } else if (strcmp(k->flag, "rules") == 0) {
    o->rules = text;
  } else { /* --formats */
    o->formats = 0;
    o->explicit_formats = 1;
    for (int i = 0; i < v->nitems; i++) {
      int bit = gb_report_format(v->items[i]);
      if (!bit) {
        snprintf(msg, msglen, "unknown format '%s' (html, md, csv, svg, png)", v->items[i]);
        return -1;
      }
      o->formats |= bit;
    }
  }
  return 0;
}

int gb_cmd_report(int argc, char **argv) {
  gb_report_opts o = {.formats = GB_REPORT_HTML | GB_REPORT_MD | GB_REPORT_CSV | GB_REPORT_SVG};
  int first;
  if (gb_cmd_parse("report", argc, argv, store_report, &o, &first) != 0) return 2;
  if (first != argc - 1)
    return gb_cmd_usage("report", first >= argc ? "which results file or folder?"
                                                : "one results file or folder, please");
  o.input = argv[first];
  gb_report_outcome res;
  char err[4096];
  int rc = gb_report_make(&o, &res, err, sizeof err);
  print_notes("report", &res.notes);
  gb_buf_free(&res.notes);
  if (rc != 0) return gb_cmd_fail("report", rc, err);
  return res.chart_failed ? 1 : 0; /* a chart asked for and not drawn */
}

/* ---- compare ---- */

typedef struct compare_cli {
  gb_compare_opts o;
  int fail_if_slower; /* --fail-if-slower: exit 1 when a cell is significantly slower in B */
} compare_cli;

static int store_compare(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                         size_t msglen) {
  compare_cli *c = ctx;
  (void)msg, (void)msglen;
  if (k->id == GB_K_OUTPUT)
    c->o.outdir = text;
  else if (k->id == GB_K_SEED)
    c->o.seed = (uint64_t)v->i;
  else if (k->type == GB_KT_FRACTION) /* --threshold */
    c->o.threshold = v->d;
  else /* --fail-if-slower */
    c->fail_if_slower = 1;
  return 0;
}

int gb_cmd_compare(int argc, char **argv) {
  compare_cli c = {.o = {.threshold = 0.05, .seed = 1}};
  int first;
  if (gb_cmd_parse("compare", argc, argv, store_compare, &c, &first) != 0) return 2;
  if (argc - first != 2) return gb_cmd_usage("compare", "expected two results files or folders, A and B");
  c.o.in[0] = argv[first];
  c.o.in[1] = argv[first + 1];
  gb_report_outcome res;
  char err[4096];
  int rc = gb_compare_make(&c.o, &res, err, sizeof err);
  print_notes("compare", &res.notes);
  gb_buf_free(&res.notes);
  if (rc != 0) return gb_cmd_fail("compare", rc, err);
  if (c.fail_if_slower && res.nslower > 0) {
    fprintf(stderr, "gilbench compare: %d cell%s significantly slower in B (--fail-if-slower)\n", res.nslower,
            res.nslower == 1 ? "" : "s");
    return 1;
  }
  return 0;
}

/* ---- export ---- */

typedef struct export_cli {
  const char *format, *path; /* --format, -o (NULL: standard output) */
} export_cli;

static int store_export(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                        size_t msglen) {
  export_cli *e = ctx;
  (void)v, (void)msg, (void)msglen;
  if (k->id == GB_K_OUTPUT)
    e->path = text;
  else
    e->format = text;
  return 0;
}

int gb_cmd_export(int argc, char **argv) {
  export_cli e = {NULL, NULL};
  int first;
  if (gb_cmd_parse("export", argc, argv, store_export, &e, &first) != 0) return 2;
  if (!e.format) return gb_cmd_usage("export", "which --format? (gbench, csv, jsonl)");
  if (!gb_export_format_ok(e.format))
    return gb_cmd_usage("export", "--format %s: not one of gbench, csv, jsonl", e.format);
  if (first != argc - 1) return gb_cmd_usage("export", "one results file or folder, please");
  gb_buf notes;
  gb_buf_init(&notes);
  char err[2048];
  int rc = gb_export_write(argv[first], e.format, e.path, &notes, err, sizeof err);
  print_notes("export", &notes);
  gb_buf_free(&notes);
  return gb_cmd_fail("export", rc, err);
}

/* ---- findings ---- */

typedef struct findings_cli {
  const char *rules; /* --rules FILE, NULL: the shipped rules */
  int json;          /* --json */
} findings_cli;

static int store_findings(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                          size_t msglen) {
  findings_cli *f = ctx;
  (void)v, (void)msg, (void)msglen;
  if (k->type == GB_KT_FLAG)
    f->json = 1;
  else
    f->rules = text;
  return 0;
}

int gb_cmd_findings(int argc, char **argv) {
  findings_cli f = {NULL, 0};
  int first;
  if (gb_cmd_parse("findings", argc, argv, store_findings, &f, &first) != 0) return 2;
  if (first != argc - 1)
    return gb_cmd_usage("findings", first >= argc ? "which results file or folder?"
                                                  : "one results file or folder, please");
  char path[PATH_MAX], err[2048];
  if (gb_findings_resolve(f.rules, path, sizeof path) != 0) return gb_cmd_fail("findings", GB_EINVAL, path);
  gb_frules r;
  if (gb_findings_load(path, &r, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err); /* "file:line: message", as `gilbench check` says it */
    return 2;
  }
  int rc = gb_findings_print(&r, argv[first], f.json, stdout, err, sizeof err);
  gb_findings_free(&r);
  return gb_cmd_fail("findings", rc, err);
}

/* ---- doctor ---- */

int gb_cmd_doctor(int argc, char **argv) {
  int as_json = 0, first;
  if (gb_cmd_parse("doctor", argc, argv, gb_cmd_store_flag, &as_json, &first) != 0) return 2;
  if (first < argc) return gb_cmd_usage("doctor", "unexpected argument '%s'", argv[first]);
  return gb_doctor_print(stdout, as_json) ? 1 : 0; /* 1: something limits measurements */
}
