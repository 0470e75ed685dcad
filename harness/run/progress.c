/* progress.c: see progress.h. */
#include "progress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gb.h"
#include "io_util.h"

void gb_progress_begin(gb_progress *p, int quiet) {
  memset(p, 0, sizeof *p);
  p->fd = 2;
  p->tty = isatty(p->fd);
  p->quiet = quiet;
  p->t0 = p->last_line = gb_now_s();
  const char *e = getenv("GILBENCH_PROGRESS_S");
  char *end = NULL;
  p->every = e ? strtod(e, &end) : GB_PROGRESS_EVERY_S;
  if (!e || end == e || *end || !(p->every >= 0.05 && p->every <= GB_PROGRESS_EVERY_S))
    p->every = GB_PROGRESS_EVERY_S;
}

void gb_progress_set_estimate(gb_progress *p, double est_s) {
  p->est_left = est_s;
  p->left_at = gb_now_s();
  if (!p->first_estimate) p->first_estimate = gb_now_s() - p->t0 + est_s;
}

void gb_progress_refined(gb_progress *p) {
  if (p->refined_at > 0) return;
  p->refined_at = gb_now_s() - p->t0;
  p->refined_estimate = gb_progress_estimate_now(p);
}

void gb_progress_rep_begin(gb_progress *p, const char *cell, int round, int rounds) {
  if (!p->loop_t0) p->loop_t0 = p->last_end = gb_now_s();
  snprintf(p->cell, sizeof p->cell, "%s", cell);
  p->round = round;
  p->rounds = rounds;
}

void gb_progress_fit(const gb_progress *p, double *a, double *b) {
  *a = 0;
  *b = 1;
  if (p->n < 3) return;
  double mx = p->sx / p->n, my = p->sy / p->n, var = p->sxx / p->n - mx * mx;
  *b = var > 1e-12 ? (p->sxy / p->n - mx * my) / var : 0;
  *a = my - *b * mx;
  if (*b < 0 || *a < 0) { /* not a line: the mean cost, or the mean ratio */
    *b = *b < 0 ? 0 : (p->sx > 0 ? p->sy / p->sx : 1);
    *a = *b == 0 ? my : 0;
  }
}

double gb_progress_estimate_now(const gb_progress *p) {
  double now = gb_now_s(); /* while a repetition runs, what is left shrinks with the time passing */
  return fmax(p->left_at + p->est_left, now) - p->t0;
}

/* One progress line into buf: round, repetitions, elapsed, estimate, the cell running. */
static int progress_format(const gb_progress *p, char *buf, size_t len) {
  double el = gb_now_s() - p->t0, est = gb_progress_estimate_now(p);
  char e[64] = "estimating";
  if (p->est_left > 0 || p->done) snprintf(e, sizeof e, "estimate %.0f s in all, %.0f s left", est, est - el);
  int n = p->rounds == 0
              ? snprintf(buf, len, "%sreference checksums and set-up, elapsed %.0f s",
                         p->tty ? "\r\033[K" : "progress: ", el)
              : snprintf(buf, len, "%sround %d/%d, %d/%d reps done, elapsed %.0f s, %s%s%s%s",
                         p->tty ? "\r\033[K" : "progress: ", p->round + 1, p->rounds, p->done, p->total, el,
                         e, p->cell[0] ? " (now " : "", p->cell, p->cell[0] ? ")" : "");
  if (n < 0) return 0;
  if ((size_t)n >= len - 1) n = (int)len - 2;
  if (!p->tty) buf[n++] = '\n';
  return n;
}

static void progress_write(gb_progress *p) {
  char line[512];
  int n = progress_format(p, line, sizeof line);
  if (n > 0 && gb_write_full(p->fd, line, (size_t)n) == 0) p->last_line = gb_now_s();
}

void gb_progress_rep_end(gb_progress *p, double est_s) {
  double now = gb_now_s(), y = now - p->last_end; /* from the last one's end: between-rep work too */
  p->last_end = now;
  p->done++;
  p->est_done += est_s;
  p->n += 1;
  p->sx += est_s;
  p->sy += y;
  p->sxx += est_s * est_s;
  p->sxy += est_s * y;
}

void gb_progress_update(gb_progress *p, double left_s) {
  p->est_left = left_s;
  p->left_at = gb_now_s();
  if (p->quiet) return;
  if (p->tty || gb_now_s() - p->last_line >= p->every) progress_write(p);
}

void gb_progress_tick(void *arg) {
  gb_progress *p = arg;
  if (p->quiet || p->tty || gb_now_s() - p->last_line < p->every) return;
  progress_write(p);
}

void gb_progress_clear(gb_progress *p) {
  if (p->tty && !p->quiet) gb_write_full(p->fd, "\r\033[K", 4);
}
