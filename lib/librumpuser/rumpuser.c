/*
 * rumpuser.c: the life cycle of the host layer (init, fini, version
 * check), the parameters the kernel reads from the environment, the
 * console, and the ways out of the process (exit and panic).
 *
 * The rest of the hypercalls are split by job: rumpuser_mem.c,
 * rumpuser_thread.c, rumpuser_sync.c, rumpuser_clock.c,
 * rumpuser_file.c, rumpuser_copy.c, rumpuser_random.c and
 * rumpuser_errno.c.
 */

#include <sys/wait.h>

#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rumpuser_int.h"

struct rumpuser_hyperup rumpuser__hyp;
unsigned int rumpuser__generation;

/* libgcov's flush; present only in coverage builds. */
extern void __gcov_dump(void) __attribute__((__weak__));

/*
 * Write all of buf to fd, retrying short writes and EINTR.  Other
 * errors are dropped: the console has nowhere to report them.
 */
static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * Check the hypercall version and save the upcalls.  Returns 0,
 * RUMP_ENOTSUP on a version mismatch (after a message on stderr) or
 * RUMP_EINVAL when hyp or one of its members is NULL or RUMP_HYPERFAIL
 * is malformed (rumpuser_fault.c).  Every call
 * starts a new curlwp generation.
 */
int
rumpuser_init(int version, const struct rumpuser_hyperup *hyp)
{

	if (version != RUMPUSER_VERSION) {
		dprintf(STDERR_FILENO, "rumpuser: kernel built for hypercall "
		    "version %d, this librumpuser implements %d\n",
		    version, RUMPUSER_VERSION);
		return RUMP_ENOTSUP;
	}
	if (hyp == NULL || hyp->hyp_schedule == NULL ||
	    hyp->hyp_unschedule == NULL)
		return RUMP_EINVAL;

	if (rumpuser__fault_init() != 0)
		return RUMP_EINVAL;
	rumpuser__hyp = *hyp;
	__atomic_add_fetch(&rumpuser__generation, 1, __ATOMIC_SEQ_CST);
	return 0;
}

/*
 * Undo rumpuser_init: stop and join the block I/O workers, forget the
 * upcalls and every curlwp binding.  The kernel must have seen the
 * completion of every rumpuser_bio request first.  rumpuser_init may
 * be called again afterwards.
 */
void
rumpuser_fini(void)
{

	rumpuser__bio_fini();
	memset(&rumpuser__hyp, 0, sizeof(rumpuser__hyp));
	__atomic_add_fetch(&rumpuser__generation, 1, __ATOMIC_SEQ_CST);
}

/*
 * Copy the host environment variable name into buf.  Returns 0,
 * RUMP_ENOENT if it is unset (RUMP_HOSTNAME then falls back to the
 * host's name), RUMP_E2BIG if the value and its NUL do not fit in
 * buflen, RUMP_EINVAL for a NULL name or buf.
 */
int
rumpuser_getparam(const char *name, char *buf, size_t buflen)
{
	char hostname[HOST_NAME_MAX + 1];
	const char *val;
	size_t len;

	if (name == NULL || buf == NULL)
		return RUMP_EINVAL;
	if (strcmp(name, RUMPUSER_PARAM_INSTRUMENTED) == 0)
		val = rumpuser__instrumented() ? "1" : NULL;
	else
		val = getenv(name);
	if (val == NULL && strcmp(name, RUMPUSER_PARAM_HOSTNAME) == 0) {
		if (gethostname(hostname, sizeof(hostname)) == -1)
			return rumpuser__errtrans(errno);
		hostname[sizeof(hostname) - 1] = '\0';
		val = hostname;
	}
	if (val == NULL)
		return RUMP_ENOENT;
	len = strlen(val);
	if (len >= buflen)
		return RUMP_E2BIG;
	memcpy(buf, val, len + 1);
	return 0;
}

/* Write one character to the host's stderr, unbuffered. */
void
rumpuser_putchar(int c)
{
	char ch = (char)c;

	write_all(STDERR_FILENO, &ch, 1);
}

/* Write len bytes of buf to the host's stderr in as few writes as it takes. */
void
rumpuser_console(const char *buf, size_t len)
{

	write_all(STDERR_FILENO, buf, len);
}

/* Set the calling thread's host errno from a kernel errno value. */
void
rumpuser_seterrno(int kernel_errno)
{

	errno = rumpuser_errno_tohost(kernel_errno);
}

/*
 * The raw backtrace names only exported functions; kernel code is mostly
 * static or renamed.  If addr2line is at hand, also print function and
 * file:line for the frames in the program itself (where the kernel is
 * linked), so a panic in a Kyua report points at the source.  Best
 * effort: any failure here just leaves the raw backtrace.
 */
static void
print_source_lines(void *const *frames, int n)
{
	static const char hdr[] = "rumpuser: in the source:\n";
	char exe[PATH_MAX], addrs[64][24];
	char *argv[8 + 64];
	Dl_info self, di;
	ssize_t len;
	int argc = 0, nargs = 0, status;
	pid_t pid;

	if (dladdr((void *)print_source_lines, &self) == 0 ||
	    (len = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[len] = '\0';
	argv[argc++] = (char *)"addr2line";
	argv[argc++] = (char *)"-f";
	argv[argc++] = (char *)"-i";
	argv[argc++] = (char *)"-p";
	argv[argc++] = (char *)"-e";
	argv[argc++] = exe;
	for (int i = 0; i < n && nargs < 64; i++) {
		if (dladdr(frames[i], &di) == 0 || di.dli_fbase != self.dli_fbase)
			continue;
		/* A return address; the call is the byte before it. */
		snprintf(addrs[nargs], sizeof(addrs[nargs]), "%#lx",
		    (unsigned long)((char *)frames[i] - (char *)di.dli_fbase - 1));
		argv[argc++] = addrs[nargs++];
	}
	argv[argc] = NULL;
	if (nargs == 0)
		return;
	write_all(STDERR_FILENO, hdr, sizeof(hdr) - 1);
	if ((pid = fork()) == 0) {
		dup2(STDERR_FILENO, STDOUT_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid > 0)
		(void)waitpid(pid, &status, 0);
}

/* Print a backtrace of the calling thread on stderr. */
static void
print_backtrace(void)
{
	static const char hdr[] = "rumpuser: backtrace:\n";
	void *frames[64];
	int n;

	write_all(STDERR_FILENO, hdr, sizeof(hdr) - 1);
	n = backtrace(frames, (int)(sizeof(frames) / sizeof(frames[0])));
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	print_source_lines(frames, n);
}

/*
 * Leave the process.  RUMPUSER_PANIC prints a backtrace, flushes the
 * gcov counters of a coverage build and aborts, so that ATF records a
 * signal, gdb stops here and a core is left behind.  Any other value is
 * an exit(3) status.
 */
void
rumpuser_exit(int value)
{

	static int panicking;

	if (value == RUMPUSER_PANIC) {
		/*
		 * One backtrace: a second thread panicking at the same time
		 * waits for the first one's abort to end the process.
		 */
		if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
			for (;;)
				pause();
		print_backtrace();
		if (__gcov_dump != NULL)
			__gcov_dump();
		abort();
	}
	exit(value);
}

/*
 * Report a host failure that can only be a bug and panic.  Used by
 * RUMPUSER_NOFAIL for pthread calls that must not fail.
 */
void
rumpuser__fatal(const char *func, const char *what, int host_errno)
{
	const char *name;

	name = strerrorname_np(host_errno);
	dprintf(STDERR_FILENO, "rumpuser: %s: %s failed: %s (%d)\n",
	    func, what, name != NULL ? name : "unknown error", host_errno);
	rumpuser_exit(RUMPUSER_PANIC);
}
