/*
 * t_audio: the audio component through /dev/audio, /dev/sound,
 * /dev/audioctl and /dev/mixer, with the fake sound card (rump/
 * audiocard.h) as the other end: what the card received is checked
 * sample by sample, by a Goertzel filter, and by sox where it is
 * installed (the oracle for conversion: a tone written as 8 kHz mono
 * mu-law must come out of the 48 kHz stereo card as that tone).
 *
 * Cases run the card on a virtual clock (RUMP_AUDIOCARD=clock=virtual:
 * time moves only in rump_pub_audiocard_advance) when they count, and
 * on a real clock sped up 10 times, with 50 ms blocks (5 ms of real
 * time: a loaded host still keeps up), when they need blocking calls
 * to finish by themselves.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/audioio.h>
#include <rump/audiocard.h>

#include "harness.h"

#define VIRTUAL		"RUMP_AUDIOCARD=clock=virtual"
#define FAST		"RUMP_AUDIOCARD=clock=real,speed=10,block=2400"
#define HWRATE		48000
#define HWCH		2
#define BLOCK		480		/* default card block, frames */
#define BADPTR		((void *)(uintptr_t)16)

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
get_info(int fd, struct audio_info *ai)
{
	RL(rump_sys_ioctl(fd, AUDIO_GETINFO, ai));
}

static struct audio_stats
get_stats(int fd)
{
	struct audio_stats as;

	RL(rump_sys_ioctl(fd, AUDIO_GETSTATS, &as));
	return as;
}

/* Both directions of fd to rate/channels/encoding/precision. */
static void
set_format(int fd, unsigned rate, unsigned ch, unsigned enc, unsigned prec)
{
	struct audio_info ai;

	AUDIO_INITINFO(&ai);
	ai.play.sample_rate = ai.record.sample_rate = rate;
	ai.play.channels = ai.record.channels = ch;
	ai.play.encoding = ai.record.encoding = enc;
	ai.play.precision = ai.record.precision = prec;
	RL(rump_sys_ioctl(fd, AUDIO_SETINFO, &ai));
}

static void
set_pause(int fd, int pause)
{
	struct audio_info ai;

	AUDIO_INITINFO(&ai);
	ai.play.pause = (unsigned char)pause;
	RL(rump_sys_ioctl(fd, AUDIO_SETINFO, &ai));
}

static void
advance(unsigned frames)
{
	RZ(rump_pub_audiocard_advance(0, frames, NULL));
}

/* Write all of buf, however many calls it takes. */
static void
write_all(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len)
		done += (size_t)RL(rump_sys_write(fd, (const char *)buf + done,
		    len - done));
}

/* s16 frames of a sine, ch channels, amplitude amp. */
static int16_t *
sine_s16(unsigned rate, unsigned ch, double freq, double amp, size_t frames)
{
	int16_t *p = malloc(frames * ch * sizeof(*p));

	ATF_REQUIRE(p != NULL);
	for (size_t i = 0; i < frames; i++)
		for (unsigned c = 0; c < ch; c++)
			p[i * ch + c] = (int16_t)lrint(amp *
			    sin(2 * M_PI * freq * (double)i / rate));
	return p;
}

/* Constant s16 frames (all channels value v). */
static int16_t *
dc_s16(unsigned ch, int16_t v, size_t frames)
{
	int16_t *p = malloc(frames * ch * sizeof(*p));

	ATF_REQUIRE(p != NULL);
	for (size_t i = 0; i < frames * ch; i++)
		p[i] = v;
	return p;
}

/*
 * Amplitude of the freq component of channel c of n interleaved frames
 * (Goertzel); a full-scale sine of that frequency gives its amplitude.
 */
static double
tone_amp(const int16_t *x, size_t n, unsigned ch, unsigned c, double freq,
    double rate)
{
	double w = 2 * M_PI * freq / rate, k = 2 * cos(w), s0, s1 = 0, s2 = 0;

	for (size_t i = 0; i < n; i++) {
		s0 = x[i * ch + c] + k * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return 2 * sqrt(s1 * s1 + s2 * s2 - k * s1 * s2) / (double)n;
}

static void
card_output(int16_t **p, size_t *n)
{
	RZ(rump_pub_audiocard_output(0, p, n));
}

/* Index of the first frame whose first channel is not silent, or n. */
static size_t
first_sound(const int16_t *x, size_t n, unsigned ch)
{
	size_t i;

	for (i = 0; i < n && x[i * ch] == 0; i++)
		continue;
	return i;
}

H_TC_ENV(open_modes, VIRTUAL, "the open mode picks the directions: "
    "O_WRONLY plays, O_RDONLY records, O_RDWR both; reads and writes "
    "outside the mode fail")
{
	struct audio_info ai;
	char b[4] = { 0 };
	int fd;

	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.mode & (AUMODE_PLAY | AUMODE_RECORD), AUMODE_PLAY);
	ATF_CHECK(ai.play.open && !ai.record.open);
	H_REQUIRE_ERRNO(EBADF, rump_sys_read(fd, b, sizeof(b)));
	RL(rump_sys_close(fd));

	fd = RL(rump_sys_open("/dev/audio", O_RDONLY, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.mode & (AUMODE_PLAY | AUMODE_RECORD), AUMODE_RECORD);
	ATF_CHECK(!ai.play.open && ai.record.open);
	H_REQUIRE_ERRNO(EBADF, rump_sys_write(fd, b, sizeof(b)));
	RL(rump_sys_close(fd));

	fd = RL(rump_sys_open("/dev/audio", O_RDWR, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.mode & (AUMODE_PLAY | AUMODE_RECORD),
	    AUMODE_PLAY | AUMODE_RECORD);
	RL(rump_sys_close(fd));
}

H_TC_ENV(every_open_own_context, VIRTUAL, "every open of /dev/audio or "
    "/dev/sound is its own context (as NetBSD's virtual tracks), also "
    "twice in one process; dup shares one; /dev/audioctl, /dev/mixer "
    "and other processes open alongside")
{
	struct audio_info ai;
	struct stat sb, nsb;
	int a1, a2, s1, s2, d, c1, m1, other;

	a1 = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	a2 = RL(rump_sys_open("/dev/audio", O_RDONLY, 0));
	s1 = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	s2 = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	c1 = RL(rump_sys_open("/dev/audioctl", O_RDWR, 0));
	m1 = RL(rump_sys_open("/dev/mixer", O_RDWR, 0));
	/* each open has the mode it was opened with */
	get_info(a1, &ai);
	ATF_CHECK_EQ(ai.mode & (AUMODE_PLAY | AUMODE_RECORD), AUMODE_PLAY);
	get_info(a2, &ai);
	ATF_CHECK_EQ(ai.mode & (AUMODE_PLAY | AUMODE_RECORD), AUMODE_RECORD);
	/* a format set on one open is not the other's */
	set_format(s1, 16000, 2, AUDIO_ENCODING_SLINEAR_LE, 16);
	get_info(s2, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 8000);
	ATF_CHECK_EQ(ai.play.encoding, AUDIO_ENCODING_ULAW);
	get_info(a1, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 8000);
	/* a write on one is counted on that one only */
	write_all(s2, "\x80\x80\x80\x80", 4);
	ATF_CHECK_EQ(get_stats(s2).as_play_bytes, 4);
	ATF_CHECK_EQ(get_stats(s1).as_play_bytes, 0);
	ATF_CHECK_EQ(get_stats(a1).as_play_bytes, 0);
	/* a dup'ed descriptor is the same open, so the same context */
	d = RL(rump_sys_dup(s1));
	get_info(d, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 16000);
	set_format(d, 32000, 1, AUDIO_ENCODING_SLINEAR_LE, 16);
	get_info(s1, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 32000);
	RL(rump_sys_close(s1));
	get_info(d, &ai);
	ATF_CHECK_EQ(ai.play.channels, 1);
	RL(rump_sys_close(d));
	/* fstat: the node's kind and number */
	RZ(rump_sys_fstat(a1, &sb));
	RZ(rump_sys_stat("/dev/audio", &nsb));
	ATF_CHECK(S_ISCHR(sb.st_mode));
	ATF_CHECK_EQ(sb.st_rdev, nsb.st_rdev);
	H_REQUIRE_ERRNO(ESPIPE, rump_sys_lseek(a1, 0, SEEK_SET));
	/* another process: its own opens, none of ours */
	RL(rump_pub_lwproc_newproc());
	H_REQUIRE_ERRNO(EBADF, rump_sys_ioctl(a1, AUDIO_GETINFO, &ai));
	other = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	ATF_CHECK_EQ(get_stats(other).as_play_bytes, 0);
	RL(rump_sys_close(other));
	RZ(rump_pub_lwproc_switch(1));
	RL(rump_sys_close(a1));
	RL(rump_sys_close(a2));
	RL(rump_sys_close(s2));
	RL(rump_sys_close(c1));
	RL(rump_sys_close(m1));
}

H_TC_ENV(audio_defaults_sound_sticky, VIRTUAL, "/dev/audio opens at "
    "8000 Hz mono mu-law and resets the sticky setting; /dev/sound "
    "keeps what was last set")
{
	struct audio_info ai;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, 44100, 2, AUDIO_ENCODING_SLINEAR_LE, 16);
	RL(rump_sys_close(fd));
	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 44100);
	ATF_CHECK_EQ(ai.play.channels, 2);
	ATF_CHECK_EQ(ai.play.encoding, AUDIO_ENCODING_SLINEAR_LE);
	ATF_CHECK_EQ(ai.play.precision, 16);
	RL(rump_sys_close(fd));

	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 8000);
	ATF_CHECK_EQ(ai.play.channels, 1);
	ATF_CHECK_EQ(ai.play.encoding, AUDIO_ENCODING_ULAW);
	ATF_CHECK_EQ(ai.play.precision, 8);
	ATF_CHECK_EQ(ai.blocksize, BLOCK * HWCH * 2);
	RL(rump_sys_close(fd));
	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 8000);
	ATF_CHECK_EQ(ai.play.encoding, AUDIO_ENCODING_ULAW);
	RL(rump_sys_close(fd));

	/* audioctl shows and sets the sticky setting */
	fd = RL(rump_sys_open("/dev/audioctl", O_RDWR, 0));
	set_format(fd, 22050, 1, AUDIO_ENCODING_ULINEAR_LE, 8);
	RL(rump_sys_close(fd));
	fd = RL(rump_sys_open("/dev/sound", O_RDONLY, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.record.sample_rate, 22050);
	ATF_CHECK_EQ(ai.record.encoding, AUDIO_ENCODING_ULINEAR_LE);
	RL(rump_sys_close(fd));
}

/* SETINFO with one bad play field must fail and change nothing. */
static void
setinfo_bad(int fd, const char *what, void (*mod)(struct audio_info *))
{
	struct audio_info ai, before, after;

	get_info(fd, &before);
	AUDIO_INITINFO(&ai);
	mod(&ai);
	errno = 0;
	ATF_CHECK_MSG(rump_sys_ioctl(fd, AUDIO_SETINFO, &ai) == -1 &&
	    errno == EINVAL, "SETINFO with %s: errno %d", what, errno);
	get_info(fd, &after);
	ATF_CHECK_MSG(memcmp(&before, &after, sizeof(before)) == 0,
	    "SETINFO with %s changed something", what);
}

static void m_rate0(struct audio_info *a) { a->play.sample_rate = 0; }
static void m_rate_low(struct audio_info *a) { a->play.sample_rate = 999; }
static void m_rate_high(struct audio_info *a) { a->play.sample_rate = 192001; }
static void m_ch0(struct audio_info *a) { a->play.channels = 0; }
static void m_ch9(struct audio_info *a) { a->record.channels = 9; }
static void m_enc(struct audio_info *a) { a->play.encoding = 99; }
static void m_alaw(struct audio_info *a) { a->play.encoding = AUDIO_ENCODING_ALAW; }
static void m_prec(struct audio_info *a) { a->play.precision = 16; }
static void m_s16p8(struct audio_info *a) {
	a->play.encoding = AUDIO_ENCODING_SLINEAR_LE; a->play.precision = 8; }
static void m_gain(struct audio_info *a) { a->play.gain = 256; }
static void m_pause(struct audio_info *a) { a->play.pause = 2; }
static void m_mode(struct audio_info *a) { a->mode = AUMODE_RECORD; }
static void m_goodthenbad(struct audio_info *a) {
	a->play.sample_rate = 44100; a->record.channels = 0; }

H_TC_ENV(setinfo_validates_every_field, VIRTUAL, "SETINFO: EINVAL for a "
    "bad rate, channel count, encoding, precision, gain, pause or mode, "
    "and nothing changes; good values take effect")
{
	struct audio_info ai;
	int fd;

	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	setinfo_bad(fd, "rate 0", m_rate0);
	setinfo_bad(fd, "rate 999", m_rate_low);
	setinfo_bad(fd, "rate 192001", m_rate_high);
	setinfo_bad(fd, "0 channels", m_ch0);
	setinfo_bad(fd, "9 record channels", m_ch9);
	setinfo_bad(fd, "encoding 99", m_enc);
	setinfo_bad(fd, "A-law", m_alaw);
	setinfo_bad(fd, "mu-law at 16 bits", m_prec);
	setinfo_bad(fd, "slinear_le at 8 bits", m_s16p8);
	setinfo_bad(fd, "gain 256", m_gain);
	setinfo_bad(fd, "pause 2", m_pause);
	setinfo_bad(fd, "a mode other than the open's", m_mode);
	setinfo_bad(fd, "a good rate and a bad record field", m_goodthenbad);

	set_format(fd, 192000, 8, AUDIO_ENCODING_SLINEAR_LE, 16);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 192000);
	ATF_CHECK_EQ(ai.play.channels, 8);
	set_format(fd, 1000, 1, AUDIO_ENCODING_ULINEAR, 8);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.sample_rate, 1000);
	ATF_CHECK_EQ(ai.play.encoding, AUDIO_ENCODING_ULINEAR);
	/* An encoding alone brings its precision. */
	AUDIO_INITINFO(&ai);
	ai.play.encoding = AUDIO_ENCODING_SLINEAR_LE;
	RL(rump_sys_ioctl(fd, AUDIO_SETINFO, &ai));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.precision, 16);
	RL(rump_sys_close(fd));
}

H_TC_ENV(bad_ioctls, VIRTUAL, "unknown ioctls are ENOTTY, bad mixer "
    "controls ENXIO or EINVAL, a wild argument pointer EFAULT")
{
	mixer_ctrl_t mc;
	mixer_devinfo_t di;
	int fd, mfd;

	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	mfd = RL(rump_sys_open("/dev/mixer", O_RDWR, 0));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(fd, RUMP_IO('A', 200), NULL));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(fd, RUMP_IOR('Q', 1, int),
	    &(int){ 0 }));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(mfd, AUDIO_DRAIN, NULL));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(mfd, AUDIO_GETINFO,
	    &(struct audio_info){ 0 }));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(fd, AUDIO_GETINFO, BADPTR));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(fd, AUDIO_SETINFO, BADPTR));

	memset(&di, 0, sizeof(di));
	di.index = AUDIO_MIXER_NDEVS;
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(mfd, AUDIO_MIXER_DEVINFO, &di));
	di.index = -1;
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(mfd, AUDIO_MIXER_DEVINFO, &di));
	di.index = AUDIO_MIXER_MASTER;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_DEVINFO, &di));
	ATF_CHECK_STREQ(di.name, "master");
	ATF_CHECK_EQ(di.type, AUDIO_MIXER_VALUE);

	memset(&mc, 0, sizeof(mc));
	mc.dev = 7;
	mc.type = AUDIO_MIXER_VALUE;
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	mc.dev = AUDIO_MIXER_MASTER;
	mc.type = AUDIO_MIXER_ENUM;	/* wrong type for the control */
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	mc.type = AUDIO_MIXER_VALUE;
	mc.un.value.num_channels = 3;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	mc.dev = AUDIO_MIXER_MUTE;
	mc.type = AUDIO_MIXER_ENUM;
	mc.un.ord = 2;
	H_REQUIRE_ERRNO(EINVAL, rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	RL(rump_sys_close(mfd));
	RL(rump_sys_close(fd));
}

H_TC_ENV(write_whole_frames_only, VIRTUAL, "a write that is not a whole "
    "number of frames is EINVAL and plays nothing; a zero-length write "
    "counts as eof")
{
	struct audio_info ai;
	char buf[64] = { 0 };
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, 48000, 2, AUDIO_ENCODING_SLINEAR_LE, 16);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_write(fd, buf, 3));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_write(fd, buf, 6));
	ATF_CHECK_EQ(RL(rump_sys_write(fd, buf, 8)), 8);
	ATF_CHECK_EQ(RL(rump_sys_write(fd, buf, 0)), 0);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.eof, 1);
	set_format(fd, 8000, 1, AUDIO_ENCODING_ULAW, 8);
	ATF_CHECK_EQ(RL(rump_sys_write(fd, buf, 3)), 3);
	H_REQUIRE_ERRNO(EBADF, rump_sys_read(fd, buf, 2));	/* write-only */
	RL(rump_sys_close(fd));
	/* reads want whole frames too */
	fd = RL(rump_sys_open("/dev/sound", O_RDONLY | O_NONBLOCK, 0));
	set_format(fd, 48000, 2, AUDIO_ENCODING_SLINEAR_LE, 16);
	H_REQUIRE_ERRNO(EINVAL, rump_sys_read(fd, buf, 5));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fd, buf, 8));
	RL(rump_sys_close(fd));
}

H_TC_ENV(play_exact_at_hardware_format, VIRTUAL, "data written in the "
    "card's own format reaches the card bit for bit, after one block of "
    "prefill, and the position counters follow the virtual clock")
{
	enum { N = 10 * BLOCK };
	int16_t *x = sine_s16(HWRATE, HWCH, 1000, 12000, N), *out;
	struct audio_info ai;
	size_t n;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	write_all(fd, x, N * HWCH * 2);
	/* the write started the card: 4 blocks went to its DMA ring */
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.samples, 4 * BLOCK * HWCH * 2);
	advance(4 * BLOCK);
	get_info(fd, &ai);
	/* 4 ring blocks were mixed at start, 4 more after 4 periods */
	ATF_CHECK_EQ(ai.play.samples, 8 * BLOCK * HWCH * 2);
	ATF_CHECK_EQ(get_stats(fd).as_play_frames, 8 * BLOCK);
	advance(2 * BLOCK);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.samples, N * HWCH * 2);
	ATF_CHECK_EQ(ai.play.error, 0);
	/* running out without a drain is an underrun */
	advance(N);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.error, 1);
	card_output(&out, &n);
	ATF_REQUIRE_MSG(n >= N, "card got %zu frames", n);
	ATF_CHECK(memcmp(out, x, N * HWCH * 2) == 0);
	ATF_CHECK_EQ(out[N * HWCH], 0);
	free(out);
	free(x);
	RL(rump_sys_close(fd));
}

H_TC_ENV(play_converts_mulaw_8k_mono, FAST, "1 kHz written as 8 kHz mono "
    "mu-law plays as 1 kHz on both channels of the 48 kHz card, for the "
    "right time, with drain waiting for the end")
{
	enum { N = 8000 };		/* one second */
	unsigned char *u = malloc(N);
	int16_t *out;
	struct audio_info ai;
	size_t n, s;
	int fd;

	ATF_REQUIRE(u != NULL);
	/* encode with the card's own expectation: sox-free mu-law */
	for (int i = 0; i < N; i++) {
		double v = 16000 * sin(2 * M_PI * 1000 * i / 8000.0);
		int sv = (int)lrint(v), sign = sv < 0 ? 0x80 : 0, e, m;
		if (sv < 0)
			sv = -sv;
		sv += 0x84;
		for (e = 7; e > 0 && !(sv & (0x80 << e)); e--)
			continue;
		m = (sv >> (e + 3)) & 0x0f;
		u[i] = (unsigned char)~(sign | e << 4 | m);
	}
	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	write_all(fd, u, N);
	RL(rump_sys_ioctl(fd, AUDIO_DRAIN, NULL));
	get_info(fd, &ai);
	/* the rate converter holds back one input frame */
	ATF_CHECK_MSG(ai.play.samples == N || ai.play.samples == N - 1,
	    "%u of %d bytes played", ai.play.samples, N);
	card_output(&out, &n);
	s = first_sound(out, n, HWCH);
	ATF_REQUIRE_MSG(n - s >= 6 * (N - 1) && n - s < 6 * N + 8 * BLOCK,
	    "%zu frames for 1 s", n - s);
	for (unsigned c = 0; c < HWCH; c++) {
		double a1 = tone_amp(out + s * HWCH, 6 * (N - 1), HWCH, c,
		    1000, HWRATE);
		double a3 = tone_amp(out + s * HWCH, 6 * (N - 1), HWCH, c,
		    3000, HWRATE);
		ATF_CHECK_MSG(fabs(a1 - 16000) < 800, "channel %u: 1 kHz at "
		    "%.0f", c, a1);
		ATF_CHECK_MSG(a3 < 300, "channel %u: 3 kHz at %.0f", c, a3);
	}
	free(out);
	free(u);
	RL(rump_sys_close(fd));
}

H_TC_ENV(nonblocking_write, VIRTUAL, "with O_NONBLOCK a write takes what "
    "fits, then EAGAIN, and more fits once the card played some")
{
	enum { N = HWRATE };		/* one second, far more than fits */
	int16_t *x = dc_s16(HWCH, 100, N);
	ssize_t n1, n2;
	struct pollfd pfd;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY | O_NONBLOCK, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	n1 = RL(rump_sys_write(fd, x, N * HWCH * 2));
	ATF_CHECK_MSG(n1 > 0 && n1 < N * HWCH * 2 && n1 % (HWCH * 2) == 0,
	    "first write took %zd", n1);
	/* the ring was prefilled from the buffer: a little more fits */
	n2 = rump_sys_write(fd, x, N * HWCH * 2);
	if (n2 > 0)
		n2 = rump_sys_write(fd, x, N * HWCH * 2);
	ATF_CHECK_EQ(n2, -1);
	ATF_CHECK_EQ(errno, EAGAIN);
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 0);
	advance(4 * BLOCK);
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK(pfd.revents & POLLOUT);
	n2 = RL(rump_sys_write(fd, x, N * HWCH * 2));
	ATF_CHECK_MSG(n2 >= 4 * BLOCK * HWCH * 2 - 3 * BLOCK * HWCH * 2,
	    "after 4 blocks played %zd more fit", n2);
	free(x);
	RL(rump_sys_close(fd));
}

H_TC_ENV(underruns_counted, VIRTUAL, "a player that runs dry counts one "
    "underrun per episode, the gap plays as silence, and an idle or "
    "paused player counts none")
{
	int16_t *x = dc_s16(HWCH, 1000, 2 * BLOCK), *out;
	struct audio_info ai;
	size_t n;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	advance(10 * BLOCK);			/* idle: nothing counted */
	ATF_CHECK_EQ(get_stats(fd).as_underruns, 0);
	write_all(fd, x, BLOCK * HWCH * 2 + HWCH * 2 * 10);
	advance(10 * BLOCK);
	ATF_CHECK_EQ(get_stats(fd).as_underruns, 1);
	advance(10 * BLOCK);			/* same episode */
	ATF_CHECK_EQ(get_stats(fd).as_underruns, 1);
	write_all(fd, x, 2 * BLOCK * HWCH * 2);
	advance(10 * BLOCK);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.error, 2);
	ATF_CHECK_EQ(get_stats(fd).as_underruns, 2);
	/* the card heard sound, a gap of silence, sound */
	card_output(&out, &n);
	ATF_REQUIRE(n >= 3 * BLOCK);
	ATF_CHECK_EQ(out[0], 1000);
	ATF_CHECK_EQ(out[BLOCK * HWCH + 9 * HWCH], 1000);
	ATF_CHECK_EQ(out[BLOCK * HWCH + 10 * HWCH], 0);
	free(out);
	free(x);
	RL(rump_sys_close(fd));
}

H_TC_ENV(pause_holds_playback, VIRTUAL, "a paused player is not played "
    "(its data waits, no underrun) and resumes where it stopped")
{
	int16_t *x = dc_s16(HWCH, 500, 20 * BLOCK);
	struct audio_info ai;
	unsigned before;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	write_all(fd, x, 20 * BLOCK * HWCH * 2);
	advance(2 * BLOCK);
	set_pause(fd, 1);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.pause, 1);
	before = ai.play.samples;
	advance(20 * BLOCK);
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.samples, before);
	ATF_CHECK_EQ(ai.play.error, 0);
	set_pause(fd, 0);
	advance(4 * BLOCK);
	get_info(fd, &ai);
	ATF_CHECK(ai.play.samples > before);
	ATF_CHECK_EQ(ai.play.error, 0);
	free(x);
	RL(rump_sys_close(fd));
}

/* Play one block of DC 10000 and return what the card got for it. */
static int16_t
played_level(int fd, unsigned ch)
{
	int16_t *x = dc_s16(HWCH, 10000, BLOCK), *out, v;
	size_t n;

	RZ(rump_pub_audiocard_clear_output(0));
	write_all(fd, x, BLOCK * HWCH * 2);
	advance(BLOCK);
	card_output(&out, &n);
	ATF_REQUIRE(n >= BLOCK);
	v = out[(BLOCK / 2) * HWCH + ch];
	free(out);
	free(x);
	RL(rump_sys_ioctl(fd, AUDIO_FLUSH, NULL));
	advance(8 * BLOCK);
	return v;
}

H_TC_ENV(mixer_volume_and_mute, VIRTUAL, "the master volume scales and "
    "mute silences what the card receives; the mixer reads back")
{
	mixer_devinfo_t di;
	struct audio_info ai;
	mixer_ctrl_t mc;
	int fd, mfd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	mfd = RL(rump_sys_open("/dev/mixer", O_RDWR, 0));
	ATF_CHECK_EQ(played_level(fd, 0), 10000);

	memset(&mc, 0, sizeof(mc));
	mc.dev = AUDIO_MIXER_MASTER;
	mc.type = AUDIO_MIXER_VALUE;
	mc.un.value.num_channels = 2;
	mc.un.value.level[0] = 51;	/* one fifth */
	mc.un.value.level[1] = 255;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	ATF_CHECK_EQ(played_level(fd, 0), 2000);
	ATF_CHECK_EQ(played_level(fd, 1), 10000);
	memset(&mc.un, 0, sizeof(mc.un));
	mc.un.value.num_channels = 2;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_READ, &mc));
	ATF_CHECK(mc.un.value.level[0] == 51 && mc.un.value.level[1] == 255);

	mc.dev = AUDIO_MIXER_MUTE;
	mc.type = AUDIO_MIXER_ENUM;
	mc.un.ord = 1;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	ATF_CHECK_EQ(played_level(fd, 1), 0);
	mc.un.ord = 5;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_READ, &mc));
	ATF_CHECK_EQ(mc.un.ord, 1);
	mc.un.ord = 0;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	ATF_CHECK_EQ(played_level(fd, 1), 10000);

	/* one level sets both channels */
	mc.dev = AUDIO_MIXER_MASTER;
	mc.type = AUDIO_MIXER_VALUE;
	mc.un.value.num_channels = 1;
	mc.un.value.level[0] = 0;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_WRITE, &mc));
	ATF_CHECK_EQ(played_level(fd, 0), 0);
	ATF_CHECK_EQ(played_level(fd, 1), 0);
	/* and SETINFO's play.gain is the master volume too */
	AUDIO_INITINFO(&ai);
	ai.play.gain = 51;
	RL(rump_sys_ioctl(fd, AUDIO_SETINFO, &ai));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.gain, 51);
	ATF_CHECK_EQ(played_level(fd, 1), 2000);

	memset(&di, 0, sizeof(di));
	di.index = AUDIO_MIXER_MUTE;
	RL(rump_sys_ioctl(mfd, AUDIO_MIXER_DEVINFO, &di));
	ATF_CHECK_STREQ(di.name, "mute");
	ATF_CHECK(di.type == AUDIO_MIXER_ENUM && di.num_ords == 2);
	/* the control nodes poll as always ready */
	struct pollfd pfd = { .fd = mfd, .events = POLLIN | POLLOUT };
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLIN | POLLOUT);
	RL(rump_sys_close(mfd));
	RL(rump_sys_close(fd));
}

H_TC_ENV(two_players_mixed, VIRTUAL, "two processes playing at once, in "
    "different formats, are summed into the card's stream")
{
	enum { N = 8 * BLOCK };
	int16_t *a = sine_s16(HWRATE, HWCH, 1000, 8000, N), *b, *out;
	double a1, a2;
	size_t n;
	int fa, fb;

	fa = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fa, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	RL(rump_pub_lwproc_newproc());
	fb = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fb, 16000, 1, AUDIO_ENCODING_SLINEAR_LE, 16);
	b = sine_s16(16000, 1, 2000, 6000, N / 3 + 1);
	/* b starts the card: its first 4 blocks prefill the DMA ring */
	write_all(fb, b, (N / 3 + 1) * 2);
	RZ(rump_pub_lwproc_switch(1));
	write_all(fa, a, N * HWCH * 2);
	advance(2 * N);
	card_output(&out, &n);
	ATF_REQUIRE(n >= 2 * N);
	/* blocks 0-3: b alone; 4-7: both; 8-11: a alone */
	for (unsigned c = 0; c < HWCH; c++) {
		a1 = tone_amp(out + 4 * BLOCK * HWCH, 4 * BLOCK, HWCH, c, 1000,
		    HWRATE);
		a2 = tone_amp(out + 4 * BLOCK * HWCH, 4 * BLOCK, HWCH, c, 2000,
		    HWRATE);
		ATF_CHECK_MSG(fabs(a1 - 8000) < 200, "1 kHz at %.0f", a1);
		/* linear interpolation from 16 kHz keeps 95% at 2 kHz */
		ATF_CHECK_MSG(a2 > 0.9 * 6000 && a2 < 6100, "2 kHz at %.0f",
		    a2);
		a1 = tone_amp(out, 4 * BLOCK, HWCH, c, 1000, HWRATE);
		ATF_CHECK_MSG(a1 < 100, "1 kHz before a played: %.0f", a1);
		a2 = tone_amp(out + 8 * BLOCK * HWCH, 4 * BLOCK, HWCH, c, 2000,
		    HWRATE);
		ATF_CHECK_MSG(a2 < 100, "2 kHz after b ended: %.0f", a2);
	}
	RL(rump_sys_close(fa));
	RZ(rump_pub_lwproc_switch(2));
	RL(rump_sys_close(fb));
	RZ(rump_pub_lwproc_switch(1));
	free(out);
	free(a);
	free(b);
}

H_TC_ENV(two_players_one_process_mixed, VIRTUAL, "two opens of "
    "/dev/sound in one process are two players: the card gets their sum, "
    "sample for sample")
{
	enum { N = 8 * BLOCK };
	int16_t *a = sine_s16(HWRATE, HWCH, 1000, 8000, N);
	int16_t *b = sine_s16(HWRATE, HWCH, 2500, 6000, N), *out;
	size_t n, i, bad = 0;
	int fa, fb, want;

	fa = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	fb = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fa, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	set_format(fb, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	/* b starts the card: its first 4 blocks prefill the DMA ring */
	write_all(fb, b, N * HWCH * 2);
	write_all(fa, a, N * HWCH * 2);
	advance(2 * N);
	card_output(&out, &n);
	ATF_REQUIRE_MSG(n >= 12 * BLOCK, "card got %zu frames", n);
	/* blocks 0-3: b alone; 4-7: both; 8-11: a alone; then silence */
	for (i = 0; i < 12 * BLOCK * HWCH; i++) {
		want = 0;
		if (i < (size_t)N * HWCH)
			want += b[i];
		if (i >= 4 * BLOCK * HWCH)
			want += a[i - 4 * BLOCK * HWCH];
		if (out[i] != want && bad++ < 5)
			printf("sample %zu: %d, want %d\n", i, out[i], want);
	}
	ATF_CHECK_EQ_MSG(bad, 0, "%zu samples differ from a + b", bad);
	ATF_CHECK_EQ(out[12 * BLOCK * HWCH], 0);
	/* each open counted its own frames */
	ATF_CHECK_EQ(get_stats(fa).as_play_frames, N);
	ATF_CHECK_EQ(get_stats(fb).as_play_frames, N);
	RL(rump_sys_close(fa));
	RL(rump_sys_close(fb));
	free(out);
	free(a);
	free(b);
}

static int
have_sox(void)
{
	return system("command -v sox >/dev/null 2>&1") == 0;
}

/* Run sox's "stat" on a WAV file; the value of the line named key. */
static double
sox_stat(const char *wav, const char *key)
{
	char cmd[512], line[256];
	double v = NAN;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "sox %s -n stat 2>&1", wav);
	ATF_REQUIRE((f = popen(cmd, "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, key, strlen(key)) == 0 &&
		    strchr(line, ':') != NULL)
			v = strtod(strchr(line, ':') + 1, NULL);
	}
	pclose(f);
	ATF_REQUIRE_MSG(!isnan(v), "sox stat printed no \"%s\" for %s", key,
	    wav);
	return v;
}

/*
 * The strongest frequency in sox's power spectrum of a mono WAV
 * ("stat -freq": 4096-point windows, 11.7 Hz bins at 48 kHz).
 */
static double
sox_peak_freq(const char *wav)
{
	char cmd[512], line[256];
	double f, p, best = -1, bestf = NAN;
	FILE *fp;

	snprintf(cmd, sizeof(cmd), "sox %s -n stat -freq 2>&1", wav);
	ATF_REQUIRE((fp = popen(cmd, "r")) != NULL);
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, "%lf %lf", &f, &p) == 2 && p > best) {
			best = p;
			bestf = f;
		}
	}
	pclose(fp);
	ATF_REQUIRE_MSG(!isnan(bestf), "sox stat -freq printed no spectrum");
	return bestf;
}

static void *
read_file(const char *path, size_t *lenp)
{
	struct stat sb;
	void *p;
	FILE *f;

	ATF_REQUIRE((f = fopen(path, "rb")) != NULL);
	ATF_REQUIRE(fstat(fileno(f), &sb) == 0);
	ATF_REQUIRE((p = malloc((size_t)sb.st_size + 1)) != NULL);
	ATF_REQUIRE(fread(p, 1, (size_t)sb.st_size, f) == (size_t)sb.st_size);
	fclose(f);
	*lenp = (size_t)sb.st_size;
	return p;
}

H_TC_ENV(sox_oracle_mulaw_to_card, FAST, "sox makes a 1 kHz sine as 8 kHz "
    "mono mu-law; played through /dev/audio, the card's 48 kHz stereo "
    "WAV measures, by sox: spectrum peak 1 kHz (within one 11.7 Hz bin; "
    "rough frequency within 5%), 2 s (within 5%), amplitude 0.5 "
    "(within 0.05)")
{
	unsigned char *u;
	size_t len;
	double f, secs, amp;
	int fd;

	if (!have_sox())
		atf_tc_skip("sox is not installed (tools/install-deps.sh "
		    "installs it)");
	ATF_REQUIRE(system("sox -n -r 8000 -c 1 -e u-law -t raw in.ul "
	    "synth 2 sine 1000 vol 0.5") == 0);
	u = read_file("in.ul", &len);
	ATF_REQUIRE_EQ(len, 16000);
	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	write_all(fd, u, len);
	RL(rump_sys_ioctl(fd, AUDIO_DRAIN, NULL));
	RL(rump_sys_close(fd));
	RZ(rump_pub_audiocard_write_wav(0, "out.wav"));
	/* trim the card's leading and trailing silence the way sox does */
	ATF_REQUIRE(system("sox out.wav trimmed.wav silence 1 1 0.1% "
	    "reverse silence 1 1 0.1% reverse") == 0);
	ATF_CHECK_EQ(system("soxi -r trimmed.wav | grep -qx 48000"), 0);
	ATF_CHECK_EQ(system("soxi -c trimmed.wav | grep -qx 2"), 0);
	/* sox's rough frequency wants one channel: take the left */
	ATF_REQUIRE(system("sox trimmed.wav left.wav remix 1") == 0);
	f = sox_peak_freq("left.wav");
	ATF_CHECK_MSG(fabs(f - 1000) <= 12, "sox's spectrum peaks at %.1f Hz",
	    f);
	f = sox_stat("left.wav", "Rough   frequency");
	ATF_CHECK_MSG(fabs(f - 1000) <= 50, "sox's rough frequency: %.0f Hz",
	    f);
	secs = sox_stat("trimmed.wav", "Length (seconds)");
	amp = sox_stat("trimmed.wav", "Maximum amplitude");
	ATF_CHECK_MSG(fabs(secs - 2) <= 0.1, "sox measures %.3f s", secs);
	ATF_CHECK_MSG(fabs(amp - 0.5) <= 0.05, "sox measures amplitude %.3f",
	    amp);
	free(u);
}

H_TC_ENV(record_from_wav, FAST, "a 48 kHz stereo WAV made by sox and "
    "recorded through /dev/audio as 8 kHz mono s16 reads back as the "
    "same tone (Goertzel, and sox on the result)")
{
	enum { N = 8000 };		/* one second at 8 kHz */
	int16_t *buf = malloc(N * 2);
	size_t got = 0;
	double a440, a1200, f;
	FILE *w;
	int fd;

	if (!have_sox())
		atf_tc_skip("sox is not installed (tools/install-deps.sh "
		    "installs it)");
	ATF_REQUIRE(buf != NULL);
	ATF_REQUIRE(system("sox -n -r 48000 -c 2 -b 16 -e signed-integer "
	    "rec.wav synth 1.5 sine 440 vol 0.4") == 0);
	RZ(rump_pub_audiocard_set_record(0, "rec.wav"));
	fd = RL(rump_sys_open("/dev/audio", O_RDONLY, 0));
	set_format(fd, 8000, 1, AUDIO_ENCODING_SLINEAR_LE, 16);
	while (got < N * 2)
		got += (size_t)RL(rump_sys_read(fd, (char *)buf + got,
		    N * 2 - got));
	RL(rump_sys_close(fd));
	/* skip the first 0.1 s (the format change drops what was there) */
	a440 = tone_amp(buf + 800, N - 800, 1, 0, 440, 8000);
	a1200 = tone_amp(buf + 800, N - 800, 1, 0, 1200, 8000);
	ATF_CHECK_MSG(fabs(a440 - 0.4 * 32767) < 0.04 * 32767,
	    "440 Hz at %.0f", a440);
	ATF_CHECK_MSG(a1200 < 200, "1200 Hz at %.0f", a1200);
	ATF_REQUIRE((w = fopen("got.raw", "wb")) != NULL);
	ATF_REQUIRE(fwrite(buf + 800, 2, N - 800, w) == N - 800);
	fclose(w);
	ATF_REQUIRE(system("sox -r 8000 -c 1 -b 16 -e signed-integer -t raw "
	    "got.raw got.wav") == 0);
	f = sox_stat("got.wav", "Rough   frequency");
	ATF_CHECK_MSG(fabs(f - 440) <= 15, "sox measures %.0f Hz", f);
	free(buf);
}

/* A 48 kHz stereo s16 WAV of frames x, written without sox. */
static void
write_wav(const char *path, const int16_t *x, size_t frames)
{
	uint32_t len = (uint32_t)(frames * HWCH * 2), v;
	unsigned char h[44];
	FILE *f;

	memcpy(h, "RIFF", 4);
	v = 36 + len;
	memcpy(h + 4, &v, 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	v = 16;
	memcpy(h + 16, &v, 4);
	h[20] = 1; h[21] = 0; h[22] = HWCH; h[23] = 0;
	v = HWRATE;
	memcpy(h + 24, &v, 4);
	v = HWRATE * HWCH * 2;
	memcpy(h + 28, &v, 4);
	h[32] = HWCH * 2; h[33] = 0; h[34] = 16; h[35] = 0;
	memcpy(h + 36, "data", 4);
	memcpy(h + 40, &len, 4);
	ATF_REQUIRE((f = fopen(path, "wb")) != NULL);
	ATF_REQUIRE(fwrite(h, 1, 44, f) == 44);
	ATF_REQUIRE(fwrite(x, 1, len, f) == len);
	ATF_REQUIRE(fclose(f) == 0);
}

/* Read exactly len bytes (non-blocking fd: what is there must do). */
static void
read_exact(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = rump_sys_read(fd, (char *)buf + got, len - got);
		ATF_REQUIRE_MSG(n > 0, "read: %zd after %zu of %zu bytes (%s)",
		    n, got, len, strerror(errno));
		got += (size_t)n;
	}
}

H_TC_ENV(two_recorders_same_stream, VIRTUAL, "two processes recording at "
    "once both get the card's stream: one bit for bit in the card's "
    "format, the other converted to 16 kHz mono; a record source that "
    "is missing or not a matching WAV is refused")
{
	enum { N = 10 * BLOCK };
	int16_t *x = sine_s16(HWRATE, HWCH, 1000, 9000, N), *a, *b;
	FILE *f;
	int fa, fb;

	for (size_t i = 0; i < N; i++)
		x[i * HWCH + 1] = (int16_t)(i % 30000);	/* right: a ramp */
	write_wav("src.wav", x, N);
	ATF_REQUIRE((f = fopen("junk.wav", "w")) != NULL);
	fputs("RIFF....WAVEjunk", f);
	fclose(f);
	ATF_CHECK_EQ(rump_pub_audiocard_set_record(0, "nonexistent.wav"),
	    ENOENT);
	ATF_CHECK_EQ(rump_pub_audiocard_set_record(0, "junk.wav"), EINVAL);
	RZ(rump_pub_audiocard_set_record(0, "src.wav"));
	fa = RL(rump_sys_open("/dev/sound", O_RDONLY | O_NONBLOCK, 0));
	set_format(fa, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	RL(rump_pub_lwproc_newproc());
	fb = RL(rump_sys_open("/dev/sound", O_RDONLY | O_NONBLOCK, 0));
	set_format(fb, 16000, 1, AUDIO_ENCODING_SLINEAR_LE, 16);
	RZ(rump_pub_lwproc_switch(1));
	ATF_REQUIRE((a = malloc(N * HWCH * 2)) != NULL);
	ATF_REQUIRE((b = malloc(N / 3 * 2)) != NULL);
	advance(N);
	read_exact(fa, a, N * HWCH * 2);
	ATF_CHECK(memcmp(a, x, N * HWCH * 2) == 0);
	RZ(rump_pub_lwproc_switch(2));
	read_exact(fb, b, (N / 3 - 1) * 2);
	/* mono is the average of the sine and the ramp: check the sine */
	double amp = tone_amp(b + 100, N / 3 - 200, 1, 0, 1000, 16000);
	ATF_CHECK_MSG(fabs(amp - 4500) < 300, "1 kHz at %.0f", amp);
	RL(rump_sys_close(fb));
	RZ(rump_pub_lwproc_switch(1));
	RL(rump_sys_close(fa));
	free(a);
	free(b);
	free(x);
}

H_TC_ENV(flush_discards_buffered, VIRTUAL, "AUDIO_FLUSH drops what was "
    "buffered, the card stops, no underrun is counted")
{
	int16_t *x = dc_s16(HWCH, 1234, 20 * BLOCK), *out;
	struct audiocard_info ci;
	struct audio_info ai;
	size_t n;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	write_all(fd, x, 20 * BLOCK * HWCH * 2);
	RL(rump_sys_ioctl(fd, AUDIO_FLUSH, NULL));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.play.seek, 0);
	advance(20 * BLOCK);
	/* the card played the block it had started on, then stopped */
	card_output(&out, &n);
	ATF_CHECK_MSG(n <= BLOCK, "%zu frames played after a flush", n);
	RZ(rump_pub_audiocard_info(0, &ci));
	ATF_CHECK(!ci.ai_playing);
	ATF_CHECK_EQ(get_stats(fd).as_underruns, 0);
	/* and plays again on the next write */
	write_all(fd, x, 5 * BLOCK * HWCH * 2);
	advance(BLOCK);
	RZ(rump_pub_audiocard_info(0, &ci));
	ATF_CHECK(ci.ai_playing);
	free(out);
	free(x);
	RL(rump_sys_close(fd));
}

H_TC_ENV(record_overrun_counted, VIRTUAL, "a recorder that does not read "
    "loses blocks and counts each as an overrun; what it reads is whole")
{
	struct audio_info ai;
	char buf[4096];
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_RDONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	advance(10 * BLOCK);
	ATF_CHECK_EQ(get_stats(fd).as_overruns, 0);
	advance(HWRATE);			/* a second: past the buffer */
	get_info(fd, &ai);
	ATF_CHECK(ai.record.error > 0);
	ATF_CHECK(ai.record.seek > 0 && ai.record.seek % 4 == 0);
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), sizeof(buf));
	RL(rump_sys_close(fd));
}

H_TC_ENV(poll_play_and_record, VIRTUAL, "poll: POLLOUT while there is "
    "room, POLLIN once something was recorded, never for a paused "
    "recorder")
{
	struct audio_info ai;
	struct pollfd pfd;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_RDWR, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT | POLLIN };
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLOUT);
	advance(2 * BLOCK);
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLOUT | POLLIN);
	RL(rump_sys_close(fd));

	/* a paused recorder gets nothing */
	fd = RL(rump_sys_open("/dev/sound", O_RDONLY, 0));
	AUDIO_INITINFO(&ai);
	ai.record.pause = 1;
	RL(rump_sys_ioctl(fd, AUDIO_SETINFO, &ai));
	advance(4 * BLOCK);
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 50)), 0);
	get_info(fd, &ai);
	ATF_CHECK(ai.record.pause == 1 && ai.record.seek == 0);
	RL(rump_sys_close(fd));
}

H_TC_ENV(poll_sleeps_until_room, FAST, "poll on a full player sleeps "
    "until the card's interrupt makes room, then says POLLOUT")
{
	int16_t *x = dc_s16(HWCH, 100, HWRATE);
	struct pollfd pfd;
	uint64_t t0, dt;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY | O_NONBLOCK, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	RZ(rump_pub_audiocard_set_stuck(0, 1));
	while (rump_sys_write(fd, x, HWRATE * HWCH * 2) > 0)
		continue;
	ATF_REQUIRE_EQ(errno, EAGAIN);
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 100)), 0);	/* stuck: no */
	RZ(rump_pub_audiocard_set_stuck(0, 0));
	t0 = now_ms();
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 10000)), 1);
	dt = now_ms() - t0;
	ATF_CHECK_EQ(pfd.revents, POLLOUT);
	ATF_CHECK_MSG(dt < 2000, "POLLOUT after %ju ms", (uintmax_t)dt);
	RL(rump_sys_ioctl(fd, AUDIO_FLUSH, NULL));
	RL(rump_sys_close(fd));
	free(x);
}

struct writer {
	int	fd;
	void	*buf;
	size_t	len;
	ssize_t	ret;
	int	err;
	int	done;
};

static void *
writer_run(void *arg)
{
	struct writer *w = arg;

	errno = 0;
	w->ret = rump_sys_write(w->fd, w->buf, w->len);
	w->err = errno;
	__atomic_store_n(&w->done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

H_TC_ENV(drain_stuck_hardware_fails, FAST, "with the card stuck, drain "
    "and a blocked write give EIO after 2 s instead of hanging, and close "
    "comes back too")
{
	int16_t *x = dc_s16(HWCH, 300, 4 * BLOCK);
	uint64_t t0, dt;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	RZ(rump_pub_audiocard_set_stuck(0, 1));
	write_all(fd, x, 4 * BLOCK * HWCH * 2);
	t0 = now_ms();
	H_REQUIRE_ERRNO(EIO, rump_sys_ioctl(fd, AUDIO_DRAIN, NULL));
	dt = now_ms() - t0;
	ATF_CHECK_MSG(dt >= 1500 && dt < 4000, "drain gave up after %ju ms",
	    (uintmax_t)dt);
	/* a write that has to wait for the stuck card gives up too */
	t0 = now_ms();
	while (rump_sys_write(fd, x, 4 * BLOCK * HWCH * 2) > 0)
		continue;
	ATF_CHECK_EQ(errno, EIO);
	dt = now_ms() - t0;
	ATF_CHECK_MSG(dt >= 1500 && dt < 4000, "write gave up after %ju ms",
	    (uintmax_t)dt);
	t0 = now_ms();
	RL(rump_sys_close(fd));
	ATF_CHECK_MSG(now_ms() - t0 < 4000, "close took %ju ms",
	    (uintmax_t)(now_ms() - t0));
	free(x);
}

H_TC_ENV(close_during_playback, FAST, "closing while playing waits for "
    "the data to be played (no more than its length and a bound), then "
    "the card stops")
{
	enum { N = HWRATE / 2 };	/* half a second: 25 ms at speed 20 */
	int16_t *x = dc_s16(HWCH, 700, N), *out;
	struct audiocard_info ci;
	size_t n, s;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY | O_NONBLOCK, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	ssize_t w = RL(rump_sys_write(fd, x, N * HWCH * 2));
	RL(rump_sys_close(fd));
	card_output(&out, &n);
	s = first_sound(out, n, HWCH);
	ATF_CHECK_MSG(n - s >= (size_t)w / (HWCH * 2), "closed with %zu of "
	    "%zd frames played", n - s, w / (HWCH * 2));
	RZ(rump_pub_audiocard_info(0, &ci));
	ATF_CHECK(!ci.ai_playing);
	free(out);
	free(x);
}

H_TC_ENV(detach_while_open, VIRTUAL, "unplugging the card wakes a blocked "
    "writer with EIO; later calls get ENXIO, poll POLLERR|POLLHUP, close "
    "works, nothing crashes or leaks")
{
	enum { N = HWRATE };
	int16_t *x = dc_s16(HWCH, 100, N);
	struct writer w;
	struct audio_info ai;
	struct pollfd pfd;
	pthread_t t;
	int fd, fd2, dfd, cfd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	cfd = RL(rump_sys_open("/dev/audioctl", O_RDWR, 0));
	/* a second player and recorder of this process, and a dup */
	fd2 = RL(rump_sys_open("/dev/sound", O_RDWR, 0));
	dfd = RL(rump_sys_dup(fd2));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	w = (struct writer){ .fd = fd, .buf = x, .len = N * HWCH * 2 };
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, writer_run, &w), 0);
	usleep(200000);
	ATF_CHECK(!__atomic_load_n(&w.done, __ATOMIC_SEQ_CST));
	RZ(rump_pub_audiocard_detach(0));
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_MSG((w.ret == -1 && w.err == EIO) ||
	    (w.ret > 0 && (size_t)w.ret < w.len), "blocked write: %zd, "
	    "errno %d", w.ret, w.err);
	H_REQUIRE_ERRNO(ENXIO, rump_sys_write(fd, x, 4));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(fd, AUDIO_GETINFO, &ai));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(cfd, AUDIO_GETINFO, &ai));
	pfd = (struct pollfd){ .fd = fd, .events = POLLOUT };
	ATF_CHECK_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK(pfd.revents & (POLLERR | POLLHUP));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/dev/audio", O_WRONLY, 0));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_read(dfd, x, 4));
	RL(rump_sys_close(fd2));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(dfd, AUDIO_GETINFO, &ai));
	RL(rump_sys_close(fd));
	RL(rump_sys_close(dfd));
	RL(rump_sys_close(cfd));
	ATF_CHECK_EQ(rump_pub_audiocard_advance(0, 10, NULL), ENXIO);
	free(x);
}

H_TC_ENV(second_boot_same_process, VIRTUAL, "after a shutdown the "
    "component comes back in the next kernel of the same process, with "
    "a fresh card")
{
	unsigned char u[800];
	struct audiocard_info ci;
	int fd;

	memset(u, 0x80, sizeof(u));
	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	write_all(fd, u, sizeof(u));
	advance(10 * BLOCK);
	RL(rump_sys_close(fd));
	RL(rump_sys_reboot(0, NULL));
	ATF_CHECK_EQ(rump_pub_audiocard_info(0, &ci), ENXIO);
	RZ(rump_init());
	RZ(rump_pub_audiocard_info(0, &ci));
	ATF_CHECK_EQ(ci.ai_play_blocks, 0);
	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	write_all(fd, u, sizeof(u));
	RL(rump_sys_close(fd));
}

H_TC_ENV(extreme_rates_and_channels, VIRTUAL, "the lowest rate plays at "
    "the card's (48 times as many frames, a ramp stays a ramp) and the "
    "highest rate with 8 channels records")
{
	int16_t in[100], *out;
	char buf[8192];
	size_t n;
	int fd;

	for (int i = 0; i < 100; i++)
		in[i] = (int16_t)(i * 48);
	fd = RL(rump_sys_open("/dev/sound", O_RDWR | O_NONBLOCK, 0));
	set_format(fd, 1000, 1, AUDIO_ENCODING_SLINEAR_LE, 16);
	write_all(fd, in, sizeof(in));
	advance(12 * BLOCK);
	card_output(&out, &n);
	ATF_REQUIRE(n >= 99 * 48);
	for (size_t k = 0; k < 99 * 48; k++)
		ATF_REQUIRE_MSG(out[k * HWCH] == (int16_t)k &&
		    out[k * HWCH + 1] == (int16_t)k, "frame %zu: %d", k,
		    out[k * HWCH]);
	free(out);
	set_format(fd, 192000, 8, AUDIO_ENCODING_SLINEAR_LE, 16);
	advance(2 * BLOCK);
	/* 2 blocks at 4 times the rate, 8 channels of 2 bytes */
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), sizeof(buf));
	RL(rump_sys_close(fd));
}

H_TC_ENV(detach_during_realtime_playback, FAST, "unplugging the card "
    "while it plays on its real clock, interrupts in flight, stops a "
    "writer and a drain with EIO and leaves nothing behind")
{
	enum { N = 4 * HWRATE };
	int16_t *x = dc_s16(HWCH, 100, N);
	struct audiocard_info ci;
	struct writer w;
	pthread_t t;
	int fd;

	fd = RL(rump_sys_open("/dev/sound", O_WRONLY, 0));
	set_format(fd, HWRATE, HWCH, AUDIO_ENCODING_SLINEAR_LE, 16);
	w = (struct writer){ .fd = fd, .buf = x, .len = N * HWCH * 2 };
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, writer_run, &w), 0);
	usleep(100000);
	RZ(rump_pub_audiocard_info(0, &ci));
	ATF_CHECK(ci.ai_playing && ci.ai_intrs > 0);
	RZ(rump_pub_audiocard_detach(0));
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_MSG((w.ret == -1 && w.err == EIO) ||
	    (w.ret > 0 && (size_t)w.ret < w.len), "blocked write: %zd, "
	    "errno %d", w.ret, w.err);
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(fd, AUDIO_DRAIN, NULL));
	ATF_CHECK_EQ(rump_pub_audiocard_info(0, &ci), ENXIO);
	RL(rump_sys_close(fd));
	free(x);
}

H_TC_ENV(card_format_configurable, "RUMP_AUDIOCARD=clock=virtual,"
    "rate=44100,channels=1,block=441", "the card's rate, channels and "
    "block come from RUMP_AUDIOCARD; an 8 kHz player is converted to them")
{
	struct audiocard_info ci;
	struct audio_info ai;
	unsigned char u[800];
	int16_t *out;
	size_t n;
	int fd;

	RZ(rump_pub_audiocard_info(0, &ci));
	ATF_CHECK(ci.ai_rate == 44100 && ci.ai_channels == 1 &&
	    ci.ai_blockframes == 441);
	fd = RL(rump_sys_open("/dev/audio", O_WRONLY, 0));
	get_info(fd, &ai);
	ATF_CHECK_EQ(ai.blocksize, 441 * 2);
	memset(u, 0x80, sizeof(u));	/* mu-law full scale positive */
	write_all(fd, u, sizeof(u));	/* 0.1 s */
	advance(44100 / 5);
	card_output(&out, &n);
	ATF_CHECK_EQ(first_sound(out, n, 1), 0);
	ATF_CHECK(n >= 4410 && out[100] == 32124);
	free(out);
	RL(rump_sys_close(fd));
}

H_TC_ENV(bad_card_config_no_device, "RUMP_AUDIOCARD=rate=7", "a bad "
    "RUMP_AUDIOCARD leaves the card out: the nodes answer ENXIO")
{
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/dev/audio", O_WRONLY, 0));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/dev/mixer", O_RDWR, 0));
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, open_modes);
	ATF_TP_ADD_TC(tp, every_open_own_context);
	ATF_TP_ADD_TC(tp, audio_defaults_sound_sticky);
	ATF_TP_ADD_TC(tp, setinfo_validates_every_field);
	ATF_TP_ADD_TC(tp, bad_ioctls);
	ATF_TP_ADD_TC(tp, write_whole_frames_only);
	ATF_TP_ADD_TC(tp, play_exact_at_hardware_format);
	ATF_TP_ADD_TC(tp, play_converts_mulaw_8k_mono);
	ATF_TP_ADD_TC(tp, nonblocking_write);
	ATF_TP_ADD_TC(tp, underruns_counted);
	ATF_TP_ADD_TC(tp, pause_holds_playback);
	ATF_TP_ADD_TC(tp, mixer_volume_and_mute);
	ATF_TP_ADD_TC(tp, two_players_mixed);
	ATF_TP_ADD_TC(tp, two_players_one_process_mixed);
	ATF_TP_ADD_TC(tp, sox_oracle_mulaw_to_card);
	ATF_TP_ADD_TC(tp, record_from_wav);
	ATF_TP_ADD_TC(tp, two_recorders_same_stream);
	ATF_TP_ADD_TC(tp, flush_discards_buffered);
	ATF_TP_ADD_TC(tp, record_overrun_counted);
	ATF_TP_ADD_TC(tp, poll_play_and_record);
	ATF_TP_ADD_TC(tp, poll_sleeps_until_room);
	ATF_TP_ADD_TC(tp, drain_stuck_hardware_fails);
	ATF_TP_ADD_TC(tp, close_during_playback);
	ATF_TP_ADD_TC(tp, detach_while_open);
	ATF_TP_ADD_TC(tp, detach_during_realtime_playback);
	ATF_TP_ADD_TC(tp, second_boot_same_process);
	ATF_TP_ADD_TC(tp, extreme_rates_and_channels);
	ATF_TP_ADD_TC(tp, card_format_configurable);
	ATF_TP_ADD_TC(tp, bad_card_config_no_device);
	return atf_no_error();
}
