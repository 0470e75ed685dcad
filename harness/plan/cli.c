/* cli.c: `gilbench run`'s options, read through the key table (keys.h). */
#include "cli.h"

#include <string.h>

#include "alloc.h"
#include "gb.h"
#include "keys.h"
#include "strategies.h"

/* Append items to a list of owned strings. */
static void list_append(char ***list, int *n, char **items, int k) {
  *list = gb_xrealloc(*list, sizeof **list * (size_t)(*n + k));
  for (int i = 0; i < k; i++)
    (*list)[(*n)++] = gb_xstrdup(items[i]);
}

/* --set KEY=VALUE: an interpreter (LABEL.exe), the allocator (alloc.*), else a workload key or a
 * strategy option for the plan. 0, or -1 with msg. */
static int store_set(gb_request *req, const char *text, char *msg, size_t msglen) {
  const char *eq = strchr(text, '=');
  char key[128], e[512];
  int prc = 0;
  snprintf(key, sizeof key, "%.*s", (int)(eq - text), text);
  if (gb_pyhost_set_exe(key, eq + 1, &prc, e, sizeof e)) { /* cpython.exe=PATH and the like */
    if (prc != 0) snprintf(msg, msglen, "%s", e);
    return prc != 0 ? -1 : 0;
  }
  int arc = gb_alloc_set(key, eq + 1, e, sizeof e); /* alloc.*: the run's allocator policy */
  if (arc != 0) {
    if (arc < 0) snprintf(msg, msglen, "%s", e);
    return arc < 0 ? -1 : 0;
  }
  if ((size_t)(eq - text) >= sizeof req->sets[0].key || strlen(eq + 1) >= sizeof req->sets[0].value) {
    snprintf(msg, msglen, "'%s': key or value too long", text);
    return -1;
  }
  req->sets = gb_xrealloc(req->sets, sizeof *req->sets * (size_t)(req->nsets + 1));
  snprintf(req->sets[req->nsets].key, sizeof req->sets[req->nsets].key, "%s", key);
  snprintf(req->sets[req->nsets].value, sizeof req->sets[req->nsets].value, "%s", eq + 1);
  req->nsets++;
  return 0;
}

/* Store a parsed value of a key both the command line and suites take. 0, or -1 with msg. */
static int store_request(gb_request *req, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                         size_t msglen) {
  switch (k->id) {
  case GB_K_WORKLOADS: list_append(&req->workloads, &req->nworkloads, v->items, v->nitems); return 0;
  case GB_K_STRATEGIES: list_append(&req->strategies, &req->nstrategies, v->items, v->nitems); return 0;
  case GB_K_WORKERS:
    if (req->nworkers + v->nworkers > (int)GB_ARRAY_LEN(req->workers)) {
      snprintf(msg, msglen, "at most %zu worker counts", GB_ARRAY_LEN(req->workers));
      return -1;
    }
    memcpy(req->workers + req->nworkers, v->workers, sizeof(int) * (size_t)v->nworkers);
    req->nworkers += v->nworkers;
    return 0;
  case GB_K_PROFILE: req->profile = text; return 0;
  case GB_K_REPS: req->reps = (int)v->i, req->reps_auto = v->d; return 0;
  case GB_K_MAX_REPS: req->max_reps = (int)v->i; return 0;
  case GB_K_MAX_CELL_SECONDS: req->max_cell_s = v->d; return 0;
  case GB_K_WARMUP: req->warmup = (int)v->i; return 0;
  case GB_K_BIND: req->bind = text; return 0;
  case GB_K_TIMEOUT: req->timeout_s = v->d; return 0;
  case GB_K_SEED: req->seed = (uint64_t)v->i; return 0;
  case GB_K_COUNTERS: req->counters = text; return 0;
  case GB_K_COUNTERS_BACKEND: req->counters_backend = text; return 0;
  case GB_K_SET: return store_set(req, text, msg, msglen);
  case GB_K_PYTHONS:
    for (int i = 0; i < v->nitems; i++)
      if (gb_pyhost_add(v->items[i], msg, msglen) != 0) return -1;
    return 0;
  default: return 1; /* not a request key */
  }
}

/* Store a run option (the command line's only, or a request key). 0, or -1 with msg. */
static int store_option(gb_run_cli *cli, const gb_key *k, gb_key_value *v, const char *text, int resuming,
                        char *msg, size_t msglen) {
  if (k->id != GB_K_QUIET && k->id != GB_K_RESUME) cli->nother++;
  switch (k->id) {
  case GB_K_OUTPUT: cli->outdir = text; return 0;
  case GB_K_DRY_RUN: cli->dry = 1; return 0;
  case GB_K_QUIET: cli->quiet = 1; return 0;
  case GB_K_NO_ISOLATION: cli->no_isolation = 1; return 0;
  case GB_K_RESUME:
    if (resuming) {
      snprintf(msg, msglen, "--resume inside a resumed command line");
      return -1;
    }
    cli->resume_dir = text;
    return 0;
  default: return store_request(&cli->req, k, v, text, msg, msglen) == 0 ? 0 : -1;
  }
}

/* What gb_keys_parse_argv hands each option to: the command line being filled. */
typedef struct run_ctx {
  gb_run_cli *cli;
  int resuming;
} run_ctx;

static int store_run(void *ctx, const gb_key *k, gb_key_value *v, const char *text, char *msg,
                     size_t msglen) {
  run_ctx *r = ctx;
  return store_option(r->cli, k, v, text, r->resuming, msg, msglen);
}

int gb_cli_run_parse(int argc, char **argv, int resuming, gb_run_cli *cli, char *err, size_t errlen) {
  memset(cli, 0, sizeof *cli);
  cli->req.reps = cli->req.warmup = cli->req.max_reps = -1;
  cli->req.max_cell_s = -1;
  cli->req.seed = 1;
  run_ctx ctx = {cli, resuming};
  gb_keys_args a = {.command = "run", .store = store_run, .ctx = &ctx};
  if (gb_keys_parse_argv(&a, argc, argv, err, errlen) != 0) return 2;
  if (a.first < argc) cli->req.suite = argv[a.first++];
  if (a.first < argc) {
    snprintf(err, errlen, "unexpected argument '%s'", argv[a.first]);
    return 2;
  }
  return 0;
}

void gb_cli_run_free(gb_run_cli *cli) {
  for (int i = 0; i < cli->req.nworkloads; i++)
    free(cli->req.workloads[i]);
  for (int i = 0; i < cli->req.nstrategies; i++)
    free(cli->req.strategies[i]);
  free(cli->req.workloads);
  free(cli->req.strategies);
  free(cli->req.sets);
  memset(cli, 0, sizeof *cli);
}
