/* fuzz_set.c: libFuzzer target for what the command line parses: the list parser and strategy
 * selection (-s, -w, and a suite's `strategies =`, which share them), and --set KEY=VALUE applied
 * to a shipped workload through the plan, as `gilbench run -w sumloop -p quick --set ...` would.
 * Any crash, leak or sanitizer report is a bug. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 4096) return 0;
  char *text = malloc(size + 1);
  if (!text) return 0;
  memcpy(text, data, size);
  text[size] = '\0'; /* a NUL inside cuts it, as argv would */
  char **items, err[2048];
  int n;
  if (gb_list_split(text, &items, &n) == 0) {
    const gb_strategy *sel[64];
    (void)gb_strategy_select(items, n, sel, 64, err, sizeof err);
    gb_list_free(items, n);
  }
  char *eq = strchr(text, '=');
  if (eq && eq != text && (size_t)(eq - text) < sizeof((gb_setting *)0)->key &&
      strlen(eq + 1) < sizeof((gb_setting *)0)->value) {
    gb_setting set;
    memset(&set, 0, sizeof set);
    memcpy(set.key, text, (size_t)(eq - text));
    memcpy(set.value, eq + 1, strlen(eq + 1));
    char *w = "sumloop", *s = "serial";
    gb_request req;
    memset(&req, 0, sizeof req);
    req.reps = req.warmup = -1;
    req.seed = 1;
    req.workloads = &w;
    req.nworkloads = 1;
    req.strategies = &s;
    req.nstrategies = 1;
    req.profile = "quick";
    req.sets = &set;
    req.nsets = 1;
    gb_plan plan;
    if (gb_plan_build(&req, &plan, err, sizeof err) == 0) gb_plan_free(&plan);
  }
  free(text);
  return 0;
}
