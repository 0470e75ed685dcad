/* isolate.h: run a function in a child process of its own (its own process group), with a
 * timeout, and bring its result back as bytes. A crash (any signal), an abort or a hang ends only
 * that child: it is reported, and every process it started is killed and reaped. */
#ifndef GB_ISOLATE_H
#define GB_ISOLATE_H

#include <signal.h>
#include <stddef.h>

/* The function run in the child: fills *out (malloc'd, *outlen bytes) and returns its status,
 * which comes back to the parent as is. */
typedef int (*gb_isolated_fn)(void *arg, void **out, size_t *outlen);

/* Run fn(arg) in a child. timeout_s <= 0: no timeout. stop: when it becomes nonzero (a signal
 * handler sets it), the child's group is killed and GB_EINTR-like -EINTR is returned.
 * Returns fn's status with its result in *out and *outlen (caller frees), or GB_ETIMEOUT, -EINTR, or
 * GB_EIO with `why` saying how the child ended ("killed by signal 11 (Segmentation fault)"). */
int gb_isolate_run(gb_isolated_fn fn, void *arg, double timeout_s, volatile sig_atomic_t *stop, void **out,
                   size_t *outlen, char *why, size_t whylen);

/* A function the waiting parent calls about every 200 ms while a child runs (progress lines), or
 * NULL for none; a child never inherits it. Not for threads: one waiter per process. */
void gb_isolate_set_tick(void (*fn)(void *), void *arg);

/* Kill (SIGKILL) and reap every descendant reparented to this process (a child subreaper) and
 * every child of its own, until none is alive. */
void gb_isolate_reap_descendants(void);

#endif
