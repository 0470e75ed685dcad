/* main.c: the gilbench command line (docs/ARCHITECTURE.md "Command line and exit status"). Exit status: 0 ok,
 * 1 a cell failed, 2 bad usage or invalid input, 130/143 interrupted. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "counters.h"
#include "defs.h"
#include "doctor.h"
#include "findings.h"
#include "ioop.h"
#include "plan.h"
#include "report.h"
#include "results.h"
#include "strategies.h"
#include "topo.h"

static void usage(FILE *out) {
  fprintf(
      out,
      "usage: gilbench COMMAND [ARGS]\n"
      "  list [workloads|strategies|kernels|ops|counters]   what can be run, and why a strategy or\n"
      "                                        counter is unavailable\n"
      "  run [SUITE] [-w W,..] [-s S,..] [-n N,..] [-p PROFILE] [--set K=V]... [--reps R|auto[:TARGET]]\n"
      "      [--max-reps N] [--max-cell-seconds S]\n"
      "      [--warmup K] [--bind none|compact|scatter|cores|list:CPU,..] [--seed S] [-o DIR] [--dry-run] "
      "[-q]\n"
      "      [--counters default|cache|branch|os|none|EVENT,..] [--counters-backend papi|perf|rusage]\n"
      "      [--timeout SECONDS] [--no-isolation] [--python LABEL=PATH]...\n"
      "  run --resume DIR                      continue an interrupted run, skipping finished repetitions\n"
      "  show RESULTS                          console table of a results file or folder\n"
      "  kernel NAME [--set k=v]... [--checkpoint-stats]   run one kernel, print its output\n"
      "  check FILE.ini                        validate a definition or suite file\n"
      "  report RESULTS [-o DIR] [--formats html,md,csv,svg,png]   charts, HTML, Markdown and CSV report\n"
      "  compare A B [--threshold 5%%] [--fail-if-slower] [-o DIR]   two runs side by side, with "
      "significance\n"
      "  findings RESULTS [--rules FILE] [--json]   the seed's claims, confirmed or contradicted by a run\n"
      "  topo [-n N] [--synthetic DESC]        the topology, and where each --bind policy puts N workers\n"
      "  doctor [--json]                       what on this machine limits measurements, and what to do\n"
      "  --version\n");
}

/* Append the comma-separated items of text to *list (gb_list_split: the suites' parser too).
 * 0, or -1 after saying why when the list or an item is empty. */
static int split_append(char ***list, int *n, const char *text, const char *opt) {
  char **items;
  int k;
  if (gb_list_split(text, &items, &k) != 0) {
    fprintf(stderr, "gilbench run: %s '%s': expected a comma-separated list with no empty item\n", opt, text);
    return -1;
  }
  *list = gb_xrealloc(*list, sizeof **list * (size_t)(*n + k));
  for (int i = 0; i < k; i++)
    (*list)[(*n)++] = items[i];
  free(items);
  return 0;
}

static int parse_int(const char *text, long lo, long hi, long *out) {
  char *end;
  errno = 0;
  long v = strtol(text, &end, 10);
  if (errno || end == text || *end || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

static int cmd_list(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "all";
  int all = strcmp(what, "all") == 0, shown = 0;
  if (all || strcmp(what, "workloads") == 0) {
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
    shown = 1;
  }
  if (all || strcmp(what, "strategies") == 0) {
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
    shown = 1;
  }
  if (all || strcmp(what, "kernels") == 0) {
    printf("kernels:\n");
    for (int i = 0; gb_kernels[i]; i++) {
      const gb_kernel *k = gb_kernels[i];
      printf("  %-15s %s (unit: %s)\n", k->name, k->summary, k->unit);
      for (int p = 0; p < k->nparams; p++)
        printf("      %-10s default %lld, range [%lld, %lld]: %s\n", k->params[p].name,
               (long long)k->params[p].def, (long long)k->params[p].min, (long long)k->params[p].max,
               k->params[p].help);
    }
    shown = 1;
  }
  if (all || strcmp(what, "ops") == 0) {
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
    shown = 1;
  }
  if (strcmp(what, "counters") == 0) {
    gb_counters_list(stdout);
    shown = 1;
  } else if (all) {
    printf("counters: see `gilbench list counters` (it probes what this machine can count)\n");
  }
  if (!shown) {
    fprintf(stderr, "gilbench list: unknown list '%s' (workloads, strategies, kernels, ops, counters)\n",
            what);
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

static int cmd_kernel(int argc, char **argv) {
  static const struct option lo[] = {
      {"set", required_argument, 0, 'S'}, {"checkpoint-stats", no_argument, 0, 'C'}, {0, 0, 0, 0}};
  if (argc < 2) {
    fprintf(stderr, "gilbench kernel: which kernel? (see `gilbench list kernels`)\n");
    return 2;
  }
  const gb_kernel *k = gb_kernel_find(argv[1]);
  if (!k) {
    fprintf(stderr, "gilbench kernel: unknown kernel '%s' (see `gilbench list kernels`)\n", argv[1]);
    return 2;
  }
  gb_kparams p;
  gb_kparams_defaults(k, &p);
  int stats = 0, c;
  optind = 2;
  while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
    if (c == 'C') {
      stats = 1;
    } else if (c == 'S') {
      char *eq = strchr(optarg, '='), err[512];
      if (!eq) {
        fprintf(stderr, "gilbench kernel: --set %s: expected KEY=VALUE\n", optarg);
        return 2;
      }
      *eq = '\0';
      int i = gb_param_find(k->params, k->nparams, optarg);
      if (i < 0) {
        fprintf(stderr, "gilbench kernel: --set %s: kernel '%s' has no parameter '%s'\n", optarg, k->name,
                optarg);
        return 2;
      }
      if (gb_param_parse(&k->params[i], eq + 1, &p.v[i], err, sizeof err) != 0) {
        fprintf(stderr, "gilbench kernel: --set %s=%s: %s\n", optarg, eq + 1, err);
        return 2;
      }
    } else {
      return 2;
    }
  }
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

/* `gilbench topo [-n N] [--synthetic DESC]`: the topology and each policy's placement. */
static int cmd_topo(int argc, char **argv) {
  static const struct option lo[] = {{"synthetic", required_argument, 0, 'Y'}, {0, 0, 0, 0}};
  long n = -1;
  const char *synthetic = NULL;
  int c;
  optind = 1;
  while ((c = getopt_long(argc, argv, "n:", lo, NULL)) != -1) {
    if (c == 'n' && parse_int(optarg, 1, GB_MAX_WORKERS, &n) == 0) continue;
    if (c == 'Y') {
      synthetic = optarg;
      continue;
    }
    if (c == 'n')
      fprintf(stderr, "gilbench topo: -n %s: expected a worker count in [1, %d]\n", optarg, GB_MAX_WORKERS);
    return 2;
  }
  if (optind < argc) {
    fprintf(stderr, "gilbench topo: unexpected argument '%s'\n", argv[optind]);
    return 2;
  }
  gb_topo *own = NULL;
  char err[512];
  if (synthetic && gb_topo_load(&own, synthetic, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench topo: %s\n", err);
    return 2;
  }
  const gb_topo *t = own ? own : gb_topo_machine();
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
  gb_topo_destroy(own);
  return 0;
}

static int cmd_check(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "gilbench check: which file?\n");
    return 2;
  }
  int bad = 0;
  for (int i = 1; i < argc; i++) {
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
  if (argc < 2) {
    fprintf(stderr, "gilbench show: which results file or folder?\n");
    return 2;
  }
  if (argc > 2) {
    fprintf(stderr, "gilbench show: unexpected argument '%s' (one results file or folder)\n", argv[2]);
    return 2;
  }
  json_t *root;
  char err[1024];
  if (gb_results_load(argv[1], &root, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench show: %s\n", err);
    return 2;
  }
  gb_results_print(root, stdout);
  gb_results_print_noise(root, stdout);
  json_decref(root);
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
  json_t *args = json_object_get(header, "argv");
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

/* Release what cmd_run's option parsing allocated. */
static void request_free(gb_request *req, char **wl, int nwl) {
  for (int i = 0; i < req->nworkloads; i++)
    free(req->workloads[i]);
  for (int i = 0; i < req->nstrategies; i++)
    free(req->strategies[i]);
  for (int i = 0; i < nwl; i++)
    free(wl[i]);
  free(req->workloads);
  free(req->strategies);
  free(req->sets);
  free(wl);
}

static int cmd_run(int argc, char **argv) {
  static const struct option lo[] = {
      {"set", required_argument, 0, 'S'},      {"reps", required_argument, 0, 'R'},
      {"max-reps", required_argument, 0, 'X'}, {"max-cell-seconds", required_argument, 0, 'Y'},
      {"warmup", required_argument, 0, 'W'},   {"bind", required_argument, 0, 'B'},
      {"seed", required_argument, 0, 'E'},     {"dry-run", no_argument, 0, 'D'},
      {"quiet", no_argument, 0, 'q'},          {"timeout", required_argument, 0, 'T'},
      {"no-isolation", no_argument, 0, 'I'},   {"resume", required_argument, 0, 'U'},
      {"counters", required_argument, 0, 'C'}, {"counters-backend", required_argument, 0, 'K'},
      {"python", required_argument, 0, 'P'},   {0, 0, 0, 0}};
  gb_request req;
  memset(&req, 0, sizeof req);
  req.reps = req.warmup = req.max_reps = -1;
  req.max_cell_s = -1;
  req.seed = 1;
  const char *outdir = NULL;
  int dry = 0, quiet = 0, c, status = 0, no_isolation = 0;
  double timeout = 0;
  char **wl = NULL;
  int nwl = 0;
  optind = 1;
  const char *resume_dir = NULL;
  int nother = 0; /* options other than -q and --resume: a resume takes none */
  while ((c = getopt_long(argc, argv, "w:s:n:p:o:q", lo, NULL)) != -1) {
    long v;
    if (c != 'q' && c != 'U') nother++;
    switch (c) {
    case 'w':
    case 's':
    case 'n': {
      char ***list = c == 'w' ? &req.workloads : c == 's' ? &req.strategies : &wl;
      int *count = c == 'w' ? &req.nworkloads : c == 's' ? &req.nstrategies : &nwl;
      char opt[3] = {'-', (char)c, 0};
      if (split_append(list, count, optarg, opt) != 0) {
        status = 2;
        goto done;
      }
      break;
    }
    case 'p': req.profile = optarg; break;
    case 'o': outdir = optarg; break;
    case 'q': quiet = 1; break;
    case 'D': dry = 1; break;
    case 'I': no_isolation = 1; break;
    case 'U':
      if (resuming) {
        fprintf(stderr, "gilbench run: --resume inside a resumed command line\n");
        status = 2;
        goto done;
      }
      resume_dir = optarg;
      break;
    case 'T': {
      char *end;
      errno = 0;
      timeout = strtod(optarg, &end);
      if (errno || end == optarg || *end || !(timeout > 0) || timeout > 1e6) {
        fprintf(stderr, "gilbench run: --timeout %s: expected seconds in (0, 1000000]\n", optarg);
        status = 2;
        goto done;
      }
      break;
    }
    case 'P': {
      char perr[512];
      if (gb_pyhost_add(optarg, perr, sizeof perr) != 0) {
        fprintf(stderr, "gilbench run: %s\n", perr);
        status = 2;
        goto done;
      }
      break;
    }
    case 'B': req.bind = optarg; break;
    case 'C': req.counters = optarg; break;
    case 'K': req.counters_backend = optarg; break;
    case 'S': {
      char *eq = strchr(optarg, '=');
      if (!eq || eq == optarg) {
        fprintf(stderr, "gilbench run: --set %s: expected KEY=VALUE\n", optarg);
        status = 2;
        goto done;
      }
      char key[128], perr[512];
      int prc = 0;
      snprintf(key, sizeof key, "%.*s", (int)(eq - optarg), optarg);
      if (gb_pyhost_set_exe(key, eq + 1, &prc, perr, sizeof perr)) { /* cpython.exe=PATH and the like */
        if (prc != 0) {
          fprintf(stderr, "gilbench run: --set %s\n", perr);
          status = 2;
          goto done;
        }
        break;
      }
      char akey[128], aerr[512];
      snprintf(akey, sizeof akey, "%.*s", (int)(eq - optarg), optarg);
      int arc = gb_alloc_set(akey, eq + 1, aerr, sizeof aerr); /* alloc.*: the run's allocator policy */
      if (arc < 0) {
        fprintf(stderr, "gilbench run: %s\n", aerr);
        status = 2;
        goto done;
      }
      if (arc > 0) break;
      req.sets = gb_xrealloc(req.sets, sizeof *req.sets * (size_t)(req.nsets + 1));
      snprintf(req.sets[req.nsets].key, sizeof req.sets[req.nsets].key, "%.*s", (int)(eq - optarg), optarg);
      snprintf(req.sets[req.nsets].value, sizeof req.sets[req.nsets].value, "%s", eq + 1);
      req.nsets++;
      break;
    }
    case 'R': {
      char msg[256];
      if (gb_reps_parse(optarg, &req.reps, &req.reps_auto, msg, sizeof msg)) {
        fprintf(stderr, "gilbench run: --reps %s\n", msg);
        status = 2;
        goto done;
      }
      break;
    }
    case 'X':
      if (parse_int(optarg, 6, 100000, &v)) {
        fprintf(stderr, "gilbench run: --max-reps %s: expected an integer in [6, 100000]\n", optarg);
        status = 2;
        goto done;
      }
      req.max_reps = (int)v;
      break;
    case 'Y': {
      char *end;
      double d = strtod(optarg, &end);
      if (end == optarg || *end || !(d > 0 && d <= 86400)) {
        fprintf(stderr, "gilbench run: --max-cell-seconds %s: expected seconds in (0, 86400]\n", optarg);
        status = 2;
        goto done;
      }
      req.max_cell_s = d;
      break;
    }
    case 'W':
      if (parse_int(optarg, 0, 1000, &v)) {
        fprintf(stderr, "gilbench run: --warmup %s: expected an integer in [0, 1000]\n", optarg);
        status = 2;
        goto done;
      }
      req.warmup = (int)v;
      break;
    case 'E':
      if (parse_int(optarg, 0, 2147483647L, &v)) {
        fprintf(stderr, "gilbench run: --seed %s: expected a non-negative integer\n", optarg);
        status = 2;
        goto done;
      }
      req.seed = (uint64_t)v;
      break;
    default:
      usage(stderr);
      status = 2;
      goto done;
    }
  }
  for (int i = 0; i < nwl; i++) {
    long v;
    if (strcmp(wl[i], "pus") == 0)
      req.workers[req.nworkers++] = -1;
    else if (strcmp(wl[i], "2*pus") == 0)
      req.workers[req.nworkers++] = -2;
    else if (parse_int(wl[i], 1, GB_MAX_WORKERS, &v) == 0 && req.nworkers < 64)
      req.workers[req.nworkers++] = (int)v;
    else {
      fprintf(stderr, "gilbench run: -n %s: expected worker counts in [1, %d], 'pus' or '2*pus'\n", wl[i],
              GB_MAX_WORKERS);
      status = 2;
      goto done;
    }
  }
  if (resume_dir) {
    if (nother || optind < argc) {
      fprintf(stderr, "gilbench run: --resume DIR takes no other argument but -q: the interrupted run's "
                      "arguments come from its journal\n");
      status = 2;
    } else {
      status = resume_run(resume_dir, quiet);
    }
    goto done;
  }
  if (optind < argc) req.suite = argv[optind++];
  if (optind < argc) {
    fprintf(stderr, "gilbench run: unexpected argument '%s'\n", argv[optind]);
    status = 2;
    goto done;
  }
  if (!req.suite && req.nworkloads == 0) req.suite = "default";

  gb_plan plan;
  char err[2048];
  if (gb_plan_build(&req, &plan, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench run: %s\n", err);
    status = 2;
    goto done;
  }
  if (dry) { /* nothing is measured, the reference included */
    gb_plan_print(&plan, stdout);
    gb_plan_free(&plan);
    goto done;
  }
  char dir[PATH_MAX];
  int is_default = 0;
  if (outdir)
    snprintf(dir, sizeof dir, "%s", outdir);
  else if (make_outdir(dir, sizeof dir, &is_default) != 0) {
    fprintf(stderr, "gilbench run: cannot create results/: %s\n", strerror(errno));
    gb_plan_free(&plan);
    status = GB_EXIT_WRITE;
    goto done;
  }
  extern char gb_command_line[];
  json_t *jargv = json_array();
  for (int i = 1; i < argc; i++)
    json_array_append_new(jargv, json_string(argv[i]));
  gb_run_opts ro = {.outdir = dir,
                    .command = gb_command_line,
                    .quiet = quiet,
                    .timeout_s = timeout,
                    .no_isolation = no_isolation,
                    .resume = resuming,
                    .argv = jargv};
  status = gb_plan_run(&plan, &ro);
  json_decref(jargv);
  int wrote = status == 0 || status == 1 || status == 130 || status == 143; /* this run's results */
  if (is_default && wrote) {
    unlink("results/latest");
    if (symlink(dir + strlen("results/"), "results/latest") != 0)
      fprintf(stderr, "gilbench: results/latest: %s\n", strerror(errno));
  }
  char path[PATH_MAX + 32];
  snprintf(path, sizeof path, "%s/results.json", dir);
  json_t *root;
  if (wrote && !quiet && gb_results_load(path, &root, err, sizeof err) == 0) {
    printf("\n");
    gb_results_print(root, stdout);
    json_decref(root);
  }
  if (wrote) {
    printf("\nresults: %s\n", path);
    if (gb_results_load(path, &root, err, sizeof err) == 0) { /* the console ends with the noise */
      fflush(stdout);
      gb_results_print_noise(root, stderr);
      json_decref(root);
    }
  }
  gb_plan_free(&plan);
done:
  request_free(&req, wl, nwl);
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
static void gb__cl_add(gb_buf_t *b, const char *s, size_t n) {
  if (b->over || b->n + n + 5 >= sizeof gb_command_line) {
    b->over = 1;
    return;
  }
  memcpy(gb_command_line + b->n, s, n);
  b->n += n;
  gb_command_line[b->n] = '\0';
}

static int gb__plain_word(const char *w) {
  if (!*w) return 0;
  for (; *w; w++)
    if (!(isalnum((unsigned char)*w) && isascii((unsigned char)*w)) && !strchr("_./=:,+-@%", *w)) return 0;
  return 1;
}

static void record_command_line(int argc, char **argv) {
  gb_buf_t b = {0};
  for (int i = 0; i < argc; i++) {
    size_t mark = b.n;
    if (i) gb__cl_add(&b, " ", 1);
    if (gb__plain_word(argv[i])) {
      gb__cl_add(&b, argv[i], strlen(argv[i]));
    } else {
      gb__cl_add(&b, "'", 1);
      for (const char *c = argv[i]; *c; c++)
        gb__cl_add(&b, *c == '\'' ? "'\\''" : c, *c == '\'' ? 4 : 1);
      gb__cl_add(&b, "'", 1);
    }
    if (b.over) { /* never half a word: cut at the last whole one */
      b.n = mark;
      snprintf(gb_command_line + mark, sizeof gb_command_line - mark, " ...");
      return;
    }
  }
}

int main(int argc, char **argv) {
  record_command_line(argc, argv);
  if (gb_fault_init() != 0) return 2; /* test-only switch, unreadable: say so rather than ignore it */
  gb_io_raise_nofile(); /* as many open files as allowed: tcp cells hold a socket per connection */
  if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
      strcmp(argv[1], "help") == 0) {
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
  if (strcmp(cmd, "list") == 0) return cmd_list(argc - 1, argv + 1);
  if (strcmp(cmd, "run") == 0) return cmd_run(argc - 1, argv + 1);
  if (strcmp(cmd, "show") == 0) return cmd_show(argc - 1, argv + 1);
  if (strcmp(cmd, "kernel") == 0) return cmd_kernel(argc - 1, argv + 1);
  if (strcmp(cmd, "check") == 0) return cmd_check(argc - 1, argv + 1);
  if (strcmp(cmd, "report") == 0) return gb_report_main(argc - 1, argv + 1);
  if (strcmp(cmd, "compare") == 0) return gb_compare_main(argc - 1, argv + 1);
  if (strcmp(cmd, "findings") == 0) return gb_findings_main(argc - 1, argv + 1);
  if (strcmp(cmd, "topo") == 0) return cmd_topo(argc - 1, argv + 1);
  if (strcmp(cmd, "doctor") == 0) return gb_doctor_main(argc - 1, argv + 1);
  fprintf(stderr, "gilbench: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
