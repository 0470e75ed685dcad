/* io_util.h: whole-buffer reads and writes that retry on EINTR and short transfers. */
#ifndef GB_IO_UTIL_H
#define GB_IO_UTIL_H

#include <stddef.h>
#include <sys/types.h>

/* Read exactly len bytes. Returns 0, 1 on end of file before any byte, or a negative errno. */
int gb_read_full(int fd, void *buf, size_t len);
/* Write exactly len bytes. Returns 0 or a negative errno. */
int gb_write_full(int fd, const void *buf, size_t len);

/* The process's umask, read without changing it (from /proc/self/status; where that has no Umask
 * line, by setting and restoring it). A file made by mkstemp (mode 0600) is given 0666 & ~this, as
 * open(..., 0666) would make it, so every file a run writes follows the umask. */
mode_t gb_umask_current(void);

#endif
