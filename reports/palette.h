/* palette.h: one color per strategy, the same in every chart, every report and every comparison
 * (a reader learns "red is the GIL" once). Known strategies have fixed colors; others get one
 * from a reserve list by a hash of the name, so they too are stable from run to run. */
#ifndef GB_PALETTE_H
#define GB_PALETTE_H

/* "#rrggbb" for a strategy name. */
const char *gb_palette_color(const char *strategy);
/* Sort rank of a strategy: registry order for known ones, then unknown ones after (by name). */
int gb_palette_rank(const char *strategy);

#endif
