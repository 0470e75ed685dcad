/* warn.h: console warnings grouped by reason. A warning is a reason and what it applies to (a
 * counter, a cell); identical reasons are printed once, in the order first given, with the list
 * of everything they apply to, so a reason shared by four counters is read once, not four times. */
#ifndef GB_WARN_H
#define GB_WARN_H

#include <stdio.h>

typedef struct gb_warn gb_warn; /* opaque */

gb_warn *gb_warn_new(void);
void gb_warn_free(gb_warn *w);
/* Add `subject` under `reason` (both copied); a subject already under that reason is not repeated. */
void gb_warn_add(gb_warn *w, const char *reason, const char *subject);
/* Number of distinct reasons held. */
int gb_warn_count(const gb_warn *w);
/* Print each reason once: "  SUBJECT: REASON" when it applies to one subject, else the reason on
 * its own line and then "    applies to (N): A, B, C" wrapped at about 110 columns. Prints
 * nothing when empty. */
void gb_warn_print(const gb_warn *w, FILE *out);

#endif
