/*
 * t_hypercall.c: the hypercall layer (librumpuser) from the host side:
 * the version handshake, parameters, the one errno translation table
 * and the copyin/copyout family that turns bad addresses into EFAULT.
 * The rumpuser_* functions are called directly where they work without
 * a kernel; hypercalls return KERNEL errno values (RUMP_E*).
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define HAVE_MEMCHECK	1
#endif
#endif

#include <rump/rump.h>
#include <rump/rump_syscalls.h>
#include <rump/rumpdefs.h>
#include <rump/rumpuser.h>

#include "harness.h"

static void
dummy_sched(void)
{
}

static const struct rumpuser_hyperup dummy_hyp = {
	.hyp_schedule = dummy_sched,
	.hyp_unschedule = dummy_sched,
};

/* Whether the decimal number n appears in s as a whole word. */
static int
has_number(const char *s, int n)
{
	char num[16];
	const char *p;
	size_t len;

	snprintf(num, sizeof(num), "%d", n);
	len = strlen(num);
	for (p = strstr(s, num); p != NULL; p = strstr(p + 1, num)) {
		if ((p == s || !isdigit((unsigned char)p[-1])) &&
		    !isdigit((unsigned char)p[len]))
			return 1;
	}
	return 0;
}

static void
init_wrong_version(void *arg)
{
	int error;

	(void)arg;
	error = rumpuser_init(RUMPUSER_VERSION + 1, &dummy_hyp);
	printf("\nrumpuser_init=%d\n", error);
	fflush(stdout);
}

ATF_TC(init_version_mismatch);
ATF_TC_HEAD(init_version_mismatch, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_init for another hypercall "
	    "version fails with RUMP_ENOTSUP and says which versions met");
}
ATF_TC_BODY(init_version_mismatch, tc)
{
	struct h_child hc;
	char want[32];

	h_child_run(init_wrong_version, NULL, 60, &hc);
	h_child_require_exit(&hc, 0);
	snprintf(want, sizeof(want), "rumpuser_init=%d", RUMP_ENOTSUP);
	h_child_require_output(&hc, want);
	h_child_require_output(&hc, "version");
	if (!has_number(hc.hc_output, RUMPUSER_VERSION + 1) ||
	    !has_number(hc.hc_output, RUMPUSER_VERSION))
		h_child_fail(&hc, "the message does not name versions %d and "
		    "%d", RUMPUSER_VERSION + 1, RUMPUSER_VERSION);
	h_child_free(&hc);

	/* Older versions too; nothing is left half set up. */
	ATF_REQUIRE_EQ(rumpuser_init(RUMPUSER_VERSION - 1, &dummy_hyp),
	    RUMP_ENOTSUP);
	ATF_REQUIRE_EQ(rumpuser_init(0, &dummy_hyp), RUMP_ENOTSUP);
	RZ(rump_init());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
	h_shutdown_check();
}

ATF_TC(init_null_hyp);
ATF_TC_HEAD(init_null_hyp, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_init without upcalls fails "
	    "with RUMP_EINVAL");
}
ATF_TC_BODY(init_null_hyp, tc)
{
	struct rumpuser_hyperup half = { dummy_sched, NULL };

	ATF_REQUIRE_EQ(rumpuser_init(RUMPUSER_VERSION, NULL), RUMP_EINVAL);
	ATF_REQUIRE_EQ(rumpuser_init(RUMPUSER_VERSION, &half), RUMP_EINVAL);
	half = (struct rumpuser_hyperup){ NULL, dummy_sched };
	ATF_REQUIRE_EQ(rumpuser_init(RUMPUSER_VERSION, &half), RUMP_EINVAL);
	RZ(rump_init());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
	h_shutdown_check();
}

/* ---------------------------------------------------------------- */

/*
 * Every errno rumpdefs.h defines and the Linux value that means the
 * same.  Three NetBSD errors have no Linux twin and become the value a
 * Linux program would see for the same failure.
 */
static const struct {
	int		 kern;
	int		 host;
	const char	*name;
} errtab[] = {
#define E(n, h)	{ RUMP_##n, h, #n }
	E(EPERM, EPERM), E(ENOENT, ENOENT), E(ESRCH, ESRCH),
	E(EINTR, EINTR), E(EIO, EIO), E(ENXIO, ENXIO), E(E2BIG, E2BIG),
	E(ENOEXEC, ENOEXEC), E(EBADF, EBADF), E(ECHILD, ECHILD),
	E(EDEADLK, EDEADLK), E(ENOMEM, ENOMEM), E(EACCES, EACCES),
	E(EFAULT, EFAULT), E(ENOTBLK, ENOTBLK), E(EBUSY, EBUSY),
	E(EEXIST, EEXIST), E(EXDEV, EXDEV), E(ENODEV, ENODEV),
	E(ENOTDIR, ENOTDIR), E(EISDIR, EISDIR), E(EINVAL, EINVAL),
	E(ENFILE, ENFILE), E(EMFILE, EMFILE), E(ENOTTY, ENOTTY),
	E(ETXTBSY, ETXTBSY), E(EFBIG, EFBIG), E(ENOSPC, ENOSPC),
	E(ESPIPE, ESPIPE), E(EROFS, EROFS), E(EMLINK, EMLINK),
	E(EPIPE, EPIPE), E(EDOM, EDOM), E(ERANGE, ERANGE),
	E(EAGAIN, EAGAIN), E(EWOULDBLOCK, EWOULDBLOCK),
	E(EINPROGRESS, EINPROGRESS), E(EALREADY, EALREADY),
	E(ENOTSOCK, ENOTSOCK), E(EDESTADDRREQ, EDESTADDRREQ),
	E(EMSGSIZE, EMSGSIZE), E(EPROTOTYPE, EPROTOTYPE),
	E(ENOPROTOOPT, ENOPROTOOPT), E(EPROTONOSUPPORT, EPROTONOSUPPORT),
	E(ESOCKTNOSUPPORT, ESOCKTNOSUPPORT), E(EOPNOTSUPP, EOPNOTSUPP),
	E(EPFNOSUPPORT, EPFNOSUPPORT), E(EAFNOSUPPORT, EAFNOSUPPORT),
	E(EADDRINUSE, EADDRINUSE), E(EADDRNOTAVAIL, EADDRNOTAVAIL),
	E(ENETDOWN, ENETDOWN), E(ENETUNREACH, ENETUNREACH),
	E(ENETRESET, ENETRESET), E(ECONNABORTED, ECONNABORTED),
	E(ECONNRESET, ECONNRESET), E(ENOBUFS, ENOBUFS),
	E(EISCONN, EISCONN), E(ENOTCONN, ENOTCONN),
	E(ESHUTDOWN, ESHUTDOWN), E(ETOOMANYREFS, ETOOMANYREFS),
	E(ETIMEDOUT, ETIMEDOUT), E(ECONNREFUSED, ECONNREFUSED),
	E(ELOOP, ELOOP), E(ENAMETOOLONG, ENAMETOOLONG),
	E(EHOSTDOWN, EHOSTDOWN), E(EHOSTUNREACH, EHOSTUNREACH),
	E(ENOTEMPTY, ENOTEMPTY),
	E(EPROCLIM, EAGAIN),		/* Linux fork: EAGAIN */
	E(EUSERS, EUSERS), E(EDQUOT, EDQUOT), E(ESTALE, ESTALE),
	E(EREMOTE, EREMOTE), E(ENOLCK, ENOLCK), E(ENOSYS, ENOSYS),
	E(EFTYPE, EINVAL),		/* wrong file type: EINVAL on Linux */
	E(EIDRM, EIDRM), E(ENOMSG, ENOMSG), E(EOVERFLOW, EOVERFLOW),
	E(EILSEQ, EILSEQ), E(ENOTSUP, ENOTSUP), E(ECANCELED, ECANCELED),
	E(EBADMSG, EBADMSG), E(ENODATA, ENODATA), E(ETIME, ETIME),
	E(ENOATTR, ENODATA),		/* glibc: ENOATTR is ENODATA */
	E(EPROTO, EPROTO),
#undef E
};

static int
errtab_lookup(int kern)
{
	for (size_t i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].kern == kern)
			return (int)i;
	return -1;
}

ATF_TC(errno_tohost_table);
ATF_TC_HEAD(errno_tohost_table, tc)
{
	atf_tc_set_md_var(tc, "descr", "every kernel errno value maps to the "
	    "host errno with the same meaning; holes and junk map to EIO");
}
ATF_TC_BODY(errno_tohost_table, tc)
{
	int checked = 0;

	for (size_t i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++) {
		int got = rumpuser_errno_tohost(errtab[i].kern);

		ATF_CHECK_MSG(got == errtab[i].host, "RUMP_%s (%d) -> %s (%d), "
		    "expected %s (%d)", errtab[i].name, errtab[i].kern,
		    h_errname(got), got, h_errname(errtab[i].host),
		    errtab[i].host);
	}
	/* Values rumpdefs.h does not define are no error we know. */
	for (int k = 1; k <= RUMP_ELAST; k++) {
		if (errtab_lookup(k) >= 0) {
			checked++;
			continue;
		}
		ATF_CHECK_MSG(rumpuser_errno_tohost(k) == EIO,
		    "undefined kernel errno %d -> %s", k,
		    h_errname(rumpuser_errno_tohost(k)));
	}
	/* EWOULDBLOCK aliases EAGAIN, so the table has one extra row. */
	ATF_REQUIRE_EQ(checked, (int)(sizeof(errtab) / sizeof(errtab[0])) - 1);
	ATF_REQUIRE_EQ(rumpuser_errno_tohost(0), 0);
	ATF_REQUIRE_EQ(rumpuser_errno_tohost(-1), EIO);
	ATF_REQUIRE_EQ(rumpuser_errno_tohost(RUMP_ELAST + 1), EIO);
	ATF_REQUIRE_EQ(rumpuser_errno_tohost(INT_MAX), EIO);
	ATF_REQUIRE_EQ(rumpuser_errno_tohost(INT_MIN), EIO);
	/* The numbering differs: translation is not the identity. */
	ATF_REQUIRE(RUMP_EAGAIN != EAGAIN || RUMP_ELOOP != ELOOP);
}

ATF_TC(errno_seterrno);
ATF_TC_HEAD(errno_seterrno, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_seterrno sets the calling "
	    "thread's errno to the host value of a kernel errno");
}
ATF_TC_BODY(errno_seterrno, tc)
{
	for (size_t i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++) {
		errno = 12345;
		rumpuser_seterrno(errtab[i].kern);
		ATF_CHECK_MSG(errno == errtab[i].host, "RUMP_%s: errno %s, "
		    "expected %s", errtab[i].name, h_errname(errno),
		    h_errname(errtab[i].host));
	}
	errno = 12345;
	rumpuser_seterrno(0);
	ATF_REQUIRE_EQ(errno, 0);
	rumpuser_seterrno(RUMP_ELAST + 1);
	ATF_REQUIRE_EQ(errno, EIO);
}

H_TC(errno_through_syscalls, "system calls fail with host errno values, "
    "translated from the kernel's NetBSD numbers")
{
	char buf[4];
	int fds[2];

	errno = 0;
	ATF_REQUIRE_EQ(rump_sys_fcntl(-1, F_GETFL, 0), -1);
	ATF_REQUIRE_EQ(errno, EBADF);

	RL(rump_sys_pipe2(fds, O_NONBLOCK));
	errno = 0;
	ATF_REQUIRE_EQ(rump_sys_read(fds[0], buf, sizeof(buf)), -1);
	ATF_REQUIRE_EQ_MSG(errno, EAGAIN, "errno %d, host EAGAIN is %d, "
	    "the kernel's %d", errno, EAGAIN, RUMP_EAGAIN);
#ifdef __linux__
	ATF_REQUIRE_EQ(errno, 11);
	ATF_REQUIRE(errno != RUMP_EAGAIN);
#endif
	/* 63 in the kernel, 36 on Linux. */
	H_REQUIRE_ERRNO(ENAMETOOLONG, rump_sys_gethostname(buf, 1));
	/* 32 on both sides, but it has to get through too. */
	RL(rump_sys_close(fds[0]));
	H_REQUIRE_ERRNO(EPIPE, rump_sys_write(fds[1], "x", 1));
	RL(rump_sys_close(fds[1]));
	/* Functions returning an errno return host values as well. */
	ATF_REQUIRE_EQ(rump_init(), EBUSY);
}

/* ---------------------------------------------------------------- */

#define PARAM_UNSET	"RUMP_T_HYPERCALL_NEVER_SET"
#define PARAM_TEST	"RUMP_T_HYPERCALL_PARAM"

ATF_TC(getparam_instrumented);
ATF_TC_HEAD(getparam_instrumented, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMPUSER_PARAM_INSTRUMENTED is \"1\" "
	    "exactly when the process runs under valgrind or ASan (make check "
	    "runs this case both ways), whatever the environment says");
}
ATF_TC_BODY(getparam_instrumented, tc)
{
	char buf[8];
	int under = 0, error;

#ifdef HAVE_MEMCHECK
	under = RUNNING_ON_VALGRIND != 0;
#endif
#ifdef __SANITIZE_ADDRESS__
	under = 1;
#endif
	/* Not an environment variable: setting one changes nothing. */
	ATF_REQUIRE(setenv(RUMPUSER_PARAM_INSTRUMENTED, "1", 1) == 0);
	error = rumpuser_getparam(RUMPUSER_PARAM_INSTRUMENTED, buf,
	    sizeof(buf));
	if (under) {
		ATF_REQUIRE_EQ(error, 0);
		ATF_REQUIRE_STREQ(buf, "1");
	} else
		ATF_REQUIRE_EQ(error, RUMP_ENOENT);
}

ATF_TC(getparam_errors);
ATF_TC_HEAD(getparam_errors, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_getparam copies a value "
	    "that fits, RUMP_ENOENT for an unset one, RUMP_E2BIG for one "
	    "too long");
}
ATF_TC_BODY(getparam_errors, tc)
{
	char buf[16], host[HOST_NAME_MAX + 1], big[300];

	ATF_REQUIRE(unsetenv(PARAM_UNSET) == 0);
	ATF_REQUIRE_EQ(rumpuser_getparam(PARAM_UNSET, buf, sizeof(buf)),
	    RUMP_ENOENT);

	ATF_REQUIRE(setenv(PARAM_TEST, "hello", 1) == 0);
	memset(buf, 'x', sizeof(buf));
	ATF_REQUIRE_EQ(rumpuser_getparam(PARAM_TEST, buf, sizeof(buf)), 0);
	ATF_REQUIRE_STREQ(buf, "hello");
	/* Exactly enough room for the value and its NUL ... */
	ATF_REQUIRE_EQ(rumpuser_getparam(PARAM_TEST, buf, 6), 0);
	ATF_REQUIRE_STREQ(buf, "hello");
	/* ... and one byte short. */
	ATF_REQUIRE_EQ(rumpuser_getparam(PARAM_TEST, buf, 5), RUMP_E2BIG);
	ATF_REQUIRE_EQ(rumpuser_getparam(PARAM_TEST, buf, 0), RUMP_E2BIG);
	/* An empty value is a value. */
	ATF_REQUIRE(setenv(PARAM_TEST, "", 1) == 0);
	ATF_REQUIRE_EQ(rumpuser_getparam(PARAM_TEST, buf, 1), 0);
	ATF_REQUIRE_STREQ(buf, "");

	ATF_REQUIRE_EQ(rumpuser_getparam(NULL, buf, sizeof(buf)),
	    RUMP_EINVAL);
	ATF_REQUIRE_EQ(rumpuser_getparam(PARAM_TEST, NULL, 16), RUMP_EINVAL);

	/* An unset host name falls back to the host's. */
	ATF_REQUIRE(unsetenv(RUMPUSER_PARAM_HOSTNAME) == 0);
	ATF_REQUIRE(gethostname(host, sizeof(host)) == 0);
	ATF_REQUIRE_EQ(rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, big,
	    sizeof(big)), 0);
	ATF_REQUIRE_STREQ(big, host);
	ATF_REQUIRE(setenv(RUMPUSER_PARAM_HOSTNAME, "bar", 1) == 0);
	ATF_REQUIRE_EQ(rumpuser_getparam(RUMPUSER_PARAM_HOSTNAME, big,
	    sizeof(big)), 0);
	ATF_REQUIRE_STREQ(big, "bar");
}

/* ---------------------------------------------------------------- */

/*
 * Four pages: unmapped, PROT_NONE, read-only, read-write; then the
 * read-write page is followed by a PROT_NONE one for straddling.
 */
struct pages {
	char	*pg_base;
	size_t	 pg_sz;
};
#define PG_UNMAPPED(p)	((p)->pg_base)
#define PG_NONE(p)	((p)->pg_base + (p)->pg_sz)
#define PG_RO(p)	((p)->pg_base + 2 * (p)->pg_sz)
#define PG_RW(p)	((p)->pg_base + 3 * (p)->pg_sz)
#define PG_GUARD(p)	((p)->pg_base + 4 * (p)->pg_sz)

static void
pages_init(struct pages *p)
{
	p->pg_sz = (size_t)sysconf(_SC_PAGESIZE);
	p->pg_base = mmap(NULL, 5 * p->pg_sz, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ATF_REQUIRE(p->pg_base != MAP_FAILED);
	memset(PG_RO(p), 'r', p->pg_sz);
	ATF_REQUIRE(munmap(PG_UNMAPPED(p), p->pg_sz) == 0);
	ATF_REQUIRE(mprotect(PG_NONE(p), p->pg_sz, PROT_NONE) == 0);
	ATF_REQUIRE(mprotect(PG_RO(p), p->pg_sz, PROT_READ) == 0);
	ATF_REQUIRE(mprotect(PG_GUARD(p), p->pg_sz, PROT_NONE) == 0);
}

static void
pages_fini(struct pages *p)
{
	ATF_REQUIRE(munmap(PG_NONE(p), 4 * p->pg_sz) == 0);
}

ATF_TC(copyin_efault);
ATF_TC_HEAD(copyin_efault, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_copyin copies readable "
	    "memory and fails with RUMP_EFAULT on NULL, low, unmapped, "
	    "PROT_NONE and straddling addresses");
}
ATF_TC_BODY(copyin_efault, tc)
{
	struct pages p;
	char k[64];

	pages_init(&p);
	ATF_REQUIRE_EQ(rumpuser_copyin(NULL, k, 1), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyin((void *)1, k, 1), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyin(PG_UNMAPPED(&p), k, 8), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyin(PG_NONE(&p), k, 8), RUMP_EFAULT);
	/* The last bytes of a good page and the first of a bad one. */
	ATF_REQUIRE_EQ(rumpuser_copyin(PG_GUARD(&p) - 8, k, 16), RUMP_EFAULT);
	/* A range that wraps around the address space. */
	ATF_REQUIRE_EQ(rumpuser_copyin((void *)(UINTPTR_MAX - 7), k, 16),
	    RUMP_EFAULT);
	/* Nothing to copy: nothing to check. */
	ATF_REQUIRE_EQ(rumpuser_copyin(NULL, k, 0), 0);
	/* Read-only memory reads fine, right up to the end of the page. */
	memset(k, 0, sizeof(k));
	ATF_REQUIRE_EQ(rumpuser_copyin(PG_RO(&p), k, sizeof(k)), 0);
	ATF_REQUIRE(k[0] == 'r' && k[sizeof(k) - 1] == 'r');
	memcpy(PG_GUARD(&p) - 5, "tail", 5);
	ATF_REQUIRE_EQ(rumpuser_copyin(PG_GUARD(&p) - 5, k, 5), 0);
	ATF_REQUIRE_STREQ(k, "tail");
	pages_fini(&p);
}

ATF_TC(copyout_efault);
ATF_TC_HEAD(copyout_efault, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_copyout writes writable "
	    "memory and fails with RUMP_EFAULT on NULL, low, unmapped, "
	    "PROT_NONE, read-only and straddling addresses");
}
ATF_TC_BODY(copyout_efault, tc)
{
	const char k[16] = "kernel data";
	struct pages p;

	pages_init(&p);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, NULL, 1), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, (void *)1, 1), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, PG_UNMAPPED(&p), 8), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, PG_NONE(&p), 8), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, PG_RO(&p), 8), RUMP_EFAULT);
	ATF_REQUIRE_EQ(PG_RO(&p)[0], 'r');	/* untouched */
	ATF_REQUIRE_EQ(rumpuser_copyout(k, PG_GUARD(&p) - 8, 16),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, (void *)(UINTPTR_MAX - 7), 16),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, NULL, 0), 0);
	ATF_REQUIRE_EQ(rumpuser_copyout(k, PG_GUARD(&p) - sizeof(k),
	    sizeof(k)), 0);
	ATF_REQUIRE_STREQ(PG_GUARD(&p) - sizeof(k), "kernel data");
	pages_fini(&p);
}

ATF_TC(copyoutv_gather);
ATF_TC_HEAD(copyoutv_gather, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_copyoutv fills the user "
	    "ranges in order from the kernel pieces in order; mismatched "
	    "totals are RUMP_EINVAL; a bad range is RUMP_EFAULT with the "
	    "bytes before it reported done");
}
ATF_TC_BODY(copyoutv_gather, tc)
{
	char k1[] = "ab", k2[] = "cdef", k3[] = "g";
	struct rumpuser_iovec kiov[3] = {
		{ k1, 2 }, { k2, 4 }, { k3, 1 },
	};
	struct rumpuser_iovec uiov[2];
	struct pages p;
	size_t done;
	char *u;

	pages_init(&p);
	u = PG_RW(&p);
	memset(u, '.', 16);
	uiov[0] = (struct rumpuser_iovec){ u, 3 };
	uiov[1] = (struct rumpuser_iovec){ u + 8, 4 };
	ATF_REQUIRE_EQ(rumpuser_copyoutv(kiov, 3, uiov, 2, &done), 0);
	ATF_REQUIRE_EQ(done, 7);
	ATF_REQUIRE(memcmp(u, "abc.....defg....", 16) == 0);
	/* totals that differ, too many entries */
	uiov[1].iov_len = 3;
	ATF_REQUIRE_EQ(rumpuser_copyoutv(kiov, 3, uiov, 2, &done),
	    RUMP_EINVAL);
	ATF_REQUIRE_EQ(rumpuser_copyoutv(kiov, RUMPUSER_IOV_MAX + 1, uiov, 2,
	    &done), RUMP_EINVAL);
	/* the second range is read-only: the first is done, and said so */
	memset(u, '.', 16);
	uiov[1] = (struct rumpuser_iovec){ PG_RO(&p), 4 };
	ATF_REQUIRE_EQ(rumpuser_copyoutv(kiov, 3, uiov, 2, &done),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(done, 3);
	ATF_REQUIRE(memcmp(u, "abc.", 4) == 0);
	ATF_REQUIRE_EQ(PG_RO(&p)[0], 'r');
	/* the second straddles into the guard page */
	uiov[1] = (struct rumpuser_iovec){ PG_GUARD(&p) - 2, 4 };
	ATF_REQUIRE_EQ(rumpuser_copyoutv(kiov, 3, uiov, 2, &done),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(done, 3);
	/* a NULL range */
	uiov[0] = (struct rumpuser_iovec){ NULL, 3 };
	uiov[1] = (struct rumpuser_iovec){ u, 4 };
	ATF_REQUIRE_EQ(rumpuser_copyoutv(kiov, 3, uiov, 2, &done),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(done, 0);
	pages_fini(&p);
}

ATF_TC(copy_fault_elsewhere_still_kills);
ATF_TC_HEAD(copy_fault_elsewhere_still_kills, tc)
{
	atf_tc_set_md_var(tc, "descr", "after copies that caught faults, a "
	    "fault outside any copy still ends the process with SIGSEGV");
}
ATF_TC_BODY(copy_fault_elsewhere_still_kills, tc)
{
	struct pages p;
	char k[8];
	pid_t pid;
	int status;

	pages_init(&p);
	pid = fork();
	ATF_REQUIRE(pid != -1);
	if (pid == 0) {
		struct rlimit rl = { 0, 0 };

		(void)setrlimit(RLIMIT_CORE, &rl);
		if (rumpuser_copyin(PG_NONE(&p), k, sizeof(k)) != RUMP_EFAULT ||
		    rumpuser_copyin(PG_RO(&p), k, sizeof(k)) != 0)
			_exit(1);
		*(volatile char *)PG_NONE(&p) = 1;
		_exit(2);
	}
	ATF_REQUIRE(waitpid(pid, &status, 0) == pid);
#if defined(__SANITIZE_ADDRESS__)
	/* AddressSanitizer's own SIGSEGV handler reports and aborts. */
	ATF_REQUIRE_MSG(WIFSIGNALED(status) && (WTERMSIG(status) == SIGSEGV ||
	    WTERMSIG(status) == SIGABRT), "status %#x", status);
#else
	ATF_REQUIRE_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV,
	    "status %#x", status);
#endif
	pages_fini(&p);
}

ATF_TC(copyinstr_limits);
ATF_TC_HEAD(copyinstr_limits, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_copyinstr copies up to the "
	    "NUL, fails with RUMP_ENAMETOOLONG when maxlen bytes hold none "
	    "and RUMP_EFAULT on a bad address, reporting the bytes done");
}
ATF_TC_BODY(copyinstr_limits, tc)
{
	struct pages p;
	char k[32], *s;
	size_t done;

	pages_init(&p);
	s = PG_RW(&p);
	strcpy(s, "hello");
	done = 99;
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, sizeof(k), &done), 0);
	ATF_REQUIRE_STREQ(k, "hello");
	ATF_REQUIRE_EQ(done, 6);
	/* Exactly enough room for the NUL ... */
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, 6, &done), 0);
	ATF_REQUIRE_EQ(done, 6);
	/* ... one byte short. */
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, 5, &done),
	    RUMP_ENAMETOOLONG);
	ATF_REQUIRE_EQ(done, 5);
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, 0, &done),
	    RUMP_ENAMETOOLONG);
	ATF_REQUIRE_EQ(done, 0);
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, 5, NULL), RUMP_ENAMETOOLONG);

	/* Bad addresses. */
	ATF_REQUIRE_EQ(rumpuser_copyinstr(NULL, k, sizeof(k), &done),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(done, 0);
	ATF_REQUIRE_EQ(rumpuser_copyinstr((void *)1, k, sizeof(k), &done),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyinstr(PG_UNMAPPED(&p), k, sizeof(k),
	    &done), RUMP_EFAULT);
	ATF_REQUIRE_EQ(rumpuser_copyinstr(PG_NONE(&p), k, sizeof(k), &done),
	    RUMP_EFAULT);

	/* A string ending just before a PROT_NONE page copies fine ... */
	s = PG_GUARD(&p) - 4;
	memcpy(s, "abc", 4);
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, sizeof(k), &done), 0);
	ATF_REQUIRE_STREQ(k, "abc");
	ATF_REQUIRE_EQ(done, 4);
	/* ... one running into it faults after the good bytes. */
	memcpy(s, "abcd", 4);
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, sizeof(k), &done),
	    RUMP_EFAULT);
	ATF_REQUIRE_EQ(done, 4);
	/* ... unless maxlen stops it first. */
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, 4, &done), RUMP_ENAMETOOLONG);
	ATF_REQUIRE_EQ(done, 4);
	/* A long string across pages: 10 'r', then 'w' on the next page. */
	memset(PG_RW(&p), 'w', 64);
	s = PG_RO(&p) + p.pg_sz - 10;
	ATF_REQUIRE_EQ(rumpuser_copyinstr(s, k, sizeof(k), &done),
	    RUMP_ENAMETOOLONG);
	ATF_REQUIRE_EQ(done, sizeof(k));
	pages_fini(&p);
}

ATF_TC(copy_keeps_memcheck_state);
ATF_TC_HEAD(copy_keeps_memcheck_state, tc)
{
	atf_tc_set_md_var(tc, "descr", "under valgrind, copied bytes are "
	    "exactly as defined as their source (process_vm_* is invisible "
	    "to memcheck otherwise)");
}
ATF_TC_BODY(copy_keeps_memcheck_state, tc)
{
#ifdef HAVE_MEMCHECK
	unsigned char vbits[64];
	char *src, *dst;
	int error;

	if (!RUNNING_ON_VALGRIND)
		atf_tc_skip("not running under valgrind");
	src = malloc(64);
	dst = malloc(64);
	ATF_REQUIRE(src != NULL && dst != NULL);
	/* src: 32 defined bytes, then 32 undefined ones. */
	memset(src, 'd', 32);
	VALGRIND_MAKE_MEM_UNDEFINED(dst, 64);
	/*
	 * memcheck rightly reports copying out undefined kernel bytes (an
	 * information leak in a real kernel); here it is the point.
	 */
	VALGRIND_DISABLE_ERROR_REPORTING;
	error = rumpuser_copyout(src, dst, 64);
	VALGRIND_ENABLE_ERROR_REPORTING;
	ATF_REQUIRE_EQ(error, 0);
	ATF_REQUIRE_EQ(VALGRIND_GET_VBITS(dst, vbits, 64), 1);
	for (int i = 0; i < 32; i++)
		ATF_REQUIRE_EQ_MSG(vbits[i], 0, "copyout byte %d undefined", i);
	for (int i = 32; i < 64; i++)
		ATF_REQUIRE_EQ_MSG(vbits[i], 0xff, "copyout byte %d defined",
		    i);
	VALGRIND_MAKE_MEM_UNDEFINED(dst, 64);
	ATF_REQUIRE_EQ(rumpuser_copyin(src, dst, 64), 0);
	ATF_REQUIRE_EQ(VALGRIND_GET_VBITS(dst, vbits, 64), 1);
	for (int i = 0; i < 32; i++)
		ATF_REQUIRE_EQ_MSG(vbits[i], 0, "copyin byte %d undefined", i);
	for (int i = 32; i < 64; i++)
		ATF_REQUIRE_EQ_MSG(vbits[i], 0xff, "copyin byte %d defined",
		    i);
	free(src);
	free(dst);
#else
	atf_tc_skip("built without <valgrind/memcheck.h>");
#endif
}

/* ---------------------------------------------------------------- */

/* Fault injection at the hypercall level (RUMP_HYPERFAIL). */

ATF_TC(hyperfail_thread_create_fails_boot);
ATF_TC_HEAD(hyperfail_thread_create_fails_boot, tc)
{
	atf_tc_set_md_var(tc, "descr", "a host that cannot create the first "
	    "or the second kernel thread makes the boot fail cleanly with "
	    "EAGAIN, and the next boot works");
}
ATF_TC_BODY(hyperfail_thread_create_fails_boot, tc)
{
	RL(setenv("RUMP_HYPERFAIL", "thread_create:1", 1));
	ATF_REQUIRE_EQ(rump_init(), EAGAIN);
	ATF_REQUIRE(!rump_booted());
	/* The callout thread exists when the softint one cannot be made. */
	RL(setenv("RUMP_HYPERFAIL", "thread_create:2", 1));
	ATF_REQUIRE_EQ(rump_init(), EAGAIN);
	ATF_REQUIRE(!rump_booted());
	RL(unsetenv("RUMP_HYPERFAIL"));
	RZ(rump_init());
	ATF_REQUIRE_EQ(rump_sys_getpid(), 1);
	h_shutdown_check();
}

ATF_TC(hyperfail_bad_spec);
ATF_TC_HEAD(hyperfail_bad_spec, tc)
{
	atf_tc_set_md_var(tc, "descr", "a malformed RUMP_HYPERFAIL is a boot "
	    "error, not ignored");
}
ATF_TC_BODY(hyperfail_bad_spec, tc)
{
	static const char *const bad[] = { "bio", "bio:", "bio:0", "bio:x",
	    "nosuch:1", "bio:2-", ":1" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		RL(setenv("RUMP_HYPERFAIL", bad[i], 1));
		ATF_REQUIRE_EQ_MSG(rump_init(), EINVAL, "RUMP_HYPERFAIL=%s",
		    bad[i]);
	}
	RL(unsetenv("RUMP_HYPERFAIL"));
	h_shutdown_check();
}

/* A bio completion: slot[1] gets the error, slot[2] the length. */
static void
record_bio(void *arg, size_t len, int error)
{
	int *slot = arg;

	slot[2] = (int)len;
	__atomic_store_n(&slot[1], error, __ATOMIC_RELEASE);
}

ATF_TC(hyperfail_bio_malloc);
ATF_TC_HEAD(hyperfail_bio_malloc, tc)
{
	atf_tc_set_md_var(tc, "descr", "RUMP_HYPERFAIL fails exactly the "
	    "chosen calls: the 2nd block I/O completes with EIO, the 3rd and "
	    "later mallocs fail");
}
ATF_TC_BODY(hyperfail_bio_malloc, tc)
{
	char path[] = "hyperfail.XXXXXX", buf[3][512];
	int slots[3][3];
	void *p;
	int fd, hfd, i;

	hfd = RL(mkstemp(path));
	memset(buf, 'x', sizeof(buf));
	ATF_REQUIRE_EQ(write(hfd, buf, sizeof(buf)), (ssize_t)sizeof(buf));
	close(hfd);
	RL(setenv("RUMP_HYPERFAIL", "bio:2,malloc:3+", 1));
	RZ(rumpuser_init(RUMPUSER_VERSION, &dummy_hyp));
	ATF_REQUIRE_EQ(rumpuser_open(path, RUMPUSER_OPEN_RDWR, &fd), 0);
	for (i = 0; i < 3; i++) {
		slots[i][0] = 0;
		slots[i][1] = -1;
		rumpuser_bio(fd, RUMPUSER_BIO_READ, buf[i], 512, 512 * i,
		    record_bio, slots[i]);
	}
	/* Completions are asynchronous; wait for all three. */
	for (int tries = 0; tries < 5000; tries++) {
		if (__atomic_load_n(&slots[0][1], __ATOMIC_ACQUIRE) != -1 &&
		    __atomic_load_n(&slots[1][1], __ATOMIC_ACQUIRE) != -1 &&
		    __atomic_load_n(&slots[2][1], __ATOMIC_ACQUIRE) != -1)
			break;
		usleep(1000);
	}
	ATF_CHECK_EQ(slots[0][1], 0);
	ATF_CHECK_EQ(slots[0][2], 512);
	ATF_CHECK_EQ(slots[1][1], RUMP_EIO);
	ATF_CHECK_EQ(slots[1][2], 0);
	ATF_CHECK_EQ(slots[2][1], 0);
	ATF_CHECK_EQ(slots[2][2], 512);

	for (i = 1; i <= 4; i++) {
		int error = rumpuser_malloc(64, 0, &p);

		ATF_CHECK_EQ_MSG(error, i < 3 ? 0 : RUMP_ENOMEM, "malloc %d", i);
		if (error == 0)
			rumpuser_free(p, 64);
	}
	RZ(rumpuser_close(fd));
	rumpuser_fini();
	RL(unsetenv("RUMP_HYPERFAIL"));
	unlink(path);
}

/* ---------------------------------------------------------------- */

/* Files, vector I/O and random bytes, as a block device driver uses them. */

ATF_TC(file_io_roundtrip);
ATF_TC_HEAD(file_io_roundtrip, tc)
{
	atf_tc_set_md_var(tc, "descr", "open, getfileinfo, vector write and "
	    "read at offsets and at the file position, sync and close a host "
	    "file; errors are kernel errno values");
}
ATF_TC_BODY(file_io_roundtrip, tc)
{
	char a[100], b[200], ra[100], rb[200];
	struct rumpuser_iovec wiov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
	struct rumpuser_iovec riov[2] = { { ra, sizeof(ra) }, { rb, sizeof(rb) } };
	uint64_t size;
	size_t n;
	int fd, type;

	memset(a, 'a', sizeof(a));
	memset(b, 'b', sizeof(b));
	RZ(rumpuser_init(RUMPUSER_VERSION, &dummy_hyp));
	ATF_REQUIRE_EQ(rumpuser_open("img", RUMPUSER_OPEN_RDWR, &fd),
	    RUMP_ENOENT);
	ATF_REQUIRE_EQ(rumpuser_open("img", RUMPUSER_OPEN_RDWR |
	    RUMPUSER_OPEN_CREATE | RUMPUSER_OPEN_EXCL, &fd), 0);
	ATF_REQUIRE_EQ(rumpuser_open("img", RUMPUSER_OPEN_RDWR |
	    RUMPUSER_OPEN_CREATE | RUMPUSER_OPEN_EXCL, &type), RUMP_EEXIST);
	ATF_REQUIRE_EQ(rumpuser_iovwrite(fd, wiov, 2, 4096, &n), 0);
	ATF_REQUIRE_EQ(n, 300);
	ATF_REQUIRE_EQ(rumpuser_syncfd(fd, RUMPUSER_SYNCFD_WRITE), 0);
	ATF_REQUIRE_EQ(rumpuser_syncfd(fd, RUMPUSER_SYNCFD_SYNC), 0);
	ATF_REQUIRE_EQ(rumpuser_getfileinfo("img", &size, &type), 0);
	ATF_CHECK_EQ(size, 4396);
	ATF_CHECK_EQ(type, RUMPUSER_FT_REG);
	ATF_REQUIRE_EQ(rumpuser_getfileinfo(".", &size, &type), 0);
	ATF_CHECK_EQ(type, RUMPUSER_FT_DIR);
	ATF_CHECK_EQ(rumpuser_getfileinfo("nosuch", &size, &type),
	    RUMP_ENOENT);

	/* Read back across both buffers; then through the file position. */
	ATF_REQUIRE_EQ(rumpuser_iovread(fd, riov, 2, 4096, &n), 0);
	ATF_REQUIRE_EQ(n, 300);
	ATF_CHECK(memcmp(ra, a, sizeof(a)) == 0 && memcmp(rb, b, sizeof(b)) == 0);
	ATF_REQUIRE_EQ(rumpuser_iovread(fd, riov, 2, 4300, &n), 0);
	ATF_CHECK_EQ(n, 96);	/* short at the end of the file */
	ATF_REQUIRE_EQ(rumpuser_iovread(fd, riov, 1, RUMPUSER_IOV_NOSEEK, &n),
	    0);
	ATF_CHECK_EQ(n, 100);
	ATF_CHECK_EQ(ra[0], 0);	/* the hole before offset 4096 */
	ATF_CHECK_EQ(rumpuser_iovread(fd, riov, 2, -5, &n), RUMP_EINVAL);
	ATF_REQUIRE_EQ(rumpuser_close(fd), 0);
	ATF_CHECK_EQ(rumpuser_close(fd), RUMP_EBADF);
	ATF_CHECK_EQ(rumpuser_iovwrite(fd, wiov, 2, 0, &n), RUMP_EBADF);

	/* Read-only opens refuse writes with the host's answer. */
	ATF_REQUIRE_EQ(rumpuser_open("img", RUMPUSER_OPEN_RDONLY, &fd), 0);
	ATF_CHECK_EQ(rumpuser_iovwrite(fd, wiov, 1, 0, &n), RUMP_EBADF);
	ATF_REQUIRE_EQ(rumpuser_close(fd), 0);
	rumpuser_fini();
}

ATF_TC(random_bytes);
ATF_TC_HEAD(random_bytes, tc)
{
	atf_tc_set_md_var(tc, "descr", "rumpuser_getrandom fills the buffer "
	    "with bytes that differ between calls, and rejects unknown flags");
}
ATF_TC_BODY(random_bytes, tc)
{
	unsigned char x[64], y[64], zero[64];
	size_t n;

	memset(x, 0, sizeof(x));
	memset(y, 0, sizeof(y));
	memset(zero, 0, sizeof(zero));
	ATF_REQUIRE_EQ(rumpuser_getrandom(x, sizeof(x), 0, &n), 0);
	ATF_REQUIRE_EQ(n, sizeof(x));
	ATF_REQUIRE_EQ(rumpuser_getrandom(y, sizeof(y),
	    RUMPUSER_RANDOM_HARD | RUMPUSER_RANDOM_NOWAIT, &n), 0);
	ATF_REQUIRE_EQ(n, sizeof(y));
	/* 2^-512 odds of a false failure. */
	ATF_CHECK(memcmp(x, zero, sizeof(x)) != 0);
	ATF_CHECK(memcmp(x, y, sizeof(x)) != 0);
	ATF_CHECK_EQ(rumpuser_getrandom(x, sizeof(x), 0x100, &n), RUMP_EINVAL);
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, file_io_roundtrip);
	ATF_TP_ADD_TC(tp, random_bytes);
	ATF_TP_ADD_TC(tp, hyperfail_thread_create_fails_boot);
	ATF_TP_ADD_TC(tp, hyperfail_bad_spec);
	ATF_TP_ADD_TC(tp, hyperfail_bio_malloc);
	ATF_TP_ADD_TC(tp, init_version_mismatch);
	ATF_TP_ADD_TC(tp, init_null_hyp);
	ATF_TP_ADD_TC(tp, errno_tohost_table);
	ATF_TP_ADD_TC(tp, errno_seterrno);
	ATF_TP_ADD_TC(tp, errno_through_syscalls);
	ATF_TP_ADD_TC(tp, getparam_errors);
	ATF_TP_ADD_TC(tp, getparam_instrumented);
	ATF_TP_ADD_TC(tp, copyin_efault);
	ATF_TP_ADD_TC(tp, copyout_efault);
	ATF_TP_ADD_TC(tp, copyinstr_limits);
	ATF_TP_ADD_TC(tp, copyoutv_gather);
	ATF_TP_ADD_TC(tp, copy_fault_elsewhere_still_kills);
	ATF_TP_ADD_TC(tp, copy_keeps_memcheck_state);
	return atf_no_error();
}
