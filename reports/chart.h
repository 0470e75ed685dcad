/* chart.h: what every chart builder (chart_*.c) uses, implemented in chart.c: a chart and the
 * list of them, writing a chart's NAME.dat and NAME.gp and rendering them, and gnuplot helpers.
 * Below the builders (charts.h), so chart.c never needs them. */
#ifndef GB_CHART_KIT_H
#define GB_CHART_KIT_H

#include <limits.h>
#include <stddef.h>

#include "gnuplot.h"
#include "rbuf.h"
#include "rmodel.h"

/* Chart canvas (SVG viewBox units). Small enough that the text stays legible when a phone scales
 * the chart to its width (about 0.6 of this), big enough to hold a legend below the plot. */
#define GB_CHART_W 560
#define GB_CHART_H 320
/* The phone-width variant's canvas (NAME-narrow.svg): a 390 px phone draws it at about its own
 * size, so its 14-unit text stays about 14 px (the full chart's shrinks to 0.65 of that). */
#define GB_CHART_NARROW_W 360

/* Sections of the report a chart can belong to besides a workload's own. */
typedef enum { GB_SEC_WORKLOAD, GB_SEC_OVERVIEW, GB_SEC_COUNTERS, GB_SEC_MACHINE } gb_chart_section;

typedef struct gb_chart {
  char name[128];           /* file base name inside the charts folder */
  char title[256];          /* drawn on the chart and used as the figure's heading */
  char caption[1024];       /* what the chart shows and how to read it */
  int group;                /* workload group, or -1 */
  gb_chart_section section; /* where it goes */
  int rendered;             /* NAME.svg was written */
  int w, h;                 /* SVG size (viewBox) */
  int nw, nh;               /* the phone-width variant's size */
  int narrow;               /* NAME-narrow.svg was written (the HTML shows it on narrow screens) */
  int nonarrow;             /* set by a builder whose layout cannot shrink (a heat map's long row labels):
                               no NAME-narrow.svg; a phone shows the chart in a box it scrolls sideways */
  int nokey;                /* the legend entries are not drawn as a key below the plot */
  int hwloc;                /* drawn by hwloc's lstopo: NAME.xml (the topology it drew) and NAME.dat
                               beside NAME.svg, no NAME.gp */
  char **legend;            /* series names drawn in the legend */
  int nlegend;
} gb_chart;

typedef struct gb_charts {
  const gb_rmodel *m;
  const gb_gnuplot *gp; /* NULL or !ok: scripts and data are still written, nothing rendered */
  char dir[PATH_MAX];   /* the charts folder (created by the caller) */
  int png;              /* render NAME.png too */
  gb_chart *v;
  int n;
  int failures;       /* charts that failed (gnuplot, or writing their files) */
  int write_failures; /* of which: writing a .gp or .dat failed (exit status 3) */
} gb_charts;

/* Start a chart: returns it with name, title, group and section set; fill caption and legend. */
gb_chart *gb_chart_new(gb_charts *cs, const char *name, int group, gb_chart_section sec, const char *title);
void gb_chart_legend(gb_chart *ch, const char *entry);
/* Write NAME.dat and NAME.gp (the common preamble, then body) and render them. The body is a
 * gnuplot script fragment that reads "NAME.dat". h is the height of the plot without its key:
 * the key's rows (estimated from the legend entries) are added below. 0, or -1 when gnuplot
 * failed (counted, reported on stderr, the report goes on). */
int gb_chart_emit(gb_charts *cs, gb_chart *ch, const gb_buf *dat, const char *body, int w, int h);
void gb_charts_free(gb_charts *cs);

/* Shared by the builders: a chart file name from a prefix and a group's slug. */
void gb_chart_name(char *out, size_t len, const char *prefix, const gb_rgroup *g);
/* "set ytics (...)" (axis "y") for a log axis over [lo, hi]: 1, 2 and 5 times each power of ten when
 * the range spans under three decades (gnuplot's own log tics would leave one label or none). */
void gb_gp_logtics(gb_buf *b, const char *axis, double lo, double hi);
/* gnuplot x tics "(\"label\" pos, ...)" for n labels at 0..n-1. */
void gb_gp_xtics(gb_buf *b, const char *const *labels, int n);

#endif
