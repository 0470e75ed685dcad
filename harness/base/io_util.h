/* io_util.h: whole-buffer reads and writes that retry on EINTR and short transfers. */
#ifndef GB_IO_UTIL_H
#define GB_IO_UTIL_H

#include <stddef.h>

/* Read exactly len bytes. Returns 0, 1 on end of file before any byte, or a negative errno. */
int gb_read_full(int fd, void *buf, size_t len);
/* Write exactly len bytes. Returns 0 or a negative errno. */
int gb_write_full(int fd, const void *buf, size_t len);

#endif
