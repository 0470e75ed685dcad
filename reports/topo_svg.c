/* topo_svg.c: see topo_svg.h. */
#include "topo_svg.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gb.h"
#include "rbuf.h"
#include "results.h"
#include "schema.h"
#include "topo.h"

double gb_toposvg_usage(const gb_rmodel *m, const char *binding, double *secs, int max, int *runs) {
  double total = 0;
  *runs = 0;
  for (int p = 0; p < max; p++)
    secs[p] = 0;
  for (int i = 0; i < m->ncells; i++) {
    if (strcmp(m->cells[i].binding, binding) != 0) continue;
    size_t r, w;
    json_t *rep, *wk;
    json_array_foreach(json_object_get(m->cells[i].j, GB_KEY_REPS), r, rep) {
      json_array_foreach(json_object_get(rep, GB_KEY_WORKER_LIST), w, wk) {
        ++*runs;
        json_t *pt = json_object_get(wk, GB_KEY_PU_TIME_S), *v, *seen = json_object_get(wk, GB_KEY_PUS_SEEN);
        const char *k;
        double cpu = gb_jnum(wk, GB_KEY_CPU_S);
        size_t n = json_array_size(seen), j;
        if (json_object_size(pt)) {
          json_object_foreach(pt, k, v) {
            long os = strtol(k, NULL, 10);
            if (os >= 0 && os < max && json_number_value(v) > 0) secs[os] += json_number_value(v);
          }
        } else if (n && isfinite(cpu) && cpu > 0) {
          json_array_foreach(seen, j, v) {
            json_int_t os = json_integer_value(v);
            if (os >= 0 && os < max) secs[os] += cpu / (double)n;
          }
        }
      }
    }
  }
  for (int p = 0; p < max; p++)
    total += secs[p];
  return total;
}

int gb_toposvg_legend(const char *binding, const double *share, int nshare, int runs, char (*lines)[256],
                      int max) {
  int n = 0;
  if (n < max) snprintf(lines[n++], 256, "PU colour: its share of the workers' time");
  if (n < max) snprintf(lines[n++], 256, "with binding %.100s (%d worker runs),", binding, runs);
  if (n < max) snprintf(lines[n++], 256, "white 0%%, light blue 50%%, dark blue 100%%:");
  char line[256] = "";
  size_t used = 0;
  for (int p = 0; p < nshare && n < max; p++) {
    if (!(share[p] > 0)) continue; /* the PUs with no time are white: the scale line says 0% */
    int w = snprintf(line + used, sizeof line - used, "%sP#%d %.0f%%", used ? ", " : "", p, share[p] * 100);
    if (w < 0 || used + (size_t)w >= 44) { /* a full line: the next one */
      line[used] = '\0';
      snprintf(lines[n++], 256, "%s", line);
      used = 0;
      p--;
      continue;
    }
    used += (size_t)w;
  }
  if (used && n < max) snprintf(lines[n++], 256, "%s", line);
  return n;
}

/* lstopo's path: GILBENCH_LSTOPO, else lstopo-no-graphics or lstopo on PATH. 0 or -1 with err. */
static int lstopo_find(int want_png, char *out, size_t len, char *err, size_t errlen) {
  const char *env = getenv("GILBENCH_LSTOPO");
  if (env && *env) {
    snprintf(out, len, "%s", env);
    if (access(out, X_OK) == 0) return 0;
    snprintf(err, errlen, "GILBENCH_LSTOPO=%.300s is not an executable file", env);
    return -1;
  }
  const char *names[] = {"lstopo-no-graphics", "lstopo"}; /* only lstopo draws PNG (Cairo) */
  const char *path = getenv("PATH");
  for (int i = want_png ? 1 : 0; i < 2; i++) {
    char *dup = gb_xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL;
    int found = 0;
    for (char *d = strtok_r(dup, ":", &save); d && !found; d = strtok_r(NULL, ":", &save)) {
      snprintf(out, len, "%s/%s", *d ? d : ".", names[i]);
      found = access(out, X_OK) == 0;
    }
    free(dup);
    if (found) return 0;
  }
  snprintf(err, errlen,
           "lstopo was not found on PATH (Debian: apt-get install hwloc, or run scripts/setup.sh; or point "
           "GILBENCH_LSTOPO at it)");
  return -1;
}

/* Run argv with standard output into file `out` (made with mode 0666 less the umask) and standard
 * error captured into err. Exit status, or -1. */
static int run_to_file(char *const argv[], const char *out, char *err, size_t errlen) {
  int p[2], fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0 || pipe2(p, O_CLOEXEC) != 0) {
    snprintf(err, errlen, "%s: %s", out, strerror(errno));
    if (fd >= 0) close(fd);
    return -1;
  }
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) dup2(devnull, 0);
    dup2(fd, 1);
    dup2(p[1], 2);
    execv(argv[0], argv);
    _exit(127);
  }
  close(fd);
  close(p[1]);
  size_t n = 0;
  ssize_t r;
  char chunk[1024];
  while ((r = read(p[0], chunk, sizeof chunk)) > 0 || (r < 0 && errno == EINTR))
    for (ssize_t i = 0; i < r && n + 1 < errlen; i++)
      err[n++] = chunk[i] == '\n' ? ' ' : chunk[i];
  if (errlen) err[n] = '\0';
  close(p[0]);
  int st = 0;
  if (pid < 0) return -1;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* One line of lstopo's SVG made safe to inline in the report: lstopo writes each element on its
 * own line and a <text> element's words as they are in the topology (unescaped: a topology.xml
 * is input like any other), so a text line's content is escaped; any other line must be a single
 * tag with no event handler. The viewBox loses lstopo's "px" (a viewBox takes plain numbers, so
 * the picture scales). 0, or -1: the line is not what lstopo writes. */
static int svg_line(gb_buf *o, const char *l, size_t n) {
  const char *end = l + n, *t = l;
  while (t < end && (*t == '\t' || *t == ' '))
    t++;
  if (end - t > 6 && strncmp(t, "<text ", 6) == 0) {
    const char *gt = memchr(t, '>', (size_t)(end - t)), *close = end - 7;
    if (!gt || close < gt || strncmp(close, "</text>", 7) != 0) return -1;
    gb_buf_addn(o, l, (size_t)(gt + 1 - l));
    for (const char *c = gt + 1; c < close; c++)
      gb_buf_add(o, *c == '<' ? "&lt;" : *c == '>' ? "&gt;" : *c == '&' ? "&amp;" : (char[2]){*c, 0});
    gb_buf_add(o, "</text>");
    return 0;
  }
  for (const char *c = t + 1; c < end; c++) /* one tag, no on...= handler, no script */
    if (*c == '<' || (c[-1] == ' ' && (c[0] == 'o' || c[0] == 'O') && (c[1] == 'n' || c[1] == 'N')))
      return -1;
  const char *vb = strncmp(t, "<svg", 4) == 0 ? strstr(t, "viewBox='") : NULL;
  const char *vend = vb && vb < end ? memchr(vb + 9, '\'', (size_t)(end - vb - 9)) : NULL;
  if (!vend) {
    gb_buf_addn(o, l, n);
    return 0;
  }
  gb_buf_addn(o, l, (size_t)(vb + 9 - l));
  for (const char *c = vb + 9; c < vend; c++)
    if (c[0] == 'p' && c + 1 < vend && c[1] == 'x')
      c++; /* "322px" -> "322" */
    else
      gb_buf_addn(o, c, 1);
  gb_buf_addn(o, vend, (size_t)(end - vend));
  return 0;
}

/* Rewrite svg through svg_line. 0, or -1 with err (the file is removed). */
static int svg_clean(const char *svg, char *err, size_t errlen) {
  gb_buf b, o;
  gb_buf_init(&b);
  gb_buf_init(&o);
  int rc = gb_buf_read_file(&b, svg) == 0 && b.s ? 0 : -1;
  for (const char *l = b.s; rc == 0 && l && *l;) {
    size_t n = strcspn(l, "\n");
    rc = svg_line(&o, l, n);
    gb_buf_add(&o, "\n");
    l += n + (l[n] == '\n');
  }
  if (rc == 0 && gb_buf_write_file(&o, svg) != 0) rc = -1;
  if (rc != 0) {
    snprintf(err, errlen,
             "%s: not the SVG lstopo writes (a line holds more than one element or an event "
             "handler): not used",
             svg);
    unlink(svg);
  }
  gb_buf_free(&b);
  gb_buf_free(&o);
  return rc;
}

/* lstopo -i XML --of FMT into out. 0 or -1 with err. */
static int topo_svg_lstopo(const char *lstopo, const char *xml, const char *fmt, const char *out, char *err,
                           size_t errlen) {
  char *argv[] = {
      (char *)lstopo,        "--input",    (char *)xml, "--if", "xml", "--of", (char *)fmt, "--no-io",
      "--no-default-legend", "--fontsize", "11",        "-",    NULL};
  char msg[1024];
  int rc = run_to_file(argv, out, msg, sizeof msg);
  if (rc == 0) return 0;
  snprintf(err, errlen, "%s --of %s (exit %d): %.600s", lstopo, fmt, rc, msg[0] ? msg : "no message");
  unlink(out);
  return -1;
}

int gb_toposvg_draw(const char *xml, const double *share, int nshare, const char *const *legend, int nlegend,
                    const char *shaded_xml, const char *svg, const char *png, char *err, size_t errlen) {
  char lstopo[PATH_MAX];
  if (lstopo_find(png != NULL, lstopo, sizeof lstopo, err, errlen) != 0) return -1;
  if (gb_topo_shade_xml(xml, share, nshare, legend, nlegend, shaded_xml, err, errlen) != 0) return -1;
  if (topo_svg_lstopo(lstopo, shaded_xml, "svg", svg, err, errlen) != 0 || svg_clean(svg, err, errlen) != 0)
    return -1;
  if (png && topo_svg_lstopo(lstopo, shaded_xml, "png", png, err, errlen) != 0) return -1;
  return 0;
}

/* Draw for model m's policy `binding` (m NULL: this machine, uncoloured) into svg. 0, or
 * GB_EUNAVAIL with err when it cannot be drawn. */
static int write_for(const gb_rmodel *m, const char *binding, const char *svg, char *err, size_t errlen) {
  enum { MAXPU = 1024 };
  double *share = gb_xcalloc(MAXPU, sizeof *share);
  char lines[8][256], xml[PATH_MAX + 32], tmp[] = "/tmp/gilbench-topo-XXXXXX.xml";
  const char *legend[8];
  int nl = 0, runs = 0;
  if (m) {
    double total = gb_toposvg_usage(m, binding, share, MAXPU, &runs);
    for (int p = 0; p < MAXPU; p++)
      share[p] = total > 0 ? share[p] / total : 0;
    nl = gb_toposvg_legend(binding, share, MAXPU, runs, lines, 8);
    snprintf(xml, sizeof xml, "%s/topology.xml", m->dir);
  } else {
    for (int p = 0; p < MAXPU; p++)
      share[p] = NAN;
    snprintf(lines[nl++], 256, "This machine; gilbench topo --svg FILE --results RESULTS colours each PU");
    snprintf(lines[nl++], 256, "by its share of the workers' time in that run");
  }
  for (int i = 0; i < nl; i++)
    legend[i] = lines[i];
  int fd = mkstemps(tmp, 4), rc = GB_EUNAVAIL;
  if (fd < 0) {
    snprintf(err, errlen, "cannot make a temporary file in /tmp: %s", strerror(errno));
  } else {
    close(fd);
    rc = gb_toposvg_draw(m ? xml : NULL, share, MAXPU, legend, nl, tmp, svg, NULL, err, errlen) == 0
             ? 0
             : GB_EUNAVAIL;
    unlink(tmp);
  }
  free(share);
  return rc;
}

int gb_toposvg_write(const char *svg, const char *results, const char *binding, char *used, size_t usedlen,
                     char *err, size_t errlen) {
  const char *pick = NULL;
  if (usedlen) used[0] = '\0';
  if (!results) return write_for(NULL, NULL, svg, err, errlen);
  json_t *root;
  int rc = gb_results_load(results, &root, err, errlen);
  if (rc != 0) return rc < 0 ? rc : GB_EINVAL;
  gb_rmodel m;
  gb_rmodel_build(&m, root, results);
  json_decref(root);
  for (int i = 0; i < m.ncells && !pick; i++)
    if (m.cells[i].nreps > 0 && (!binding || strcmp(binding, m.cells[i].binding) == 0))
      pick = m.cells[i].binding;
  if (!pick) {
    rc = gb_err(err, errlen, GB_EINVAL, "%s: no measured cell %s%s", results,
                binding ? "with binding " : "at all", binding ? binding : "");
  } else {
    snprintf(used, usedlen, "%s", pick);
    rc = write_for(&m, pick, svg, err, errlen);
  }
  gb_rmodel_free(&m);
  return rc;
}
