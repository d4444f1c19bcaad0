/*
 * shmif2pcap: write the frames of a shmif bus as a pcap file
 * (LINKTYPE_ETHERNET) for tcpdump, tshark or wireshark.
 *
 *   shmif2pcap [-v] input output.pcap     ("-" as output: stdout)
 *
 * The input is either a bus file (then the frames still in its ring,
 * oldest first: the ring forgets, so a long exchange is better read
 * from the capture log) or a capture log, "<bus>.log", which the bus
 * keeps when capture is on (rumpcomp_shmif_setcapture).  The tool
 * reads a snapshot without taking the bus lock; run it once the
 * kernels are done, or accept that the newest frame may be torn.
 * Exits 0, or 1 with a message on a malformed input (the frames before
 * the damage are written).
 */
#include <err.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shmif_bus.h"

#define LINKTYPE_ETHERNET	1

struct pcap_filehdr {
	uint32_t	magic;
	uint16_t	version_major;
	uint16_t	version_minor;
	int32_t		thiszone;
	uint32_t	sigfigs;
	uint32_t	snaplen;
	uint32_t	linktype;
};

struct pcap_rechdr {
	uint32_t	ts_sec;
	uint32_t	ts_usec;
	uint32_t	incl_len;
	uint32_t	orig_len;
};

static int verbose;
static unsigned long nframes;

static void
put_header(FILE *out)
{
	struct pcap_filehdr fh = {
		.magic = 0xa1b2c3d4, .version_major = 2, .version_minor = 4,
		.snaplen = 65535, .linktype = LINKTYPE_ETHERNET,
	};

	if (fwrite(&fh, sizeof(fh), 1, out) != 1)
		err(1, "write");
}

static void
put_frame(FILE *out, const struct shmif_pkthdr *ph, const void *frame)
{
	struct pcap_rechdr rh = {
		.ts_sec = (uint32_t)(ph->sp_stamp_ns / 1000000000ull),
		.ts_usec = (uint32_t)(ph->sp_stamp_ns % 1000000000ull / 1000),
		.incl_len = ph->sp_len,
		.orig_len = ph->sp_len,
	};

	if (fwrite(&rh, sizeof(rh), 1, out) != 1 ||
	    fwrite(frame, 1, ph->sp_len, out) != ph->sp_len)
		err(1, "write");
	if (verbose)
		fprintf(stderr, "frame %llu: %u bytes from attachment %u\n",
		    (unsigned long long)ph->sp_gen, ph->sp_len, ph->sp_sender);
	nframes++;
}

/* A capture log: records back to back after the header. */
static int
from_log(FILE *in, FILE *out, const char *name)
{
	static uint8_t frame[SHMIF_FRAME_MAX];
	struct shmif_pkthdr ph;
	size_t n;

	while ((n = fread(&ph, 1, sizeof(ph), in)) == sizeof(ph)) {
		if (ph.sp_len == 0 || ph.sp_len > SHMIF_FRAME_MAX) {
			warnx("%s: frame %lu: bad length %u", name, nframes,
			    ph.sp_len);
			return 1;
		}
		if (fread(frame, 1, ph.sp_len, in) != ph.sp_len) {
			warnx("%s: frame %lu truncated", name, nframes);
			return 1;
		}
		put_frame(out, &ph, frame);
	}
	if (n != 0) {
		warnx("%s: trailing %zu bytes", name, n);
		return 1;
	}
	return 0;
}

/* Copy len bytes at ring byte count off, wrapping. */
static void
ring_get(const uint8_t *ring, uint32_t size, uint64_t off, void *dst,
    size_t len)
{
	size_t pos = (size_t)(off % size), first = size - pos;

	if (first > len)
		first = len;
	memcpy(dst, ring + pos, first);
	memcpy((uint8_t *)dst + first, ring, len - first);
}

/* A bus file: the records between tail and head. */
static int
from_bus(FILE *in, FILE *out, const char *name)
{
	static uint8_t frame[SHMIF_FRAME_MAX];
	struct shmif_bus *bus;
	struct shmif_pkthdr ph;
	uint8_t *ring;
	uint64_t off;

	if ((bus = malloc(SHMIF_HDRSIZE)) == NULL)
		err(1, "malloc");
	rewind(in);
	if (fread(bus, 1, SHMIF_HDRSIZE, in) != SHMIF_HDRSIZE ||
	    bus->sb_version != SHMIF_VERSION ||
	    bus->sb_hdrsize != SHMIF_HDRSIZE ||
	    bus->sb_ringsize < SHMIF_RING_MIN ||
	    bus->sb_ringsize > SHMIF_RING_MAX ||
	    bus->sb_head < bus->sb_tail ||
	    bus->sb_head - bus->sb_tail > bus->sb_ringsize) {
		warnx("%s: not a shmif bus of version %d", name,
		    SHMIF_VERSION);
		return 1;
	}
	if ((ring = malloc(bus->sb_ringsize)) == NULL)
		err(1, "malloc");
	if (fread(ring, 1, bus->sb_ringsize, in) != bus->sb_ringsize) {
		warnx("%s: ring truncated", name);
		return 1;
	}
	for (off = bus->sb_tail; off < bus->sb_head;) {
		ring_get(ring, bus->sb_ringsize, off, &ph, sizeof(ph));
		if (ph.sp_len == 0 || ph.sp_len > SHMIF_FRAME_MAX ||
		    off + sizeof(ph) + ph.sp_len > bus->sb_head) {
			warnx("%s: record at %llu: bad length %u", name,
			    (unsigned long long)off, ph.sp_len);
			return 1;
		}
		ring_get(ring, bus->sb_ringsize, off + sizeof(ph), frame,
		    ph.sp_len);
		put_frame(out, &ph, frame);
		off += (sizeof(ph) + ph.sp_len + SHMIF_ALIGN - 1) &
		    ~(uint64_t)(SHMIF_ALIGN - 1);
	}
	free(ring);
	free(bus);
	return 0;
}

int
main(int argc, char **argv)
{
	FILE *in, *out;
	uint32_t magic;
	int ch, rv;

	while ((ch = getopt(argc, argv, "v")) != -1) {
		switch (ch) {
		case 'v':
			verbose = 1;
			break;
		default:
			goto usage;
		}
	}
	if (argc - optind != 2)
		goto usage;
	if ((in = fopen(argv[optind], "r")) == NULL)
		err(1, "%s", argv[optind]);
	if (fread(&magic, sizeof(magic), 1, in) != 1)
		errx(1, "%s: empty", argv[optind]);
	if (magic != SHMIF_MAGIC && magic != SHMIF_LOGMAGIC)
		errx(1, "%s: neither a shmif bus nor a capture log",
		    argv[optind]);
	if (strcmp(argv[optind + 1], "-") == 0)
		out = stdout;
	else if ((out = fopen(argv[optind + 1], "w")) == NULL)
		err(1, "%s", argv[optind + 1]);
	put_header(out);
	if (magic == SHMIF_LOGMAGIC) {
		uint32_t version;

		if (fread(&version, sizeof(version), 1, in) != 1 ||
		    version != SHMIF_VERSION)
			errx(1, "%s: capture log of another version",
			    argv[optind]);
		rv = from_log(in, out, argv[optind]);
	} else
		rv = from_bus(in, out, argv[optind]);
	if (fclose(out) != 0)
		err(1, "%s", argv[optind + 1]);
	fclose(in);
	if (verbose)
		fprintf(stderr, "%lu frames\n", nframes);
	return rv;
usage:
	fprintf(stderr, "usage: shmif2pcap [-v] bus-or-log output.pcap\n");
	return 2;
}
