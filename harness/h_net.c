/*
 * h_net.c: the multi-kernel harness (process model and channel are
 * described in h_net.h).  Host code: the parent side forks and talks;
 * the child side boots a kernel and serves requests until told to shut
 * down or until the parent goes away.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rump/rump.h>

#include "harness.h"
#include "h_net.h"

#define H_NET_TIMEOUT_DEFAULT	20000
#define H_NET_GRACE_MS		5000

enum { OP_CALL = 1, OP_QUIT };

struct req {
	uint32_t	rq_op;
	uint32_t	rq_inlen;
	uint64_t	rq_outmax;
	uintptr_t	rq_fn;
};

struct rep {
	int32_t		rp_ret;
	int32_t		rp_errno;
	uint32_t	rp_outlen;
	uint32_t	rp_pad;
};

struct h_kern {
	pid_t		hk_pid;		/* 0: slot free */
	int		hk_fd;
	int		hk_pending;	/* a call was started */
	int		hk_reaped;	/* waited for already (fate) */
};

int h_net_fail_exit;

static struct h_kern kerns[H_NET_MAXKERN];
static int nkerns;
static int atexit_set;
static pid_t parent_pid;

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Fail the case (or, for tests of the harness, print and exit). */
static void __attribute__((__noreturn__, __format__(__printf__, 1, 2)))
hfail(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (h_net_fail_exit != 0) {
		fprintf(stderr, "h_net: %s\n", msg);
		exit(h_net_fail_exit);
	}
	atf_tc_fail("%s", msg);
}

static int
timeout_ms(void)
{
	const char *s = getenv("H_NET_TIMEOUT_MS");
	int v;

	if (s != NULL && (v = atoi(s)) > 0)
		return v;
	/* Under valgrind (its preload library is in the environment). */
	if ((s = getenv("LD_PRELOAD")) != NULL && strstr(s, "vgpreload"))
		return 10 * H_NET_TIMEOUT_DEFAULT;
	return H_NET_TIMEOUT_DEFAULT;
}

/* Send header + blob as one message. */
static int
send_msg(int fd, const void *hdr, size_t hlen, const void *blob, size_t blen)
{
	struct iovec iov[2] = {
		{ (void *)(uintptr_t)hdr, hlen },
		{ (void *)(uintptr_t)blob, blen },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = blen ? 2 : 1 };
	ssize_t n;

	do
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (n == -1 && errno == EINTR);
	return n == (ssize_t)(hlen + blen) ? 0 : -1;
}

/*
 * Receive one message into hdr and blob; its blob length, or -1 on
 * EOF/error, -2 on timeout (tmo < 0: none).
 */
static ssize_t
recv_msg(int fd, void *hdr, size_t hlen, void *blob, size_t bmax, int tmo)
{
	struct iovec iov[2] = { { hdr, hlen }, { blob, bmax } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	struct pollfd pfd = { fd, POLLIN, 0 };
	long deadline = now_ms() + tmo, left = -1;
	ssize_t n;

	for (;;) {
		if (tmo >= 0 && (left = deadline - now_ms()) <= 0)
			return -2;
		if (poll(&pfd, 1, (int)left) <= 0)
			continue;
		n = recvmsg(fd, &mh, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n < (ssize_t)hlen || (mh.msg_flags & MSG_TRUNC))
			return -1;
		return n - (ssize_t)hlen;
	}
}

/* The child: run requests on our kernel until OP_QUIT or EOF. */
static void __attribute__((__noreturn__))
serve(int fd)
{
	static char in[H_NET_MAXMSG], out[H_NET_MAXMSG];
	struct req rq;
	struct rep rp;
	ssize_t n;
	size_t outlen;
	h_net_fn fn;

	for (;;) {
		if ((n = recv_msg(fd, &rq, sizeof(rq), in, sizeof(in), -1)) < 0)
			_exit(1);	/* the test process is gone */
		memset(&rp, 0, sizeof(rp));
		if (rq.rq_op == OP_QUIT)
			break;
		fn = (h_net_fn)rq.rq_fn;
		outlen = rq.rq_outmax < sizeof(out) ? rq.rq_outmax : sizeof(out);
		errno = 0;
		rp.rp_ret = fn(in, (size_t)n, out, &outlen);
		rp.rp_errno = errno;
		rp.rp_outlen = (uint32_t)outlen;
		if (send_msg(fd, &rp, sizeof(rp), out, outlen) != 0)
			_exit(1);
	}
	/* Shut down; the answer is the leak report ("" if none). */
	if (rump_sys_reboot(0, NULL) == -1) {
		rp.rp_ret = -1;
		rp.rp_errno = errno;
		out[0] = '\0';
	} else
		h_kmem_report(out, sizeof(out));
	rp.rp_outlen = (uint32_t)strlen(out) + 1;
	(void)send_msg(fd, &rp, sizeof(rp), out, rp.rp_outlen);
	exit(0);	/* exit, not _exit: coverage counters are written */
}

/* In the new child: cut ties with the other kernels, boot, serve. */
static void __attribute__((__noreturn__))
child(int fd, const char *env)
{
	struct rep rp;
	char msg[256];
	int error;

	(void)prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent_pid)
		_exit(1);	/* the parent died before prctl */
	for (int i = 0; i < H_NET_MAXKERN; i++)
		if (kerns[i].hk_pid != 0)
			close(kerns[i].hk_fd);
	memset(&rp, 0, sizeof(rp));
	msg[0] = '\0';
	h_setenv(env);
	if ((error = rump_init()) != 0) {
		rp.rp_ret = -1;
		rp.rp_errno = error;
		snprintf(msg, sizeof(msg), "rump_init: %s", strerror(error));
	}
	rp.rp_outlen = (uint32_t)strlen(msg) + 1;
	if (send_msg(fd, &rp, sizeof(rp), msg, rp.rp_outlen) != 0 ||
	    error != 0)
		_exit(1);
	serve(fd);
}

static void
atexit_teardown(void)
{

	if (getpid() == parent_pid)
		h_net_teardown(0);
}

int
h_net_start(const char *env)
{
	struct rep rp;
	char msg[256];
	int sv[2], k;
	pid_t pid;

	if (rump_booted())
		hfail("h_net_start: the test process booted a kernel "
		    "itself; kernels must run in their own processes");
	for (k = 0; k < H_NET_MAXKERN && kerns[k].hk_pid != 0; k++)
		continue;
	if (k == H_NET_MAXKERN)
		hfail("h_net_start: more than %d kernels", H_NET_MAXKERN);
	if (!atexit_set) {
		atexit(atexit_teardown);
		atexit_set = 1;
	}
	parent_pid = getpid();
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) == -1)
		hfail("socketpair: %s", strerror(errno));
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		hfail("fork: %s", strerror(errno));
	if (pid == 0) {
		close(sv[0]);
		child(sv[1], env);
	}
	close(sv[1]);
	kerns[k].hk_pid = pid;
	kerns[k].hk_fd = sv[0];
	kerns[k].hk_pending = 0;
	kerns[k].hk_reaped = 0;
	nkerns++;
	if (recv_msg(sv[0], &rp, sizeof(rp), msg, sizeof(msg),
	    timeout_ms()) < 0) {
		h_net_teardown(0);
		hfail("kernel %d (pid %d) did not boot", k, (int)pid);
	}
	if (rp.rp_ret != 0) {
		msg[sizeof(msg) - 1] = '\0';
		h_net_teardown(0);
		hfail("kernel %d: %s%s%s", k, msg, env ? " with " : "",
		    env ? env : "");
	}
	return k;
}

int
h_net_nkern(void)
{

	return nkerns;
}

static struct h_kern *
kern(int k)
{

	if (k < 0 || k >= H_NET_MAXKERN || kerns[k].hk_pid == 0)
		hfail("h_net: no kernel %d", k);
	return &kerns[k];
}

pid_t
h_net_pid(int k)
{

	return kern(k)->hk_pid;
}

void
h_net_call_start(int k, h_net_fn fn, const void *in, size_t inlen,
    size_t outmax)
{
	struct h_kern *hk = kern(k);
	struct req rq;

	if (hk->hk_pending)
		hfail("h_net_call_start: kernel %d is busy", k);
	if (inlen > H_NET_MAXMSG || outmax > H_NET_MAXMSG)
		hfail("h_net_call_start: blob over %d bytes",
		    H_NET_MAXMSG);
	memset(&rq, 0, sizeof(rq));
	rq.rq_op = OP_CALL;
	rq.rq_inlen = (uint32_t)inlen;
	rq.rq_outmax = outmax;
	rq.rq_fn = (uintptr_t)fn;
	if (send_msg(hk->hk_fd, &rq, sizeof(rq), in, inlen) != 0)
		hfail("kernel %d (pid %d) is gone: %s", k,
		    (int)hk->hk_pid, strerror(errno));
	hk->hk_pending = 1;
}

/* How a kernel whose channel closed ended, for the failure message. */
static const char *
fate(pid_t pid)
{
	static char buf[128];
	int status;

	for (int i = 0; i < 1000; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid) {
			/* Reaped: teardown must not wait for it again. */
			for (int k = 0; k < H_NET_MAXKERN; k++)
				if (kerns[k].hk_pid == pid)
					kerns[k].hk_reaped = 1;
			if (WIFSIGNALED(status))
				snprintf(buf, sizeof(buf), "killed by %s%s",
				    strsignal(WTERMSIG(status)),
				    WTERMSIG(status) == SIGABRT ?
				    " (a kernel panic?)" : "");
			else
				snprintf(buf, sizeof(buf), "exit status %d",
				    WEXITSTATUS(status));
			return buf;
		}
		usleep(1000);
	}
	return "still running, channel closed";
}

int
h_net_call_finish(int k, void *out, size_t outmax, size_t *outlen)
{
	static char buf[H_NET_MAXMSG];
	struct h_kern *hk = kern(k);
	struct rep rp;
	ssize_t n;

	if (!hk->hk_pending)
		hfail("h_net_call_finish: no call on kernel %d", k);
	n = recv_msg(hk->hk_fd, &rp, sizeof(rp), buf, sizeof(buf),
	    timeout_ms());
	hk->hk_pending = 0;
	if (n == -2)
		hfail("kernel %d did not answer within %d ms", k,
		    timeout_ms());
	if (n < 0)
		hfail("kernel %d (pid %d) died during a call: %s", k,
		    (int)hk->hk_pid, fate(hk->hk_pid));
	if ((size_t)n > outmax)
		hfail("kernel %d answered %zd bytes, room for %zu", k,
		    n, outmax);
	if (n > 0)
		memcpy(out, buf, (size_t)n);
	if (outlen != NULL)
		*outlen = (size_t)n;
	errno = rp.rp_errno;
	return rp.rp_ret;
}

int
h_net_call(int k, h_net_fn fn, const void *in, size_t inlen, void *out,
    size_t outmax, size_t *outlen)
{

	h_net_call_start(k, fn, in, inlen, outmax);
	return h_net_call_finish(k, out, outmax, outlen);
}

/* Wait for pid for up to ms; SIGKILL it then.  Its wait status. */
static int
reap(pid_t pid, int ms)
{
	long deadline = now_ms() + ms;
	int status;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r == -1 && errno != EINTR)
			return 0;
		if (now_ms() >= deadline) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
				continue;
			return status;
		}
		usleep(1000);
	}
}

/* Append "; "-separated text to buf. */
static void __attribute__((__format__(__printf__, 3, 4)))
append(char *buf, size_t len, const char *fmt, ...)
{
	size_t off = strlen(buf);
	va_list ap;

	if (off != 0 && off + 2 < len) {
		memcpy(buf + off, "; ", 3);
		off += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + off, len - off, fmt, ap);
	va_end(ap);
}

/* Stop kernel k; append a problem to why (if check). */
static void
stop(int k, int check, char *why, size_t whylen)
{
	static char report[H_NET_MAXMSG];
	struct h_kern *hk = &kerns[k];
	struct req rq;
	struct rep rp;
	ssize_t n = -1;
	int status;

	memset(&rq, 0, sizeof(rq));
	rq.rq_op = OP_QUIT;
	report[0] = '\0';
	/* A kernel still busy in a call cannot shut down cleanly. */
	if (check && !hk->hk_pending &&
	    send_msg(hk->hk_fd, &rq, sizeof(rq), NULL, 0) == 0)
		n = recv_msg(hk->hk_fd, &rp, sizeof(rp), report,
		    sizeof(report) - 1, timeout_ms());
	if (n < 0 && !hk->hk_reaped)
		kill(hk->hk_pid, SIGKILL);
	/* After a clean shutdown the exit may still take a while. */
	status = hk->hk_reaped ? 0 :
	    reap(hk->hk_pid, n < 0 ? H_NET_GRACE_MS : timeout_ms());
	close(hk->hk_fd);
	if (check && n < 0)
		append(why, whylen, "kernel %d: %s", k,
		    hk->hk_pending ? "still in a call" :
		    WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) :
		    "no answer to shutdown");
	else if (check) {
		if (rp.rp_ret != 0)
			append(why, whylen, "kernel %d: reboot: %s", k,
			    strerror(rp.rp_errno));
		report[n] = '\0';
		if (report[0] != '\0')
			append(why, whylen, "kernel %d: kernel memory leak: "
			    "%s", k, report);
		/* 97: valgrind found errors (tools/leaks.sh) */
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			append(why, whylen, "kernel %d: exited with status "
			    "%#x after shutdown", k, status);
	}
	hk->hk_pid = 0;
	nkerns--;
}

void
h_net_teardown(int check)
{
	char why[4096];
	int left;

	why[0] = '\0';
	for (int k = 0; k < H_NET_MAXKERN; k++)
		if (kerns[k].hk_pid != 0)
			stop(k, check, why, sizeof(why));
	if (!check)
		return;
	if (why[0] != '\0')
		hfail("%s", why);
	if ((left = h_net_nchildren()) != 0)
		hfail("%d child process%s left after teardown", left,
		    left == 1 ? "" : "es");
}

int
h_net_nchildren(void)
{
	char path[300], buf[512], *p;
	struct dirent *de;
	pid_t me = getpid();
	int n = 0, ppid;
	FILE *f;
	DIR *d;

	if ((d = opendir("/proc")) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if ((f = fopen(path, "r")) == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL &&
		    sscanf(p + 1, " %*c %d", &ppid) == 1 && ppid == me)
			n++;
		fclose(f);
	}
	closedir(d);
	return n;
}
