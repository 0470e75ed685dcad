/* histogram.c: see histogram.h. */
#include "histogram.h"

#include <math.h>
#include <string.h>

void gb_hist_init(gb_hist *h) {
  memset(h, 0, sizeof *h);
  h->min_ns = UINT64_MAX;
}

int gb_hist_bucket(uint64_t ns) {
  if (ns < GB_HIST_SUB) return (int)ns;
  int e = 63 - __builtin_clzll(ns); /* 2^e <= ns < 2^(e+1), e >= SUB_BITS */
  if (e >= GB_HIST_MAX_EXP) return GB_HIST_BUCKETS - 1;
  int sub = (int)((ns >> (e - GB_HIST_SUB_BITS)) & (GB_HIST_SUB - 1));
  return (e - GB_HIST_SUB_BITS + 1) * (int)GB_HIST_SUB + sub;
}

void gb_hist_bucket_range(int bucket, uint64_t *lo_ns, uint64_t *hi_ns) {
  if (bucket < (int)GB_HIST_SUB) {
    *lo_ns = *hi_ns = (uint64_t)bucket;
    return;
  }
  int e = bucket / (int)GB_HIST_SUB + GB_HIST_SUB_BITS - 1;
  uint64_t sub = (uint64_t)(bucket % (int)GB_HIST_SUB);
  uint64_t width = 1ull << (e - GB_HIST_SUB_BITS);
  *lo_ns = (1ull << e) + sub * width;
  *hi_ns = bucket == GB_HIST_BUCKETS - 1 ? UINT64_MAX : *lo_ns + width - 1;
}

void gb_hist_add(gb_hist *h, uint64_t ns) {
  h->buckets[gb_hist_bucket(ns)]++;
  h->count++;
  h->sum_ns += (double)ns;
  if (ns < h->min_ns) h->min_ns = ns;
  if (ns > h->max_ns) h->max_ns = ns;
}

void gb_hist_merge(gb_hist *dst, const gb_hist *src) {
  if (src->count == 0) return;
  for (int i = 0; i < GB_HIST_BUCKETS; i++)
    dst->buckets[i] += src->buckets[i];
  dst->count += src->count;
  dst->sum_ns += src->sum_ns;
  if (src->min_ns < dst->min_ns) dst->min_ns = src->min_ns;
  if (src->max_ns > dst->max_ns) dst->max_ns = src->max_ns;
}

uint64_t gb_hist_quantile(const gb_hist *h, double q) {
  if (h->count == 0) return 0;
  if (q <= 0) return h->min_ns;
  double want = ceil(q * (double)h->count);
  uint64_t rank = want < 1 ? 1 : want > (double)h->count ? h->count : (uint64_t)want;
  if (rank == h->count) return h->max_ns; /* the extremes are known exactly */
  if (rank == 1) return h->min_ns;
  uint64_t seen = 0;
  for (int i = 0; i < GB_HIST_BUCKETS; i++) {
    seen += h->buckets[i];
    if (seen < rank) continue;
    uint64_t lo, hi;
    gb_hist_bucket_range(i, &lo, &hi);
    uint64_t mid = lo + (hi - lo) / 2;
    if (mid > h->max_ns) mid = h->max_ns;
    if (mid < h->min_ns) mid = h->min_ns;
    return mid;
  }
  return h->max_ns;
}

double gb_hist_mean(const gb_hist *h) {
  return h->count ? h->sum_ns / (double)h->count : 0.0;
}
