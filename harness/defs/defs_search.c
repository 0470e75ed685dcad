/* defs_search.c: finding definition and suite files by name (gb_workload_resolve, gb_suite_resolve,
 * gb_workload_list). */
#include "defs_int.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "ioop.h"
#include "keys.h"
#include "params.h"
#include "strategies.h"
#include "topo.h"

#ifndef GB_WORKLOADS_SRC_DIR
#define GB_WORKLOADS_SRC_DIR ""
#endif
#ifndef GB_WORKLOADS_INSTALL_DIR
#define GB_WORKLOADS_INSTALL_DIR ""
#endif

/* ---------------------------------------------------------------------------------------------
 * Finding definition files */

#define GB__MAX_DIRS 64

#ifndef GB_BUILD_DIR
#define GB_BUILD_DIR ""
#endif

/* Where the shipped definitions are: a binary running from its build tree uses the source tree's
 * (so edits there take effect at once); an installed one uses ../share/gilbench/workloads next
 * to itself (so an installed tree can be moved), else the configured install folder. */
static const char *shipped_dir(void) {
  static char dir[PATH_MAX];
  if (dir[0]) return dir;
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  size_t bl = strlen(GB_BUILD_DIR);
  if (n > 0) {
    exe[n] = '\0';
    if (bl > 0 && strncmp(exe, GB_BUILD_DIR, bl) == 0 && exe[bl] == '/') {
      snprintf(dir, sizeof dir, "%s", GB_WORKLOADS_SRC_DIR);
      return dir;
    }
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      char cand[PATH_MAX + 64];
      snprintf(cand, sizeof cand, "%s/../share/gilbench/workloads", exe);
      struct stat st;
      if (stat(cand, &st) == 0 && S_ISDIR(st.st_mode) && realpath(cand, dir)) return dir;
    }
  }
  snprintf(dir, sizeof dir, "%s", GB_WORKLOADS_INSTALL_DIR);
  return dir;
}

/* The folders searched, in order: $GILBENCH_PATH (and DIR/suites for suites), then the source
 * shipped folder of shipped_dir() (its suites/ for suites). Returns the count. */
static int search_dirs(bool suites, char dirs[][PATH_MAX], int max) {
  int n = 0;
  const char *env = getenv("GILBENCH_PATH");
  while (env && *env && n < max) {
    const char *colon = strchr(env, ':');
    size_t len = colon ? (size_t)(colon - env) : strlen(env);
    if (len > 0 && len < PATH_MAX - 8) {
      snprintf(dirs[n++], PATH_MAX, "%.*s", (int)len, env);
      if (suites && n < max) snprintf(dirs[n++], PATH_MAX, "%.*s/suites", (int)len, env);
    }
    if (!colon) break;
    env = colon + 1;
  }
  const char *shipped = shipped_dir();
  if (*shipped && n < max) snprintf(dirs[n++], PATH_MAX, "%s%s", shipped, suites ? "/suites" : "");
  return n;
}

/* out = a "/" b ext; false when it does not fit in len. */
static bool join_path(char *out, size_t len, const char *a, const char *b, const char *ext) {
  size_t na = strlen(a), nb = strlen(b), ne = strlen(ext);
  if (na + 1 + nb + ne >= len) return false;
  memcpy(out, a, na);
  out[na] = '/';
  memcpy(out + na + 1, b, nb);
  memcpy(out + na + 1 + nb, ext, ne + 1);
  return true;
}

static bool is_regular_file(const char *path) {
  struct stat sb;
  return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* On failure the message ("no workload 'x' (looked in ...)") is left in path. */
static int resolve(const char *name, bool suites, char *path, size_t len) {
  size_t n = strlen(name);
  if (strchr(name, '/') || (n >= 4 && strcmp(name + n - 4, ".ini") == 0)) {
    if (is_regular_file(name) && n < len) {
      memcpy(path, name, n + 1);
      return 0;
    }
    snprintf(path, len, "%s: no such file", name);
    return GB_EINVAL;
  }
  static char dirs[GB__MAX_DIRS][PATH_MAX];
  int nd = search_dirs(suites, dirs, GB__MAX_DIRS);
  char cand[PATH_MAX];
  for (int i = 0; i < nd; i++) {
    if (join_path(cand, sizeof cand, dirs[i], name, ".ini") && is_regular_file(cand) && strlen(cand) < len) {
      memcpy(path, cand, strlen(cand) + 1);
      return 0;
    }
  }
  char msg[4096];
  snprintf(msg, sizeof msg, "no %s '%s' (looked for %s.ini in: ", suites ? "suite" : "workload", name, name);
  for (int i = 0; i < nd; i++)
    gb_defs_append(msg, sizeof msg, "%s%s", i ? ", " : "", dirs[i]);
  gb_defs_append(msg, sizeof msg, "%s; GILBENCH_PATH adds folders)", nd ? "" : "nowhere");
  snprintf(path, len, "%s", msg);
  return GB_EINVAL;
}

int gb_workload_resolve(const char *name, char *path, size_t len) {
  return resolve(name, false, path, len);
}

int gb_suite_resolve(const char *name, char *path, size_t len) {
  return resolve(name, true, path, len);
}

/* Cheap test for a file in a workloads folder that is not a workload: a suite (a "[suite]" line)
 * or the findings rules (a "[finding." line). */
static bool file_is_suite(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return false;
  char line[512];
  bool suite = false;
  while (!suite && fgets(line, sizeof line, f)) {
    char *p = line;
    while (isspace((unsigned char)*p))
      p++;
    suite = strncmp(p, "[suite]", 7) == 0 || strncmp(p, "[finding.", 9) == 0;
  }
  fclose(f);
  return suite;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int gb_workload_list(char ***names) {
  static char dirs[GB__MAX_DIRS][PATH_MAX];
  int nd = search_dirs(false, dirs, GB__MAX_DIRS), n = 0;
  char **out = NULL;
  for (int i = 0; i < nd; i++) {
    DIR *dir = opendir(dirs[i]);
    if (!dir) continue;
    struct dirent *de;
    while ((de = readdir(dir))) {
      size_t len = strlen(de->d_name);
      if (len <= 4 || strcmp(de->d_name + len - 4, ".ini") != 0 || de->d_name[0] == '.') continue;
      char full[PATH_MAX];
      if (!join_path(full, sizeof full, dirs[i], de->d_name, "") || !is_regular_file(full) ||
          file_is_suite(full))
        continue;
      out = gb_xrealloc(out, sizeof *out * (size_t)(n + 1));
      out[n] = gb_xstrdup(de->d_name);
      out[n++][len - 4] = '\0';
    }
    closedir(dir);
  }
  if (n) qsort(out, (size_t)n, sizeof *out, cmp_str);
  int m = 0; /* deduplicate: the first folder on the path wins, the name is the same */
  for (int i = 0; i < n; i++) {
    if (m && strcmp(out[m - 1], out[i]) == 0)
      free(out[i]);
    else
      out[m++] = out[i];
  }
  *names = out;
  return m;
}
