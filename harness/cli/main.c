/* main.c: the gilbench command line (docs/ARCHITECTURE.md "Command line and exit status"): the
 * commands over the harness, and the dispatch to cmd.c's. Every command reads its options through
 * the key table and alone decides its exit status: 0 ok, 1 a cell failed, 2 bad usage or invalid
 * input, 3 a write failed, 128 + signal interrupted. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "cli.h"
#include "cmd.h"
#include "counters.h"
#include "defs.h"
#include "findings.h"
#include "ioop.h"
#include "keys.h"
#include "plan.h"
#include "replay.h"
#include "report.h"
#include "results.h"
#include "runner.h"
#include "schema.h"
#include "strategies.h"
#include "topo.h"
#include "topo_svg.h"

/* `gilbench --help`: the commands, from the table (keys.c); each command's options are in
 * `gilbench COMMAND --help` and the man page. */
static void usage(FILE *out) {
  fprintf(out, "usage: gilbench COMMAND [ARGS] (gilbench COMMAND --help for its options; man gilbench)\n");
  for (int i = 0; gb_commands[i].name; i++) {
    char synopsis[96];
    snprintf(synopsis, sizeof synopsis, "%s %s", gb_commands[i].name, gb_commands[i].args);
    fprintf(out, "  %-38s %s\n", synopsis, gb_commands[i].help);
  }
  fprintf(out, "  --version\n");
}

static void list_workloads(void) {
  char **names = NULL;
  int n = gb_workload_list(&names);
  printf("workloads:\n");
  for (int i = 0; i < n; i++) {
    char path[PATH_MAX], err[1024];
    gb_workload wl;
    if (gb_workload_resolve(names[i], path, sizeof path) == 0 &&
        gb_workload_load(path, &wl, err, sizeof err) == 0) {
      printf("  %-16s %s\n", names[i], wl.summary);
      gb_workload_free(&wl);
    } else {
      printf("  %-16s (invalid: %s)\n", names[i], err);
    }
    free(names[i]);
  }
  free(names);
}

static void list_strategies(void) {
  printf("strategies:\n");
  for (int i = 0; gb_strategies[i]; i++) {
    const gb_strategy *s = gb_strategies[i];
    const char *why = s->unavailable ? s->unavailable() : NULL;
    printf("  %-17s %s%s%s%s\n", s->name, s->summary, why ? " [unavailable: " : "", why ? why : "",
           why ? "]" : "");
    for (int o = 0; o < s->noptions; o++) {
      char d[64];
      const gb_param_def *od = &s->options[o];
      gb_param_format(od, od->def, d, sizeof d);
      printf("      %s.%s = %s  (%s; %s)\n", s->name, od->name, d,
             gb_param_text_kind(od) == 2 ? "a program; --set only"
             : gb_param_text_kind(od)    ? "text"
             : od->choices               ? od->choices
                                         : "integer",
             od->help);
    }
  }
}

static void list_kernels(void) {
  printf("kernels:\n");
  for (int i = 0; gb_kernels[i]; i++) {
    const gb_kernel *k = gb_kernels[i];
    printf("  %-15s %s (unit: %s)\n", k->name, k->summary, k->unit);
    for (int p = 0; p < k->nparams; p++)
      printf("      %-10s default %lld, range [%lld, %lld]: %s\n", k->params[p].name,
             (long long)k->params[p].def, (long long)k->params[p].min, (long long)k->params[p].max,
             k->params[p].help);
  }
}

static void list_ops(void) {
  printf("ops (I/O phases: io = NAME):\n");
  for (int i = 0; gb_ioops[i]; i++) {
    const gb_ioop *op = gb_ioops[i];
    printf("  %-15s %s\n", op->name, op->summary);
    for (int p = 0; p < op->nparams; p++) {
      char d[64];
      gb_param_format(&op->params[p], op->params[p].def, d, sizeof d);
      if (op->params[p].choices)
        printf("      %-11s default %s, one of %s: %s\n", op->params[p].name, d, op->params[p].choices,
               op->params[p].help);
      else
        printf("      %-11s default %s, range [%lld, %lld]: %s\n", op->params[p].name, d,
               (long long)op->params[p].min, (long long)op->params[p].max, op->params[p].help);
    }
  }
}

/* The store of a command without options (never called: every option is unknown to it). */
static int store_none(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                      size_t msglen) {
  (void)ctx, (void)k, (void)v, (void)text;
  return snprintf(msg, msglen, "takes no option"), -1;
}

static int cmd_list(int argc, char **argv) {
  static const struct {
    const char *what;
    void (*print)(void);
  } lists[] = {{"workloads", list_workloads},
               {"strategies", list_strategies},
               {"kernels", list_kernels},
               {"ops", list_ops}};
  int first;
  if (gb_cmd_parse("list", argc, argv, store_none, NULL, &first) != 0) return 2;
  if (first + 1 < argc) return gb_cmd_usage("list", "unexpected argument '%s'", argv[first + 1]);
  const char *what = first < argc ? argv[first] : "all";
  int all = strcmp(what, "all") == 0, shown = 0;
  for (size_t i = 0; i < GB_ARRAY_LEN(lists); i++)
    if (all || strcmp(what, lists[i].what) == 0) lists[i].print(), shown = 1;
  if (strcmp(what, "keys") == 0) {
    gb_keys_list(stdout);
    shown = 1;
  } else if (strcmp(what, "counters") == 0) {
    gb_counters_list(stdout);
    shown = 1;
  } else if (all) {
    printf("counters: see `gilbench list counters` (it probes what this machine can count)\n");
    printf("keys: see `gilbench list keys` (every option and file key, from the table)\n");
  }
  if (!shown) {
    fprintf(stderr,
            "gilbench list: unknown list '%s' (workloads, strategies, kernels, ops, counters, keys)\n", what);
    return 2;
  }
  return 0;
}

/* Gap recorder for --checkpoint-stats: the breaker stays set so every checkpoint is timed. Gaps
 * are measured in the thread's CPU time, so a preemption by another process (this machine is
 * shared) is not mistaken for work between two checkpoints. */
#define GAP_BUCKETS 8192 /* 0.25 us each: up to 2 ms, then one overflow bucket */
typedef struct gap_stats {
  uint64_t last, max, count, sum;
  uint64_t hist[GAP_BUCKETS + 1];
} gap_stats;
static gap_stats g_gaps;
static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
static void gap_cb(gb_ctx *ctx) {
  (void)ctx;
  uint64_t now = thread_cpu_ns();
  if (g_gaps.last) {
    uint64_t gap = now - g_gaps.last;
    if (gap > g_gaps.max) g_gaps.max = gap;
    g_gaps.sum += gap;
    uint64_t b = gap / 250;
    g_gaps.hist[b < GAP_BUCKETS ? b : GAP_BUCKETS]++;
  }
  g_gaps.count++;
  g_gaps.last = now;
}
/* Upper edge (us) of the bucket holding quantile q of the recorded gaps. */
static double gap_quantile(double q) {
  uint64_t n = g_gaps.count > 1 ? g_gaps.count - 1 : 0, seen = 0;
  for (int b = 0; b <= GAP_BUCKETS && n; b++) {
    seen += g_gaps.hist[b];
    if ((double)seen >= q * (double)n) return b == GAP_BUCKETS ? (double)g_gaps.max * 1e-3 : (b + 1) * 0.25;
  }
  return 0;
}

/* kernel --set KEY=VALUE: one of k's parameters into p. 0, or -1 with msg. */
static int kernel_set(const gb_kernel *k, gb_kparams *p, const char *text, char *msg, size_t msglen) {
  const char *eq = strchr(text, '=');
  char key[128], err[512];
  snprintf(key, sizeof key, "%.*s", (int)(eq - text), text);
  int i = gb_param_find(k->params, k->nparams, key);
  if (i < 0) return snprintf(msg, msglen, "kernel '%s' has no parameter '%s'", k->name, key), -1;
  if (gb_param_parse(&k->params[i], eq + 1, &p->v[i], err, sizeof err) != 0)
    return snprintf(msg, msglen, "%s", err), -1;
  return 0;
}

/* `kernel`'s options: --set is applied once the kernel is known, so they are kept in order. */
typedef struct kernel_cli {
  const char *sets[64]; /* --set KEY=VALUE texts */
  int nsets, stats;     /* stats: --checkpoint-stats */
} kernel_cli;

static int store_kernel(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                        size_t msglen) {
  kernel_cli *kc = ctx;
  (void)v;
  if (k->id == GB_K_CHECKPOINT_STATS)
    kc->stats = 1;
  else if (kc->nsets < (int)GB_ARRAY_LEN(kc->sets))
    kc->sets[kc->nsets++] = text;
  else
    return snprintf(msg, msglen, "at most %zu --set", GB_ARRAY_LEN(kc->sets)), -1;
  return 0;
}

/* Read `kernel NAME [--set KEY=VALUE]... [--checkpoint-stats]` into *k and p. 0, or 2 after saying why. */
static int kernel_args(int argc, char **argv, const gb_kernel **k, gb_kparams *p, int *stats) {
  kernel_cli kc = {.nsets = 0};
  int first;
  if (gb_cmd_parse("kernel", argc, argv, store_kernel, &kc, &first) != 0) return 2;
  if (first >= argc) return gb_cmd_usage("kernel", "which kernel? (see `gilbench list kernels`)");
  if (first + 1 < argc) return gb_cmd_usage("kernel", "unexpected argument '%s'", argv[first + 1]);
  *k = gb_kernel_find(argv[first]);
  if (!*k) {
    fprintf(stderr, "gilbench kernel: unknown kernel '%s' (see `gilbench list kernels`)\n", argv[first]);
    return 2;
  }
  gb_kparams_defaults(*k, p);
  for (int i = 0; i < kc.nsets; i++) {
    char msg[1024];
    if (kernel_set(*k, p, kc.sets[i], msg, sizeof msg) != 0) {
      fprintf(stderr, "gilbench kernel: --set %s: %s\n", kc.sets[i], msg);
      return 2;
    }
  }
  *stats = kc.stats;
  return 0;
}

static int cmd_kernel(int argc, char **argv) {
  const gb_kernel *k = NULL;
  gb_kparams p;
  int stats = 0;
  if (kernel_args(argc, argv, &k, &p, &stats) != 0) return 2;
  gb_ctx ctx;
  gb_ctx_init(&ctx, 0);
  if (!stats) return k->print(stdout, &ctx, &p) == 0 ? 0 : 1;
  ctx.on_checkpoint = gap_cb;
  atomic_store(&ctx.breaker, 1);
  memset(&g_gaps, 0, sizeof g_gaps);
  uint64_t t0 = thread_cpu_ns();
  uint8_t in[64];
  gb_payload_fill(0, in, sizeof in);
  (void)k->run(&ctx, &p, 0, in, sizeof in);
  double total = (double)(thread_cpu_ns() - t0) * 1e-3;
  double mean = g_gaps.count > 1 ? (double)g_gaps.sum / (double)(g_gaps.count - 1) * 1e-3 : NAN;
  double p999 = gap_quantile(0.999);
  printf("kernel %s: %llu checkpoints in %.1f us of thread CPU time\n", k->name,
         (unsigned long long)g_gaps.count, total);
  printf("  gap between checkpoints: mean %.3f us, p99.9 %.2f us, largest %.2f us\n", mean, p999,
         (double)g_gaps.max * 1e-3);
  printf("  target: < 50 us (judged on p99.9: the largest few gaps on a shared VM are interrupts,\n"
         "  page faults and steal, not kernel work) %s\n",
         g_gaps.count > 0 && p999 < 50.0 ? "ok" : "OVER TARGET");
  return 0;
}

/* `gilbench topo --svg FILE [--results RESULTS] [--binding POLICY]`: hwloc's drawing, coloured by
 * where that run's workers spent their time (the report's topology picture). */
static int topo_svg(const char *svg, const char *results, const char *binding) {
  char used[256], err[2048];
  int rc = gb_toposvg_write(svg, results, binding, used, sizeof used, err, sizeof err);
  if (rc == GB_EUNAVAIL) { /* it could not be drawn: 1, like a report's chart */
    fprintf(stderr, "gilbench topo: %s\n", err);
    return 1;
  }
  if (rc != 0) return gb_cmd_fail("topo", rc, err);
  if (results)
    printf("%s: the topology, each PU coloured by its share of the workers' time with binding %s\n", svg,
           used);
  else
    printf("%s: this machine's topology (--results RESULTS colours it by a run)\n", svg);
  return 0;
}

/* The topology and where each --bind policy puts n workers (all PUs when n <= 0). */
static void topo_print_placement(const gb_topo *t, long n) {
  gb_topo_print(t, stdout);
  int workers = n > 0 ? (int)n : gb_topo_npus(t);
  static const char *const policies[] = {"compact", "scatter", "cores"};
  printf("\nplacement of %d worker%s (--bind POLICY: OS PU index of worker 0, 1, ...):\n", workers,
         workers == 1 ? "" : "s");
  printf("  %-8s not bound: the scheduler decides\n", "none");
  int *pus = gb_xmalloc(sizeof *pus * (size_t)workers);
  for (size_t i = 0; i < GB_ARRAY_LEN(policies); i++) {
    gb_bind b;
    char note[256];
    gb_bind_parse(policies[i], &b, note, sizeof note);
    gb_bind_place(t, &b, workers, pus, note, sizeof note);
    printf("  %-8s", policies[i]);
    for (int w = 0; w < workers; w++)
      printf("%s%d", w ? "," : " ", pus[w]);
    if (note[0]) printf("  (%s)", note);
    printf("\n");
  }
  free(pus);
}

/* `gilbench topo [-n N] [--synthetic DESC] [--svg FILE [--results RESULTS] [--binding POLICY]]`:
 * the topology and each policy's placement, or the picture; the options are the key table's. */
typedef struct topo_cli {
  long n;                                          /* -n N, -1: every PU */
  const char *synthetic, *svg, *results, *binding; /* --synthetic, --svg, --results, --binding */
} topo_cli;

static int store_topo(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                      size_t msglen) {
  topo_cli *t = ctx;
  (void)msg, (void)msglen;
  if (k->id == GB_K_WORKERS)
    t->n = (long)v->i;
  else if (k->id == GB_K_SYNTHETIC)
    t->synthetic = text;
  else if (strcmp(k->flag, "svg") == 0)
    t->svg = text;
  else if (strcmp(k->flag, "results") == 0)
    t->results = text;
  else
    t->binding = text;
  return 0;
}

static int cmd_topo(int argc, char **argv) {
  topo_cli t = {.n = -1};
  int first;
  if (gb_cmd_parse("topo", argc, argv, store_topo, &t, &first) != 0) return 2;
  if (first < argc) return gb_cmd_usage("topo", "unexpected argument '%s'", argv[first]);
  if (((t.results || t.binding) && !t.svg) || (t.svg && t.synthetic))
    return gb_cmd_usage("topo", "--results and --binding go with --svg, --synthetic without it");
  if (t.svg) return topo_svg(t.svg, t.results, t.binding);
  gb_topo *own = NULL;
  char err[512];
  if (t.synthetic && gb_topo_load(&own, t.synthetic, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench topo: %s\n", err);
    return 2;
  }
  topo_print_placement(own ? own : gb_topo_machine(), t.n);
  gb_topo_destroy(own);
  return 0;
}

static int cmd_check(int argc, char **argv) {
  int first;
  if (gb_cmd_parse("check", argc, argv, store_none, NULL, &first) != 0) return 2;
  if (first >= argc) return gb_cmd_usage("check", "which file?");
  int bad = 0;
  for (int i = first; i < argc; i++) {
    char err[2048] = "";
    gb_frules rules;
    int is_rules = gb_findings_file_is(argv[i]);
    if (is_rules && gb_findings_load(argv[i], &rules, err, sizeof err) == 0) gb_findings_free(&rules);
    if (is_rules ? *err != '\0' : gb_defs_check(argv[i], err, sizeof err) != 0) {
      fprintf(stderr, "%s\n", err);
      bad = 1;
    } else {
      printf("%s: ok\n", argv[i]);
    }
  }
  return bad ? 2 : 0;
}

static int cmd_show(int argc, char **argv) {
  int first;
  if (gb_cmd_parse("show", argc, argv, store_none, NULL, &first) != 0) return 2;
  if (first >= argc) return gb_cmd_usage("show", "which results file or folder?");
  if (first + 1 < argc)
    return gb_cmd_usage("show", "unexpected argument '%s' (one results file or folder)", argv[first + 1]);
  char err[1024];
  if (gb_report_show(argv[first], stdout, stdout, err, sizeof err) != 0) { /* through the report model */
    fprintf(stderr, "gilbench show: %s\n", err);
    return 2;
  }
  return 0;
}

/* Default output folder results/<timestamp>/, with results/latest pointing at it. */
static int make_outdir(char *dir, size_t len, int *is_default) {
  char stamp[64];
  time_t now = time(NULL);
  strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", localtime(&now));
  if (mkdir("results", 0777) != 0 && errno != EEXIST) return -errno;
  snprintf(dir, len, "results/%s", stamp);
  for (int k = 2; access(dir, F_OK) == 0; k++)
    snprintf(dir, len, "results/%s-%d", stamp, k);
  *is_default = 1;
  return 0;
}

static int cmd_run(int argc, char **argv);
static int resuming; /* cmd_run is re-running an interrupted run's command line */

/* `run --resume DIR`: the interrupted run's arguments come from its journal header; the runner
 * then checks plan and environment and skips what the journal holds. */
static int resume_run(const char *dir, int quiet) {
  json_t *header, *reps;
  char err[1024];
  if (gb_journal_read(dir, &header, &reps, NULL, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench run: --resume: %s\n", err);
    return 2;
  }
  json_decref(reps);
  json_t *args = json_object_get(header, GB_KEY_ARGV);
  size_t n = json_array_size(args);
  char **av = gb_xcalloc(n + 5, sizeof *av);
  av[0] = gb_xstrdup("run");
  for (size_t i = 0; i < n; i++)
    av[i + 1] = gb_xstrdup(
        json_string_value(json_array_get(args, i)) ? json_string_value(json_array_get(args, i)) : "");
  av[n + 1] = gb_xstrdup("-o");
  av[n + 2] = gb_xstrdup(dir);
  size_t ac = n + 3;
  if (quiet) av[ac++] = gb_xstrdup("-q");
  json_decref(header);
  resuming = 1;
  int status = cmd_run((int)ac, av);
  resuming = 0;
  for (size_t i = 0; i < ac; i++)
    free(av[i]);
  free(av);
  return status;
}

/* Point results/latest at a default output folder this run wrote into. */
static void link_latest(const char *dir) {
  unlink("results/latest");
  if (symlink(dir + strlen("results/"), "results/latest") != 0)
    fprintf(stderr, "gilbench: results/latest: %s\n", strerror(errno));
}

/* The exit status of `run` (docs/ARCHITECTURE.md, "Command line and exit status") from what
 * gb_runner_run returned and the cells it measured: 0 every cell ok, 1 a cell failed or timed out
 * or every cell was skipped, 2 refused, 3 a write failed, 128 + signal when interrupted. */
static int run_exit_status(int rc, const gb_plan *plan) {
  if (rc == GB_EIO) return GB_EXIT_WRITE;
  if (rc == -EINTR) return 128 + gb_runner_stop_signal();
  if (rc != 0) return 2;
  int skipped = 0;
  for (int i = 0; i < plan->ncells; i++) {
    gb_cell_status st = plan->cells[i].status;
    if (st == GB_CELL_FAILED || st == GB_CELL_TIMEOUT) return 1;
    skipped += st == GB_CELL_SKIPPED;
  }
  return plan->ncells > 0 && skipped == plan->ncells ? 1 : 0;
}

/* The console's end of a run: the table (unless quiet), where the results are, and the noise. */
static void print_results(const char *dir, int quiet) {
  char path[PATH_MAX + 32], err[1024];
  snprintf(path, sizeof path, "%s/results.json", dir);
  if (!quiet) {
    printf("\n");
    gb_report_show(path, stdout, NULL, err, sizeof err);
  }
  printf("\nresults: %s\n", path);
  fflush(stdout);
  gb_report_show(path, NULL, stderr, err, sizeof err); /* the console ends with the noise */
}

/* Measure a built plan into the output folder; the exit status of the run. */
static int run_plan(gb_plan *plan, const gb_run_cli *cli, int argc, char **argv) {
  char dir[PATH_MAX];
  int is_default = 0;
  if (cli->outdir)
    snprintf(dir, sizeof dir, "%s", cli->outdir);
  else if (make_outdir(dir, sizeof dir, &is_default) != 0) {
    fprintf(stderr, "gilbench run: cannot create results/: %s\n", strerror(errno));
    return GB_EXIT_WRITE;
  }
  extern char gb_command_line[];
  json_t *jargv = json_array();
  for (int i = 1; i < argc; i++)
    json_array_append_new(jargv, json_string(argv[i]));
  gb_run_opts ro = {.outdir = dir,
                    .command = gb_command_line,
                    .quiet = cli->quiet,
                    .timeout_s = plan->timeout_s, /* --timeout, else the suite's */
                    .no_isolation = cli->no_isolation,
                    .resume = resuming,
                    .argv = jargv};
  int rc = gb_runner_run(plan, &ro), wrote = rc == 0 || rc == -EINTR; /* wrote: this run's results */
  json_decref(jargv);
  int status = run_exit_status(rc, plan);
  if (is_default && wrote) link_latest(dir);
  if (wrote) print_results(dir, cli->quiet);
  return status;
}

static int cmd_run(int argc, char **argv) {
  gb_run_cli cli;
  char err[2048];
  int status = 0;
  if (gb_cli_run_parse(argc, argv, resuming, &cli, err, sizeof err) != 0) {
    status = gb_cmd_usage("run", "%s", err); /* 2: bad usage */
    goto done;
  }
  if (cli.resume_dir) {
    if (cli.nother || cli.req.suite) {
      fprintf(stderr, "gilbench run: --resume DIR takes no other argument but -q: the interrupted run's "
                      "arguments come from its journal\n");
      status = 2;
    } else {
      status = resume_run(cli.resume_dir, cli.quiet);
    }
    goto done;
  }
  if (!cli.req.suite && cli.req.nworkloads == 0) cli.req.suite = "default";
  gb_plan plan;
  if (gb_plan_build(&cli.req, &plan, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench run: %s\n", err);
    status = 2;
    goto done;
  }
  if (cli.dry) /* nothing is measured, the reference included */
    gb_runner_print(&plan, stdout);
  else
    status = run_plan(&plan, &cli, argc, argv);
  gb_plan_free(&plan);
done:
  gb_cli_run_free(&cli);
  return status;
}

/* The command line as typed (before getopt permutes argv), for metadata and reproduction. Every
 * word but the plainest is single-quoted for a POSIX shell (a ' inside becomes '\'' ), so pasting
 * it runs exactly the original arguments; a command line too long to record whole is cut at a
 * word and says so. */
char gb_command_line[4096];

typedef struct gb_buf_t {
  size_t n;
  int over;
} gb_buf_t;
static void cl_add(gb_buf_t *b, const char *s, size_t n) {
  if (b->over || b->n + n + 5 >= sizeof gb_command_line) {
    b->over = 1;
    return;
  }
  memcpy(gb_command_line + b->n, s, n);
  b->n += n;
  gb_command_line[b->n] = '\0';
}

static int plain_word(const char *w) {
  if (!*w) return 0;
  for (; *w; w++)
    if (!(isalnum((unsigned char)*w) && isascii((unsigned char)*w)) && !strchr("_./=:,+-@%", *w)) return 0;
  return 1;
}

static void record_command_line(int argc, char **argv) {
  gb_buf_t b = {0};
  for (int i = 0; i < argc; i++) {
    size_t mark = b.n;
    if (i) cl_add(&b, " ", 1);
    if (plain_word(argv[i])) {
      cl_add(&b, argv[i], strlen(argv[i]));
    } else {
      cl_add(&b, "'", 1);
      for (const char *c = argv[i]; *c; c++)
        cl_add(&b, *c == '\'' ? "'\\''" : c, *c == '\'' ? 4 : 1);
      cl_add(&b, "'", 1);
    }
    if (b.over) { /* never half a word: cut at the last whole one */
      b.n = mark;
      snprintf(gb_command_line + mark, sizeof gb_command_line - mark, " ...");
      return;
    }
  }
}

/* Whether a command's arguments ask for its help (--help or -h anywhere after the command). */
static int wants_help(int argc, char **argv) {
  for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return 1;
  return 0;
}

/* `gilbench help [COMMAND]`, `gilbench help --man` (the man page, from the key table). */
static int cmd_help(int argc, char **argv) {
  int man = 0, first;
  if (gb_cmd_parse("help", argc, argv, gb_cmd_store_flag, &man, &first) != 0) return 2;
  if (first + 1 < argc || (man && first < argc))
    return gb_cmd_usage("help", "unexpected argument '%s'", argv[man ? first : first + 1]);
  if (man) {
    gb_keys_man(stdout);
    return ferror(stdout) ? GB_EXIT_WRITE : 0;
  }
  if (first >= argc) {
    usage(stdout);
    return 0;
  }
  if (!gb_command_find(argv[first])) {
    fprintf(stderr, "gilbench help: unknown command '%s'\n", argv[first]);
    usage(stderr);
    return 2;
  }
  gb_keys_help(argv[first], stdout);
  return 0;
}

int main(int argc, char **argv) {
  record_command_line(argc, argv);
  if (gb_fault_init() != 0) return 2; /* test-only switch, unreadable: say so rather than ignore it */
  gb_io_raise_nofile(); /* as many open files as allowed: tcp cells hold a socket per connection */
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("gilbench %s\n", GB_VERSION);
    return 0;
  }
  const char *cmd = argv[1];
#ifdef GB_HAVE_MPI
  if (strcmp(cmd, "__mpi-rank") == 0) return gb_mpi_rank_main(argc - 1, argv + 1); /* started by mpiexec */
#endif
  if (gb_command_find(cmd) && wants_help(argc, argv)) {
    gb_keys_help(cmd, stdout);
    return 0;
  }
  if (strcmp(cmd, "help") == 0) return cmd_help(argc - 1, argv + 1);
  if (strcmp(cmd, "list") == 0) return cmd_list(argc - 1, argv + 1);
  if (strcmp(cmd, "run") == 0) return cmd_run(argc - 1, argv + 1);
  if (strcmp(cmd, "show") == 0) return cmd_show(argc - 1, argv + 1);
  if (strcmp(cmd, "kernel") == 0) return cmd_kernel(argc - 1, argv + 1);
  if (strcmp(cmd, "check") == 0) return cmd_check(argc - 1, argv + 1);
  if (strcmp(cmd, "report") == 0) return gb_cmd_report(argc - 1, argv + 1);
  if (strcmp(cmd, "compare") == 0) return gb_cmd_compare(argc - 1, argv + 1);
  if (strcmp(cmd, "export") == 0) return gb_cmd_export(argc - 1, argv + 1);
  if (strcmp(cmd, "findings") == 0) return gb_cmd_findings(argc - 1, argv + 1);
  if (strcmp(cmd, "topo") == 0) return cmd_topo(argc - 1, argv + 1);
  if (strcmp(cmd, "estimate-replay") == 0) return gb_replay_cmd(argc - 1, argv + 1); /* not in the help */
  if (strcmp(cmd, "doctor") == 0) return gb_cmd_doctor(argc - 1, argv + 1);
  fprintf(stderr, "gilbench: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
