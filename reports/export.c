/* export.c: `gilbench export RESULTS --format gbench|csv|jsonl [-o FILE]`: the results in formats
 * other tools read, each a writer over the report model. gbench is Google Benchmark's JSON output
 * (what its tools/compare.py and benchmark dashboards load): one "iteration" run per cell and
 * repetition (a repetition runs the workload once: iterations 1, real_time its wall time,
 * cpu_time its user + system time over every worker, in ms), then per cell the mean, median and
 * stddev aggregates, and a context made from the run's machine metadata. Cells that are not ok
 * have no time and are left out (with a note on standard error). */
#include <errno.h>
#include <math.h>
#include <string.h>
#include <strings.h>

#include "gb.h"
#include "report.h"
#include "results.h"
#include "schema.h"

/* One fixed unit, so that two exports of the same cell compare value for value. */
#define GB__UNIT "ms"
#define GB__UNIT_SCALE 1e3

/* A repetition that counts: no error, a finite positive wall time. */
static int export_rep_ok(json_t *rep) {
  json_t *e = json_object_get(rep, GB_KEY_ERROR);
  double w = gb_jnum(rep, GB_KEY_WALL_S);
  return (!e || json_is_null(e)) && isfinite(w) && w > 0;
}

/* The benchmark name: workload (with the parameters that tell its groups apart), the cell's
 * label, and its workers, as workload[k=v]/strategy[k=v]/workers:W. */
static void export_name(const gb_rmodel *m, const gb_rcell *c, char *out, size_t len) {
  const gb_rgroup *g = &m->groups[c->group];
  size_t n = 0;
  for (const char *p = g->label; *p && n + 2 < len; p++) {
    if (p[0] == ' ' && p[1] == '(') continue; /* "w (a=1, b=2)" -> "w[a=1,b=2]" */
    if (p[0] == ' ' && n && out[n - 1] == ',') continue;
    out[n++] = *p == '(' ? '[' : *p == ')' ? ']' : *p;
  }
  out[n] = '\0';
  snprintf(out + n, len - n, "/%s/workers:%d", m->series[c->series].label, c->workers);
}

static json_t *export_caches(json_t *cpu) {
  json_t *out = json_array(), *c;
  size_t i;
  json_array_foreach(json_object_get(cpu, GB_KEY_CACHES), i, c) {
    const char *t = gb_jstr(c, "type", "");
    json_array_append_new(out, json_pack("{s:s,s:I,s:I,s:I}", "type",
                                         strcmp(t, "data") == 0          ? "Data"
                                         : strcmp(t, "instruction") == 0 ? "Instruction"
                                                                         : "Unified",
                                         "level", json_integer_value(json_object_get(c, "level")), "size",
                                         json_integer_value(json_object_get(c, "size")), "num_sharing",
                                         json_integer_value(json_object_get(c, "pus_per_cache"))));
  }
  return out;
}

/* Google Benchmark's context from meta: the machine, its load, the build. */
static json_t *export_context(const gb_rmodel *m) {
  json_t *host = json_object_get(m->meta, GB_KEY_HOST), *cpu = json_object_get(m->meta, GB_KEY_CPU);
  json_t *freq = json_object_get(cpu, GB_KEY_FREQUENCY);
  double mhz = gb_jnum(freq, GB_KEY_MAX_MHZ);
  if (!isfinite(mhz)) mhz = gb_jnum(freq, GB_KEY_CPUINFO_MHZ);
  const char *gov = gb_jstr(freq, "governor", NULL);
  const char *bt = gb_jstr(m->meta, GB_KEY_BUILD_TYPE, "");
  json_t *load = json_object_get(host, GB_KEY_LOADAVG_START);
  return json_pack("{s:s,s:s,s:s,s:I,s:I,s:b,s:o,s:o,s:s,s:i,s:s,s:s}", "date",
                   gb_jstr(m->meta, GB_KEY_STARTED, ""), "host_name", gb_jstr(host, GB_KEY_HOSTNAME, ""),
                   "executable", "gilbench", "num_cpus", json_integer_value(json_object_get(cpu, GB_KEY_PUS)),
                   "mhz_per_cpu", (json_int_t)(isfinite(mhz) ? lround(mhz) : 0), "cpu_scaling_enabled",
                   gov && strcmp(gov, "performance") != 0, "caches", export_caches(cpu), "load_avg",
                   json_is_array(load) ? json_incref(load) : json_array(), "library_build_type",
                   strcasecmp(bt, "Debug") == 0 ? "debug" : "release", "json_schema_version", 1,
                   "gilbench_version", gb_jstr(m->meta, GB_KEY_GILBENCH, "?"), "gilbench_git_commit",
                   gb_jstr(m->meta, GB_KEY_GIT_COMMIT, "?"));
}

static json_t *export_run(const char *name, int fam, int inst, int nreps, double real, double cpu) {
  return json_pack("{s:s,s:i,s:i,s:s,s:i,s:i,s:I,s:f,s:f,s:s}", "name", name, "family_index", fam,
                   "per_family_instance_index", inst, "run_name", name, "repetitions", nreps, "threads", 1,
                   "iterations", (json_int_t)1, "real_time", real * GB__UNIT_SCALE, "cpu_time",
                   cpu * GB__UNIT_SCALE, "time_unit", GB__UNIT);
}

/* Mean, median, stddev (n - 1; 0 for one value) of x[0..n-1]; x is reordered. */
static void export_aggregates(double *x, int n, double out[3]) {
  double sum = 0, ss = 0;
  for (int i = 0; i < n; i++)
    sum += x[i];
  out[0] = sum / n;
  for (int i = 0; i < n; i++)
    ss += (x[i] - out[0]) * (x[i] - out[0]);
  out[1] = gb_median_inplace(x, n);
  out[2] = n > 1 ? sqrt(ss / (n - 1)) : 0;
}

/* One cell: its repetitions, then its aggregates. */
static void export_cell(const gb_rmodel *m, const gb_rcell *c, int fam, int inst, json_t *benchmarks) {
  char name[1024], aname[1100];
  export_name(m, c, name, sizeof name);
  json_t *reps = json_object_get(c->j, GB_KEY_REPS), *rep;
  double *real = gb_xmalloc(sizeof *real * (json_array_size(reps) + 1));
  double *cpu = gb_xmalloc(sizeof *cpu * (json_array_size(reps) + 1));
  int n = 0;
  size_t r;
  json_array_foreach(reps, r, rep) if (export_rep_ok(rep)) {
    real[n] = gb_jnum(rep, GB_KEY_WALL_S);
    cpu[n] = gb_jnum(rep, GB_KEY_USER_S) + gb_jnum(rep, GB_KEY_SYS_S);
    if (!isfinite(cpu[n])) cpu[n] = 0;
    n++;
  }
  for (int i = 0; i < n; i++) {
    json_t *b = export_run(name, fam, inst, n, real[i], cpu[i]);
    json_object_set_new(b, "run_type", json_string("iteration"));
    json_object_set_new(b, "repetition_index", json_integer(i));
    json_array_append_new(benchmarks, b);
  }
  static const char *const agg[] = {"mean", "median", "stddev"};
  double ar[3], ac[3];
  if (n > 0) {
    export_aggregates(real, n, ar);
    export_aggregates(cpu, n, ac);
  }
  for (int k = 0; k < 3 && n > 0; k++) {
    snprintf(aname, sizeof aname, "%s_%s", name, agg[k]);
    json_t *b = export_run(aname, fam, inst, n, ar[k], ac[k]);
    json_object_set_new(b, "run_name", json_string(name));
    json_object_set_new(b, "run_type", json_string("aggregate"));
    json_object_set_new(b, "aggregate_name", json_string(agg[k]));
    json_object_set_new(b, "aggregate_unit", json_string("time"));
    json_array_append_new(benchmarks, b);
  }
  free(real);
  free(cpu);
}

void gb_report_gbench(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out) {
  json_t *benchmarks = json_array();
  int *family = gb_xcalloc((size_t)(m->ngroups * m->nseries) + 1, sizeof *family), nfam = 0;
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    if (!c->ok) continue;
    int *f = &family[c->group * m->nseries + c->series]; /* family: a (workload, series) pair */
    if (!*f) *f = ++nfam;
    int inst = 0;
    for (int w = 0; w < m->groups[c->group].nworkers && m->groups[c->group].workers[w] < c->workers; w++)
      inst++;
    export_cell(m, c, *f - 1, inst, benchmarks);
  }
  free(family);
  json_t *doc = json_pack("{s:o,s:o}", "context", export_context(m), "benchmarks", benchmarks);
  char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
  gb_buf_add(out, text ? text : "{}");
  gb_buf_add(out, "\n");
  free(text);
  json_decref(doc);
}

/* A new reference to o's object member key, or an empty object when it is not one. */
static json_t *export_object(json_t *o, const char *key) {
  json_t *v = json_object_get(o, key);
  return json_is_object(v) ? json_incref(v) : json_object();
}

/* One JSON line: the cell's identity and figures, with one repetition's (rep NULL: none ran). */
static void jsonl_line(const gb_rmodel *m, const gb_rcell *c, json_t *rep, int r, gb_buf *out) {
  json_t *o = json_pack("{s:s,s:o,s:s,s:s,s:o,s:i,s:s,s:s,s:o}", GB_KEY_WORKLOAD, c->workload, GB_KEY_PARAMS,
                        export_object(c->j, GB_KEY_PARAMS), GB_KEY_STRATEGY, c->strategy, "label",
                        m->series[c->series].label, GB_KEY_OPTIONS, export_object(c->j, GB_KEY_OPTIONS),
                        GB_KEY_WORKERS, c->workers, GB_KEY_BINDING, c->binding, GB_KEY_STATUS, c->status,
                        "rep", rep ? json_integer(r) : json_null());
  static const char *const times[] = {GB_KEY_WALL_S, GB_KEY_USER_S, GB_KEY_SYS_S};
  for (size_t k = 0; k < GB_ARRAY_LEN(times); k++) {
    double v = gb_jnum(rep, times[k]);
    json_object_set_new(o, times[k], isfinite(v) ? json_real(v) : json_null());
  }
  json_object_set_new(o, "rep_ok", json_boolean(rep && export_rep_ok(rep)));
  json_object_set_new(o, "cell_median_s", isfinite(c->median) ? json_real(c->median) : json_null());
  json_object_set_new(o, GB_KEY_SPEEDUP, isfinite(c->speedup) ? json_real(c->speedup) : json_null());
  json_object_set_new(o, GB_KEY_EFFICIENCY, isfinite(c->efficiency) ? json_real(c->efficiency) : json_null());
  json_object_set_new(o, GB_KEY_BASELINE,
                      json_pack("{s:s,s:i,s:s,s:s}", GB_KEY_STRATEGY, c->baseline, GB_KEY_WORKERS,
                                c->baseline_workers, GB_KEY_BASELINE_KIND, c->baseline_kind,
                                GB_KEY_BASELINE_FAMILY, c->baseline_family));
  char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12));
  gb_buf_add(out, text ? text : "{}");
  gb_buf_add(out, "\n");
  free(text);
  json_decref(o);
}

void gb_report_jsonl(const gb_rmodel *m, const gb_writer_ctx *ctx, gb_buf *out) {
  for (int i = 0; i < m->ncells; i++) {
    const gb_rcell *c = &m->cells[i];
    json_t *reps = json_object_get(c->j, GB_KEY_REPS);
    if (c->nreps == 0) jsonl_line(m, c, NULL, 0, out);
    for (int r = 0; r < c->nreps; r++)
      jsonl_line(m, c, json_array_get(reps, (size_t)r), r, out);
  }
}

int gb_export_format_ok(const char *name) {
  return gb_writer_find(name) && (!strcmp(name, "gbench") || !strcmp(name, "csv") || !strcmp(name, "jsonl"));
}

/* Write the chosen writer's output for the model to path, or standard output. 0, or GB_EIO with err. */
static int export_out(const gb_rmodel *m, const gb_writer *w, const char *path, char *err, size_t errlen) {
  gb_buf b;
  gb_buf_init(&b);
  gb_writer_ctx ctx = {0};
  w->write(m, &ctx, &b);
  int rc = 0;
  if (path) {
    int wr = gb_buf_write_file(&b, path);
    if (wr != 0) rc = gb_err(err, errlen, GB_EIO, "%s: write failed: %s", path, strerror(-wr));
  } else if (fwrite(b.s, 1, b.n, stdout) != b.n || fflush(stdout) != 0) {
    rc = gb_err(err, errlen, GB_EIO, "standard output: write failed: %s", strerror(errno));
  }
  gb_buf_free(&b);
  return rc;
}

int gb_export_write(const char *input, const char *format, const char *path, gb_buf *notes, char *err,
                    size_t errlen) {
  if (!gb_export_format_ok(format))
    return gb_err(err, errlen, GB_EINVAL, "--format %s: not one of gbench, csv, jsonl", format);
  json_t *root;
  int rc = gb_results_load(input, &root, err, errlen);
  if (rc != 0) return rc;
  gb_rmodel m;
  gb_rmodel_build(&m, root, input);
  json_decref(root);
  int notok = 0;
  for (int i = 0; i < m.ncells; i++)
    notok += !m.cells[i].ok;
  if (strcmp(format, "gbench") == 0 && notok > 0)
    gb_buf_printf(notes, "%d cell%s not ok (failed, timed out or skipped): left out, having no time\n", notok,
                  notok == 1 ? "" : "s");
  rc = export_out(&m, gb_writer_find(format), path, err, errlen);
  gb_rmodel_free(&m);
  return rc;
}
