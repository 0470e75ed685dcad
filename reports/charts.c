/* charts.c: every chart of a report, in report order (charts.h). */
#include "charts.h"

void gb_charts_build(gb_charts *cs) {
  for (int g = 0; g < cs->m->ngroups; g++) {
    gb_charts_perf(cs, g);
    gb_charts_io(cs, g);
    gb_charts_gil(cs, g);
    gb_charts_scale(cs, g);
  }
  gb_charts_efficiency(cs);
  gb_charts_counters(cs);
  gb_charts_topology(cs);
}
