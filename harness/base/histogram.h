/* histogram.h: a fixed-size, log-bucketed latency histogram. Plain data (no pointers), so a worker
 * process can send it back inside gb_worker_out as bytes; histograms merge by adding counts, so
 * per-worker histograms combine into a repetition's and repetitions' into a cell's.
 *
 * Values are nanoseconds. Values below 2^GB_HIST_SUB_BITS are exact; above, each power of two is
 * split into 2^GB_HIST_SUB_BITS linear sub-buckets, so a bucket spans at most 1/32 of its lower
 * bound, and a quantile (the middle of its bucket) is within about 1.6% of the true value. Values from
 * 2^GB_HIST_MAX_EXP ns (about 18 minutes) up land in the last bucket; min, max, sum and count are kept
 * exactly. */
#ifndef GB_HISTOGRAM_H
#define GB_HISTOGRAM_H

#include <stdint.h>

#define GB_HIST_SUB_BITS 5
#define GB_HIST_SUB (1u << GB_HIST_SUB_BITS) /* sub-buckets per power of two */
#define GB_HIST_MAX_EXP 40                   /* last exact power of two: 2^40 ns */
/* Buckets: 32 exact values (0..31), then 32 per exponent 5..39 (9 KiB in all). */
#define GB_HIST_BUCKETS ((int)((GB_HIST_MAX_EXP - GB_HIST_SUB_BITS + 1) * GB_HIST_SUB))

typedef struct gb_hist {
  uint64_t count;                    /* values recorded */
  uint64_t min_ns;                   /* smallest value (UINT64_MAX when empty) */
  uint64_t max_ns;                   /* largest value (0 when empty) */
  double sum_ns;                     /* sum of the values, for the mean */
  uint64_t buckets[GB_HIST_BUCKETS]; /* counts per bucket (see gb_hist_bucket) */
} gb_hist;

/* Empty histogram. */
void gb_hist_init(gb_hist *h);
/* Record one value. */
void gb_hist_add(gb_hist *h, uint64_t ns);
/* dst += src (empty src: no-op). */
void gb_hist_merge(gb_hist *dst, const gb_hist *src);
/* The bucket a value falls in, and the bucket's inclusive value range. */
int gb_hist_bucket(uint64_t ns);
void gb_hist_bucket_range(int bucket, uint64_t *lo_ns, uint64_t *hi_ns);
/* The q-quantile (0 < q <= 1): the middle of the bucket holding the ceil(q*count)-th smallest
 * value, clamped to [min, max]; the largest and the smallest rank give the exact max and min. 0
 * when empty. */
uint64_t gb_hist_quantile(const gb_hist *h, double q);
/* Mean value (0 when empty). */
double gb_hist_mean(const gb_hist *h);

#endif
