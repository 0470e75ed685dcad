/* gnuplot.h: the charts are drawn by gnuplot, found at run time (GILBENCH_GNUPLOT, else PATH) and
 * required to be 5.x, the one syntax the generated scripts are written for. */
#ifndef GB_GNUPLOT_H
#define GB_GNUPLOT_H

#include <limits.h>
#include <stddef.h>

typedef struct gb_gnuplot {
  int ok;              /* found, runs, and is 5.x */
  char path[PATH_MAX]; /* the executable */
  char version[128];   /* what `gnuplot --version` said */
  char why[512];       /* why not ok, as a sentence for the user */
} gb_gnuplot;

/* Look for gnuplot. Always returns; gp->ok says whether charts can be rendered. */
void gb_gnuplot_find(gb_gnuplot *gp);
/* Run `gnuplot [-e 'fmt="FMT"'] SCRIPT` in folder dir (scripts name their files relative to it).
 * fmt NULL leaves the script's default (svg). 0, or -1 with gnuplot's own messages in err. */
int gb_gnuplot_run(const gb_gnuplot *gp, const char *dir, const char *script, const char *fmt, char *err,
                   size_t errlen);
/* The same with the -e commands given whole (gilbench's own constants only, such as
 * "fmt=\"svg\"; narrow=1": never text from a results file). */
int gb_gnuplot_run_expr(const gb_gnuplot *gp, const char *dir, const char *script, const char *expr,
                        char *err, size_t errlen);

#endif
