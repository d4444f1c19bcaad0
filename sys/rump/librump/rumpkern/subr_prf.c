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

/* Unsigned number in base with width, zero padding and left justify. */
static void
pr_num(struct prbuf *pb, unsigned long long v, unsigned int base, int upper,
    int neg, int width, int zero, int left, int prec)
{
	char tmp[24];
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v != 0);
	while (n < prec && n < (int)sizeof(tmp))
		tmp[n++] = '0';
	len = n + (neg ? 1 : 0);
	if (!left && !zero)
		pr_pad(pb, ' ', width - len);
	if (neg)
		pr_putc(pb, '-');
	if (!left && zero)
		pr_pad(pb, '0', width - len);
	while (n > 0)
		pr_putc(pb, tmp[--n]);
	if (left)
		pr_pad(pb, ' ', width - len);
}

static void
pr_str(struct prbuf *pb, const char *s, int width, int left, int prec)
{
	int len;

	if (s == NULL)
		s = "(null)";
	len = (int)(prec >= 0 ? strnlen(s, (size_t)prec) : strlen(s));
	if (!left)
		pr_pad(pb, ' ', width - len);
	for (int i = 0; i < len; i++)
		pr_putc(pb, s[i]);
	if (left)
		pr_pad(pb, ' ', width - len);
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

static void
pr_format(struct prbuf *pb, const char *fmt, va_list ap0)
{
	va_list ap;

	va_copy(ap, ap0);
	for (; *fmt != '\0'; fmt++) {
		int left = 0, zero = 0, width = 0, prec = -1, lmod = 0, neg;
		unsigned long long v;

		if (*fmt != '%') {
			pr_putc(pb, *fmt);
			continue;
		}
		for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
			if (*fmt == '-')
				left = 1;
			else
				zero = 1;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			fmt++;
		}
		for (; *fmt >= '0' && *fmt <= '9'; fmt++)
			width = width * 10 + (*fmt - '0');
		if (*fmt == '.') {
			prec = 0;
			if (*++fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			}
			for (; *fmt >= '0' && *fmt <= '9'; fmt++)
				prec = prec * 10 + (*fmt - '0');
		}
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
			pr_num(pb, v, 10, 0, neg, width, zero, left, prec);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			v = pr_arg(&ap, lmod, 0, &neg);
			pr_num(pb, v, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16,
			    *fmt == 'X', 0, width, zero, left, prec);
			break;
		case 'p':
			pr_putc(pb, '0');
			pr_putc(pb, 'x');
			pr_num(pb, (uintptr_t)va_arg(ap, void *), 16, 0, 0,
			    width, zero, left, prec);
			break;
		case 's':
			pr_str(pb, va_arg(ap, const char *), width, left, prec);
			break;
		case 'c':
			pr_putc(pb, (char)va_arg(ap, int));
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

static volatile int panicking;

void
vpanic(const char *fmt, va_list ap)
{
	char buf[512];
	int n;

	/* A panic inside the panic path must not recurse forever. */
	if (__atomic_fetch_add(&panicking, 1, __ATOMIC_SEQ_CST) == 0) {
		n = vsnprintf(buf, sizeof(buf), fmt, ap);
		printf("panic: %s%s\n", buf,
		    (size_t)n >= sizeof(buf) ? "[...]" : "");
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
