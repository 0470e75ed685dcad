/* gnuplot.c: finding gnuplot and running the generated scripts in a child process. */
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Run argv with stdout+stderr captured into out (truncated to len). Exit status, or -1. */
static int capture(char *const argv[], const char *dir, char *out, size_t len) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) {
    snprintf(out, len, "pipe: %s", strerror(errno));
    return -1;
  }
  pid_t pid = fork();
  if (pid < 0) {
    snprintf(out, len, "fork: %s", strerror(errno));
    close(p[0]);
    close(p[1]);
    return -1;
  }
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(p[1], 1);
    dup2(p[1], 2);
    if (dir && chdir(dir) != 0) _exit(126);
    execv(argv[0], argv);
    _exit(127);
  }
  close(p[1]);
  size_t n = 0;
  char chunk[4096];
  ssize_t r;
  while ((r = read(p[0], chunk, sizeof chunk)) > 0 || (r < 0 && errno == EINTR)) {
    if (r < 0) continue;
    size_t take = (size_t)r;
    if (n + take >= len) take = len - 1 - n;
    memcpy(out + n, chunk, take);
    n += take;
  }
  out[n] = '\0';
  close(p[0]);
  int st;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int search_path(const char *name, char *out, size_t len) {
  const char *path = getenv("PATH");
  if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
  char *dup = strdup(path), *save = NULL;
  int found = 0;
  for (char *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
    snprintf(out, len, "%s/%s", *d ? d : ".", name);
    found = access(out, X_OK) == 0;
  }
  free(dup);
  return found ? 0 : -1;
}

void gb_gnuplot_find(gb_gnuplot *gp) {
  memset(gp, 0, sizeof *gp);
  const char *env = getenv("GILBENCH_GNUPLOT");
  if (env && *env) {
    snprintf(gp->path, sizeof gp->path, "%s", env);
    if (access(gp->path, X_OK) != 0) {
      snprintf(gp->why, sizeof gp->why, "GILBENCH_GNUPLOT=%.300s is not an executable file", env);
      return;
    }
  } else if (search_path("gnuplot", gp->path, sizeof gp->path) != 0) {
    snprintf(gp->why, sizeof gp->why,
             "gnuplot was not found on PATH: install it (Debian: apt-get install gnuplot-nox, or run "
             "scripts/setup.sh) or point GILBENCH_GNUPLOT at it");
    return;
  }
  char *argv[] = {gp->path, "--version", NULL};
  char out[512];
  int rc = capture(argv, NULL, out, sizeof out);
  out[strcspn(out, "\n")] = '\0';
  snprintf(gp->version, sizeof gp->version, "%.120s", out);
  if (rc != 0) {
    snprintf(gp->why, sizeof gp->why, "%.200s --version failed (exit %d): %.200s", gp->path, rc, out);
    return;
  }
  if (strncmp(out, "gnuplot 5.", 10) != 0) {
    snprintf(gp->why, sizeof gp->why, "%.200s is '%.120s'; the chart scripts are written for gnuplot 5.x",
             gp->path, out);
    return;
  }
  gp->ok = 1;
}

int gb_gnuplot_run(const gb_gnuplot *gp, const char *dir, const char *script, const char *fmt, char *err,
                   size_t errlen) {
  char fmtarg[64];
  snprintf(fmtarg, sizeof fmtarg, "fmt=\"%s\"", fmt ? fmt : "svg");
  return gb_gnuplot_run_expr(gp, dir, script, fmtarg, err, errlen);
}

int gb_gnuplot_run_expr(const gb_gnuplot *gp, const char *dir, const char *script, const char *expr,
                        char *err, size_t errlen) {
  char *argv[] = {(char *)gp->path, "-e", (char *)expr, (char *)script, NULL};
  char out[4096];
  int rc = capture(argv, dir, out, sizeof out);
  if (rc == 0) return 0;
  snprintf(err, errlen, "gnuplot %s (exit %d): %s", script, rc, out);
  return -1;
}
