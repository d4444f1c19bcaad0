/*
 * shmif_bus.h: the layout of a shmif bus file, shared by the host half
 * of the interface (shmif_user.c) and tools/shmif2pcap.  Nothing in the
 * kernel sees this; the kernel half talks to the bus only through the
 * rumpcomp_shmif_* calls of shmif_user.h.
 *
 * A bus is a host file that every attached kernel maps shared, from any
 * number of processes:
 *
 *	[ struct shmif_bus, padded to SHMIF_HDRSIZE ][ ring, sb_ringsize ]
 *
 * The ring holds records, each a struct shmif_pkthdr and the frame,
 * padded to SHMIF_ALIGN; a record may wrap around the end of the ring.
 * sb_head and sb_tail count bytes ever written (the ring position is
 * the count modulo sb_ringsize), so they never wrap in practice and a
 * reader whose own count is below sb_tail knows it was lapped; the
 * sp_gen of the record at the tail tells it how many frames it lost.
 *
 * Everything but sb_seq, sb_nwaiters and sb_waitbits changes only
 * under the lock word sb_lock (see shmif_user.c for the lock protocol,
 * how a lock left by a crashed holder is taken over, and how readers
 * copy frames out of the ring without taking the lock).
 */
#ifndef _SHMIF_BUS_H_
#define _SHMIF_BUS_H_

#include <stdint.h>

#define SHMIF_MAGIC		0x464d4853u	/* "SHMF" little-endian */
#define SHMIF_LOGMAGIC		0x434d4853u	/* "SHMC": a capture log */
#define SHMIF_VERSION		2
#define SHMIF_HDRSIZE		16384		/* ring data starts here */
#define SHMIF_RING_DEFAULT	(1024 * 1024)
#define SHMIF_RING_MIN		65536	/* > the largest record */
#define SHMIF_RING_MAX		(256 * 1024 * 1024)
#define SHMIF_FRAME_MAX		9018		/* jumbo Ethernet, no FCS */
#define SHMIF_ALIGN		8

/* sb_lock: the holder's thread id, plus this bit when others wait. */
#define SHMIF_LOCK_WAITERS	0x80000000u

/* sb_flags */
#define SHMIF_BUS_CAPTURE	0x01	/* append every frame to <bus>.log */

/* One frame on the ring (and in a capture log). */
struct shmif_pkthdr {
	uint32_t	sp_len;		/* frame bytes that follow */
	uint32_t	sp_sender;	/* attachment id of the writer */
	uint64_t	sp_gen;		/* frame number on this bus */
	uint64_t	sp_stamp_ns;	/* wall clock when sent (to the tick
					   unless the bus captures) */
};

/*
 * Fault injection, per bus: rates in frames per million, drawn from a
 * generator seeded with sf_seed, so one sequence of sends gives one
 * sequence of faults.  Reordering holds a frame back and sends it after
 * the next one (or after SHMIF_HOLD_NS when none follows); corruption
 * flips one byte past the Ethernet header.
 */
struct shmif_fault {
	uint32_t	sf_drop;
	uint32_t	sf_dup;
	uint32_t	sf_reorder;
	uint32_t	sf_corrupt;
	uint64_t	sf_seed;
};
#define SHMIF_RATE_ONE		1000000u
#define SHMIF_HOLD_NS		2000000ull

/*
 * The header is laid out in cache lines by who writes what, so that
 * the processes on a bus do not pull lines from each other for fields
 * they only read: the lock and what changes under it with every frame;
 * the wakeup words, which readers write too; and the rest, read-mostly.
 */
#define SHMIF_LINE		64

struct shmif_bus {
	/* Read-mostly: set at format time or by tests. */
	uint32_t	sb_magic;
	uint32_t	sb_version;
	uint32_t	sb_hdrsize;
	uint32_t	sb_ringsize;
	uint32_t	sb_nextid;	/* next attachment id */
	uint32_t	sb_flags;	/* SHMIF_BUS_* */
	/*
	 * The process that set the faults or capture: they last as long
	 * as it does, so a bus file left behind by an earlier run (its
	 * test failed half way, say) starts the next one clean.
	 */
	int32_t		sb_cfgpid;
	struct shmif_fault sb_fault;

	/* Written with every frame, under the lock. */
	uint32_t	sb_lock __attribute__((aligned(SHMIF_LINE)));
					/* futex: holder tid | WAITERS */
	uint64_t	sb_head;	/* bytes ever written */
	uint64_t	sb_tail;	/* oldest byte still valid */
	uint64_t	sb_gen;		/* next frame number */
	uint64_t	sb_nsent;	/* frames handed to the bus */

	/* Wakeups, written by writers and sleeping readers. */
	uint32_t	sb_seq __attribute__((aligned(SHMIF_LINE)));
					/* futex: bumped per commit */
	uint32_t	sb_nwaiters;	/* readers asleep on sb_seq */
	/*
	 * Wake bits of readers that may sleep on sb_seq and nobody woke
	 * yet: attachment id i < 31 has bit i to itself, the others
	 * share bit 31 (shmif_user.c).
	 */
	uint32_t	sb_waitbits;

	/* Rare: faults, repairs, counters for tests and the tool. */
	uint64_t	sb_rng __attribute__((aligned(SHMIF_LINE)));
					/* fault generator state */
	uint64_t	sb_locksteals;	/* locks taken from dead holders */
	uint64_t	sb_ndropped;	/* ... dropped by fault injection */
	uint64_t	sb_nduped;
	uint64_t	sb_nreordered;
	uint64_t	sb_ncorrupted;
	uint64_t	sb_nbadrec;	/* malformed records readers skipped */
	/* A frame held back for reordering. */
	uint32_t	sb_held_len;	/* 0: none */
	uint32_t	sb_held_sender;
	uint64_t	sb_held_since;	/* monotonic ns */
	uint8_t		sb_held[SHMIF_FRAME_MAX];
};

_Static_assert(sizeof(struct shmif_bus) <= SHMIF_HDRSIZE,
    "shmif bus header outgrew SHMIF_HDRSIZE");
_Static_assert(sizeof(struct shmif_pkthdr) % SHMIF_ALIGN == 0,
    "records must stay aligned");

/* A capture log: this header, then shmif_pkthdr + frame, unpadded. */
struct shmif_loghdr {
	uint32_t	sl_magic;	/* SHMIF_LOGMAGIC */
	uint32_t	sl_version;
};

#endif /* _SHMIF_BUS_H_ */
