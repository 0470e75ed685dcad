/* fault.c: the test-only fault switches (fault.h): read once at start-up, consulted by the task
 * model, the I/O phases and every writer of a file. */
#include "fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gb.h"

int64_t gb_fault_task[GB_FAULT_KINDS] = {-1, -1, -1, -1, -1};
static _Thread_local int in_reference; /* the reference path: no faults */

/* enospc:FILE entries: writes to a file of that base name fail with ENOSPC. */
static char fault_enospc[8][64];
static int fault_nenospc;

int gb_fault_parse(const char *spec, int64_t task[GB_FAULT_KINDS], char *err, size_t errlen) {
  static const char *const names[GB_FAULT_KINDS] = {"in", "out", "skipcopy", "reuse", "skipio"};
  for (int k = 0; k < GB_FAULT_KINDS; k++)
    task[k] = -1;
  fault_nenospc = 0;
  const char *p = spec;
  while (*p) {
    size_t n = strcspn(p, ","), name = strcspn(p, ":,");
    if (name == 6 && name < n && strncmp(p, "enospc", 6) == 0) { /* a file's base name */
      if (n == 7 || n - 7 >= sizeof fault_enospc[0] || fault_nenospc == (int)GB_ARRAY_LEN(fault_enospc))
        return gb_err(err, errlen, GB_EINVAL,
                      "'%.*s': expected enospc:FILE (a base name below 64 bytes, 8 at most)", (int)n, p);
      snprintf(fault_enospc[fault_nenospc++], sizeof fault_enospc[0], "%.*s", (int)(n - 7), p + 7);
      p += n + (p[n] == ',');
      continue;
    }
    int kind = -1;
    for (int k = 0; k < GB_FAULT_KINDS; k++)
      if (strlen(names[k]) == name && strncmp(p, names[k], name) == 0) kind = k;
    char *end = NULL;
    long long v = name < n ? strtoll(p + name + 1, &end, 10) : -1;
    if (kind < 0 || name == n || end != p + n || v < 0 || p[name + 1] < '0' || p[name + 1] > '9')
      return gb_err(
          err, errlen, GB_EINVAL,
          "'%.*s': expected KIND:TASK with KIND one of in, out, skipcopy, reuse, skipio (or enospc:FILE)",
          (int)n, p);
    task[kind] = v;
    p += n + (p[n] == ',');
  }
  return 0;
}

int gb_fault_init(void) {
  const char *f = getenv("GILBENCH_TEST_FAULT");
  char err[256];
  if (f && gb_fault_parse(f, gb_fault_task, err, sizeof err) != 0) {
    fprintf(stderr, "gilbench: GILBENCH_TEST_FAULT=%s: %s\n", f, err);
    return GB_EINVAL;
  }
  return 0;
}

int gb_fault_write(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  for (int i = 0; i < fault_nenospc; i++)
    if (strcmp(base, fault_enospc[i]) == 0) return -ENOSPC;
  return 0;
}

int gb_fault_hits(int kind, uint64_t task) {
  return gb_fault_armed(kind) && (uint64_t)gb_fault_task[kind] == task && !in_reference;
}

void gb_fault_suspend(int on) {
  in_reference = on;
}
