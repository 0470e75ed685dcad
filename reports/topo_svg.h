/* topo_svg.h: the machine drawn by hwloc's lstopo, each PU coloured by the share of the workers'
 * time spent on it. The topology (topology.xml beside the results, or this machine) is written
 * again with a style per PU and legend lines (gb_topo_shade_xml), and lstopo draws that file as
 * SVG: lstopo is run as a fixed argument list, found on PATH (lstopo-no-graphics, else lstopo) or
 * named by GILBENCH_LSTOPO; nothing read from a file becomes part of a command. */
#ifndef GB_TOPO_SVG_H
#define GB_TOPO_SVG_H

#include <stddef.h>

#include "rmodel.h"

/* Seconds of worker time on each PU (secs[os], os < max) over every repetition of every cell with
 * `binding`: a worker's sampled time per PU (pu_time_s) where recorded, else its CPU time split
 * evenly over the PUs it was seen on (pus_seen). *runs: worker runs counted. Returns the total. */
double gb_toposvg_usage(const gb_rmodel *m, const char *binding, double *secs, int max, int *runs);
/* The legend lines for one binding: what the colour is a share of, the scale, each PU's share.
 * Writes up to `max` lines of `len` bytes into lines; returns how many. */
int gb_toposvg_legend(const char *binding, const double *share, int nshare, int runs, char (*lines)[256],
                      int max);
/* Draw: shade `xml` (NULL: this machine) by share (by OS PU index, NAN: none) into shaded_xml,
 * then lstopo it into svg (and png when png is not NULL: lstopo with Cairo only). 0, or -1 with
 * err saying why (lstopo missing, hwloc missing, lstopo's own message). */
int gb_toposvg_draw(const char *xml, const double *share, int nshare, const char *const *legend, int nlegend,
                    const char *shaded_xml, const char *svg, const char *png, char *err, size_t errlen);

/* `gilbench topo --svg FILE [--results RESULTS] [--binding POLICY]`: the same picture as the
 * report's, for the run in RESULTS (file or folder) with one binding policy (default: the first
 * the run used; `used` gets its name), or uncoloured for this machine without RESULTS. The shaded
 * topology goes to a temporary file, removed. 0, or a negative code with err:
 * GB_EUNAVAIL when it cannot be drawn, another (GB_EINVAL, a results-reading error) for bad input. */
int gb_toposvg_write(const char *svg, const char *results, const char *binding, char *used, size_t usedlen,
                     char *err, size_t errlen);

#endif
