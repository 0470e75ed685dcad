/* keys.c: the key table and its parsers (keys.h; docs/ARCHITECTURE.md "The key table"). */
#include "keys.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"
#include "job.h"
#include "task.h"
#include "topo.h"

/* The workload's own settings, parsed like any kernel parameter (defs.c uses them). */
const gb_param_def gb_wlparam_tasks = {"tasks", "tasks in the group", 1, 1, GB_MAX_TASKS, NULL};
const gb_param_def gb_wlparam_input = {"input_bytes", "input payload of each task", 64, 0, GB_MAX_PAYLOAD,
                                       NULL};
const gb_param_def gb_wlparam_output = {
    "output_bytes", "output payload of each task", 64, 0, GB_MAX_PAYLOAD, NULL};
const gb_param_def gb_wlparam_chunk = {"chunk", "tasks handed out at a time", 1, 1, GB_MAX_TASKS, NULL};
const gb_param_def gb_wlparam_schedule = {"schedule",      "how tasks are handed out", GB_SCHED_DYNAMIC, 0, 1,
                                          "static|dynamic"};
const gb_param_def gb_wlparam_kind = {"kind",        "what the workload is bound by", GB_KIND_CPU, 0, 2,
                                      "cpu|io|mixed"};
const gb_param_def gb_wlparam_measure = {"measure",     "what the verdict compares", GB_MEASURE_WALL, 0, 1,
                                         "wall|latency"};
const gb_param_def gb_wlparam_python = {"python", "how cpython-* runs a CPU phase", GB_PY_TWIN, 0,
                                        3,        "twin|ext|ext-held|numpy"};

#define RUN_FILE (GB_KW_CLI | GB_KW_SUITE)
/* clang-format off */
const gb_key gb_keys[] = {
    /* run: what to measure (command line, [suite], [part.NAME]) */
    {GB_K_WORKLOADS, "run", "workloads", "workloads", 'w', GB_KT_LIST, 0, 0, "", "NAME,...",
     "workloads to run, by name or path (the command line's replace the suite's)", RUN_FILE | GB_KW_PART,
     "nbody", NULL},
    {GB_K_STRATEGIES, "run", "strategies", "strategies", 's', GB_KT_LIST, 0, 0, "all", "S,...",
     "strategies: names, all, native, a pattern (cpython-*), -NAME to leave one out",
     RUN_FILE | GB_KW_PART, "serial,threads", NULL},
    {GB_K_WORKERS, "run", "workers", "workers", 'n', GB_KT_WORKERS, 1, 1024, "1,pus", "N,...",
     "worker counts: N in [1, 1024], pus (the PUs online) or K*pus", RUN_FILE | GB_KW_PART, "1,3*pus",
     NULL},
    {GB_K_MAX_WORKERS, "run", "max_workers", NULL, 0, GB_KT_LIST, 0, 0, "", "STRATEGY:N,...",
     "plan that strategy only at worker counts up to N", GB_KW_SUITE, "threads:2", NULL},
    {GB_K_PROFILE, "run", "profile", "profile", 'p', GB_KT_NAME, 0, 0, "default", "PROFILE",
     "the definitions' [profile.PROFILE] sizes (quick, default, long)",
     RUN_FILE | GB_KW_PART | GB_KW_RESULTS, "quick",
     NULL},
    {GB_K_SET, "run", NULL, "set", 0, GB_KT_ASSIGN, 0, 0, "", "KEY=VALUE",
     "a workload parameter, a strategy option (STRATEGY.OPTION, FAMILY.OPTION), alloc.* or "
     "LABEL.exe; repeatable (a suite's [set] section sweeps lists)", GB_KW_CLI, "tasks=4", NULL},
    {GB_K_REPS, "run", "reps", "reps", 0, GB_KT_REPS, 1, 100000, "5", "N|auto[:TARGET]",
     "measured repetitions per cell, or auto: repeat until the median's 95% interval is within "
     "TARGET (default 2%)", RUN_FILE | GB_KW_RESULTS, "auto:5%", NULL},
    {GB_K_MAX_REPS, "run", "max_reps", "max-reps", 0, GB_KT_INT, 6, 100000, "30", "N",
     "with reps = auto: the most repetitions of a cell", RUN_FILE, "12", NULL},
    {GB_K_MAX_CELL_SECONDS, "run", "max_cell_seconds", "max-cell-seconds", 0, GB_KT_SECONDS, 0, 86400,
     "20", "SECONDS", "with reps = auto: a cell stops once its repetitions took this long", RUN_FILE, "7.5",
     NULL},
    {GB_K_WARMUP, "run", "warmup", "warmup", 0, GB_KT_INT, 0, 1000, "1", "N",
     "unmeasured repetitions before the measured ones", RUN_FILE | GB_KW_RESULTS, "0", NULL},
    {GB_K_BIND, "run", "bind", "bind", 0, GB_KT_BIND, 0, 0, "none",
     "none|compact|scatter|cores|list:CPU,...", "where workers run (see gilbench topo)", RUN_FILE,
     "compact", NULL},
    {GB_K_TIMEOUT, "run", "timeout", "timeout", 0, GB_KT_SECONDS, 0, 1e6, "", "SECONDS",
     "per repetition; a repetition over it fails its cell as timeout (default: from the reference's "
     "time, generous)", RUN_FILE, "30", NULL},
    {GB_K_PYTHONS, "run", "pythons", "python", 0, GB_KT_PYTHONS, 0, 0, "", "LABEL=PATH",
     "another interpreter: adds the strategies LABEL-serial, LABEL-threads, ...", RUN_FILE,
     "altpy=/usr/bin/python3", NULL},
    /* run: the command line only */
    {GB_K_SEED, "run", NULL, "seed", 0, GB_KT_INT, 0, 2147483647, "1", "N",
     "seed of the shuffle of cells within a round", GB_KW_CLI | GB_KW_RESULTS, "7", NULL},
    {GB_K_OUTPUT, "run", NULL, "output", 'o', GB_KT_TEXT, 0, 0, "results/TIMESTAMP", "DIR",
     "where results.json and the journal go (results/latest points at the default)", GB_KW_CLI,
     "out", NULL},
    {GB_K_DRY_RUN, "run", NULL, "dry-run", 0, GB_KT_FLAG, 0, 0, "", NULL,
     "print the plan and an estimate; measure nothing", GB_KW_CLI, "", NULL},
    {GB_K_QUIET, "run", NULL, "quiet", 'q', GB_KT_FLAG, 0, 0, "", NULL, "no progress and no table",
     GB_KW_CLI, "", NULL},
    {GB_K_COUNTERS, "run", NULL, "counters", 0, GB_KT_TEXT, 0, 0, "default",
     "default|cache|branch|os|none|EVENT,...", "what to count per worker", GB_KW_CLI, "os", NULL},
    {GB_K_COUNTERS_BACKEND, "run", NULL, "counters-backend", 0, GB_KT_TEXT, 0, 0, "",
     "papi|perf|rusage", "force one counter backend (default: the first that works)", GB_KW_CLI, "rusage",
     NULL},
    {GB_K_NO_ISOLATION, "run", NULL, "no-isolation", 0, GB_KT_FLAG, 0, 0, "", NULL,
     "run repetitions in this process (debugging: no crash or hang safety)", GB_KW_CLI, "", NULL},
    {GB_K_RESUME, "run", NULL, "resume", 0, GB_KT_TEXT, 0, 0, "", "DIR",
     "continue an interrupted run, skipping finished repetitions (takes no other option but -q)",
     GB_KW_CLI, "", NULL},
    /* the other commands */
    {GB_K_SET, "kernel", NULL, "set", 0, GB_KT_ASSIGN, 0, 0, "", "KEY=VALUE", "a kernel parameter",
     GB_KW_CLI, "n=10", NULL},
    {GB_K_CHECKPOINT_STATS, "kernel", NULL, "checkpoint-stats", 0, GB_KT_FLAG, 0, 0, "", NULL,
     "time the gaps between the kernel's checkpoints", GB_KW_CLI, "", NULL},
    {GB_K_WORKERS, "topo", NULL, "workers", 'n', GB_KT_INT, 1, 1024, "the PUs", "N",
     "place this many workers", GB_KW_CLI, "3", NULL},
    {GB_K_SYNTHETIC, "topo", NULL, "synthetic", 0, GB_KT_TEXT, 0, 0, "", "DESC",
     "an hwloc synthetic topology instead of this machine's (pack:2 core:4 pu:2)", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "topo", NULL, "svg", 0, GB_KT_TEXT, 0, 0, "", "FILE",
     "write hwloc's drawing of the topology (lstopo), PUs coloured by where a run's workers ran", GB_KW_CLI, "",
     NULL},
    {GB_K_NONE, "topo", NULL, "results", 0, GB_KT_TEXT, 0, 0, "", "RESULTS",
     "with --svg: colour each PU by its share of this run's worker time", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "topo", NULL, "binding", 0, GB_KT_TEXT, 0, 0, "the first used", "POLICY",
     "with --svg --results: the binding policy whose workers to show", GB_KW_CLI, "", NULL},
    {GB_K_OUTPUT, "report", NULL, NULL, 'o', GB_KT_TEXT, 0, 0, "beside the results", "DIR",
     "where the report goes", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "report", NULL, "formats", 0, GB_KT_LIST, 0, 0, "html,md,csv,svg", "F,...",
     "html, md, csv, svg, png", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "report", NULL, "rules", 0, GB_KT_TEXT, 0, 0, "workloads/findings.ini", "FILE",
     "the findings' rules", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "compare", NULL, "threshold", 0, GB_KT_FRACTION, 0, 1, "5%", "PCT",
     "smallest change reported as a difference", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "compare", NULL, "fail-if-slower", 0, GB_KT_FLAG, 0, 0, "", NULL,
     "exit 1 when a cell is significantly slower in B", GB_KW_CLI, "", NULL},
    {GB_K_SEED, "compare", NULL, "seed", 0, GB_KT_INT, 0, 2147483647, "1", "N", "bootstrap seed",
     GB_KW_CLI, "", NULL},
    {GB_K_OUTPUT, "compare", NULL, NULL, 'o', GB_KT_TEXT, 0, 0, "compare/ beside B", "DIR",
     "where compare.md and compare.html go", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "export", NULL, "format", 0, GB_KT_TEXT, 0, 0, "", "F",
     "gbench (Google Benchmark's JSON), csv or jsonl", GB_KW_CLI, "", NULL},
    {GB_K_OUTPUT, "export", NULL, NULL, 'o', GB_KT_TEXT, 0, 0, "standard output", "FILE",
     "where the export goes", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "findings", NULL, "rules", 0, GB_KT_TEXT, 0, 0, "workloads/findings.ini", "FILE",
     "the findings' rules", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "findings", NULL, "json", 0, GB_KT_FLAG, 0, 0, "", NULL, "as JSON", GB_KW_CLI, "", NULL},
    {GB_K_NONE, "doctor", NULL, "json", 0, GB_KT_FLAG, 0, 0, "", NULL, "as JSON", GB_KW_CLI, "", NULL},
    {GB_K_MAN, "help", NULL, "man", 0, GB_KT_FLAG, 0, 0, "", NULL, "write the man page gilbench(1) in roff",
     GB_KW_CLI, "", NULL},
    /* workload definitions ([workload], [group.NAME], [phase.N]); --set and [set] where marked. The
     * rows --set takes are the workload's params in results, in this order (tasks, input_bytes,
     * output_bytes, then chunk, schedule: gb_workload_params_each) */
    {GB_K_NAME, NULL, "name", NULL, 0, GB_KT_TEXT, 0, 0, "", "NAME", "the workload's name (" GB_NAME_CHARSET ")",
     GB_KW_DEF, "renamed.v2", NULL},
    {GB_K_SUMMARY, NULL, "summary", NULL, 0, GB_KT_TEXT, 0, 0, "", "TEXT", "one line for gilbench list",
     GB_KW_DEF, "another line", NULL},
    {GB_K_KIND, NULL, "kind", NULL, 0, GB_KT_PARAM, 0, 0, "cpu", "cpu|io|mixed", "what the workload is bound by",
     GB_KW_DEF, "io", &gb_wlparam_kind},
    {GB_K_MEASURE, NULL, "measure", NULL, 0, GB_KT_PARAM, 0, 0, "wall", "wall|latency", "what the verdict compares",
     GB_KW_DEF, "latency", &gb_wlparam_measure},
    {GB_K_CHUNK, NULL, "chunk", NULL, 0, GB_KT_PARAM, 1, (double)GB_MAX_TASKS, "1", "N",
     "tasks handed out at a time", GB_KW_DEF | GB_KW_SET, "2", &gb_wlparam_chunk},
    {GB_K_SCHEDULE, NULL, "schedule", NULL, 0, GB_KT_PARAM, 0, 0, "dynamic", "static|dynamic",
     "how tasks are handed out", GB_KW_DEF | GB_KW_SET, "static", &gb_wlparam_schedule},
    {GB_K_TASKS, NULL, "tasks", NULL, 0, GB_KT_PARAM, 1, (double)GB_MAX_TASKS, "1", "N",
     "tasks in the group (group.G.tasks in a workload with groups)", GB_KW_DEF | GB_KW_GROUP | GB_KW_SET, "6",
     &gb_wlparam_tasks},
    {GB_K_INPUT_BYTES, NULL, "input_bytes", NULL, 0, GB_KT_PARAM, 0, (double)GB_MAX_PAYLOAD, "64", "BYTES",
     "input payload of each task", GB_KW_DEF | GB_KW_GROUP | GB_KW_SET, "128", &gb_wlparam_input},
    {GB_K_OUTPUT_BYTES, NULL, "output_bytes", NULL, 0, GB_KT_PARAM, 0, (double)GB_MAX_PAYLOAD, "64", "BYTES",
     "output payload of each task", GB_KW_DEF | GB_KW_GROUP | GB_KW_SET, "256", &gb_wlparam_output},
    {GB_K_KERNEL, NULL, "kernel", NULL, 0, GB_KT_TEXT, 0, 0, "", "NAME", "the phase's kernel (gilbench list kernels)",
     GB_KW_PHASE, "square", NULL},
    {GB_K_IO, NULL, "io", NULL, 0, GB_KT_TEXT, 0, 0, "", "OP", "the phase's I/O op (gilbench list ops)",
     GB_KW_PHASE, "sleep", NULL},
    {GB_K_PYTHON, NULL, "python", NULL, 0, GB_KT_PARAM, 0, 0, "twin", "twin|ext|ext-held|numpy",
     "how the cpython-* family runs the phase's CPU work", GB_KW_PHASE, "ext", &gb_wlparam_python},
    {GB_K_NONE, NULL, "phase.N.PARAM", NULL, 0, GB_KT_TEXT, 0, 0, "", "VALUE",
     "a kernel's or I/O op's parameter (a bare PARAM where one phase has it; group.G.phase.N.PARAM)",
     GB_KW_PHASE | GB_KW_SET, "", NULL},
    {GB_K_NONE, NULL, "STRATEGY.OPTION", NULL, 0, GB_KT_TEXT, 0, 0, "", "VALUE",
     "a strategy's option (gilbench list strategies); FAMILY.OPTION sets it for every strategy of "
     "the family (cpython, pypy, jython, a --python LABEL); a program to run is taken from --set "
     "only, never from a file", GB_KW_OPTION | GB_KW_SET, "", NULL},
    {GB_K_NONE, NULL, "alloc.threaded", NULL, 0, GB_KT_TEXT, 0, 0, "", "VALUE",
     "the run's allocator policy (--set only)", GB_KW_OPTION, "", NULL},
    {GB_K_NONE, NULL, "alloc.arena_max", NULL, 0, GB_KT_TEXT, 0, 0, "", "N",
     "the run's allocator arenas (--set only)", GB_KW_OPTION, "", NULL},
    {GB_K_NONE, NULL, "LABEL.exe", NULL, 0, GB_KT_TEXT, 0, 0, "", "PATH",
     "another interpreter for a Python family (--set cpython.exe=PATH; --set only)", GB_KW_OPTION, "",
     NULL},
};
/* clang-format on */
const int gb_nkeys = (int)(sizeof gb_keys / sizeof gb_keys[0]);

const gb_command_doc gb_commands[] = {
    {"list", "[workloads|strategies|kernels|ops|counters|keys]",
     "what can be run, and why a strategy or counter is unavailable; keys: every key of the grammar"},
    {"run", "[SUITE]", "plan and measure: a suite's cells, or those the options name"},
    {"show", "RESULTS", "console table of a results file or folder"},
    {"kernel", "NAME", "run one kernel, print its output"},
    {"check", "FILE.ini...", "validate a definition, suite or findings file"},
    {"report", "RESULTS", "charts, HTML, Markdown and CSV report"},
    {"compare", "A B", "two runs side by side, with significance"},
    {"export", "RESULTS", "results for other tools: Google Benchmark's JSON, CSV or JSON lines"},
    {"findings", "RESULTS", "the seed's claims, confirmed or contradicted by a run"},
    {"topo", "", "the topology, and where each --bind policy puts N workers"},
    {"doctor", "", "what on this machine limits measurements, and what to do"},
    {"help", "[COMMAND]", "this help, a command's, or the man page"},
    {NULL, NULL, NULL},
};

const gb_command_doc *gb_command_find(const char *name) {
  for (int i = 0; gb_commands[i].name; i++)
    if (strcmp(gb_commands[i].name, name) == 0) return &gb_commands[i];
  return NULL;
}

const gb_key *gb_key_by_name(const char *name, unsigned where) {
  for (int i = 0; i < gb_nkeys; i++)
    if ((gb_keys[i].where & where) && gb_keys[i].name && strcmp(gb_keys[i].name, name) == 0)
      return &gb_keys[i];
  return NULL;
}

void gb_keys_names(unsigned where, unsigned unless, char *buf, size_t len) {
  size_t off = 0;
  buf[0] = '\0';
  for (int i = 0; i < gb_nkeys && off < len; i++)
    if ((gb_keys[i].where & where) && !(gb_keys[i].where & unless) && gb_keys[i].name)
      off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", gb_keys[i].name);
}

const gb_key *gb_key_by_id(const char *command, gb_key_id id) {
  for (int i = 0; i < gb_nkeys; i++)
    if (gb_keys[i].id == id && gb_keys[i].command && strcmp(gb_keys[i].command, command) == 0)
      return &gb_keys[i];
  return NULL;
}

const char *gb_key_where(const gb_key *k, const char *path, int line, char *buf, size_t len) {
  if (path && line > 0)
    snprintf(buf, len, "%s:%d: %s", path, line, k->name ? k->name : k->flag);
  else if (path)
    snprintf(buf, len, "%s: %s", path, k->name ? k->name : k->flag);
  else if (k->shortopt) /* what users type: -n rather than --workers */
    snprintf(buf, len, "-%c", k->shortopt);
  else
    snprintf(buf, len, "--%s", k->flag);
  return buf;
}

/* ---------------------------------------------------------------------------------------------
 * Parsers, one per type */

int gb_reps_parse(const char *text, int *reps, double *target, char *msg, size_t msglen) {
  if (strncmp(text, "auto", 4) != 0) {
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (errno || end == text || *end || v < 1 || v > 100000) {
      snprintf(msg, msglen, "'%s': expected an integer count in [1, 100000], or auto[:TARGET] (auto:2%%)",
               text);
      return -1;
    }
    *reps = (int)v;
    *target = 0;
    return 0;
  }
  double t = 0.02; /* the default target: the median known within 2% */
  if (text[4] == ':') {
    char *end;
    errno = 0;
    t = strtod(text + 5, &end);
    int pct = *end == '%';
    if (errno || end == text + 5 || end[pct] != '\0' || !(pct || t < 1)) {
      snprintf(msg, msglen,
               "'%s': expected auto:TARGET with TARGET a percentage (auto:2%%) or a fraction (auto:0.02)",
               text);
      return -1;
    }
    if (pct) t /= 100;
  } else if (text[4] != '\0') {
    snprintf(msg, msglen, "'%s': expected auto or auto:TARGET (auto:2%%)", text);
    return -1;
  }
  if (!(t > 0 && t <= 0.5)) {
    snprintf(msg, msglen, "'%s': the target must be above 0 and at most 50%%", text);
    return -1;
  }
  *reps = 0;
  *target = t;
  return 0;
}

/* One worker expression: N, pus, K*pus. */
static int parse_worker(const char *it, int *out, char *msg, size_t msglen) {
  static const gb_param_def def_workers = {"workers", "", 1, 1, GB_MAX_WORKERS, NULL};
  static const gb_param_def def_mult = {"workers", "", 1, 1, 64, NULL};
  size_t len = strlen(it);
  int64_t v;
  char m[256];
  if (strcmp(it, "pus") == 0) {
    *out = -1;
    return 0;
  }
  if (len > 4 && strcmp(it + len - 4, "*pus") == 0) {
    char k[64];
    snprintf(k, sizeof k, "%.*s", (int)(len - 4), it);
    if (gb_param_parse(&def_mult, k, &v, m, sizeof m)) {
      snprintf(msg, msglen, "'%s': K*pus takes K in [1, 64]: %s", it, m);
      return -1;
    }
    *out = -(int)v;
    return 0;
  }
  if (gb_param_parse(&def_workers, it, &v, m, sizeof m)) {
    snprintf(msg, msglen, "%s (or pus, K*pus)", m);
    return -1;
  }
  *out = (int)v;
  return 0;
}

int gb_workers_parse(char *const *items, int n, int *out, int max, char *msg, size_t msglen) {
  if (n > max) {
    snprintf(msg, msglen, "at most %d worker counts", max);
    return -1;
  }
  for (int i = 0; i < n; i++)
    if (parse_worker(items[i], &out[i], msg, msglen) != 0) return -1;
  return 0;
}

static int parse_seconds(const gb_key *k, const char *text, double *out, char *msg, size_t msglen) {
  char *end;
  errno = 0;
  double d = strtod(text, &end);
  if (errno || end == text || *end || !isfinite(d) || !(d > k->min) || d > k->max) {
    snprintf(msg, msglen, "expected seconds in (%.10g, %.10g], got '%s'", k->min, k->max, text);
    return -1;
  }
  *out = d;
  return 0;
}

static int parse_int(const gb_key *k, const char *text, long long *out, char *msg, size_t msglen) {
  gb_param_def def = {
      k->name ? k->name : k->flag, "", (int64_t)k->min, (int64_t)k->min, (int64_t)k->max, NULL};
  int64_t v;
  if (gb_param_parse(&def, text, &v, msg, msglen) != 0) return -1;
  *out = v;
  return 0;
}

/* LABEL=PATH items (the interpreter is checked when it is added: gb_pyhost_add). */
static int parse_pythons(const char *text, gb_key_value *v, char *msg, size_t msglen) {
  if (gb_list_split(text, &v->items, &v->nitems) != 0) {
    snprintf(msg, msglen, "expected LABEL=PATH, ... got '%s'", text);
    return -1;
  }
  for (int i = 0; i < v->nitems; i++) {
    const char *eq = strchr(v->items[i], '=');
    if (!eq || eq == v->items[i] || !eq[1]) {
      snprintf(msg, msglen, "'%s': expected LABEL=PATH", v->items[i]);
      return -1;
    }
  }
  return 0;
}

static int parse_list(const char *text, gb_key_value *v, char *msg, size_t msglen) {
  if (gb_list_split(text, &v->items, &v->nitems) == 0) return 0;
  snprintf(msg, msglen, "expected a comma-separated list with no empty item, got '%s'", text);
  return -1;
}

static int parse_fraction(const char *text, double *out, char *msg, size_t msglen) {
  char *end;
  errno = 0;
  double d = strtod(text, &end);
  int pct = *end == '%';
  if (errno || end == text || end[pct] || !isfinite(d) || d < 0 || (!pct && d > 1)) {
    snprintf(msg, msglen, "expected a percentage (5%%) or a fraction (0.05), got '%s'", text);
    return -1;
  }
  *out = pct ? d / 100 : d;
  return 0;
}

static int parse_text_kind(const gb_key *k, const char *text, gb_key_value *v, char *msg, size_t msglen) {
  v->text = text;
  if (k->type == GB_KT_NAME && (!gb_name_valid(text) || strpbrk(text, ".+"))) {
    snprintf(msg, msglen, "bad name '%s' (%s, without '.' and '+')", text, GB_NAME_CHARSET);
    return -1;
  }
  if (k->type == GB_KT_ASSIGN && (!strchr(text, '=') || text[0] == '=')) {
    snprintf(msg, msglen, "'%s': expected KEY=VALUE", text);
    return -1;
  }
  if (k->type == GB_KT_BIND) {
    gb_bind b;
    return gb_bind_parse(text, &b, msg, msglen) == 0 ? 0 : -1;
  }
  if (k->type == GB_KT_TEXT && !*text) {
    snprintf(msg, msglen, "expected %s, got nothing", k->arg ? k->arg : "a value");
    return -1;
  }
  return 0;
}

int gb_key_parse(const gb_key *k, const char *text, gb_key_value *v, char *msg, size_t msglen) {
  memset(v, 0, sizeof *v);
  switch (k->type) {
  case GB_KT_FLAG: v->i = 1; return 0;
  case GB_KT_INT: return parse_int(k, text, &v->i, msg, msglen);
  case GB_KT_SECONDS: return parse_seconds(k, text, &v->d, msg, msglen);
  case GB_KT_FRACTION: return parse_fraction(text, &v->d, msg, msglen);
  case GB_KT_REPS: {
    int reps;
    if (gb_reps_parse(text, &reps, &v->d, msg, msglen) != 0) return -1;
    v->i = reps;
    return 0;
  }
  case GB_KT_WORKERS: {
    char **items;
    int n;
    if (gb_list_split(text, &items, &n) != 0) {
      snprintf(msg, msglen,
               "expected a comma-separated list of worker counts (N, pus, K*pus), no item empty, got '%s'",
               text);
      return -1;
    }
    int rc = gb_workers_parse(items, n, v->workers, (int)GB_ARRAY_LEN(v->workers), msg, msglen);
    v->nworkers = rc == 0 ? n : 0;
    gb_list_free(items, n);
    return rc;
  }
  case GB_KT_LIST: return parse_list(text, v, msg, msglen);
  case GB_KT_PYTHONS: return parse_pythons(text, v, msg, msglen);
  case GB_KT_PARAM: {
    int64_t x;
    if (gb_param_parse(k->param, text, &x, msg, msglen) != 0) return -1;
    v->i = x;
    return 0;
  }
  default: return parse_text_kind(k, text, v, msg, msglen);
  }
}

void gb_key_value_free(gb_key_value *v) {
  if (v->items) gb_list_free(v->items, v->nitems);
  v->items = NULL;
  v->nitems = 0;
}

/* ---------------------------------------------------------------------------------------------
 * getopt tables */

static int is_option_of(const gb_key *k, const char *command) {
  return (k->where & GB_KW_CLI) && k->command && strcmp(k->command, command) == 0;
}

int gb_keys_getopt(const char *command, void *lo_, int max, char *shortopts, size_t len) {
  struct option *lo = lo_;
  int n = 0;
  size_t s = 0;
  for (int i = 0; i < gb_nkeys && n < max - 1; i++) {
    const gb_key *k = &gb_keys[i];
    if (!is_option_of(k, command)) continue;
    int has_arg = k->type == GB_KT_FLAG ? no_argument : required_argument;
    if (k->flag) lo[n++] = (struct option){k->flag, has_arg, NULL, 256 + i};
    if (k->shortopt && s + 3 < len) {
      shortopts[s++] = k->shortopt;
      if (has_arg == required_argument) shortopts[s++] = ':';
    }
  }
  lo[n] = (struct option){NULL, 0, NULL, 0};
  shortopts[s] = '\0';
  return n;
}

const gb_key *gb_keys_from_getopt(const char *command, int c) {
  if (c >= 256 && c - 256 < gb_nkeys) return &gb_keys[c - 256];
  for (int i = 0; i < gb_nkeys; i++)
    if (is_option_of(&gb_keys[i], command) && gb_keys[i].shortopt == c) return &gb_keys[i];
  return NULL;
}

/* ---------------------------------------------------------------------------------------------
 * Help, list and man page */

static const char *type_name(const gb_key *k) {
  static const char *const names[] = {"flag", "integer",   "seconds", "count or auto", "workers",
                                      "list", "name",      "binding", "KEY=VALUE",     "LABEL=PATH list",
                                      "text", "parameter", "fraction"};
  return names[k->type];
}

/* "where" of a key as words ("command line, suite, [set]"). */
static void where_text(const gb_key *k, char *buf, size_t len) {
  static const char *const words[] = {"command line", "suite",           "part",  "--set/[set]", "definition",
                                      "phase",        "strategy option", "group", "results"};
  size_t off = 0;
  buf[0] = '\0';
  for (int b = 0; b < (int)GB_ARRAY_LEN(words) && off < len; b++)
    if (k->where & (1u << b))
      off += (size_t)snprintf(buf + off, len - off, "%s%s", off ? ", " : "", words[b]);
}

/* "-n, --workers N,..." */
static void option_text(const gb_key *k, char *buf, size_t len) {
  const char *arg = k->type == GB_KT_FLAG ? "" : k->arg;
  if (k->shortopt && k->flag)
    snprintf(buf, len, "-%c, --%s%s%s", k->shortopt, k->flag, *arg ? " " : "", arg);
  else if (k->flag)
    snprintf(buf, len, "--%s%s%s", k->flag, *arg ? " " : "", arg);
  else
    snprintf(buf, len, "-%c%s%s", k->shortopt, *arg ? " " : "", arg);
}

void gb_keys_help(const char *command, FILE *out) {
  const gb_command_doc *c = gb_command_find(command);
  if (!c) return;
  fprintf(out, "usage: gilbench %s%s%s [OPTION]...\n  %s\n", c->name, *c->args ? " " : "", c->args, c->help);
  int any = 0;
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!is_option_of(k, command)) continue;
    char opt[128];
    option_text(k, opt, sizeof opt);
    if (!any++) fprintf(out, "\noptions:\n");
    fprintf(out, "  %-28s %s", opt, k->help);
    if (*k->def) fprintf(out, " (default: %s)", k->def);
    if (k->name && (k->where & GB_KW_SUITE)) fprintf(out, " [suite: %s]", k->name);
    fprintf(out, "\n");
  }
  fprintf(out, "%s  -h, --help                   this help\n", any ? "" : "\noptions:\n");
  if (strcmp(command, "run") == 0)
    fprintf(out, "\nA suite's keys are listed by `gilbench list keys`; the man page is gilbench(1).\n");
}

void gb_keys_list(FILE *out) {
  fprintf(out, "keys (name, type, range, default, where; `gilbench COMMAND --help` for options):\n");
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    char where[160], name[128];
    where_text(k, where, sizeof where);
    if (k->name)
      snprintf(name, sizeof name, "%s", k->name);
    else if (k->flag)
      snprintf(name, sizeof name, "%s --%s", k->command, k->flag);
    else
      snprintf(name, sizeof name, "%s -%c", k->command, k->shortopt);
    fprintf(out, "  %-26s %s", name, type_name(k));
    if (k->type == GB_KT_INT || k->type == GB_KT_PARAM) {
      if (k->max > 0) fprintf(out, " [%.10g, %.10g]", k->min, k->max);
    } else if (k->type == GB_KT_SECONDS) {
      fprintf(out, " (%.10g, %.10g]", k->min, k->max);
    }
    fprintf(out, "%s%s; %s: %s\n", *k->def ? ", default " : "", k->def, where, k->help);
  }
}

/* roff text: a leading '.' or '\'' and every backslash escaped. */
static void roff(FILE *out, const char *s) {
  if (*s == '.' || *s == '\'') fputs("\\&", out);
  for (; *s; s++) {
    if (*s == '\\')
      fputs("\\e", out);
    else if (*s == '-')
      fputs("\\-", out);
    else
      fputc(*s, out);
  }
}

static void man_options(FILE *out, const char *command) {
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!is_option_of(k, command)) continue;
    char opt[128];
    option_text(k, opt, sizeof opt);
    fputs(".TP\n.B ", out);
    roff(out, opt);
    fputs("\n", out);
    roff(out, k->help);
    if (*k->def) fprintf(out, " (default: "), roff(out, k->def), fputs(")", out);
    if (k->name && (k->where & GB_KW_SUITE)) fputs(". In a suite: ", out), roff(out, k->name);
    fputs(".\n", out);
  }
}

static void man_file_keys(FILE *out, unsigned where) {
  for (int i = 0; i < gb_nkeys; i++) {
    const gb_key *k = &gb_keys[i];
    if (!(k->where & where) || !k->name) continue;
    char w[160];
    where_text(k, w, sizeof w);
    fputs(".TP\n.BR ", out);
    roff(out, k->name);
    fputs(" \" = \" ", out);
    roff(out, k->arg ? k->arg : "VALUE");
    fputs("\n", out);
    roff(out, k->help);
    fprintf(out, " (%s", type_name(k));
    if (*k->def) fputs(", default ", out), roff(out, k->def);
    fputs("; ", out);
    roff(out, w);
    fputs(").\n", out);
  }
}

void gb_keys_man(FILE *out) {
  fprintf(out, ".TH GILBENCH 1 \"\" \"gilbench %s\" \"User Commands\"\n", GB_VERSION);
  fputs(".SH NAME\ngilbench \\- measure one workload through many parallelism strategies\n", out);
  fputs(".SH SYNOPSIS\n", out);
  for (int c = 0; gb_commands[c].name; c++) {
    fprintf(out, ".B gilbench %s\n", gb_commands[c].name);
    if (*gb_commands[c].args) roff(out, gb_commands[c].args), fputs("\n", out);
    fputs("[OPTION]...\n.br\n", out);
  }
  fputs(".SH DESCRIPTION\nEvery option, suite key and definition key below comes from one table in the "
        "program, the same that parses them; \\fBgilbench list keys\\fR prints it.\n.SH COMMANDS\n",
        out);
  for (int c = 0; gb_commands[c].name; c++) {
    fprintf(out, ".SS %s\n", gb_commands[c].name);
    roff(out, gb_commands[c].help);
    fputs(".\n", out);
    man_options(out, gb_commands[c].name);
  }
  fputs(".SH SUITE FILES\nA suite's [suite] section takes these keys ([part.NAME] those marked part); "
        "its [set] section takes --set's keys, a comma-separated list sweeping them.\n",
        out);
  man_file_keys(out, GB_KW_SUITE);
  fputs(".SH DEFINITION FILES\n[workload], [group.NAME] and [phase.N] keys, and what --set and [set] take.\n",
        out);
  man_file_keys(out, GB_KW_DEF | GB_KW_PHASE | GB_KW_OPTION);
  fputs(".SH EXIT STATUS\n0 all cells ok; 1 a cell failed; 2 bad usage or invalid input (nothing run); 3 "
        "the results could not be written; 130 and 143 interrupted.\n",
        out);
  fputs(".SH SEE ALSO\nREADME.md and docs/ARCHITECTURE.md in the source tree.\n", out);
}
