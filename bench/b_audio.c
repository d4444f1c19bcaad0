/*
 * b_audio.c: what the audio path costs.
 *
 *  - "path": one second of 8 kHz mono mu-law written to /dev/audio
 *    (10 writes of 100 ms), converted to the card's 48 kHz stereo
 *    s16le, mixed and handed to the fake card, whose virtual clock the
 *    benchmark advances after each write; against a plain memcpy of
 *    the same 192000 output bytes.  No target: the ratio says how far
 *    the path is from the bare cost of moving its output.
 *  - "cpu": two seconds of real-time playback on the card's real clock
 *    (blocking writes of 8 kHz mu-law, then AUDIO_DRAIN): the process's
 *    CPU time (getrusage, every thread: the writer, the card's clock,
 *    the interrupt thread) per second of wall time.  Target: under 1%.
 *
 *	b_audio [path|cpu]...	(default: both)
 *
 * B_AUDIO_CARD replaces the card's RUMP_AUDIOCARD setting (default
 * "clock=virtual" for path, "clock=real" for cpu), e.g. to try other
 * block sizes: B_AUDIO_CARD=clock=virtual,block=4800 b_audio path.
 */
#include <sys/resource.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/audioio.h>
#include <rump/audiocard.h>

#include "bench.h"

#define CPU_TARGET	1.0	/* percent of one CPU, < */
#define OUTBYTES	(48000 * 2 * 2)	/* one second at the card */
#define SLICE		800		/* 100 ms of 8 kHz mu-law */

static unsigned char ulaw[8000];
static unsigned char *src, *dst;
static int audiofd = -1;

/* G.711 mu-law of a 1 kHz sine, to have realistic bytes to convert. */
static void
make_ulaw(void)
{
	for (int i = 0; i < 8000; i++) {
		int v = (int)lrint(12000 * sin(2 * M_PI * 1000 * i / 8000.0));
		int sign = v < 0 ? 0x80 : 0, e, m;

		if (v < 0)
			v = -v;
		v += 0x84;
		for (e = 7; e > 0 && !(v & (0x80 << e)); e--)
			continue;
		m = (v >> (e + 3)) & 0x0f;
		ulaw[i] = (unsigned char)~(sign | e << 4 | m);
	}
}

static void
boot(const char *card)
{
	int error;

	setenv("RUMP_AUDIOCARD", card, 1);
	if ((error = rump_init()) != 0) {
		errno = error;
		err(1, "rump_init");
	}
	if ((audiofd = rump_sys_open("/dev/audio", O_WRONLY, 0)) == -1)
		err(1, "open /dev/audio");
}

static void
shutdown_kernel(void)
{
	rump_sys_close(audiofd);
	if (rump_sys_reboot(0, NULL) != 0)
		err(1, "reboot");
}

/* n seconds of audio through the driver and the card. */
static uint64_t
path_run(void *arg, uint64_t n)
{
	uint64_t t0 = bench_now_ns();
	int error;

	for (uint64_t i = 0; i < n; i++) {
		for (int s = 0; s < 8000 / SLICE; s++) {
			if (rump_sys_write(audiofd, ulaw + s * SLICE, SLICE) !=
			    SLICE)
				err(1, "write /dev/audio");
			if ((error = rump_pub_audiocard_advance(0, 4800,
			    NULL)) != 0) {
				errno = error;
				err(1, "advance");
			}
		}
		/* keep the card's memory of what it played from growing */
		rump_pub_audiocard_clear_output(0);
	}
	return bench_now_ns() - t0;
}

static void
path_setup(void *arg)
{
	boot(getenv("B_AUDIO_CARD") ? getenv("B_AUDIO_CARD") : "clock=virtual");
}

static void
path_teardown(void *arg)
{
	shutdown_kernel();
}

static uint64_t
memcpy_run(void *arg, uint64_t n)
{
	uint64_t t0 = bench_now_ns();

	for (uint64_t i = 0; i < n; i++) {
		memcpy(dst, src, OUTBYTES);
		__asm__ volatile("" : : "r"(dst) : "memory");
	}
	return bench_now_ns() - t0;
}

static void
bench_path(void)
{
	struct bench_side r = {
		.bs_name = "rump", .bs_run = path_run,
		.bs_setup = path_setup, .bs_teardown = path_teardown,
	};
	struct bench_side m = { .bs_name = "memcpy", .bs_run = memcpy_run };

	if ((src = malloc(OUTBYTES)) == NULL ||
	    (dst = malloc(OUTBYTES)) == NULL)
		err(1, "malloc");
	memset(src, 0x5a, OUTBYTES);
	memset(dst, 0, OUTBYTES);
	bench_compare(&r, &m);
	printf("audio path (1 s of 8k mono mu-law -> 48k stereo s16le: "
	    "write, convert, mix, card): rump %.1f us, memcpy %.1f us, "
	    "ratio %.1f (no target)\n", r.bs_median / 1e3,
	    m.bs_median / 1e3, r.bs_median / m.bs_median);
	printf("  median of rounds; rump %.1f..%.1f us (%llu ops/round), "
	    "memcpy %.1f..%.1f us; card output rump %.1f MB/s, memcpy "
	    "%.1f MB/s, %.1f%% of one CPU for 1 s of audio\n",
	    r.bs_min / 1e3, r.bs_max / 1e3, (unsigned long long)r.bs_ops,
	    m.bs_min / 1e3, m.bs_max / 1e3, OUTBYTES / (r.bs_median / 1e3),
	    OUTBYTES / (m.bs_median / 1e3), r.bs_median / 1e7);
	free(src);
	free(dst);
}

static double
cpu_seconds(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) != 0)
		err(1, "getrusage");
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void
bench_cpu(void)
{
	const int secs = 2;
	double c0, c1;
	uint64_t t0, t1;

	boot(getenv("B_AUDIO_CARD") ? getenv("B_AUDIO_CARD") : "clock=real");
	t0 = bench_now_ns();
	c0 = cpu_seconds();
	for (int i = 0; i < secs; i++) {
		for (size_t off = 0; off < sizeof(ulaw);) {
			ssize_t w = rump_sys_write(audiofd, ulaw + off,
			    sizeof(ulaw) - off);
			if (w == -1)
				err(1, "write /dev/audio");
			off += (size_t)w;
		}
	}
	if (rump_sys_ioctl(audiofd, AUDIO_DRAIN, NULL) == -1)
		err(1, "AUDIO_DRAIN");
	c1 = cpu_seconds();
	t1 = bench_now_ns();
	shutdown_kernel();
	double wall = (double)(t1 - t0) / 1e9;
	double pct = 100 * (c1 - c0) / wall;
	printf("audio cpu (real-time playback of %d s, 8k mono mu-law -> 48k "
	    "stereo): %.3f%% of one CPU over %.2f s wall, %.1f ms CPU "
	    "(target < %.1f%%) %s\n", secs, pct, wall, (c1 - c0) * 1e3,
	    CPU_TARGET, pct < CPU_TARGET ? "PASS" : "MISS");
	fflush(stdout);
}

int
main(int argc, char **argv)
{
	make_ulaw();
	if (argc < 2) {
		bench_path();
		bench_cpu();
		return 0;
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "path") == 0)
			bench_path();
		else if (strcmp(argv[i], "cpu") == 0)
			bench_cpu();
		else
			errx(2, "usage: b_audio [path|cpu]...");
	}
	return 0;
}
