/* server.h: the loopback server behind the `tcp` op (server.c) and the wire protocol both ends
 * speak (tcp.c builds requests and digests replies; the server answers them). Only the tcp op,
 * the server and their tests include this. */
#ifndef GB_SERVER_H
#define GB_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "ioop.h"

/* Start the server as a child process listening on 127.0.0.1, an ephemeral port. It serves many
 * connections at once (epoll) and answers each request after the delay the request asks for. It
 * exits when the control pipe's write end closes (so also when gilbench dies) and on SIGKILL
 * from the kernel if its parent dies; it ignores SIGINT, so the repetition in flight finishes and
 * the runner stops it. Returns 0 or a negative code with err. */
int gb_server_start(int *port, pid_t *pid, int *ctl_fd, int *report_fd, char *err, size_t errlen);
/* Stop it (close ctl_fd, wait, SIGKILL after 5 s) and reap it; ru receives its resource usage and
 * tally what it served (read from report_fd, which is closed). Returns 0, or GB_EIO when it had
 * died on its own or sent no tally (err says which). */
int gb_server_stop(pid_t pid, int ctl_fd, int report_fd, struct rusage *ru, gb_server_tally *tally, char *err,
                   size_t errlen);

/* The protocol: a request is a 16-byte header (magic, body length, delay in us, 0; little-endian)
 * and a body derived from the task and its input payload; the server answers with body-length
 * bytes: the body reversed, each byte xor 0xa5. The op's result is the hash of the reply. */
#define GB_TCP_MAGIC 0x67626970u /* "gbip" */
#define GB_TCP_HEADER 16
#define GB_TCP_MAX_BODY (16ll << 20)
/* The request of one tcp op with parameters p (bytes, delay_us) into buf (16 + bytes). */
size_t gb_tcp_request_build(const gb_kparams *p, const gb_io_call *call, uint8_t *buf);
void gb_tcp_reply_make(const uint8_t *body, size_t len, uint8_t *reply);
uint64_t gb_tcp_result(const uint8_t *reply, size_t len);

#endif
