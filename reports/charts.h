/* charts.h: every chart of a report is a pair of files, NAME.dat (the numbers, commented) and
 * NAME.gp (a gnuplot 5.x script made from a C template that reads NAME.dat and writes NAME.svg,
 * or NAME.png with -e 'fmt="png"'), kept beside the picture so anyone can re-render or restyle
 * it. Builders append to a gb_charts list (chart.h); the HTML and Markdown writers walk that list.
 * This header lists the builders (chart_*.c) and gb_charts_build (charts.c), which runs them. */
#ifndef GB_CHARTS_H
#define GB_CHARTS_H

#include "chart.h"

/* The chart builders, each adding what the results hold and nothing when they hold none of it. */
void gb_charts_perf(gb_charts *cs, int group);  /* speedup and time of one workload group */
void gb_charts_io(gb_charts *cs, int group);    /* latency percentiles, latency vs switch interval */
void gb_charts_gil(gb_charts *cs, int group);   /* the GIL model's lock timeline */
void gb_charts_efficiency(gb_charts *cs);       /* strategies x workloads heat map */
void gb_charts_counters(gb_charts *cs);         /* counters per strategy, n/a where unavailable */
void gb_charts_topology(gb_charts *cs);         /* PUs, cores, packages and where workers ran */
void gb_charts_scale(gb_charts *cs, int group); /* cost as work grows: log-log against workers */
/* Least-squares slope of log(y) on log(x) (NAN with under 2 distinct x), and its name. */
double gb_loglog_slope(const double *x, const double *y, int n);
const char *gb_growth_name(double b);
/* All of the above, in report order. */
void gb_charts_build(gb_charts *cs);

#endif
