/*
 * shmif_user.h: the door between the kernel half of shmif (if_shmif.c)
 * and its host half (shmif_user.c), which maps the bus file.  Test code
 * on the host (the multi-kernel harness, tools) uses the same calls to
 * set faults, inject raw records and read counters.
 *
 * Only freestanding types here: the kernel includes this file.  Every
 * call returns 0 or a kernel (NetBSD-numbered) errno value, like a
 * hypercall.  None of them touches the virtual CPU: the kernel half
 * releases it around rumpcomp_shmif_wait, the only call that sleeps
 * for long.  send and recv take the bus lock, which holders keep only
 * while copying one frame (like a spin mutex).
 */
#ifndef _SHMIF_USER_H_
#define _SHMIF_USER_H_

#include <stddef.h>
#include <stdint.h>

struct rumpcomp_shmif;

/*
 * Attach to the bus file at path, creating it with a ring of ringsize
 * bytes (0: the default, 1 MiB) if it does not exist or is empty.  The
 * attachment reads frames sent after this call.  ENOENT, EACCES...
 * from the host; EFTYPE when the file is not a bus (or of another
 * version); EINVAL for a ring size out of range; ENOMEM.
 */
int	rumpcomp_shmif_attach(const char *path, uint32_t ringsize,
	    struct rumpcomp_shmif **attp);
void	rumpcomp_shmif_detach(struct rumpcomp_shmif *att);

/*
 * Put one frame on the bus (through the bus's fault injection).
 * EINVAL for an empty frame or one over SHMIF_FRAME_MAX (9018) bytes.
 */
int	rumpcomp_shmif_send(struct rumpcomp_shmif *att, const void *frame,
	    size_t len);

/*
 * A piece of a frame in the caller's memory, for the gathering send
 * and the scattering receive: the kernel half passes an mbuf chain's
 * pieces so that the only copies of a frame are into and out of the
 * ring (by the host's memcpy).
 */
struct rumpcomp_shmif_iov {
	void		*si_base;
	size_t		 si_len;
};
#define RUMPCOMP_SHMIF_IOVMAX	64

/*
 * The same as rumpcomp_shmif_send, the frame being the concatenation
 * of niov pieces (at most RUMPCOMP_SHMIF_IOVMAX; EINVAL otherwise).
 */
int	rumpcomp_shmif_sendv(struct rumpcomp_shmif *att,
	    const struct rumpcomp_shmif_iov *iov, int niov);

/*
 * Take the next frame another attachment sent, without blocking.
 * 0 with the frame in buf and its length in *lenp; EAGAIN when there
 * is none; EMSGSIZE when it did not fit in buflen (it is skipped and
 * *lenp says how long it was); EINTR once the attachment was
 * interrupted.  Frames the reader missed because the ring lapped it,
 * and malformed records, are skipped and counted.  Takes the bus lock
 * only to copy one frame, so the kernel may call it holding its CPU.
 */
int	rumpcomp_shmif_recv(struct rumpcomp_shmif *att, void *buf,
	    size_t buflen, size_t *lenp);
/*
 * The same, the frame scattered over niov pieces in order (their total
 * length is the buflen); *lenp is the frame's length.
 */
int	rumpcomp_shmif_recvv(struct rumpcomp_shmif *att,
	    const struct rumpcomp_shmif_iov *iov, int niov, size_t *lenp);

/*
 * Sleep until a frame may be there, rumpcomp_shmif_interrupt, or
 * timeout_ms (negative: no timeout).  0, ETIMEDOUT, or EINTR after an
 * interrupt (which stays set: every later wait returns EINTR at once).
 */
int	rumpcomp_shmif_wait(struct rumpcomp_shmif *att, int timeout_ms);
void	rumpcomp_shmif_interrupt(struct rumpcomp_shmif *att);
/* Let the host run another thread (sched_yield); call off-CPU. */
void	rumpcomp_shmif_yield(void);

/* What an attachment and its bus have seen. */
struct rumpcomp_shmif_stats {
	/* this attachment */
	uint64_t	ss_id;
	uint64_t	ss_sent;
	uint64_t	ss_received;
	uint64_t	ss_lost;	/* frames the ring lapped us on */
	uint64_t	ss_badrec;	/* malformed records skipped */
	/* the bus */
	uint64_t	ss_bus_frames;	/* frames committed to the ring */
	uint64_t	ss_bus_sent;
	uint64_t	ss_bus_dropped;
	uint64_t	ss_bus_duped;
	uint64_t	ss_bus_reordered;
	uint64_t	ss_bus_corrupted;
	uint64_t	ss_bus_badrec;
	uint64_t	ss_bus_locksteals;
	uint32_t	ss_ringsize;
};
int	rumpcomp_shmif_stats(struct rumpcomp_shmif *att,
	    struct rumpcomp_shmif_stats *ss);

/*
 * Fault injection for the whole bus: rates in frames per million (at
 * most 1000000 each; EINVAL otherwise), a seed for the generator.  All
 * zero turns it off.  Faults and capture last as long as the process
 * that set them: the next attachment after it is gone finds them off,
 * so a bus file reused from an earlier run is clean.
 */
int	rumpcomp_shmif_setfault(struct rumpcomp_shmif *att, uint32_t drop,
	    uint32_t dup, uint32_t reorder, uint32_t corrupt, uint64_t seed);

/*
 * Capture: when on, every frame committed to the bus is also appended
 * to "<bus path>.log" (a capture log tools/shmif2pcap reads), by
 * whichever attachment commits it.  The ring forgets; the log keeps.
 */
int	rumpcomp_shmif_setcapture(struct rumpcomp_shmif *att, int on);

/*
 * Tests only: write a raw record (header fields as given, then data)
 * at the head of the ring, bypassing every check, to see readers cope
 * with a bogus length.  EINVAL if data does not fit the ring.
 */
int	rumpcomp_shmif_inject_record(struct rumpcomp_shmif *att,
	    uint32_t declared_len, const void *data, size_t len);

#endif /* _SHMIF_USER_H_ */
