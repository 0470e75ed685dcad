/* alloc.c: see alloc.h. */
#include "alloc.h"

#include <gnu/libc-version.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/single_threaded.h>

#include "params.h"

gb_alloc_policy gb_alloc = {.threaded = 1, .arena_max = 0};

int gb_alloc_set(const char *key, const char *value, char *err, size_t errlen) {
  static const gb_param_def defs[] = {
      {"alloc.threaded", "", 1, 0, 1, NULL},
      {"alloc.arena_max", "", 0, 0, 1024, NULL},
  };
  if (strncmp(key, "alloc.", 6) != 0) return 0;
  for (int i = 0; i < 2; i++) {
    if (strcmp(key, defs[i].name) != 0) continue;
    int64_t v;
    char msg[256];
    if (gb_param_parse(&defs[i], value, &v, msg, sizeof msg)) {
      snprintf(err, errlen, "--set %s=%s: %s", key, value, msg);
      return -1;
    }
    if (i == 0)
      gb_alloc.threaded = (int)v;
    else
      gb_alloc.arena_max = v;
    return 1;
  }
  snprintf(err, errlen, "--set %s: no such allocator setting (alloc.threaded, alloc.arena_max)", key);
  return -1;
}

void gb_alloc_apply(void) {
  if (gb_alloc.arena_max > 0) mallopt(M_ARENA_MAX, (int)gb_alloc.arena_max);
}

json_t *gb_alloc_json(void) {
  json_t *a = json_object();
  json_object_set_new(a, "library", json_sprintf("glibc %s", gnu_get_libc_version()));
  json_object_set_new(a, "threaded", json_boolean(gb_alloc.threaded));
  json_object_set_new(a, "arena_max", json_integer((json_int_t)gb_alloc.arena_max));
  char thp[128] = "";
  FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
  if (f) {
    if (fgets(thp, sizeof thp, f)) thp[strcspn(thp, "\n")] = 0;
    fclose(f);
  }
  const char *l = strchr(thp, '['), *r = l ? strchr(l, ']') : NULL;
  json_object_set_new(a, "transparent_hugepages",
                      l && r ? json_stringn(l + 1, (size_t)(r - l - 1)) : json_null());
  json_object_set_new(
      a, "note",
      json_string(gb_alloc.threaded
                      ? "every repetition's process has had a second thread before the timed region, "
                        "so malloc takes glibc's locked path everywhere (serial alike)"
                      : "a repetition whose strategy creates no thread keeps glibc's single-thread "
                        "malloc fast path; worker threads do not"));
  return a;
}
