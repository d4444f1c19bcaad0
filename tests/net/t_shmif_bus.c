/*
 * t_shmif_bus: the shmif bus host half on its own, no kernel: frames
 * between processes, the ring wrapping and lapping a slow reader,
 * malformed records, fault injection being deterministic for a seed,
 * a lock left by a dead holder, wakeups and the capture log.
 */
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rumpdefs.h>

#include "harness.h"
#include "h_frames.h"
#include "h_oracle.h"
#include "shmif_bus.h"
#include "shmif_user.h"

#define BUS	"bus"

/* Kernel errno from a rumpcomp call must be 0. */
#define KZ(x) do {							\
	int __kz = (x);							\
	if (__kz != 0)							\
		atf_tc_fail_requirement(__FILE__, __LINE__,		\
		    "%s: kernel errno %d", #x, __kz);			\
} while (0)

static struct rumpcomp_shmif *
attach(const char *path, uint32_t ringsize)
{
	struct rumpcomp_shmif *att;

	KZ(rumpcomp_shmif_attach(path, ringsize, &att));
	return att;
}

/* A frame whose bytes encode its number and length. */
static size_t
mkframe(uint8_t *buf, uint32_t n, size_t len)
{

	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(n * 7 + i);
	memcpy(buf, &n, sizeof(n));
	return len;
}

static uint32_t
frameno(const uint8_t *buf, size_t len)
{
	uint32_t n;

	memcpy(&n, buf, sizeof(n));
	for (size_t i = sizeof(n); i < len; i++)
		if (buf[i] != (uint8_t)(n * 7 + i))
			atf_tc_fail("frame %u: byte %zu is %u", n, i, buf[i]);
	return n;
}

/* Receive one frame, waiting up to timeout_ms; its number. */
static uint32_t
recv_one(struct rumpcomp_shmif *att, int timeout_ms, size_t *lenp)
{
	uint8_t buf[SHMIF_FRAME_MAX];
	size_t len;
	int error;

	for (;;) {
		error = rumpcomp_shmif_recv(att, buf, sizeof(buf), &len);
		if (error == 0)
			break;
		if (error != RUMP_EAGAIN)
			atf_tc_fail("recv: kernel errno %d", error);
		if (rumpcomp_shmif_wait(att, timeout_ms) == RUMP_ETIMEDOUT)
			atf_tc_fail("no frame within %d ms", timeout_ms);
	}
	if (lenp != NULL)
		*lenp = len;
	return frameno(buf, len);
}

ATF_TC(two_processes);
ATF_TC_HEAD(two_processes, tc)
{
	atf_tc_set_md_var(tc, "descr", "frames sent by one process arrive "
	    "in order and intact in another, which sleeps on the futex");
}
ATF_TC_BODY(two_processes, tc)
{
	struct rumpcomp_shmif *rx = attach(BUS, 0), *tx;
	struct rumpcomp_shmif_stats ss;
	uint8_t buf[2000];
	int status;
	pid_t pid;

	RL(pid = fork());
	if (pid == 0) {
		rumpcomp_shmif_detach(rx);	/* the parent's copy */
		if (rumpcomp_shmif_attach(BUS, 0, &tx) != 0)
			_exit(1);
		for (uint32_t i = 0; i < 500; i++) {
			if (i % 50 == 0)
				usleep(2000);	/* let the reader sleep */
			if (rumpcomp_shmif_send(tx, buf,
			    mkframe(buf, i, 60 + i % 1400)) != 0)
				_exit(2);
		}
		rumpcomp_shmif_detach(tx);
		_exit(0);
	}
	for (uint32_t i = 0; i < 500; i++) {
		size_t len;

		ATF_REQUIRE_EQ(recv_one(rx, 5000, &len), i);
		ATF_REQUIRE_EQ(len, 60 + i % 1400);
	}
	RL(waitpid(pid, &status, 0));
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	KZ(rumpcomp_shmif_stats(rx, &ss));
	ATF_REQUIRE_EQ(ss.ss_received, 500);
	ATF_REQUIRE_EQ(ss.ss_lost, 0);
	ATF_REQUIRE_EQ(ss.ss_bus_frames, 500);
	rumpcomp_shmif_detach(rx);
}

ATF_TC(own_frames_skipped);
ATF_TC_HEAD(own_frames_skipped, tc)
{
	atf_tc_set_md_var(tc, "descr", "an attachment never receives what "
	    "it sent itself; every other attachment does");
}
ATF_TC_BODY(own_frames_skipped, tc)
{
	struct rumpcomp_shmif *a = attach(BUS, 0), *b = attach(BUS, 0);
	uint8_t buf[64];
	size_t len;

	KZ(rumpcomp_shmif_send(a, buf, mkframe(buf, 1, 64)));
	KZ(rumpcomp_shmif_send(b, buf, mkframe(buf, 2, 64)));
	ATF_REQUIRE_EQ(recv_one(a, 1000, NULL), 2);
	ATF_REQUIRE_EQ(rumpcomp_shmif_recv(a, buf, sizeof(buf), &len),
	    RUMP_EAGAIN);
	ATF_REQUIRE_EQ(recv_one(b, 1000, NULL), 1);
	ATF_REQUIRE_EQ(rumpcomp_shmif_recv(b, buf, sizeof(buf), &len),
	    RUMP_EAGAIN);
	rumpcomp_shmif_detach(a);
	rumpcomp_shmif_detach(b);
}

ATF_TC(wraparound);
ATF_TC_HEAD(wraparound, tc)
{
	atf_tc_set_md_var(tc, "descr", "a reader that keeps up gets every "
	    "frame intact while the ring wraps many times, records split "
	    "across the end included");
}
ATF_TC_BODY(wraparound, tc)
{
	struct rumpcomp_shmif *tx = attach(BUS, SHMIF_RING_MIN);
	struct rumpcomp_shmif *rx = attach(BUS, 0);
	struct rumpcomp_shmif_stats ss;
	uint8_t buf[SHMIF_FRAME_MAX];
	uint64_t bytes = 0;

	for (uint32_t i = 0; i < 3000; i++) {
		size_t len = 1 + (i * 997) % SHMIF_FRAME_MAX;

		KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, i, len < 4 ?
		    4 : len)));
		bytes += len;
		ATF_REQUIRE_EQ(recv_one(rx, 1000, NULL), i);
	}
	KZ(rumpcomp_shmif_stats(rx, &ss));
	ATF_REQUIRE_EQ(ss.ss_ringsize, SHMIF_RING_MIN);
	ATF_REQUIRE(bytes > 100 * SHMIF_RING_MIN);
	ATF_REQUIRE_EQ(ss.ss_lost, 0);
	ATF_REQUIRE_EQ(ss.ss_received, 3000);
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
}

ATF_TC(lapped_reader_counts_lost);
ATF_TC_HEAD(lapped_reader_counts_lost, tc)
{
	atf_tc_set_md_var(tc, "descr", "a reader the ring lapped resumes at "
	    "the oldest frame still there and counts exactly the frames it "
	    "missed");
}
ATF_TC_BODY(lapped_reader_counts_lost, tc)
{
	struct rumpcomp_shmif *tx = attach(BUS, SHMIF_RING_MIN);
	struct rumpcomp_shmif *rx = attach(BUS, 0);
	struct rumpcomp_shmif_stats ss;
	uint8_t buf[1000];
	uint32_t first, n, next;
	size_t len;
	int error;

	/* 1000-byte frames take 1024-byte records: 64 fit in 64 KiB. */
	for (uint32_t i = 0; i < 200; i++)
		KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, i, 1000)));
	first = recv_one(rx, 0, NULL);
	ATF_REQUIRE(first > 100 && first < 200);
	n = 1;
	next = first + 1;
	while ((error = rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len)) == 0) {
		ATF_REQUIRE_EQ(frameno(buf, len), next);
		next++;
		n++;
	}
	ATF_REQUIRE_EQ(error, RUMP_EAGAIN);
	ATF_REQUIRE_EQ(next, 200);
	KZ(rumpcomp_shmif_stats(rx, &ss));
	ATF_REQUIRE_EQ(ss.ss_lost, first);
	ATF_REQUIRE_EQ(ss.ss_lost + n, 200);
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
}

ATF_TC(lapping_writer_never_tears_frames);
ATF_TC_HEAD(lapping_writer_never_tears_frames, tc)
{
	atf_tc_set_md_var(tc, "descr", "a reader copying frames without the "
	    "lock while another process laps it on a small ring gets every "
	    "frame whole or counts it lost, never a torn one");
}
ATF_TC_BODY(lapping_writer_never_tears_frames, tc)
{
	const uint32_t nframes = 50000;
	struct rumpcomp_shmif *rx = attach(BUS, SHMIF_RING_MIN), *tx;
	struct rumpcomp_shmif_stats ss;
	uint8_t buf[SHMIF_FRAME_MAX];
	uint64_t received = 0;
	uint32_t n, last = 0;
	size_t len;
	int error, status, done = 0;
	pid_t pid;

	RL(pid = fork());
	if (pid == 0) {
		rumpcomp_shmif_detach(rx);	/* the parent's copy */
		if (rumpcomp_shmif_attach(BUS, 0, &tx) != 0)
			_exit(1);
		for (uint32_t i = 1; i <= nframes; i++)
			if (rumpcomp_shmif_send(tx, buf,
			    mkframe(buf, i, 60 + (i * 37) % 1400)) != 0)
				_exit(2);
		rumpcomp_shmif_detach(tx);
		_exit(0);
	}
	/* Read until the writer is gone and the ring is drained. */
	for (;;) {
		error = rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len);
		if (error == 0) {
			n = frameno(buf, len);	/* fails on a torn frame */
			ATF_REQUIRE_MSG(n > last, "frame %u after %u", n, last);
			ATF_REQUIRE_EQ(len, 60 + (n * 37) % 1400);
			last = n;
			received++;
			continue;
		}
		ATF_REQUIRE_EQ(error, RUMP_EAGAIN);
		if (done)
			break;
		RL(error = waitpid(pid, &status, WNOHANG));
		if (error == pid)
			done = 1;	/* one more pass drains the ring */
		else
			(void)rumpcomp_shmif_wait(rx, 10);
	}
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	KZ(rumpcomp_shmif_stats(rx, &ss));
	printf("received %llu, lost %llu of %u\n",
	    (unsigned long long)received, (unsigned long long)ss.ss_lost,
	    nframes);
	ATF_REQUIRE_EQ(last, nframes);	/* the newest is never lapped */
	ATF_REQUIRE_EQ(received + ss.ss_lost, nframes);
	rumpcomp_shmif_detach(rx);
}

ATF_TC(bogus_record_length);
ATF_TC_HEAD(bogus_record_length, tc)
{
	atf_tc_set_md_var(tc, "descr", "a record with a bogus length is "
	    "skipped and counted, and frames after it still arrive");
}
ATF_TC_BODY(bogus_record_length, tc)
{
	struct rumpcomp_shmif *tx = attach(BUS, 0), *rx = attach(BUS, 0);
	struct rumpcomp_shmif_stats ss;
	uint8_t buf[100];
	size_t len;

	KZ(rumpcomp_shmif_inject_record(tx, 0xfffffff0u, "junk", 4));
	ATF_REQUIRE_EQ(rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len),
	    RUMP_EAGAIN);
	/* A length running past the head is as bad. */
	KZ(rumpcomp_shmif_inject_record(tx, 5000, "junk", 4));
	ATF_REQUIRE_EQ(rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len),
	    RUMP_EAGAIN);
	KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 7, 100)));
	ATF_REQUIRE_EQ(recv_one(rx, 1000, NULL), 7);
	KZ(rumpcomp_shmif_stats(rx, &ss));
	ATF_REQUIRE_EQ(ss.ss_badrec, 2);
	ATF_REQUIRE_EQ(ss.ss_bus_badrec, 2);
	/* A frame too long for the caller's buffer is reported, skipped. */
	KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 8, 100)));
	ATF_REQUIRE_EQ(rumpcomp_shmif_recv(rx, buf, 50, &len), RUMP_EMSGSIZE);
	ATF_REQUIRE_EQ(len, 100);
	ATF_REQUIRE_EQ(rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len),
	    RUMP_EAGAIN);
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
}

ATF_TC(bad_arguments);
ATF_TC_HEAD(bad_arguments, tc)
{
	atf_tc_set_md_var(tc, "descr", "bad paths, files that are not buses, "
	    "ring sizes and frame sizes out of range give clear errors");
}
ATF_TC_BODY(bad_arguments, tc)
{
	struct rumpcomp_shmif *att;
	uint8_t big[SHMIF_FRAME_MAX + 1];
	int fd;

	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("nodir/bus", 0, &att),
	    RUMP_ENOENT);
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach(BUS, 100, &att), RUMP_EINVAL);
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach(BUS, SHMIF_RING_MAX + 8, &att),
	    RUMP_EINVAL);
	RL(fd = open("notabus", O_WRONLY | O_CREAT, 0644));
	ATF_REQUIRE_EQ(write(fd, "hello, world\n", 13), 13);
	RL(close(fd));
	ATF_REQUIRE_EQ(rumpcomp_shmif_attach("notabus", 0, &att),
	    RUMP_EFTYPE);
	att = attach(BUS, 0);
	memset(big, 0, sizeof(big));
	ATF_REQUIRE_EQ(rumpcomp_shmif_send(att, big, 0), RUMP_EINVAL);
	ATF_REQUIRE_EQ(rumpcomp_shmif_send(att, big, sizeof(big)),
	    RUMP_EINVAL);
	KZ(rumpcomp_shmif_send(att, big, sizeof(big) - 1));
	ATF_REQUIRE_EQ(rumpcomp_shmif_setfault(att, SHMIF_RATE_ONE + 1, 0, 0,
	    0, 1), RUMP_EINVAL);
	rumpcomp_shmif_detach(att);
}

/* Send n frames through a faulty bus; what arrived, as frame numbers. */
static size_t
faulty_run(const char *path, uint64_t seed, uint32_t *got, size_t max,
    struct rumpcomp_shmif_stats *ss)
{
	struct rumpcomp_shmif *tx = attach(path, 0), *rx = attach(path, 0);
	uint8_t buf[200], ref[200];
	size_t len, n = 0;

	KZ(rumpcomp_shmif_setfault(tx, 100000, 100000, 100000, 50000, seed));
	for (uint32_t i = 0; i < 1000; i++)
		KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, i, 200)));
	/* Switching faults off releases a frame still held back. */
	KZ(rumpcomp_shmif_setfault(tx, 0, 0, 0, 0, 0));
	while (rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len) == 0) {
		ATF_REQUIRE(n < max);
		memcpy(&got[n], buf, sizeof(got[n]));
		mkframe(ref, got[n], 200);
		/* A corrupted frame differs in exactly one byte. */
		if (memcmp(buf, ref, len) != 0)
			got[n] |= 0x80000000u;
		n++;
	}
	KZ(rumpcomp_shmif_stats(rx, ss));
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
	return n;
}

ATF_TC(faults_end_with_their_setter);
ATF_TC_HEAD(faults_end_with_their_setter, tc)
{
	atf_tc_set_md_var(tc, "descr", "faults and capture set by a process "
	    "that has exited are off for the next attachment, so a bus file "
	    "left by an earlier run starts clean; while it lives they hold");
}
ATF_TC_BODY(faults_end_with_their_setter, tc)
{
	struct rumpcomp_shmif *tx, *rx, *live;
	uint8_t buf[200];
	size_t len;
	pid_t pid;
	int status;

	/* A setter that is still alive: its faults hold for others. */
	live = attach(BUS, 0);
	KZ(rumpcomp_shmif_setfault(live, SHMIF_RATE_ONE, 0, 0, 0, 1));
	tx = attach(BUS, 0);
	rx = attach(BUS, 0);
	KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 1, 200)));
	ATF_REQUIRE(rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len) != 0);
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
	KZ(rumpcomp_shmif_setfault(live, 0, 0, 0, 0, 0));
	rumpcomp_shmif_detach(live);

	/* A setter that exits: a run that failed with the bus lossy. */
	RL(pid = fork());
	if (pid == 0) {
		struct rumpcomp_shmif *att;

		if (rumpcomp_shmif_attach(BUS, 0, &att) != 0 ||
		    rumpcomp_shmif_setfault(att, SHMIF_RATE_ONE, 0, 0, 0, 1)
		    != 0 || rumpcomp_shmif_setcapture(att, 1) != 0)
			_exit(1);
		_exit(0);
	}
	RL(waitpid(pid, &status, 0));
	ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	(void)unlink(BUS ".log");
	tx = attach(BUS, 0);
	rx = attach(BUS, 0);
	KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 2, 200)));
	KZ(rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len));
	ATF_CHECK_EQ(len, 200);
	ATF_CHECK_MSG(access(BUS ".log", F_OK) == -1,
	    "capture still on after its setter exited");
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
}

ATF_TC(faults_deterministic);
ATF_TC_HEAD(faults_deterministic, tc)
{
	atf_tc_set_md_var(tc, "descr", "drop, duplication, reordering and "
	    "corruption happen at about their rates and identically for the "
	    "same seed");
}
ATF_TC_BODY(faults_deterministic, tc)
{
	static uint32_t a[2000], b[2000], c[2000];
	struct rumpcomp_shmif_stats sa, sb, sc;
	size_t na, nb, nc, inorder = 0, corrupt = 0;

	na = faulty_run("bus1", 42, a, 2000, &sa);
	nb = faulty_run("bus2", 42, b, 2000, &sb);
	nc = faulty_run("bus3", 43, c, 2000, &sc);
	ATF_REQUIRE_EQ(na, nb);
	ATF_REQUIRE(memcmp(a, b, na * sizeof(a[0])) == 0);
	ATF_REQUIRE(nc != na || memcmp(a, c, na * sizeof(a[0])) != 0);
	/* 10% each, binomial over 1000 frames: well within 5%..15%. */
	ATF_REQUIRE(sa.ss_bus_dropped >= 50 && sa.ss_bus_dropped <= 150);
	ATF_REQUIRE(sa.ss_bus_duped >= 40 && sa.ss_bus_duped <= 150);
	ATF_REQUIRE(sa.ss_bus_reordered >= 40 && sa.ss_bus_reordered <= 150);
	ATF_REQUIRE(sa.ss_bus_corrupted >= 15 && sa.ss_bus_corrupted <= 90);
	ATF_REQUIRE_EQ(na, 1000 - sa.ss_bus_dropped + sa.ss_bus_duped);
	ATF_REQUIRE_EQ(sa.ss_received, na);
	for (size_t i = 1; i < na; i++) {
		if ((a[i] & 0x7fffffff) > (a[i - 1] & 0x7fffffff))
			inorder++;
		if (a[i] & 0x80000000u)
			corrupt++;
	}
	ATF_REQUIRE(inorder < na - 1);		/* some out of order */
	ATF_REQUIRE(corrupt > 0);
}

ATF_TC(held_frame_flushed);
ATF_TC_HEAD(held_frame_flushed, tc)
{
	atf_tc_set_md_var(tc, "descr", "a frame held back for reordering "
	    "goes out after a short delay even when no frame follows");
}
ATF_TC_BODY(held_frame_flushed, tc)
{
	struct rumpcomp_shmif *tx = attach(BUS, 0), *rx = attach(BUS, 0);
	uint8_t buf[64];

	KZ(rumpcomp_shmif_setfault(tx, 0, 0, SHMIF_RATE_ONE, 0, 1));
	KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 5, 64)));
	ATF_REQUIRE_EQ(recv_one(rx, 1000, NULL), 5);
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
}

static void *
interrupter(void *arg)
{

	usleep(50000);
	rumpcomp_shmif_interrupt(arg);
	return NULL;
}

ATF_TC(wait_timeout_interrupt);
ATF_TC_HEAD(wait_timeout_interrupt, tc)
{
	atf_tc_set_md_var(tc, "descr", "wait times out on a quiet bus and "
	    "an interrupt from another thread wakes it for good");
}
ATF_TC_BODY(wait_timeout_interrupt, tc)
{
	struct rumpcomp_shmif *rx = attach(BUS, 0);
	struct timespec t0, t1;
	pthread_t t;
	double s;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ATF_REQUIRE_EQ(rumpcomp_shmif_wait(rx, 30), RUMP_ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	ATF_REQUIRE(s >= 0.025 && s < 1.0);
	RZ(pthread_create(&t, NULL, interrupter, rx));
	ATF_REQUIRE_EQ(rumpcomp_shmif_wait(rx, 10000), RUMP_EINTR);
	RZ(pthread_join(t, NULL));
	ATF_REQUIRE_EQ(rumpcomp_shmif_wait(rx, 10000), RUMP_EINTR);
	/* Receiving stops too, frames or not. */
	{
		struct rumpcomp_shmif *tx = attach(BUS, 0);
		uint8_t buf[64];
		size_t len;

		KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 1, 64)));
		ATF_REQUIRE_EQ(rumpcomp_shmif_recv(rx, buf, sizeof(buf), &len),
		    RUMP_EINTR);
		rumpcomp_shmif_detach(tx);
	}
	rumpcomp_shmif_detach(rx);
}

ATF_TC(dead_lock_holder);
ATF_TC_HEAD(dead_lock_holder, tc)
{
	atf_tc_set_md_var(tc, "descr", "a lock word left by a process that "
	    "died is taken over, counted, and the bus keeps working");
}
ATF_TC_BODY(dead_lock_holder, tc)
{
	struct rumpcomp_shmif *tx = attach(BUS, 0), *rx = attach(BUS, 0);
	struct rumpcomp_shmif_stats ss;
	struct shmif_bus *bus;
	uint8_t buf[64];
	pid_t pid;
	int fd;

	KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 1, 64)));
	/* A reaped child's pid is a thread id nobody has. */
	RL(pid = fork());
	if (pid == 0)
		_exit(0);
	RL(waitpid(pid, NULL, 0));
	RL(fd = open(BUS, O_RDWR));
	bus = mmap(NULL, SHMIF_HDRSIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	ATF_REQUIRE(bus != MAP_FAILED);
	bus->sb_lock = (uint32_t)pid;
	KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, 2, 64)));
	ATF_REQUIRE_EQ(recv_one(rx, 1000, NULL), 2);
	KZ(rumpcomp_shmif_stats(rx, &ss));
	ATF_REQUIRE_EQ(ss.ss_bus_locksteals, 1);
	/* The repair emptied the ring: frame 1 is counted lost. */
	ATF_REQUIRE_EQ(ss.ss_lost, 1);
	munmap(bus, SHMIF_HDRSIZE);
	close(fd);
	rumpcomp_shmif_detach(tx);
	rumpcomp_shmif_detach(rx);
}

ATF_TC(capture_log);
ATF_TC_HEAD(capture_log, tc)
{
	atf_tc_set_md_var(tc, "descr", "with capture on, every committed "
	    "frame lands in <bus>.log in order, after the ring forgot it");
}
ATF_TC_BODY(capture_log, tc)
{
	struct rumpcomp_shmif *tx = attach(BUS, SHMIF_RING_MIN);
	struct shmif_loghdr lh;
	struct shmif_pkthdr ph;
	uint8_t buf[1500];
	FILE *f;

	KZ(rumpcomp_shmif_setcapture(tx, 1));
	for (uint32_t i = 0; i < 300; i++)
		KZ(rumpcomp_shmif_send(tx, buf, mkframe(buf, i, 1500)));
	rumpcomp_shmif_detach(tx);
	ATF_REQUIRE((f = fopen(BUS ".log", "r")) != NULL);
	ATF_REQUIRE_EQ(fread(&lh, sizeof(lh), 1, f), 1);
	ATF_REQUIRE_EQ(lh.sl_magic, SHMIF_LOGMAGIC);
	for (uint32_t i = 0; i < 300; i++) {
		ATF_REQUIRE_EQ(fread(&ph, sizeof(ph), 1, f), 1);
		ATF_REQUIRE_EQ(ph.sp_len, 1500);
		ATF_REQUIRE_EQ(ph.sp_gen, i);
		ATF_REQUIRE_EQ(fread(buf, 1, ph.sp_len, f), ph.sp_len);
		ATF_REQUIRE_EQ(frameno(buf, ph.sp_len), i);
	}
	ATF_REQUIRE_EQ(fread(&ph, 1, 1, f), 0);
	fclose(f);
}

/* Put good UDP and ping frames (and one bad, if asked) on a bus. */
static void
oracle_traffic(const char *path, int bad)
{
	static const uint8_t m1[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t m2[6] = { 2, 0, 0, 0, 0, 2 };
	struct rumpcomp_shmif *tx = attach(path, SHMIF_RING_MIN);
	uint32_t a1 = htonl(0x0a000001), a2 = htonl(0x0a000002);
	uint8_t buf[1600];
	size_t len;

	KZ(rumpcomp_shmif_setcapture(tx, 1));
	for (uint16_t i = 0; i < 5; i++) {
		len = h_frame_udp(buf, m2, m1, a1, a2, 1000, 2000, i,
		    "hello, bus", 10);
		if (bad && i == 3)
			buf[len - 1] ^= 0xff;	/* payload: UDP sum breaks */
		KZ(rumpcomp_shmif_send(tx, buf, len));
		len = h_frame_ping(buf, m2, m1, a1, a2, 77, i, 56);
		KZ(rumpcomp_shmif_send(tx, buf, len));
	}
	rumpcomp_shmif_detach(tx);
}

ATF_TC(pcap_oracle);
ATF_TC_HEAD(pcap_oracle, tc)
{
	atf_tc_set_md_var(tc, "descr", "shmif2pcap turns a bus and its "
	    "capture log into pcap files tshark and tcpdump read without "
	    "complaint; a frame with a bad UDP checksum is the one complaint "
	    "of each");
}
ATF_TC_BODY(pcap_oracle, tc)
{
	char report[2048];
	struct stat st;
	int n, nchecked;

	oracle_traffic("good", 0);
	ATF_REQUIRE_EQ(h_shmif2pcap(tc, "good.log", "log.pcap"), 10);
	ATF_REQUIRE_EQ(h_shmif2pcap(tc, "good", "ring.pcap"), 10);
	RL(stat("log.pcap", &st));
	/* pcap header, then 16 bytes + frame each: 5 x 52 + 5 x 98. */
	ATF_REQUIRE_EQ(st.st_size, 24 + 10 * 16 + 5 * 52 + 5 * 98);
	ATF_REQUIRE_EQ(h_tshark_problems("log.pcap", report, sizeof(report),
	    &n), 0);
	ATF_REQUIRE_EQ(n, 10);
	ATF_REQUIRE_EQ(h_tshark_problems("ring.pcap", report, sizeof(report),
	    &n), 0);
	oracle_traffic("bad", 1);
	ATF_REQUIRE_EQ(h_shmif2pcap(tc, "bad.log", "bad.pcap"), 10);
	ATF_REQUIRE_EQ(h_tshark_problems("bad.pcap", report, sizeof(report),
	    &n), 1);
	ATF_REQUIRE_MSG(strstr(report, "Bad checksum") != NULL, "%s", report);
	/* tcpdump agrees, about the same frame. */
	ATF_REQUIRE_EQ(h_tcpdump_problems("log.pcap", report, sizeof(report),
	    &n, &nchecked), 0);
	ATF_REQUIRE_EQ(n, 10);
	ATF_REQUIRE_EQ(h_tcpdump_problems("bad.pcap", report, sizeof(report),
	    &n, &nchecked), 1);
	ATF_REQUIRE_MSG(strstr(report, "bad udp cksum") != NULL, "%s", report);
}

/* Run shmif2pcap (next to the test programs) with args; exit status. */
static int
run_tool(const atf_tc_t *tc, const char *args)
{
	const char *srcdir = atf_tc_get_config_var_wd(tc, "srcdir", ".");
	char cmd[2048];
	int status;

	snprintf(cmd, sizeof(cmd), "%s/../../bin/shmif2pcap %s 2>tool.err",
	    srcdir, args);
	status = system(cmd);
	ATF_REQUIRE(WIFEXITED(status));
	return WEXITSTATUS(status);
}

ATF_TC(pcap_tool_bad_input);
ATF_TC_HEAD(pcap_tool_bad_input, tc)
{
	atf_tc_set_md_var(tc, "descr", "shmif2pcap refuses files that are "
	    "not buses or logs, and stops at a damaged log, keeping the "
	    "frames before the damage");
}
ATF_TC_BODY(pcap_tool_bad_input, tc)
{
	struct stat st;
	FILE *f;
	long len;

	ATF_REQUIRE_EQ(run_tool(tc, ""), 2);
	ATF_REQUIRE_EQ(run_tool(tc, "missing out.pcap"), 1);
	ATF_REQUIRE((f = fopen("text", "w")) != NULL);
	fprintf(f, "no bus here\n");
	fclose(f);
	ATF_REQUIRE_EQ(run_tool(tc, "text out.pcap"), 1);
	/* A log cut in the middle of its third frame. */
	oracle_traffic("good", 0);
	RL(stat("good.log", &st));
	len = (long)sizeof(struct shmif_loghdr) +
	    2 * (long)sizeof(struct shmif_pkthdr) + 52 + 98 + 10;
	RL(truncate("good.log", len));
	ATF_REQUIRE_EQ(run_tool(tc, "good.log cut.pcap"), 1);
	RL(stat("cut.pcap", &st));
	ATF_REQUIRE_EQ(st.st_size, 24 + 2 * 16 + 52 + 98);
	/* A bus whose header is damaged. */
	ATF_REQUIRE((f = fopen("good", "r+")) != NULL);
	ATF_REQUIRE_EQ(fseek(f, 12, SEEK_SET), 0);	/* sb_ringsize */
	ATF_REQUIRE_EQ(fwrite("\1\0\0\0", 4, 1, f), 1);
	fclose(f);
	ATF_REQUIRE_EQ(run_tool(tc, "good out.pcap"), 1);
}

ATF_TC(many_writers);
ATF_TC_HEAD(many_writers, tc)
{
	atf_tc_set_md_var(tc, "descr", "frames from four processes writing "
	    "at once all arrive intact, each writer's in its order");
}
ATF_TC_BODY(many_writers, tc)
{
	struct rumpcomp_shmif *rx = attach(BUS, 16 * 1024 * 1024), *tx;
	uint32_t next[4] = { 0, 0, 0, 0 }, n, got = 0;
	uint8_t buf[2000];
	pid_t pids[4];
	size_t len;
	int status;

	for (int w = 0; w < 4; w++) {
		RL(pids[w] = fork());
		if (pids[w] != 0)
			continue;
		rumpcomp_shmif_detach(rx);
		if (rumpcomp_shmif_attach(BUS, 0, &tx) != 0)
			_exit(1);
		for (uint32_t i = 0; i < 2000; i++)
			if (rumpcomp_shmif_send(tx, buf, mkframe(buf,
			    (uint32_t)w << 24 | i, 64 + i % 900)) != 0)
				_exit(2);
		rumpcomp_shmif_detach(tx);
		_exit(0);
	}
	while (got < 4 * 2000) {
		n = recv_one(rx, 5000, &len);
		ATF_REQUIRE((n >> 24) < 4);
		ATF_REQUIRE_EQ(n & 0xffffff, next[n >> 24]);
		ATF_REQUIRE_EQ(len, 64 + (n & 0xffffff) % 900);
		next[n >> 24]++;
		got++;
	}
	for (int w = 0; w < 4; w++) {
		RL(waitpid(pids[w], &status, 0));
		ATF_REQUIRE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	rumpcomp_shmif_detach(rx);
}

ATF_TP_ADD_TCS(tp)
{

	ATF_TP_ADD_TC(tp, two_processes);
	ATF_TP_ADD_TC(tp, many_writers);
	ATF_TP_ADD_TC(tp, own_frames_skipped);
	ATF_TP_ADD_TC(tp, wraparound);
	ATF_TP_ADD_TC(tp, lapped_reader_counts_lost);
	ATF_TP_ADD_TC(tp, lapping_writer_never_tears_frames);
	ATF_TP_ADD_TC(tp, bogus_record_length);
	ATF_TP_ADD_TC(tp, bad_arguments);
	ATF_TP_ADD_TC(tp, faults_deterministic);
	ATF_TP_ADD_TC(tp, held_frame_flushed);
	ATF_TP_ADD_TC(tp, wait_timeout_interrupt);
	ATF_TP_ADD_TC(tp, dead_lock_holder);
	ATF_TP_ADD_TC(tp, capture_log);
	ATF_TP_ADD_TC(tp, faults_end_with_their_setter);
	ATF_TP_ADD_TC(tp, pcap_oracle);
	ATF_TP_ADD_TC(tp, pcap_tool_bad_input);
	return atf_no_error();
}
