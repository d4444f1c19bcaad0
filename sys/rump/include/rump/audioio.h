/*
 * audioio.h: the ioctl interface of the audio component (/dev/audio,
 * /dev/sound, /dev/audioctl, /dev/mixer), shaped after NetBSD's
 * audio(4) and mixer interfaces.  Test programs include it; the
 * structures use fixed-size fields only, so the same layout holds in
 * the kernel and on the host.  Commands are encoded with RUMP_IOR/
 * RUMP_IOW (the host's layout): the system call layer copies the
 * argument.
 *
 * Differences from NetBSD, by design:
 *  - play.error / record.error count underruns / overruns (NetBSD only
 *    flags them); play.samples / record.samples count bytes in the
 *    opener's own format (as NetBSD does).
 *  - Supported encodings: AUDIO_ENCODING_ULAW (precision 8),
 *    AUDIO_ENCODING_ULINEAR_LE / AUDIO_ENCODING_ULINEAR (precision 8),
 *    AUDIO_ENCODING_SLINEAR_LE (precision 16).  Rates 1000..192000 Hz,
 *    1..8 channels.
 */
#ifndef _RUMP_AUDIOIO_H_
#define _RUMP_AUDIOIO_H_

#include <rump/rumpdefs.h>

/* NetBSD's encoding numbers. */
#define AUDIO_ENCODING_NONE		0
#define AUDIO_ENCODING_ULAW		1
#define AUDIO_ENCODING_ALAW		2
#define AUDIO_ENCODING_SLINEAR_LE	6
#define AUDIO_ENCODING_SLINEAR_BE	7
#define AUDIO_ENCODING_ULINEAR_LE	8
#define AUDIO_ENCODING_ULINEAR_BE	9
#define AUDIO_ENCODING_SLINEAR		10
#define AUDIO_ENCODING_ULINEAR		11

#define AUDIO_MIN_RATE		1000
#define AUDIO_MAX_RATE		192000
#define AUDIO_MAX_CHANNELS	8
#define AUDIO_MAX_GAIN		255

/* One direction's parameters and counters. */
struct audio_prinfo {
	unsigned int	sample_rate;	/* Hz */
	unsigned int	channels;
	unsigned int	precision;	/* bits per sample */
	unsigned int	encoding;	/* AUDIO_ENCODING_* */
	unsigned int	gain;		/* play: the master volume, 0..255 */
	unsigned int	port;		/* unused, 0 */
	unsigned int	seek;		/* bytes buffered (play) or ready (rec) */
	unsigned int	avail_ports;	/* unused, 0 */
	unsigned int	buffer_size;	/* the opener's buffer, bytes */
	unsigned int	_spare[1];
	/* counters, read-only */
	unsigned int	samples;	/* bytes played / recorded */
	unsigned int	eof;		/* zero-length writes seen */
	unsigned char	pause;		/* 1: paused (settable) */
	unsigned char	error;		/* underruns / overruns, saturating */
	unsigned char	waiting;	/* unused, 0 */
	unsigned char	balance;	/* unused, 32 */
	unsigned char	cspare[2];
	unsigned char	open;		/* this direction is open */
	unsigned char	active;		/* I/O in progress */
};

struct audio_info {
	struct audio_prinfo play;
	struct audio_prinfo record;
	unsigned int	monitor_gain;	/* unused, 0 */
	unsigned int	blocksize;	/* hardware block, bytes (read-only) */
	unsigned int	hiwat;		/* unused */
	unsigned int	lowat;		/* unused */
	unsigned int	_ispare1;
	unsigned int	mode;		/* AUMODE_* of this opener */
};

#define AUMODE_PLAY		0x01
#define AUMODE_RECORD		0x02
#define AUMODE_PLAY_ALL		0x04	/* accepted, always on */

/*
 * AUDIO_INITINFO: a SETINFO argument that changes nothing; set only the
 * fields to change.  Fields left all-ones are ignored.
 */
#define AUDIO_INITINFO(p)	memset((p), 0xff, sizeof(*(p)))

/* Full counters (the prinfo ones saturate or wrap). */
struct audio_stats {
	unsigned long long	as_play_bytes;	/* opener's format, played */
	unsigned long long	as_play_frames;	/* hardware frames mixed in */
	unsigned long long	as_rec_bytes;	/* opener's format, recorded */
	unsigned int		as_underruns;
	unsigned int		as_overruns;
	unsigned int		as_hw_blocks;	/* hardware blocks completed */
	unsigned int		as_spare;
};

#define AUDIO_GETINFO		RUMP_IOR('A', 21, struct audio_info)
#define AUDIO_SETINFO		RUMP_IOWR('A', 22, struct audio_info)
#define AUDIO_DRAIN		RUMP_IO('A', 23)
#define AUDIO_FLUSH		RUMP_IO('A', 24)
#define AUDIO_GETSTATS		RUMP_IOR('A', 90, struct audio_stats)

/*
 * Mixer (/dev/mixer, and every audio node).  Two controls:
 * AUDIO_MIXER_MASTER, a value 0..255 per hardware channel (1 or 2
 * levels; one level sets all), and AUDIO_MIXER_MUTE, an enum 0 (off)
 * or 1 (on).  Both change what the hardware receives.
 */
#define AUDIO_MIXER_ENUM	1
#define AUDIO_MIXER_VALUE	3

#define AUDIO_MIXER_MASTER	0
#define AUDIO_MIXER_MUTE	1
#define AUDIO_MIXER_NDEVS	2

#define AUDIO_MIXER_NAMELEN	16
#define AUDIO_MIXER_MAXCHAN	8

typedef struct mixer_ctrl {
	int	dev;			/* AUDIO_MIXER_MASTER, ... */
	int	type;			/* AUDIO_MIXER_VALUE or _ENUM */
	union {
		int	ord;		/* enum: the value */
		struct {
			int		num_channels;
			unsigned char	level[AUDIO_MIXER_MAXCHAN];
		} value;
	} un;
} mixer_ctrl_t;

typedef struct mixer_devinfo {
	int	index;			/* in: which control */
	int	type;
	char	name[AUDIO_MIXER_NAMELEN];
	int	num_channels;		/* value controls */
	int	num_ords;		/* enum controls */
} mixer_devinfo_t;

#define AUDIO_MIXER_READ	RUMP_IOWR('M', 0, mixer_ctrl_t)
#define AUDIO_MIXER_WRITE	RUMP_IOWR('M', 1, mixer_ctrl_t)
#define AUDIO_MIXER_DEVINFO	RUMP_IOWR('M', 2, mixer_devinfo_t)

#endif /* _RUMP_AUDIOIO_H_ */
