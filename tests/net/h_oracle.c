/*
 * h_oracle.c: shmif2pcap, tshark and tcpdump from a test (see
 * h_oracle.h).
 */
#include <sys/wait.h>

#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "h_oracle.h"

/*
 * The tool is built into $(O)/bin, two levels above the test programs
 * ($(O)/tests/net); Kyua's srcdir or, for wrapped runs (valgrind), the
 * program's own location lead there.
 */
static void
find_tool(const atf_tc_t *tc, char *buf, size_t len)
{
	const char *srcdir = atf_tc_get_config_var_wd(tc, "srcdir", ".");
	char self[1024];
	ssize_t n;

	snprintf(buf, len, "%s/../../bin/shmif2pcap", srcdir);
	if (access(buf, X_OK) == 0)
		return;
	if ((n = readlink("/proc/self/exe", self, sizeof(self) - 1)) > 0) {
		self[n] = '\0';
		snprintf(buf, len, "%s/../../bin/shmif2pcap", dirname(self));
		if (access(buf, X_OK) == 0)
			return;
	}
	atf_tc_fail("shmif2pcap not found next to %s (make builds it)",
	    srcdir);
}

int
h_shmif2pcap(const atf_tc_t *tc, const char *in, const char *pcap)
{
	char cmd[2048], line[256], tool[1024];
	int status, n = -1;
	FILE *p;

	find_tool(tc, tool, sizeof(tool));
	snprintf(cmd, sizeof(cmd), "%s -v '%s' '%s' 2>&1", tool, in, pcap);
	if ((p = popen(cmd, "r")) == NULL)
		atf_tc_fail("popen %s failed", cmd);
	while (fgets(line, sizeof(line), p) != NULL)
		if (sscanf(line, "%d frames", &n) != 1 &&
		    strncmp(line, "frame ", 6) != 0)
			fprintf(stderr, "shmif2pcap: %s", line);
	status = pclose(p);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n < 0)
		atf_tc_fail("%s: failed (status %d)", cmd, status);
	return n;
}

static int
has_cmd(const char *name)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "command -v %s >/dev/null 2>&1", name);
	return system(cmd) == 0;
}

static int
icontains(const char *s, const char *needle)
{
	size_t n = strlen(needle);

	for (; *s != '\0'; s++)
		if (strncasecmp(s, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * Append line to the report, as far as it fits, its newline made a
 * separator: an ATF reason must be one line.
 */
static void
report_line(char *report, size_t len, size_t *offp, const char *line)
{
	int n = (int)strcspn(line, "\n");

	if (*offp < len) {
		snprintf(report + *offp, len - *offp, "%.*s; ", n, line);
		*offp += strlen(report + *offp);
	}
}

int
h_tshark_problems(const char *pcap, char *report, size_t len, int *nframes)
{
	char cmd[1024], line[512];
	int problems = 0, in_errors = 0, status;
	size_t off = 0;
	FILE *p;

	if (!has_cmd("tshark"))
		atf_tc_skip("tshark is not installed (tools/install-deps.sh "
		    "installs it)");
	report[0] = '\0';
	/* Running as root, tshark warns on stderr: keep it out. */
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -q -z expert "
	    "-o ip.check_checksum:TRUE -o udp.check_checksum:TRUE "
	    "-o tcp.check_checksum:TRUE 2>/dev/null && "
	    "tshark -r '%s' 2>/dev/null | wc -l", pcap, pcap);
	if ((p = popen(cmd, "r")) == NULL)
		atf_tc_fail("popen tshark failed");
	*nframes = -1;
	while (fgets(line, sizeof(line), p) != NULL) {
		if (strncmp(line, "Errors (", 8) == 0)
			in_errors = 1;
		else if (strncmp(line, "Warns (", 7) == 0 ||
		    strncmp(line, "Notes (", 7) == 0 ||
		    strncmp(line, "Chats (", 7) == 0)
			in_errors = 0;
		else if (isdigit((unsigned char)line[0]))
			*nframes = atoi(line);
		else if (isdigit((unsigned char)line[strspn(line, " ")]) &&
		    (in_errors || icontains(line, "checksum") ||
		    icontains(line, "malformed"))) {
			problems++;
			report_line(report, len, &off, line);
		}
	}
	status = pclose(p);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		atf_tc_fail("tshark could not read %s", pcap);
	return problems;
}

int
h_tcpdump_problems(const char *pcap, char *report, size_t len,
    int *nframes, int *nchecked)
{
	/*
	 * What tcpdump says of a bad header (IP, ARP, ICMP, UDP, TCP), not
	 * of payloads it guesses a protocol for by port number.
	 */
	static const char *const bad[] = { "bad cksum", "bad udp cksum",
	    "incorrect", "wrong icmp cksum", "truncated-ip", "bad-len",
	    "[|ether", "[|arp", "[|ip", "[|icmp", "[|udp", "[|tcp" };
	static const char *const good[] = { "(correct)", "udp sum ok" };
	char cmd[1024], line[1024];
	int problems = 0, status, inpkt = 0;
	size_t off = 0;
	FILE *p;

	if (!has_cmd("tcpdump"))
		atf_tc_skip("tcpdump is not installed (tools/install-deps.sh "
		    "installs it)");
	report[0] = '\0';
	*nframes = 0;
	*nchecked = 0;
	/* -vv: verify checksums; the header line goes to stderr. */
	snprintf(cmd, sizeof(cmd), "tcpdump -r '%s' -nn -vv 2>/dev/null",
	    pcap);
	if ((p = popen(cmd, "r")) == NULL)
		atf_tc_fail("popen tcpdump failed");
	while (fgets(line, sizeof(line), p) != NULL) {
		int badline = 0;

		/* A packet starts with its time stamp; the rest indent. */
		if (isdigit((unsigned char)line[0])) {
			(*nframes)++;
			inpkt = 0;
		}
		for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
			for (const char *q = line; (q = strstr(q, good[i])) !=
			    NULL; q++)
				(*nchecked)++;
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (icontains(line, bad[i]))
				badline = 1;
		if (badline) {
			if (!inpkt)
				problems++;	/* one per packet */
			inpkt = 1;
			report_line(report, len, &off, line);
		}
	}
	status = pclose(p);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		atf_tc_fail("tcpdump could not read %s", pcap);
	return problems;
}
