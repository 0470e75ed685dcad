/* rundir.h: one run per results folder. A run (or a resume) holds an exclusive flock on
 * DIR/gilbench.lock for its whole life, with its pid written in the file so that a second one is
 * refused naming the holder. `gilbench report` takes no lock: re-rendering report/ stays allowed. */
#ifndef GB_RUNDIR_H
#define GB_RUNDIR_H

#include <stddef.h>

/* Lock dir. Returns the lock file's descriptor (keep it open for the run's life; closing it or
 * exiting releases the lock), or -1 with err naming the folder and, when another run holds it,
 * that run's pid. */
int gb_rundir_lock(const char *dir, char *err, size_t errlen);
void gb_rundir_unlock(int fd);

#endif
