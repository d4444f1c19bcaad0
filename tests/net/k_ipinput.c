/*
 * k_ipinput.c: kernel half of t_ipinput (see k_ipinput.h).
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/netinet/ip_icmp.h>
#include <rump-sys/netinet/ip_var.h>
#include <rump-sys/netinet/udp_var.h>

#include "ktest_int.h"
#include "k_ipinput.h"

static int
inject(const void *pkt, size_t len, size_t chunk, size_t offset)
{
	struct mbuf *top = NULL, **np = &top, *m;
	const char *p = pkt;
	size_t left = len, n;

	if (lo0ifp == NULL)
		return ENXIO;
	do {
		n = MIN(left, chunk);
		m = top == NULL ? m_gethdr(M_WAITOK, MT_DATA) :
		    m_get(M_WAITOK, MT_DATA);
		if (n + offset > (size_t)MLEN && m_clget(m, M_WAITOK) != 0) {
			m_freem(m);
			m_freem(top);
			return ENOBUFS;
		}
		if (top == NULL)
			m->m_data += offset;
		memcpy(m->m_data, p, n);
		m->m_len = (int)n;
		*np = m;
		np = &m->m_next;
		p += n;
		left -= n;
	} while (left > 0);
	top->m_pkthdr.len = (int)len;
	top->m_pkthdr.rcvif = lo0ifp;
	mutex_enter(softnet_lock);
	ip_input(top);
	mutex_exit(softnet_lock);
	return 0;
}

int
rump_pub_ktest_ip_inject(const void *pkt, size_t len)
{
	int error;

	KTEST_ENTER();
	error = len == 0 || len > 70000 ? EINVAL : inject(pkt, len, 2040, 0);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_ip_inject_chunked(const void *pkt, size_t len, size_t chunk)
{
	int error;

	KTEST_ENTER();
	error = len == 0 || chunk == 0 || len > 70000 ? EINVAL :
	    inject(pkt, len, MIN(chunk, 2040), 0);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_ip_inject_at(const void *pkt, size_t len, size_t offset)
{
	int error;

	KTEST_ENTER();
	error = len == 0 || len > 70000 || offset >= 8 ? EINVAL :
	    inject(pkt, len, 2040, offset);
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_netstat(struct k_netstat *ns)
{
	KTEST_ENTER();
	mutex_enter(softnet_lock);
	ns->ip = ipstat;
	ns->icmp = icmpstat;
	ns->udp = udpstat;
	ns->reass_queues = ip_reass_count();
	mutex_exit(softnet_lock);
	ns->mbufs = mbstat.m_mbufs;
	ns->clusters = mbstat.m_clusters;
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_reass_limits(int maxqueues, int timeout_s, int maxfrags)
{
	KTEST_ENTER();
	mutex_enter(softnet_lock);
	if (maxqueues > 0)
		ip_maxfragpackets = maxqueues;
	if (timeout_s > 0)
		ip_reass_timeout_s = timeout_s;
	if (maxfrags > 0)
		ip_maxfrags = maxfrags;
	mutex_exit(softnet_lock);
	return KTEST_LEAVE(0);
}

static bool
chain_equals(const struct mbuf *m, const char *want, int len)
{
	char buf[4096];

	if (len > (int)sizeof(buf) || m_length(m) != len)
		return false;
	m_copydata(m, 0, len, buf);
	return memcmp(buf, want, (size_t)len) == 0;
}

static int
mbuf_checks(void)
{
	static char pat[3000];
	struct mbuf *m = NULL, *n = NULL, *c = NULL;
	int error = 0, i;
	uint64_t before = mbstat.m_mbufs;

	for (i = 0; i < (int)sizeof(pat); i++)
		pat[i] = (char)(i * 13 + 1);
	/* copyback grows a chain across mbufs and clusters */
	m = m_gethdr(M_WAITOK, MT_DATA);
	KTEST_CHECK(m_copyback(m, 0, 3000, pat, M_WAITOK) == 0, "copyback");
	KTEST_CHECK(m->m_pkthdr.len == 3000, "pkthdr.len %d",
	    m->m_pkthdr.len);
	KTEST_CHECK(chain_equals(m, pat, 3000), "copyback data");
	m_check(m);
	/* copym shares clusters, copies small mbufs; both read the same */
	c = m_copym(m, 100, 2500, M_WAITOK);
	KTEST_CHECK(c != NULL && chain_equals(c, pat + 100, 2500), "copym");
	m_freem(c);
	c = m_dup(m, 0, M_COPYALL, M_WAITOK);
	KTEST_CHECK(c != NULL && chain_equals(c, pat, 3000), "dup");
	KTEST_CHECK(c->m_pkthdr.len == 3000, "dup pkthdr %d",
	    c->m_pkthdr.len);
	m_freem(c);
	c = NULL;
	/* pullup makes a header contiguous */
	m = m_prepend(m, 10, M_WAITOK);
	KTEST_CHECK(m != NULL && m->m_pkthdr.len == 3010, "prepend");
	memset(mtod(m, char *), 'H', 10);
	m = m_pullup(m, 100);
	KTEST_CHECK(m != NULL && m->m_len >= 100, "pullup");
	KTEST_CHECK(memcmp(mtod(m, char *) + 10, pat, 90) == 0,
	    "pullup data");
	/* adj from both ends */
	m_adj(m, 10);
	m_adj(m, -1000);
	KTEST_CHECK(m->m_pkthdr.len == 2000 && chain_equals(m, pat, 2000),
	    "adj");
	/* split and cat back */
	n = m_split(m, 700, M_WAITOK);
	KTEST_CHECK(n != NULL && m->m_pkthdr.len == 700 &&
	    n->m_pkthdr.len == 1300, "split %d/%d", m->m_pkthdr.len,
	    n != NULL ? n->m_pkthdr.len : -1);
	KTEST_CHECK(chain_equals(n, pat + 700, 1300), "split tail");
	m->m_pkthdr.len += n->m_pkthdr.len;
	n->m_flags &= ~M_PKTHDR;
	m_cat(m, n);
	n = NULL;
	KTEST_CHECK(chain_equals(m, pat, 2000), "cat");
	m_check(m);
	/* pulling up more than the chain holds fails and frees it */
	KTEST_CHECK(m_pullup(m_copym(m, 0, 50, M_WAITOK), 60) == NULL,
	    "short pullup");
	/* devget */
	c = m_devget(pat, 2500, NULL, M_WAITOK);
	KTEST_CHECK(c != NULL && chain_equals(c, pat, 2500), "devget");
out:
	m_freem(m);
	m_freem(n);
	m_freem(c);
	if (error == 0 && mbstat.m_mbufs != before) {
		printf("ktest: %llu mbufs before, %llu after\n",
		    (unsigned long long)before,
		    (unsigned long long)mbstat.m_mbufs);
		error = EIO;
	}
	return error;
}

int
rump_pub_ktest_mbuf_leak(int *linep, int *freedlinep)
{
	struct mbuf *m;

	KTEST_ENTER();
	*freedlinep = __LINE__ + 1;
	m = m_gethdr(M_WAITOK, MT_DATA);
	m_freem(m);
	*linep = __LINE__ + 1;
	m = m_gethdr(M_WAITOK, MT_DATA);
	m->m_len = m->m_pkthdr.len = 10;	/* and never freed */
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_mbuf(void)
{
	int error;

	KTEST_ENTER();
	error = mbuf_checks();
	return KTEST_LEAVE(error);
}
