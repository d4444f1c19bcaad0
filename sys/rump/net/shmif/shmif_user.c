/*
 * shmif_user.c: the host half of the shared-memory Ethernet interface.
 * It maps a bus file (layout in shmif_bus.h) and moves frames in and
 * out of its ring for the kernel half, and for test code on the host.
 *
 * The lock.  sb_lock is a futex word holding the holder's thread id,
 * with SHMIF_LOCK_WAITERS set once someone sleeps on it.  Taking it is
 * a compare-and-swap from 0; after a short spin a taker sets the
 * waiters bit and sleeps on the word (FUTEX_WAIT on the shared file
 * mapping, so it works across processes); the releaser swaps in 0 and
 * wakes one sleeper if the bit was set.  A taker that has slept keeps
 * the waiters bit when it gets the lock, so no wakeup is lost.
 *
 * A crashed holder (a test kills its kernels with SIGKILL, and a
 * killed process may have been inside the lock) would stop the bus.
 * Sleepers therefore wake every SHMIF_STEAL_MS and check whether the
 * holder's thread still exists (kill(tid, 0) failing with ESRCH; Linux
 * accepts thread ids there).  If not, they take the lock over with a
 * compare-and-swap from the dead value, count it in sb_locksteals and
 * repair the ring: a writer publishes a record by storing sb_head after
 * the bytes are in place and frees space by advancing sb_tail before
 * overwriting, so the ring is consistent at every step, and the repair
 * only empties it (sb_tail = sb_head) and forgets a held frame, to be
 * safe against a half-updated counter.  Readers behind the new tail
 * count what they lost.  Thread ids can be reused; within the life of a
 * test that is not a concern.
 *
 * Wakeups.  Every commit bumps sb_seq; readers sleep with
 * FUTEX_WAIT_BITSET on it, having set their attachment's wake bit in
 * sb_waitbits (and counted themselves in sb_nwaiters, for the record).
 * A writer takes the bits of every attachment but its own out of
 * sb_waitbits and wakes those (FUTEX_WAKE_BITSET).  So a kernel's
 * receive thread is not woken by the frames its own kernel sends,
 * which it would only skip; and only the first frame after a reader
 * went to sleep costs a wake call, not every frame sent until the
 * woken reader gets to run (waking a futex in a shared file mapping
 * is not cheap: the kernel looks the page up).  Attachments with ids
 * past 30 share bit 31 and are never left out.  A 64-byte round trip between two processes is
 * about 5 us this way, against 170 us or more polling with usleep
 * (bench/README.md).
 */
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpdefs.h>

#include "shmif_bus.h"
#include "shmif_user.h"

#define SHMIF_SPINS		100
#define SHMIF_STEAL_MS		50

struct rumpcomp_shmif {
	struct shmif_bus *sa_bus;
	size_t		 sa_maplen;
	int		 sa_fd;
	int		 sa_logfd;	/* capture log, -1 until needed */
	char		*sa_logpath;
	uint32_t	 sa_id;
	volatile int	 sa_interrupted;
	uint64_t	 sa_rd;		/* next byte to read */
	uint64_t	 sa_rgen;	/* next frame number expected */
	uint64_t	 sa_sent, sa_received, sa_lost, sa_badrec;
};

/* Host errno -> kernel errno; 1..34 agree but for 11. */
static int
errtrans(int e)
{

	if (e >= 1 && e <= 34 && e != 11)
		return e;
	switch (e) {
	case EAGAIN:		return RUMP_EAGAIN;
	case ETIMEDOUT:		return RUMP_ETIMEDOUT;
	case ENAMETOOLONG:	return RUMP_ENAMETOOLONG;
	case ELOOP:		return RUMP_ELOOP;
	case EDEADLK:		return RUMP_EDEADLK;
	default:		return RUMP_EIO;
	}
}

static uint64_t
now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t
mytid(void)
{
	static __thread uint32_t tid;

	if (tid == 0)
		tid = (uint32_t)syscall(SYS_gettid);
	return tid;
}

static long
futex(uint32_t *uaddr, int op, uint32_t val, int timeout_ms)
{
	struct timespec ts, *tsp = NULL;

	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000;
		tsp = &ts;
	}
	return syscall(SYS_futex, uaddr, op, val, tsp, NULL, 0);
}

static uint32_t
load32(uint32_t *p)
{

	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* The holder of v died: take the lock from it; whether we did. */
static int
lock_steal(struct shmif_bus *bus, uint32_t v, uint32_t me)
{
	pid_t owner = (pid_t)(v & ~SHMIF_LOCK_WAITERS);

	if (owner == 0 || kill(owner, 0) == 0 || errno != ESRCH)
		return 0;
	if (!__atomic_compare_exchange_n(&bus->sb_lock, &v,
	    me | SHMIF_LOCK_WAITERS, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	bus->sb_locksteals++;
	__atomic_store_n(&bus->sb_tail, bus->sb_head, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);	/* see ring_reserve */
	bus->sb_held_len = 0;
	return 1;
}

static void
bus_lock(struct shmif_bus *bus)
{
	uint32_t me = mytid(), want = me, v;
	int spins = 0;

	for (;;) {
		v = 0;
		if (__atomic_compare_exchange_n(&bus->sb_lock, &v, want, 0,
		    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
			return;
		if (spins++ < SHMIF_SPINS)
			continue;
		/* Sleep with the waiters bit set; keep it once we slept. */
		want = me | SHMIF_LOCK_WAITERS;
		if ((v & SHMIF_LOCK_WAITERS) == 0 &&
		    !__atomic_compare_exchange_n(&bus->sb_lock, &v,
		    v | SHMIF_LOCK_WAITERS, 0, __ATOMIC_RELAXED,
		    __ATOMIC_RELAXED))
			continue;
		v |= SHMIF_LOCK_WAITERS;
		if (futex(&bus->sb_lock, FUTEX_WAIT, v, SHMIF_STEAL_MS) == -1 &&
		    errno == ETIMEDOUT && lock_steal(bus, v, me))
			return;
	}
}

static void
bus_unlock(struct shmif_bus *bus)
{
	uint32_t old;

	old = __atomic_exchange_n(&bus->sb_lock, 0, __ATOMIC_RELEASE);
	if (old & SHMIF_LOCK_WAITERS)
		futex(&bus->sb_lock, FUTEX_WAKE, 1, -1);
}

#define SHMIF_SHAREDBIT		31

/* The wake bit of attachment id. */
static uint32_t
wakebit(uint32_t id)
{

	return id < SHMIF_SHAREDBIT ? id : SHMIF_SHAREDBIT;
}

/*
 * Readers may have something new: bump the sequence, wake sleepers
 * but those of attachment self (0: wake all).  A reader sets its bit
 * before it compares sb_seq in FUTEX_WAIT_BITSET, and we bump sb_seq
 * before reading the bits, so either it sees the new value and does
 * not sleep or we see its bit and wake it.  Of several writers only
 * the one that clears a bit wakes it.
 */
static void
bus_kick(struct shmif_bus *bus, uint32_t self)
{
	uint32_t mask;

	__atomic_add_fetch(&bus->sb_seq, 1, __ATOMIC_SEQ_CST);
	mask = __atomic_load_n(&bus->sb_waitbits, __ATOMIC_SEQ_CST);
	if (self != 0 && wakebit(self) != SHMIF_SHAREDBIT)
		mask &= ~(1u << wakebit(self));
	if (mask == 0)
		return;
	mask &= __atomic_fetch_and(&bus->sb_waitbits, ~mask,
	    __ATOMIC_SEQ_CST);
	if (mask != 0)
		syscall(SYS_futex, &bus->sb_seq, FUTEX_WAKE_BITSET, INT_MAX,
		    NULL, NULL, mask);
}

static uint8_t *
ring(struct shmif_bus *bus)
{

	return (uint8_t *)bus + bus->sb_hdrsize;
}

/* Copy len bytes to/from ring offset off (a byte count), wrapping. */
static void
ring_put(struct shmif_bus *bus, uint64_t off, const void *src, size_t len)
{
	size_t pos = (size_t)(off % bus->sb_ringsize);
	size_t first = bus->sb_ringsize - pos;

	if (first > len)
		first = len;
	memcpy(ring(bus) + pos, src, first);
	memcpy(ring(bus), (const uint8_t *)src + first, len - first);
}

static void
ring_get(struct shmif_bus *bus, uint64_t off, void *dst, size_t len)
{
	size_t pos = (size_t)(off % bus->sb_ringsize);
	size_t first = bus->sb_ringsize - pos;

	if (first > len)
		first = len;
	memcpy(dst, ring(bus) + pos, first);
	memcpy((uint8_t *)dst + first, ring(bus), len - first);
}

/* Gather the pieces into one buffer. */
static void
ring_getv_flat(uint8_t *dst, const struct rumpcomp_shmif_iov *iov, int niov)
{

	for (int i = 0; i < niov; i++) {
		memcpy(dst, iov[i].si_base, iov[i].si_len);
		dst += iov[i].si_len;
	}
}

/* Gather the pieces to ring offset off; scatter len bytes from it. */
static void
ring_putv(struct shmif_bus *bus, uint64_t off,
    const struct rumpcomp_shmif_iov *iov, int niov)
{

	for (int i = 0; i < niov; i++) {
		ring_put(bus, off, iov[i].si_base, iov[i].si_len);
		off += iov[i].si_len;
	}
}

static void
ring_getv(struct shmif_bus *bus, uint64_t off,
    const struct rumpcomp_shmif_iov *iov, int niov, size_t len)
{
	size_t n;

	for (int i = 0; i < niov && len > 0; i++) {
		n = iov[i].si_len < len ? iov[i].si_len : len;
		ring_get(bus, off, iov[i].si_base, n);
		off += n;
		len -= n;
	}
}

static uint64_t
recsize(uint32_t len)
{

	return (sizeof(struct shmif_pkthdr) + len + SHMIF_ALIGN - 1) &
	    ~(uint64_t)(SHMIF_ALIGN - 1);
}

/*
 * Make room for n bytes at the head by retiring records at the tail.
 * A malformed record there (injected by a test) empties the ring.
 */
static void
ring_reserve(struct shmif_bus *bus, uint64_t n)
{
	struct shmif_pkthdr ph;

	if (bus->sb_head + n - bus->sb_tail <= bus->sb_ringsize)
		return;
	while (bus->sb_head + n - bus->sb_tail > bus->sb_ringsize) {
		ring_get(bus, bus->sb_tail, &ph, sizeof(ph));
		if (ph.sp_len > SHMIF_FRAME_MAX ||
		    bus->sb_tail + recsize(ph.sp_len) > bus->sb_head) {
			__atomic_store_n(&bus->sb_tail, bus->sb_head,
			    __ATOMIC_RELEASE);
			continue;
		}
		__atomic_store_n(&bus->sb_tail,
		    bus->sb_tail + recsize(ph.sp_len), __ATOMIC_RELEASE);
	}
	/*
	 * Readers copy without the lock and trust a copy only if sb_tail
	 * has not passed it afterwards: the new tail must be visible
	 * before any byte of the space it frees is overwritten.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Append a capture record; the bus lock orders the log. */
static void
capture(struct rumpcomp_shmif *att, const struct shmif_pkthdr *ph,
    const struct rumpcomp_shmif_iov *iov, int niov)
{
	struct iovec v[1 + RUMPCOMP_SHMIF_IOVMAX];
	ssize_t want = (ssize_t)sizeof(*ph);
	struct shmif_loghdr lh = { SHMIF_LOGMAGIC, SHMIF_VERSION };
	struct stat st;

	if (att->sa_logfd == -1) {
		att->sa_logfd = open(att->sa_logpath,
		    O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (att->sa_logfd == -1)
			return;
		if (fstat(att->sa_logfd, &st) == 0 && st.st_size == 0 &&
		    write(att->sa_logfd, &lh, sizeof(lh)) != sizeof(lh))
			return;
	}
	v[0].iov_base = (void *)(uintptr_t)ph;
	v[0].iov_len = sizeof(*ph);
	for (int i = 0; i < niov; i++) {
		v[1 + i].iov_base = iov[i].si_base;
		v[1 + i].iov_len = iov[i].si_len;
		want += (ssize_t)iov[i].si_len;
	}
	if (writev(att->sa_logfd, v, 1 + niov) != want)
		fprintf(stderr, "shmif: %s: short write\n", att->sa_logpath);
}

/*
 * Write one record, the concatenation of niov pieces of len bytes in
 * all, to the ring, its header claiming declared bytes (len but for
 * the malformed records tests inject); called with the lock held.
 * The header is returned in *php.
 */
static void
commit_record(struct rumpcomp_shmif *att, uint32_t sender,
    uint32_t declared, const struct rumpcomp_shmif_iov *iov, int niov,
    uint32_t len, struct shmif_pkthdr *php)
{
	struct shmif_bus *bus = att->sa_bus;
	struct shmif_pkthdr ph;
	uint64_t n = recsize(len);

	ph.sp_len = declared;
	ph.sp_sender = sender;
	ph.sp_gen = bus->sb_gen;
	/*
	 * A capture gets exact times; frames only on the ring the tick's
	 * (shmif2pcap of the bus file itself), for a fine clock read per
	 * frame costs a few percent of a bulk transfer.
	 */
	ph.sp_stamp_ns = now_ns((bus->sb_flags & SHMIF_BUS_CAPTURE) ?
	    CLOCK_REALTIME : CLOCK_REALTIME_COARSE);
	ring_reserve(bus, n);
	ring_put(bus, bus->sb_head, &ph, sizeof(ph));
	ring_putv(bus, bus->sb_head + sizeof(ph), iov, niov);
	__atomic_store_n(&bus->sb_head, bus->sb_head + n, __ATOMIC_RELEASE);
	bus->sb_gen++;
	*php = ph;
}

/* Commit one frame (and log it if the bus captures); lock held. */
static void
commitv(struct rumpcomp_shmif *att, uint32_t sender,
    const struct rumpcomp_shmif_iov *iov, int niov, uint32_t len)
{
	struct shmif_pkthdr ph;

	commit_record(att, sender, len, iov, niov, len, &ph);
	if (att->sa_bus->sb_flags & SHMIF_BUS_CAPTURE)
		capture(att, &ph, iov, niov);
}

static void
commit(struct rumpcomp_shmif *att, uint32_t sender, const void *frame,
    uint32_t len)
{
	struct rumpcomp_shmif_iov iov = { (void *)(uintptr_t)frame, len };

	commitv(att, sender, &iov, 1, len);
}

/* Release a frame held back for reordering; lock held. */
static void
commit_held(struct rumpcomp_shmif *att)
{
	struct shmif_bus *bus = att->sa_bus;

	if (bus->sb_held_len == 0)
		return;
	commit(att, bus->sb_held_sender, bus->sb_held, bus->sb_held_len);
	bus->sb_held_len = 0;
}

/* splitmix64: one draw from the bus's fault generator; lock held. */
static int
fault_hit(struct shmif_bus *bus, uint32_t rate)
{
	uint64_t z;

	if (rate == 0)
		return 0;
	z = (bus->sb_rng += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z % SHMIF_RATE_ONE < rate;
}

int
rumpcomp_shmif_send(struct rumpcomp_shmif *att, const void *frame,
    size_t len)
{
	struct shmif_bus *bus = att->sa_bus;
	const struct shmif_fault *f = &bus->sb_fault;
	uint8_t copy[SHMIF_FRAME_MAX];
	int hold = 0;

	if (len == 0 || len > SHMIF_FRAME_MAX)
		return RUMP_EINVAL;
	bus_lock(bus);
	bus->sb_nsent++;
	att->sa_sent++;
	if (fault_hit(bus, f->sf_drop)) {
		bus->sb_ndropped++;
		goto out;
	}
	if (len > 14 && fault_hit(bus, f->sf_corrupt)) {
		memcpy(copy, frame, len);
		copy[14 + bus->sb_rng % (len - 14)] ^= 0x5a;
		frame = copy;
		bus->sb_ncorrupted++;
	}
	if (bus->sb_held_len == 0 && fault_hit(bus, f->sf_reorder)) {
		memcpy(bus->sb_held, frame, len);
		bus->sb_held_len = (uint32_t)len;
		bus->sb_held_sender = att->sa_id;
		bus->sb_held_since = now_ns(CLOCK_MONOTONIC);
		bus->sb_nreordered++;
		hold = 1;
	}
	if (!hold) {
		commit(att, att->sa_id, frame, (uint32_t)len);
		if (fault_hit(bus, f->sf_dup)) {
			commit(att, att->sa_id, frame, (uint32_t)len);
			bus->sb_nduped++;
		}
		commit_held(att);
	}
out:
	bus_unlock(bus);
	if (!hold)
		bus_kick(bus, att->sa_id);
	return 0;
}

/* Whether the bus injects any fault; lock held. */
static int
faulty(const struct shmif_bus *bus)
{
	const struct shmif_fault *f = &bus->sb_fault;

	return (f->sf_drop | f->sf_dup | f->sf_reorder | f->sf_corrupt) != 0;
}

int
rumpcomp_shmif_sendv(struct rumpcomp_shmif *att,
    const struct rumpcomp_shmif_iov *iov, int niov)
{
	struct shmif_bus *bus = att->sa_bus;
	uint8_t frame[SHMIF_FRAME_MAX];
	size_t len = 0;

	if (niov < 1 || niov > RUMPCOMP_SHMIF_IOVMAX)
		return RUMP_EINVAL;
	for (int i = 0; i < niov; i++) {
		if (iov[i].si_len > SHMIF_FRAME_MAX)
			return RUMP_EINVAL;
		len += iov[i].si_len;
	}
	if (len == 0 || len > SHMIF_FRAME_MAX)
		return RUMP_EINVAL;
	/*
	 * Fault injection works on a whole frame: take the simple way
	 * (tests only).  The flag is read unlocked; a change racing with
	 * this send is ordered either way.
	 */
	if (__atomic_load_n(&bus->sb_fault.sf_drop, __ATOMIC_RELAXED) |
	    __atomic_load_n(&bus->sb_fault.sf_dup, __ATOMIC_RELAXED) |
	    __atomic_load_n(&bus->sb_fault.sf_reorder, __ATOMIC_RELAXED) |
	    __atomic_load_n(&bus->sb_fault.sf_corrupt, __ATOMIC_RELAXED)) {
		ring_getv_flat(frame, iov, niov);
		return rumpcomp_shmif_send(att, frame, len);
	}
	bus_lock(bus);
	if (faulty(bus)) {	/* turned on since we looked */
		bus_unlock(bus);
		ring_getv_flat(frame, iov, niov);
		return rumpcomp_shmif_send(att, frame, len);
	}
	bus->sb_nsent++;
	att->sa_sent++;
	commitv(att, att->sa_id, iov, niov, (uint32_t)len);
	commit_held(att);
	bus_unlock(bus);
	bus_kick(bus, att->sa_id);
	return 0;
}

/* A held frame nobody followed for SHMIF_HOLD_NS goes out; lock held. */
static int
flush_stale_held(struct rumpcomp_shmif *att)
{
	struct shmif_bus *bus = att->sa_bus;

	if (bus->sb_held_len == 0 ||
	    now_ns(CLOCK_MONOTONIC) - bus->sb_held_since < SHMIF_HOLD_NS)
		return 0;
	commit_held(att);
	return 1;
}

/* The reader fell behind the tail: skip to it and count the loss. */
static void
catch_up(struct rumpcomp_shmif *att)
{
	struct shmif_bus *bus = att->sa_bus;
	struct shmif_pkthdr ph;
	uint64_t gen = bus->sb_gen;

	if (bus->sb_tail != bus->sb_head) {
		ring_get(bus, bus->sb_tail, &ph, sizeof(ph));
		gen = ph.sp_gen;
	}
	if (gen > att->sa_rgen)
		att->sa_lost += gen - att->sa_rgen;
	att->sa_rd = bus->sb_tail;
	att->sa_rgen = gen;
}

/*
 * Whether the reader was lapped: sb_tail passed its position, so what
 * it just copied from there may have been overwritten meanwhile.  The
 * fence keeps the copy's loads before the load of sb_tail (the writer
 * advances sb_tail before it overwrites, ring_reserve).
 */
static int
lapped(struct rumpcomp_shmif *att)
{
	struct shmif_bus *bus = att->sa_bus;

	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return att->sa_rd < __atomic_load_n(&bus->sb_tail, __ATOMIC_RELAXED);
}

/*
 * Receive the next frame of another attachment.  Readers take no lock:
 * a record below sb_head is complete (the writer stores sb_head after
 * its bytes), and a copy the tail has not passed afterwards is intact,
 * so a reader only ever races with a writer lapping it, and then it
 * takes the lock, skips to the tail and counts the loss (catch_up).
 * Writers therefore never wait for readers' copies.
 */
int
rumpcomp_shmif_recvv(struct rumpcomp_shmif *att,
    const struct rumpcomp_shmif_iov *iov, int niov, size_t *lenp)
{
	struct shmif_bus *bus = att->sa_bus;
	struct shmif_pkthdr ph;
	uint64_t head;
	size_t buflen = 0;
	int error = RUMP_EAGAIN, kick = 0;

	if (niov < 0 || niov > RUMPCOMP_SHMIF_IOVMAX)
		return RUMP_EINVAL;
	for (int i = 0; i < niov; i++)
		buflen += iov[i].si_len;
	if (att->sa_interrupted)
		return RUMP_EINTR;
	if (__atomic_load_n(&bus->sb_held_len, __ATOMIC_RELAXED) != 0) {
		bus_lock(bus);
		kick = flush_stale_held(att);
		bus_unlock(bus);
	}
	while (error == RUMP_EAGAIN &&
	    att->sa_rd != (head = __atomic_load_n(&bus->sb_head,
	    __ATOMIC_ACQUIRE))) {
		if (lapped(att)) {
			bus_lock(bus);
			catch_up(att);
			bus_unlock(bus);
			continue;
		}
		ring_get(bus, att->sa_rd, &ph, sizeof(ph));
		if (lapped(att))
			continue;
		if (ph.sp_len > SHMIF_FRAME_MAX ||
		    att->sa_rd + recsize(ph.sp_len) > head) {
			/* Nothing after a bogus length can be trusted. */
			bus_lock(bus);
			att->sa_badrec++;
			bus->sb_nbadrec++;
			att->sa_rd = bus->sb_head;
			att->sa_rgen = bus->sb_gen;
			bus_unlock(bus);
			break;
		}
		if (ph.sp_sender != att->sa_id) {
			*lenp = ph.sp_len;
			if (ph.sp_len > buflen)
				error = RUMP_EMSGSIZE;
			else {
				ring_getv(bus, att->sa_rd + sizeof(ph), iov,
				    niov, ph.sp_len);
				if (lapped(att))
					continue;
				att->sa_received++;
				error = 0;
			}
		}
		if (ph.sp_gen > att->sa_rgen)
			att->sa_lost += ph.sp_gen - att->sa_rgen;
		att->sa_rgen = ph.sp_gen + 1;
		att->sa_rd += recsize(ph.sp_len);
	}
	if (kick)
		bus_kick(bus, 0);	/* the held frame may be anyone's */
	return error;
}

int
rumpcomp_shmif_recv(struct rumpcomp_shmif *att, void *buf, size_t buflen,
    size_t *lenp)
{
	struct rumpcomp_shmif_iov iov = { buf, buflen };

	return rumpcomp_shmif_recvv(att, &iov, 1, lenp);
}

int
rumpcomp_shmif_wait(struct rumpcomp_shmif *att, int timeout_ms)
{
	struct shmif_bus *bus = att->sa_bus;
	struct timespec ts, *tsp = NULL;
	uint32_t seq, bit = wakebit(att->sa_id);
	int error = 0, shortened = 0;

	seq = load32(&bus->sb_seq);
	if (att->sa_interrupted)
		return RUMP_EINTR;
	if (__atomic_load_n(&bus->sb_head, __ATOMIC_ACQUIRE) != att->sa_rd)
		return 0;
	/* A held frame needs someone to push it out after a while. */
	if (load32(&bus->sb_held_len) != 0 &&
	    (timeout_ms < 0 || timeout_ms > (int)(SHMIF_HOLD_NS / 1000000))) {
		timeout_ms = (int)(SHMIF_HOLD_NS / 1000000) + 1;
		shortened = 1;	/* then a timeout is a wakeup to recv */
	}
	if (timeout_ms >= 0) {
		/* FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_sec += timeout_ms / 1000;
		ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		tsp = &ts;
	}
	__atomic_add_fetch(&bus->sb_nwaiters, 1, __ATOMIC_SEQ_CST);
	__atomic_fetch_or(&bus->sb_waitbits, 1u << bit, __ATOMIC_SEQ_CST);
	if (syscall(SYS_futex, &bus->sb_seq, FUTEX_WAIT_BITSET, seq, tsp,
	    NULL, 1u << bit) == -1 && errno == ETIMEDOUT && !shortened)
		error = RUMP_ETIMEDOUT;
	__atomic_sub_fetch(&bus->sb_nwaiters, 1, __ATOMIC_SEQ_CST);
	if (att->sa_interrupted)
		return RUMP_EINTR;
	return error;
}

void
rumpcomp_shmif_interrupt(struct rumpcomp_shmif *att)
{

	att->sa_interrupted = 1;
	__atomic_add_fetch(&att->sa_bus->sb_seq, 1, __ATOMIC_SEQ_CST);
	futex(&att->sa_bus->sb_seq, FUTEX_WAKE, INT_MAX, -1);
}

void
rumpcomp_shmif_yield(void)
{

	sched_yield();
}

/* Make a fresh bus in an empty file; the caller holds flock. */
static int
bus_format(int fd, uint32_t ringsize)
{
	struct shmif_bus *bus;
	size_t len = SHMIF_HDRSIZE + (size_t)ringsize;

	if (ftruncate(fd, (off_t)len) == -1)
		return errtrans(errno);
	bus = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (bus == MAP_FAILED)
		return errtrans(errno);
	bus->sb_version = SHMIF_VERSION;
	bus->sb_hdrsize = SHMIF_HDRSIZE;
	bus->sb_ringsize = ringsize;
	bus->sb_nextid = 1;
	__atomic_store_n(&bus->sb_magic, SHMIF_MAGIC, __ATOMIC_RELEASE);
	munmap(bus, len);
	return 0;
}

/* Check the header of an existing bus file; its mapped length. */
static int
bus_check(int fd, size_t *lenp)
{
	struct shmif_bus hdr;
	struct stat st;

	if (fstat(fd, &st) == -1)
		return errtrans(errno);
	if ((size_t)st.st_size < sizeof(hdr) ||
	    pread(fd, &hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr))
		return RUMP_EFTYPE;
	if (hdr.sb_magic != SHMIF_MAGIC || hdr.sb_version != SHMIF_VERSION ||
	    hdr.sb_hdrsize != SHMIF_HDRSIZE ||
	    hdr.sb_ringsize < SHMIF_RING_MIN ||
	    hdr.sb_ringsize > SHMIF_RING_MAX ||
	    (uint64_t)st.st_size < (uint64_t)SHMIF_HDRSIZE + hdr.sb_ringsize)
		return RUMP_EFTYPE;
	*lenp = SHMIF_HDRSIZE + (size_t)hdr.sb_ringsize;
	return 0;
}

/* Open (creating and formatting if empty) and map; flock serialises. */
static int
bus_open(struct rumpcomp_shmif *att, const char *path, uint32_t ringsize)
{
	struct stat st;
	int error;

	att->sa_fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (att->sa_fd == -1)
		return errtrans(errno);
	if (flock(att->sa_fd, LOCK_EX) == -1)
		return errtrans(errno);
	error = fstat(att->sa_fd, &st) == -1 ? errtrans(errno) : 0;
	if (error == 0 && st.st_size == 0)
		error = bus_format(att->sa_fd, ringsize);
	if (error == 0)
		error = bus_check(att->sa_fd, &att->sa_maplen);
	flock(att->sa_fd, LOCK_UN);
	if (error != 0)
		return error;
	att->sa_bus = mmap(NULL, att->sa_maplen, PROT_READ | PROT_WRITE,
	    MAP_SHARED, att->sa_fd, 0);
	if (att->sa_bus == MAP_FAILED) {
		att->sa_bus = NULL;
		return errtrans(errno);
	}
	return 0;
}

/*
 * Faults and capture belong to the process that set them (sb_cfgpid):
 * once it is gone they are dropped, with any frame held back for
 * reordering.  Lock held.
 */
static void
bus_forget_stale_config(struct shmif_bus *bus)
{
	pid_t pid = bus->sb_cfgpid;

	if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
		return;
	memset(&bus->sb_fault, 0, sizeof(bus->sb_fault));
	bus->sb_rng = 0;
	bus->sb_held_len = 0;
	bus->sb_flags &= ~(uint32_t)SHMIF_BUS_CAPTURE;
	bus->sb_cfgpid = 0;
}

int
rumpcomp_shmif_attach(const char *path, uint32_t ringsize,
    struct rumpcomp_shmif **attp)
{
	struct rumpcomp_shmif *att;
	struct shmif_bus *bus;
	int error;

	if (ringsize == 0)
		ringsize = SHMIF_RING_DEFAULT;
	if (ringsize < SHMIF_RING_MIN || ringsize > SHMIF_RING_MAX ||
	    ringsize % SHMIF_ALIGN != 0)
		return RUMP_EINVAL;
	if ((att = calloc(1, sizeof(*att))) == NULL)
		return RUMP_ENOMEM;
	att->sa_fd = att->sa_logfd = -1;
	if (asprintf(&att->sa_logpath, "%s.log", path) == -1) {
		att->sa_logpath = NULL;
		error = RUMP_ENOMEM;
		goto fail;
	}
	if ((error = bus_open(att, path, ringsize)) != 0)
		goto fail;
	bus = att->sa_bus;
	bus_lock(bus);
	bus_forget_stale_config(bus);
	att->sa_id = bus->sb_nextid++;
	att->sa_rd = bus->sb_head;
	att->sa_rgen = bus->sb_gen;
	bus_unlock(bus);
	*attp = att;
	return 0;
fail:
	rumpcomp_shmif_detach(att);
	return error;
}

void
rumpcomp_shmif_detach(struct rumpcomp_shmif *att)
{

	if (att->sa_bus != NULL)
		munmap(att->sa_bus, att->sa_maplen);
	if (att->sa_fd != -1)
		close(att->sa_fd);
	if (att->sa_logfd != -1)
		close(att->sa_logfd);
	free(att->sa_logpath);
	free(att);
}

int
rumpcomp_shmif_stats(struct rumpcomp_shmif *att,
    struct rumpcomp_shmif_stats *ss)
{
	struct shmif_bus *bus = att->sa_bus;

	bus_lock(bus);
	ss->ss_id = att->sa_id;
	ss->ss_sent = att->sa_sent;
	ss->ss_received = att->sa_received;
	ss->ss_lost = att->sa_lost;
	ss->ss_badrec = att->sa_badrec;
	ss->ss_bus_frames = bus->sb_gen;
	ss->ss_bus_sent = bus->sb_nsent;
	ss->ss_bus_dropped = bus->sb_ndropped;
	ss->ss_bus_duped = bus->sb_nduped;
	ss->ss_bus_reordered = bus->sb_nreordered;
	ss->ss_bus_corrupted = bus->sb_ncorrupted;
	ss->ss_bus_badrec = bus->sb_nbadrec;
	ss->ss_bus_locksteals = bus->sb_locksteals;
	ss->ss_ringsize = bus->sb_ringsize;
	bus_unlock(bus);
	return 0;
}

int
rumpcomp_shmif_setfault(struct rumpcomp_shmif *att, uint32_t drop,
    uint32_t dup, uint32_t reorder, uint32_t corrupt, uint64_t seed)
{
	struct shmif_bus *bus = att->sa_bus;
	int kick;

	if (drop > SHMIF_RATE_ONE || dup > SHMIF_RATE_ONE ||
	    reorder > SHMIF_RATE_ONE || corrupt > SHMIF_RATE_ONE)
		return RUMP_EINVAL;
	bus_lock(bus);
	bus->sb_fault.sf_drop = drop;
	bus->sb_fault.sf_dup = dup;
	bus->sb_fault.sf_reorder = reorder;
	bus->sb_fault.sf_corrupt = corrupt;
	bus->sb_fault.sf_seed = seed;
	bus->sb_rng = seed;
	bus->sb_cfgpid = getpid();
	kick = bus->sb_held_len != 0;
	commit_held(att);
	bus_unlock(bus);
	if (kick)
		bus_kick(bus, 0);
	return 0;
}

int
rumpcomp_shmif_setcapture(struct rumpcomp_shmif *att, int on)
{
	struct shmif_bus *bus = att->sa_bus;

	bus_lock(bus);
	if (on)
		bus->sb_flags |= SHMIF_BUS_CAPTURE;
	else
		bus->sb_flags &= ~(uint32_t)SHMIF_BUS_CAPTURE;
	bus->sb_cfgpid = getpid();
	bus_unlock(bus);
	return 0;
}

int
rumpcomp_shmif_inject_record(struct rumpcomp_shmif *att,
    uint32_t declared_len, const void *data, size_t len)
{
	struct shmif_bus *bus = att->sa_bus;
	struct rumpcomp_shmif_iov iov = { (void *)(uintptr_t)data, len };
	struct shmif_pkthdr ph;

	if (len > SHMIF_FRAME_MAX || recsize((uint32_t)len) > bus->sb_ringsize)
		return RUMP_EINVAL;
	bus_lock(bus);
	/* Never captured: the log's reader trusts its lengths. */
	commit_record(att, att->sa_id, declared_len, &iov, 1, (uint32_t)len,
	    &ph);
	bus_unlock(bus);
	bus_kick(bus, 0);
	return 0;
}
