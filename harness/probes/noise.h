/* noise.h: what else ran on the machine while a repetition was measured. A probe is taken before
 * and after it: /proc/stat's non-idle and steal time of the whole machine, this process tree's own
 * CPU time (getrusage, itself and its reaped children: workers, pool processes, the loopback
 * server), and the PUs' current frequency where cpufreq exposes it. Each repetition's record
 * carries the result; each cell carries its maxima and whether it is flagged. */
#ifndef GB_NOISE_H
#define GB_NOISE_H

#include <jansson.h>
#include <stdint.h>

#include "job.h"

/* Thresholds (README "Noise"): beyond these a cell is flagged, with these reason words. */
#define GB_NOISE_OTHER_LOAD_MAX 0.10  /* CPUs' worth used by other processes: "other_load" */
#define GB_NOISE_STEAL_MAX 0.05       /* share of the machine's time stolen: "steal" */
#define GB_NOISE_FREQ_SPREAD_MAX 0.05 /* (max - min) / min of the reps' frequency: "frequency" */
#define GB_NOISE_CV_MAX 0.05          /* coefficient of variation of wall time: reported, no flag */

/* One reading. */
typedef struct gb_noise_probe {
  int stat_ok;                /* /proc/stat was read */
  unsigned long long nonidle; /* user + nice + system + irq + softirq ticks, all CPUs */
  unsigned long long steal;   /* steal ticks */
  unsigned long long total;   /* every field but guest (already in user) */
  double own_s;               /* this process's and its reaped children's user + system CPU */
  uint64_t t_ns;              /* gb_now_ns() */
} gb_noise_probe;

void gb_noise_probe_take(gb_noise_probe *p);
/* From two probes around a repetition: fill out (NAN, with a reason, where unknown). */
void gb_noise_between(const gb_noise_probe *a, const gb_noise_probe *b, gb_noise *out);
/* Mean current frequency of the PUs in MHz from cpufreq, or NAN with why. */
double gb_noise_freq_mhz(char *why, size_t whylen);

/* A repetition's noise as its journal record holds it, and back. */
json_t *gb_noise_json(const gb_noise *n);
void gb_noise_from_json(gb_noise *n, json_t *rep_data);

/* A cell's verdict over its repetitions (cv: stddev/mean of wall_s, NAN with fewer than 2). */
typedef struct gb_noise_cell {
  int flagged;
  int n_reasons;
  const char *reasons[3]; /* "other_load", "steal", "frequency" */
  double other_load;      /* maxima over the repetitions (NAN: unknown) */
  double steal_fraction;
  double resolution; /* the largest resolution of those maxima's repetitions */
  double cv;
  double freq_spread; /* NAN when the frequency is unreadable */
} gb_noise_cell;
void gb_noise_cell_eval(const gb_rep *reps, int nreps, gb_noise_cell *out);
json_t *gb_noise_cell_json(const gb_noise_cell *c);

#endif
