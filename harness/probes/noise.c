/* noise.c: see noise.h. */
#include "noise.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "schema.h"

static double tv_s(struct timeval tv) {
  return (double)tv.tv_sec + (double)tv.tv_usec * 1e-6;
}

void gb_noise_probe_take(gb_noise_probe *p) {
  memset(p, 0, sizeof *p);
  struct rusage s, k;
  getrusage(RUSAGE_SELF, &s);
  getrusage(RUSAGE_CHILDREN, &k);
  p->own_s = tv_s(s.ru_utime) + tv_s(s.ru_stime) + tv_s(k.ru_utime) + tv_s(k.ru_stime);
  FILE *f = fopen("/proc/stat", "r");
  if (f) {
    /* user nice system idle iowait irq softirq steal [guest guest_nice] */
    unsigned long long v[8] = {0};
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
               &v[6], &v[7]) == 8) {
      p->stat_ok = 1;
      p->nonidle = v[0] + v[1] + v[2] + v[5] + v[6];
      p->steal = v[7];
      p->total = v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
    }
    fclose(f);
  }
  p->t_ns = gb_now_ns();
}

double gb_noise_freq_mhz(char *why, size_t whylen) {
  DIR *d = opendir("/sys/devices/system/cpu");
  double sum = 0;
  int n = 0;
  struct dirent *e;
  while (d && (e = readdir(d))) {
    unsigned cpu;
    char tail;
    if (sscanf(e->d_name, "cpu%u%c", &cpu, &tail) != 1) continue;
    char path[128];
    snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%u/cpufreq/scaling_cur_freq", cpu);
    FILE *f = fopen(path, "r");
    unsigned long khz = 0;
    if (f && fscanf(f, "%lu", &khz) == 1 && khz > 0) {
      sum += (double)khz / 1000.0;
      n++;
    }
    if (f) fclose(f);
  }
  if (d) closedir(d);
  if (n == 0) {
    snprintf(why, whylen,
             "no cpufreq: /sys/devices/system/cpu/cpu*/cpufreq/scaling_cur_freq is absent "
             "(a VM, or a kernel without a cpufreq driver)");
    return NAN;
  }
  why[0] = '\0';
  return sum / n;
}

void gb_noise_between(const gb_noise_probe *a, const gb_noise_probe *b, gb_noise *out) {
  memset(out, 0, sizeof *out);
  out->window_s = (double)(b->t_ns - a->t_ns) * 1e-9;
  out->freq_mhz = gb_noise_freq_mhz(out->freq_reason, sizeof out->freq_reason);
  long hz = sysconf(_SC_CLK_TCK);
  if (!a->stat_ok || !b->stat_ok || hz <= 0 || out->window_s <= 0) {
    out->other_load = out->steal_fraction = out->resolution = out->steal_resolution = NAN;
    snprintf(out->reason, sizeof out->reason, "/proc/stat is not readable here");
    return;
  }
  double tick = 1.0 / (double)hz;
  double nonidle = (double)(b->nonidle - a->nonidle) * tick, own = b->own_s - a->own_s;
  double other = (nonidle - own) / out->window_s;
  out->other_load = other > 0 ? other : 0;
  /* /proc/stat counts in ticks: each of its fields may hide up to one over two readings. */
  out->resolution = 3.0 * tick / out->window_s;
  unsigned long long total = b->total - a->total;
  out->steal_fraction = total ? (double)(b->steal - a->steal) / (double)total : 0;
  out->steal_resolution = total ? 2.0 / (double)total : NAN;
}

static json_t *num(double v) {
  return isfinite(v) ? json_real(v) : json_null();
}

json_t *gb_noise_json(const gb_noise *n) {
  json_t *o = json_object();
  json_object_set_new(o, GB_KEY_OTHER_LOAD, num(n->other_load));
  json_object_set_new(o, GB_KEY_STEAL_FRACTION, num(n->steal_fraction));
  json_object_set_new(o, GB_KEY_FREQ_MHZ, num(n->freq_mhz));
  json_object_set_new(o, GB_KEY_RESOLUTION, num(n->resolution));
  json_object_set_new(o, GB_KEY_STEAL_RESOLUTION, num(n->steal_resolution));
  json_object_set_new(o, GB_KEY_WINDOW_S, num(n->window_s));
  if (n->freq_reason[0]) json_object_set_new(o, GB_KEY_FREQ_REASON, json_string(n->freq_reason));
  if (n->reason[0]) json_object_set_new(o, GB_KEY_REASON, json_string(n->reason));
  return o;
}

static double get(json_t *o, const char *k) {
  json_t *v = json_object_get(o, k);
  return json_is_number(v) ? json_number_value(v) : NAN;
}

void gb_noise_from_json(gb_noise *n, json_t *rep_data) {
  memset(n, 0, sizeof *n);
  json_t *o = json_object_get(rep_data, GB_KEY_NOISE);
  n->other_load = get(o, GB_KEY_OTHER_LOAD);
  n->steal_fraction = get(o, GB_KEY_STEAL_FRACTION);
  n->freq_mhz = get(o, GB_KEY_FREQ_MHZ);
  n->resolution = get(o, GB_KEY_RESOLUTION);
  n->steal_resolution = get(o, GB_KEY_STEAL_RESOLUTION);
  n->window_s = get(o, GB_KEY_WINDOW_S);
  const char *r = json_string_value(json_object_get(o, GB_KEY_FREQ_REASON));
  if (r) snprintf(n->freq_reason, sizeof n->freq_reason, "%s", r);
  r = json_string_value(json_object_get(o, GB_KEY_REASON));
  if (r) snprintf(n->reason, sizeof n->reason, "%s", r);
}

static void noise_reason(gb_noise_cell *c, const char *why) {
  for (int i = 0; i < c->n_reasons; i++)
    if (strcmp(c->reasons[i], why) == 0) return;
  c->reasons[c->n_reasons++] = why;
  c->flagged = 1;
}

void gb_noise_cell_eval(const gb_rep *reps, int nreps, gb_noise_cell *out) {
  memset(out, 0, sizeof *out);
  out->other_load = out->steal_fraction = out->resolution = out->cv = out->freq_spread = NAN;
  double fmin = INFINITY, fmax = -INFINITY, sum = 0, sum2 = 0;
  for (int r = 0; r < nreps; r++) {
    const gb_noise *n = &reps[r].noise;
    /* A repetition is flagged only beyond what /proc/stat's resolution over its window can hide. */
    if (isfinite(n->other_load)) {
      if (!(out->other_load >= n->other_load))
        out->other_load = n->other_load, out->resolution = n->resolution;
      double res = isfinite(n->resolution) ? n->resolution : 0;
      if (n->other_load - res > GB_NOISE_OTHER_LOAD_MAX) noise_reason(out, "other_load");
    }
    if (isfinite(n->steal_fraction)) {
      if (!(out->steal_fraction >= n->steal_fraction)) out->steal_fraction = n->steal_fraction;
      double res = isfinite(n->steal_resolution) ? n->steal_resolution : 0;
      if (n->steal_fraction - res > GB_NOISE_STEAL_MAX) noise_reason(out, "steal");
    }
    if (isfinite(n->freq_mhz)) {
      if (n->freq_mhz < fmin) fmin = n->freq_mhz;
      if (n->freq_mhz > fmax) fmax = n->freq_mhz;
    }
    sum += reps[r].wall_s;
    sum2 += reps[r].wall_s * reps[r].wall_s;
  }
  if (fmax >= fmin && fmin > 0) {
    out->freq_spread = (fmax - fmin) / fmin;
    if (out->freq_spread > GB_NOISE_FREQ_SPREAD_MAX) noise_reason(out, "frequency");
  }
  if (nreps >= 2 && sum > 0) {
    double mean = sum / nreps, var = (sum2 - nreps * mean * mean) / (nreps - 1);
    out->cv = var > 0 ? sqrt(var) / mean : 0;
  }
}

json_t *gb_noise_cell_json(const gb_noise_cell *c) {
  json_t *reasons = json_array();
  for (int i = 0; i < c->n_reasons; i++)
    json_array_append_new(reasons, json_string(c->reasons[i]));
  json_t *o = json_object();
  json_object_set_new(o, GB_KEY_FLAGGED, json_boolean(c->flagged));
  json_object_set_new(o, GB_KEY_REASONS, reasons);
  json_object_set_new(o, GB_KEY_OTHER_LOAD, num(c->other_load));
  json_object_set_new(o, GB_KEY_STEAL_FRACTION, num(c->steal_fraction));
  json_object_set_new(o, GB_KEY_CV, num(c->cv));
  json_object_set_new(o, GB_KEY_CV_HIGH, json_boolean(isfinite(c->cv) && c->cv > GB_NOISE_CV_MAX));
  json_object_set_new(o, GB_KEY_RESOLUTION, num(c->resolution));
  json_object_set_new(o, GB_KEY_FREQ_SPREAD, num(c->freq_spread));
  return o;
}
