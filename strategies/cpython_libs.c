/* cpython_libs.c: what the library strategies (cpython-futures, -joblib, -dask, -ray, -spark)
 * share: whether a library can be imported here, asked once per gilbench process of the
 * interpreter that will run it, in a child process (importing Ray or PySpark into gilbench itself
 * would start their threads in the coordinator). The import error, or the missing Java runtime for
 * Spark, is the strategy's reason for being unavailable. */
#include "pyhost.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#ifndef GB_PYTHON_VENV
#define GB_PYTHON_VENV ""
#endif

/* The host's figures, then how many threads and processes the library really ran chunks in. */
const gb_metric_def gb_cpython_lib_metrics[GB_CPYTHON_LIB_NMETRICS] = {
    GB_PYHOST_METRIC_DEFS,
    {"lib_workers_seen", "count", GB_AGG_MAX, "threads the library ran chunks in (its workers, as seen)"},
    {"lib_processes_seen", "count", GB_AGG_MAX, "processes the library ran chunks in"},
};

enum { LIB_PROBE_TIMEOUT_MS = 60000, LIB_MAX = 8 };

const char *gb_cpython_venv_python(void) {
  static char path[4096];
  const char *venv_dir = GB_PYTHON_VENV;
  if (!path[0] && venv_dir[0]) {
    struct stat st;
    snprintf(path, sizeof path, "%s/bin/python", GB_PYTHON_VENV);
    if (stat(path, &st) != 0 || !(st.st_mode & S_IXUSR)) path[0] = '\0';
  }
  return path[0] ? path : NULL;
}

/* Run PYTHON -c CODE with its output in a pipe; 0 when it exited 0, else -1 with the last line of
 * what it printed (or why it could not run) in why. */
static int lib_probe(const char *python, const char *code, char *why, size_t whylen) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    snprintf(why, whylen, "pipe: %s", strerror(errno));
    return -1;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
  posix_spawn_file_actions_adddup2(&fa, fds[1], 2);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  char *const argv[] = {(char *)python, (char *)"-c", (char *)code, NULL};
  pid_t pid;
  int rc = posix_spawn(&pid, python, &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    snprintf(why, whylen, "cannot run %s: %s", python, strerror(rc));
    return -1;
  }
  char out[8192];
  size_t n = 0;
  struct pollfd p = {.fd = fds[0], .events = POLLIN};
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (;;) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    long left = LIB_PROBE_TIMEOUT_MS - ((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
    if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
      kill(pid, SIGKILL);
      break;
    }
    ssize_t k = read(fds[0], out + n, sizeof out - 1 - n);
    if (k <= 0) break;
    n += (size_t)k;
    if (n == sizeof out - 1) n = 0; /* keep the end: the error is its last line */
  }
  out[n] = '\0';
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 0;
  while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
    out[--n] = '\0';
  const char *last = strrchr(out, '\n');
  last = last ? last + 1 : out;
  if (!last[0]) last = WIFSIGNALED(st) ? "killed (it did not answer in 60 s)" : "it failed with no message";
  size_t ll = strlen(last);
  if (ll >= whylen) ll = whylen - 1;
  memcpy(why, last, ll);
  why[ll] = '\0';
  return -1;
}

const char *gb_cpython_lib_unavailable(const char *module, const char *code) {
  static struct {
    char module[32];
    char reason[600];
  } seen[LIB_MAX];
  static int nseen;
  for (int i = 0; i < nseen; i++)
    if (strcmp(seen[i].module, module) == 0) return seen[i].reason[0] ? seen[i].reason : NULL;
  const char *base = gb_cpython_unavailable();
  if (base) return base;
  const char *python = gb_cpython_lib_python();
  char why[400];
  int i = nseen < LIB_MAX ? nseen++ : LIB_MAX - 1;
  snprintf(seen[i].module, sizeof seen[i].module, "%s", module);
  seen[i].reason[0] = '\0';
  if (lib_probe(python, code, why, sizeof why) != 0)
    snprintf(seen[i].reason, sizeof seen[i].reason,
             "%s cannot be used by %s: %s (scripts/setup.sh --with python-libs installs it)", module, python,
             why);
  return seen[i].reason[0] ? seen[i].reason : NULL;
}

const char *gb_cpython_lib_python(void) {
  const char *venv = gb_cpython_venv_python();
#ifdef GB_PYTHON_EXECUTABLE
  return venv ? venv : GB_PYTHON_EXECUTABLE;
#else
  return venv ? venv : "/usr/bin/python3";
#endif
}
