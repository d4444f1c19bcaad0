/*
 * rumpnet.c: the networking faction's boot and shutdown, softnet_lock,
 * the network soft interrupt with its per-protocol input queues, and
 * the list of address families.
 *
 * Boot (RUMP_COMPONENT_NET): the lock, the softint, the interface list
 * and routing table; then (NET_IF) the loopback interface lo0.  The
 * address families register as components of type NET depending on
 * "rumpnet".  Shutdown closes every descriptor first (a POSTINIT fini,
 * run before the others), so protocols see their sockets go before
 * they unregister.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>
#include <rump-sys/domain.h>
#include <rump-sys/file.h>
#include <rump-sys/if.h>
#include <rump-sys/intr.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/mutex.h>
#include <rump-sys/socketvar.h>

#include "rumpnet_int.h"

static kmutex_t softnet_lock_store;
kmutex_t *softnet_lock = &softnet_lock_store;

static LIST_HEAD(, domain) domains = LIST_HEAD_INITIALIZER(domains);

int
domain_attach(struct domain *dp)
{
	int error = 0;

	mutex_enter(softnet_lock);
	if (domain_find(dp->dom_family) != NULL)
		error = EEXIST;
	else
		LIST_INSERT_HEAD(&domains, dp, dom_link);
	mutex_exit(softnet_lock);
	return error;
}

void
domain_detach(struct domain *dp)
{
	mutex_enter(softnet_lock);
	LIST_REMOVE(dp, dom_link);
	mutex_exit(softnet_lock);
}

struct domain *
domain_find(int family)
{
	struct domain *dp;

	LIST_FOREACH(dp, &domains, dom_link)
		if (dp->dom_family == family)
			return dp;
	return NULL;
}

/*
 * The network softint.  Each isr has a queue under its own spin lock;
 * the handler drains them all, calling the protocols' input with
 * softnet_lock held.
 */
#define NETISR_QLEN	1024

static struct netisr {
	kmutex_t	 ni_lock;
	struct ifqueue	 ni_q;
	void		(*ni_input)(struct mbuf *);
} netisrs[NETISR_MAX];
static void *netisr_sih;

static void
netisr_run(void *arg)
{
	struct netisr *ni;
	struct mbuf *m;
	int i, budget;

	mutex_enter(softnet_lock);
	for (i = 0; i < NETISR_MAX; i++) {
		ni = &netisrs[i];
		/* bounded, so one flood cannot starve the other queues */
		for (budget = NETISR_QLEN; budget > 0; budget--) {
			mutex_spin_enter(&ni->ni_lock);
			m = ifq_dequeue(&ni->ni_q);
			mutex_spin_exit(&ni->ni_lock);
			if (m == NULL)
				break;
			if (ni->ni_input != NULL)
				ni->ni_input(m);
			else
				m_freem(m);
		}
		if (budget == 0)
			softint_schedule(netisr_sih);
	}
	mutex_exit(softnet_lock);
}

int
netisr_queue(int isr, struct mbuf *m)
{
	struct netisr *ni;
	struct ifnet *ifp = m->m_pkthdr.rcvif;
	int error;

	KASSERT(isr >= 0 && isr < NETISR_MAX);
	ni = &netisrs[isr];
	mutex_spin_enter(&ni->ni_lock);
	error = ifq_enqueue(&ni->ni_q, m);
	mutex_spin_exit(&ni->ni_lock);
	if (error != 0) {
		if (ifp != NULL)
			if_statinc(ifp, if_iqdrops);
		return error;
	}
	softint_schedule(netisr_sih);
	return 0;
}

int
netisr_dispatch(int isr, struct mbuf *m)
{
	struct netisr *ni;
	bool queued;

	KASSERT(isr >= 0 && isr < NETISR_MAX);
	ni = &netisrs[isr];
	if (mutex_owned(softnet_lock))
		return netisr_queue(isr, m);
	mutex_spin_enter(&ni->ni_lock);
	queued = !IF_IS_EMPTY(&ni->ni_q);
	mutex_spin_exit(&ni->ni_lock);
	if (queued)
		return netisr_queue(isr, m);	/* keep the order */
	mutex_enter(softnet_lock);
	if (ni->ni_input != NULL)
		ni->ni_input(m);
	else
		m_freem(m);
	mutex_exit(softnet_lock);
	return 0;
}

void
netisr_register(int isr, void (*fn)(struct mbuf *))
{
	mutex_enter(softnet_lock);
	netisrs[isr].ni_input = fn;
	mutex_exit(softnet_lock);
}

void
netisr_unregister(int isr)
{
	mutex_enter(softnet_lock);
	netisrs[isr].ni_input = NULL;
	mutex_exit(softnet_lock);
	mutex_spin_enter(&netisrs[isr].ni_lock);
	ifq_purge(&netisrs[isr].ni_q);
	mutex_spin_exit(&netisrs[isr].ni_lock);
}

void
netisr_purge_if(struct ifnet *ifp)
{
	struct ifqueue keep;
	struct mbuf *m;
	int i;

	for (i = 0; i < NETISR_MAX; i++) {
		memset(&keep, 0, sizeof(keep));
		keep.ifq_maxlen = NETISR_QLEN;
		mutex_spin_enter(&netisrs[i].ni_lock);
		while ((m = ifq_dequeue(&netisrs[i].ni_q)) != NULL) {
			if (m->m_pkthdr.rcvif == ifp)
				m_freem(m);
			else
				(void)ifq_enqueue(&keep, m);
		}
		keep.ifq_drops = netisrs[i].ni_q.ifq_drops;
		netisrs[i].ni_q = keep;
		mutex_spin_exit(&netisrs[i].ni_lock);
	}
}

void
netisr_init(void)
{
	for (int i = 0; i < NETISR_MAX; i++) {
		memset(&netisrs[i], 0, sizeof(netisrs[i]));
		mutex_init(&netisrs[i].ni_lock, MUTEX_SPIN, IPL_SOFTNET);
		netisrs[i].ni_q.ifq_maxlen = NETISR_QLEN;
	}
}

void
netisr_fini(void)
{
	for (int i = 0; i < NETISR_MAX; i++) {
		ifq_purge(&netisrs[i].ni_q);
		mutex_destroy(&netisrs[i].ni_lock);
	}
}

RUMP_COMPONENT(RUMP_COMPONENT_NET, rumpnet)
{
	mutex_init(softnet_lock, MUTEX_DEFAULT, IPL_NONE);
	LIST_INIT(&domains);
	mbinit();
	netisr_init();
	netisr_sih = softint_establish(SOFTINT_NET | SOFTINT_MPSAFE,
	    netisr_run, NULL);
	if (netisr_sih == NULL) {
		netisr_fini();
		mutex_destroy(softnet_lock);
		return ENOMEM;
	}
	ifnet_init();
	route_init();
	return 0;
}

RUMP_COMPONENT_FINI(rumpnet)
{
	softint_disestablish(netisr_sih);
	netisr_sih = NULL;
	route_fini();
	ifnet_fini();
	netisr_fini();
	KASSERTMSG(LIST_EMPTY(&domains), "rumpnet: a family did not detach");
	mbfini();
	if (mbstat.m_mbufs != 0 || mbstat.m_clusters != 0)
		printf("rumpnet: %llu mbufs and %llu clusters still allocated "
		    "at shutdown (the kmem report names where)\n",
		    (unsigned long long)mbstat.m_mbufs,
		    (unsigned long long)mbstat.m_clusters);
	mutex_destroy(softnet_lock);
}

/* The loopback interface, once the families are in. */
RUMP_COMPONENT(RUMP_COMPONENT_NET_IF, rumpnet_loop, "rumpnet")
{
	return loop_attach();
}

RUMP_COMPONENT_FINI(rumpnet_loop)
{
	loop_detach();
}

/* Sockets go first at shutdown: every descriptor of every process. */
static void
rumpnet_proc_exit(struct proc *p)
{
	if (p->p_fd != NULL)
		fd_closeall(p->p_fd);
}

RUMP_COMPONENT(RUMP_COMPONENT_POSTINIT, rumpnet_sockets, "rumpnet")
{
	return 0;
}

RUMP_COMPONENT_FINI(rumpnet_sockets)
{
	proc_foreach(rumpnet_proc_exit);
	unp_shutdown_gc();
}
