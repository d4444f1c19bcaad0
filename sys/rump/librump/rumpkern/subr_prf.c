/*
 * subr_prf.c: kernel printf and panic.  Formatting is done here (the
 * kernel has no libc); the finished text leaves through the console
 * hypercall in one piece per call, so lines from several threads do not
 * interleave mid-line.
 */
#include <rump-sys/systm.h>
#include <rump/rumpuser.h>

int rump_verbose;

struct prbuf {
	char	*pb_buf;
	size_t	 pb_size;
	size_t	 pb_len;	/* would-be length, may exceed pb_size */
};

static void
pr_putc(struct prbuf *pb, char c)
{
	if (pb->pb_len + 1 < pb->pb_size)
		pb->pb_buf[pb->pb_len] = c;
	pb->pb_len++;
}

static void
pr_pad(struct prbuf *pb, char c, int n)
{
	while (n-- > 0)
		pr_putc(pb, c);
}

/* One conversion's flags, width and precision. */
struct pfmt {
	int	pf_left;	/* '-' (or a negative '*' width) */
	int	pf_zero;	/* '0' */
	int	pf_plus;	/* '+' */
	int	pf_space;	/* ' ' */
	int	pf_alt;		/* '#' */
	int	pf_width;
	int	pf_prec;	/* -1: none */
};

/*
 * A number as C's printf does it: sign or '+'/' ' (signed conversions),
 * the '#' prefix ("0x" for non-zero hex, a leading 0 for octal), at
 * least prec digits (none for 0 with precision 0), then padding to the
 * width; '0' pads with zeros unless '-' or a precision is given.  ptr:
 * %p, always "0x".
 */
static void
pr_num(struct prbuf *pb, unsigned long long v, unsigned int base, int upper,
    int sgn, int neg, int ptr, const struct pfmt *pf)
{
	const char *dset = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24], prefix[3];
	int nd = 0, npfx = 0, nzeros = 0, pad;
	int zeropad = pf->pf_zero && !pf->pf_left && pf->pf_prec < 0;

	if ((base == 16 && v != 0 && pf->pf_alt) || ptr) {
		prefix[npfx++] = '0';
		prefix[npfx++] = upper ? 'X' : 'x';
	}
	if (v != 0 || pf->pf_prec != 0) {
		do {
			digits[nd++] = dset[v % base];
			v /= base;
		} while (v != 0);
	}
	if (pf->pf_prec > nd)
		nzeros = pf->pf_prec - nd;
	if (base == 8 && pf->pf_alt && nzeros == 0 &&
	    (nd == 0 || digits[nd - 1] != '0'))
		nzeros = 1;
	if (neg)
		prefix[npfx++] = '-';
	else if (sgn && pf->pf_plus)
		prefix[npfx++] = '+';
	else if (sgn && pf->pf_space)
		prefix[npfx++] = ' ';

	pad = pf->pf_width - (npfx + nzeros + nd);
	if (!pf->pf_left && !zeropad)
		pr_pad(pb, ' ', pad);
	for (int i = 0; i < npfx; i++)
		pr_putc(pb, prefix[i]);
	if (zeropad)
		pr_pad(pb, '0', pad);
	pr_pad(pb, '0', nzeros);
	while (nd > 0)
		pr_putc(pb, digits[--nd]);
	if (pf->pf_left)
		pr_pad(pb, ' ', pad);
}

/* Text, at most prec bytes of it, padded to the width. */
static void
pr_str(struct prbuf *pb, const char *s, size_t len, const struct pfmt *pf)
{
	int pad;

	if (pf->pf_prec >= 0 && len > (size_t)pf->pf_prec)
		len = (size_t)pf->pf_prec;
	pad = pf->pf_width - (int)MIN(len, (size_t)INT32_MAX);
	if (!pf->pf_left)
		pr_pad(pb, ' ', pad);
	for (size_t i = 0; i < len; i++)
		pr_putc(pb, s[i]);
	if (pf->pf_left)
		pr_pad(pb, ' ', pad);
}

/* Read an integer argument of the given length modifier. */
static unsigned long long
pr_arg(va_list *ap, int lmod, int sgn, int *negp)
{
	long long sv;

	*negp = 0;
	if (!sgn) {
		switch (lmod) {
		case 'L': return va_arg(*ap, unsigned long long);
		case 'l': return va_arg(*ap, unsigned long);
		case 'z': return va_arg(*ap, size_t);
		case 'j': return va_arg(*ap, uintmax_t);
		case 't': return (unsigned long long)va_arg(*ap, ptrdiff_t);
		case 'h': return (unsigned short)va_arg(*ap, unsigned int);
		case 'H': return (unsigned char)va_arg(*ap, unsigned int);
		default: return va_arg(*ap, unsigned int);
		}
	}
	switch (lmod) {
	case 'L': sv = va_arg(*ap, long long); break;
	case 'l': sv = va_arg(*ap, long); break;
	case 'z': sv = va_arg(*ap, ssize_t); break;
	case 'j': sv = va_arg(*ap, intmax_t); break;
	case 't': sv = va_arg(*ap, ptrdiff_t); break;
	case 'h': sv = (short)va_arg(*ap, int); break;
	case 'H': sv = (signed char)va_arg(*ap, int); break;
	default: sv = va_arg(*ap, int); break;
	}
	if (sv < 0) {
		*negp = 1;
		return 0ULL - (unsigned long long)sv;
	}
	return (unsigned long long)sv;
}

/* Parse flags, width and precision after a '%'; returns past them. */
static const char *
pr_spec(const char *fmt, va_list *ap, struct pfmt *pf)
{
	memset(pf, 0, sizeof(*pf));
	pf->pf_prec = -1;
	for (;; fmt++) {
		if (*fmt == '-')
			pf->pf_left = 1;
		else if (*fmt == '0')
			pf->pf_zero = 1;
		else if (*fmt == '+')
			pf->pf_plus = 1;
		else if (*fmt == ' ')
			pf->pf_space = 1;
		else if (*fmt == '#')
			pf->pf_alt = 1;
		else
			break;
	}
	if (*fmt == '*') {
		pf->pf_width = va_arg(*ap, int);
		if (pf->pf_width < 0) {
			/* As C says: a negative width is '-' and a width. */
			pf->pf_left = 1;
			pf->pf_width = pf->pf_width == INT32_MIN ? INT32_MAX :
			    -pf->pf_width;
		}
		fmt++;
	}
	for (; *fmt >= '0' && *fmt <= '9'; fmt++)
		pf->pf_width = pf->pf_width * 10 + (*fmt - '0');
	if (*fmt == '.') {
		pf->pf_prec = 0;
		if (*++fmt == '*') {
			/* A negative precision is taken as none. */
			pf->pf_prec = va_arg(*ap, int);
			if (pf->pf_prec < 0)
				pf->pf_prec = -1;
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			pf->pf_prec = pf->pf_prec * 10 + (*fmt - '0');
	}
	return fmt;
}

static void
pr_format(struct prbuf *pb, const char *fmt, va_list ap0)
{
	struct pfmt pf;
	va_list ap;

	va_copy(ap, ap0);
	for (; *fmt != '\0'; fmt++) {
		unsigned long long v;
		const char *s;
		int lmod = 0, neg;
		char c;

		if (*fmt != '%') {
			pr_putc(pb, *fmt);
			continue;
		}
		fmt = pr_spec(fmt + 1, &ap, &pf);
		for (;; fmt++) {
			if (*fmt == 'l')
				lmod = lmod == 'l' ? 'L' : 'l';
			else if (*fmt == 'h')
				lmod = lmod == 'h' ? 'H' : 'h';
			else if (*fmt == 'z' || *fmt == 'j' || *fmt == 't')
				lmod = *fmt;
			else
				break;
		}
		switch (*fmt) {
		case 'd':
		case 'i':
			v = pr_arg(&ap, lmod, 1, &neg);
			pr_num(pb, v, 10, 0, 1, neg, 0, &pf);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			v = pr_arg(&ap, lmod, 0, &neg);
			pr_num(pb, v, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
			    *fmt == 'X', 0, 0, 0, &pf);
			break;
		case 'p':
			pr_num(pb, (uintptr_t)va_arg(ap, void *), 16, 0, 0, 0,
			    1, &pf);
			break;
		case 's':
			if ((s = va_arg(ap, const char *)) == NULL)
				s = "(null)";
			pr_str(pb, s, pf.pf_prec >= 0 ?
			    strnlen(s, (size_t)pf.pf_prec) : strlen(s), &pf);
			break;
		case 'c':
			c = (char)va_arg(ap, int);
			pf.pf_prec = -1;
			pr_str(pb, &c, 1, &pf);
			break;
		case '%':
			pr_putc(pb, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			/* Unknown conversion: show it rather than guess. */
			pr_putc(pb, '%');
			pr_putc(pb, *fmt);
			break;
		}
	}
	va_end(ap);
	if (pb->pb_size > 0)
		pb->pb_buf[MIN(pb->pb_len, pb->pb_size - 1)] = '\0';
}

int
vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct prbuf pb = { buf, size, 0 };

	pr_format(&pb, fmt, ap);
	return (int)pb.pb_len;
}

int
snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int
vprintf(const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	rumpuser_console(buf, MIN((size_t)n, sizeof(buf) - 1));
	if ((size_t)n >= sizeof(buf))
		rumpuser_console("[...]\n", 6);
	return n;
}

int
printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}

void
aprint_verbose(const char *fmt, ...)
{
	va_list ap;

	if (!rump_verbose)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
}

/*
 * The first panic prints its message and aborts the process.  A second
 * thread panicking meanwhile must not abort first (its backtrace and
 * abort would cut off the first message, or interleave with it): it
 * waits, on its CPU, for the first to finish.  A panic in the panic
 * path itself (same lwp) aborts at once, printing nothing more.
 */
#define PANIC_WAIT_SEC	10

static int		 panicking;
static struct lwp	*panic_lwp;

/*
 * Block until another thread's panic ends the process, or a while has
 * passed.  It waits in the host (a private host condvar that nobody
 * signals), not spinning, which would starve the panicking thread under
 * valgrind, and not through the kernel's scheduler, which may be what
 * broke.  The mutex and condvar are never freed: the process is about
 * to end.
 */
static void
panic_wait(void)
{
	struct rumpuser_mtx *mtx;
	struct rumpuser_cv *cv;
	int64_t sec, start;
	long nsec;

	if (rumpuser_clock_gettime(RUMPUSER_CLOCK_MONO, &start, &nsec) != 0 ||
	    rumpuser_mutex_init(RUMPUSER_MTX_SPIN, &mtx) != 0)
		return;
	if (rumpuser_cv_init(&cv) != 0)
		return;
	rumpuser_mutex_enter_nowrap(mtx);
	do {
		(void)rumpuser_cv_timedwait_nowrap(cv, mtx, 1, 0);
		if (rumpuser_clock_gettime(RUMPUSER_CLOCK_MONO, &sec,
		    &nsec) != 0)
			break;
	} while (sec - start < PANIC_WAIT_SEC);
	rumpuser_mutex_exit(mtx);
}

void
vpanic(const char *fmt, va_list ap)
{
	struct lwp *l = rumpuser_curlwp();
	char buf[512];
	int n;

	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) == 0) {
		__atomic_store_n(&panic_lwp, l, __ATOMIC_SEQ_CST);
		n = vsnprintf(buf, sizeof(buf), fmt, ap);
		printf("panic: %s%s\n", buf,
		    (size_t)n >= sizeof(buf) ? "[...]" : "");
	} else if (l == NULL ||
	    l != __atomic_load_n(&panic_lwp, __ATOMIC_SEQ_CST)) {
		panic_wait();
	}
	rumpuser_exit(RUMPUSER_PANIC);
}

void
panic(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(fmt, ap);
}

void
kern_assert(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vpanic(fmt, ap);
}
