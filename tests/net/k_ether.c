/*
 * k_ether.c: kernel half of t_ether (see k_ether.h).
 */
#include <rump-sys/systm.h>
#include <rump-sys/if.h>
#include <rump-sys/if_ether.h>
#include <rump-sys/kmem.h>
#include <rump-sys/mbuf.h>
#include <rump-sys/socketvar.h>
#include <rump-sys/time.h>

#include "ktest_int.h"
#include "k_ether.h"

static struct ifnet *kte_ifp;

static void
kte_start(struct ifnet *ifp)
{
	/* the wire is the test: frames wait on if_snd to be taken */
}

int
rump_pub_ktest_ether_attach(const uint8_t *mac)
{
	struct ifnet *ifp;
	int error;

	KTEST_ENTER();
	if (kte_ifp != NULL) {
		error = EBUSY;
		goto out;
	}
	ifp = kmem_zalloc(sizeof(*ifp), KM_SLEEP);
	strlcpy(ifp->if_xname, "kte0", sizeof(ifp->if_xname));
	ifp->if_start = kte_start;
	ifp->if_ioctl = if_ioctl_common;
	ifp->if_link_state = LINK_STATE_UP;
	if ((error = if_attach(ifp)) != 0) {
		kmem_free(ifp, sizeof(*ifp));
		goto out;
	}
	ether_ifattach(ifp, mac);
	mutex_enter(softnet_lock);
	(void)if_up(ifp);
	ifp->if_flags |= IFF_RUNNING;
	kte_ifp = ifp;
	mutex_exit(softnet_lock);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_ether_detach(void)
{
	struct ifnet *ifp = kte_ifp;

	KTEST_ENTER();
	if (ifp == NULL)
		return KTEST_LEAVE(ENXIO);
	ether_ifdetach(ifp);
	if_detach(ifp);
	kte_ifp = NULL;
	kmem_free(ifp, sizeof(*ifp));
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_ether_input(const void *frame, size_t len)
{
	struct mbuf *m;

	KTEST_ENTER();
	if (kte_ifp == NULL || len == 0 || len > 9100)
		return KTEST_LEAVE(EINVAL);
	m = m_devget(frame, (int)len, kte_ifp, M_WAITOK);
	if_statinc(kte_ifp, if_ipackets);	/* the driver's count */
	if_statadd(kte_ifp, if_ibytes, len);
	kte_ifp->if_input(kte_ifp, m);
	return KTEST_LEAVE(0);
}

int
rump_pub_ktest_ether_take(void *buf, size_t size, size_t *lenp,
    int timeout_ms)
{
	uint64_t deadline;
	struct mbuf *m;
	int error = 0;

	KTEST_ENTER();
	if (kte_ifp == NULL) {
		error = ENXIO;
		goto out;
	}
	deadline = rump_monotime_ns() + (uint64_t)timeout_ms * 1000000;
	while ((m = if_dequeue(kte_ifp)) == NULL) {
		if (rump_monotime_ns() >= deadline) {
			error = ETIMEDOUT;
			goto out;
		}
		(void)kpause("ktetake", false, 1, NULL);
	}
	*lenp = (size_t)m->m_pkthdr.len;
	m_copydata(m, 0, (int)MIN(size, (size_t)m->m_pkthdr.len), buf);
	m_freem(m);
out:
	return KTEST_LEAVE(error);
}

int
rump_pub_ktest_ether_pending(int *np)
{
	KTEST_ENTER();
	if (kte_ifp == NULL)
		return KTEST_LEAVE(ENXIO);
	mutex_spin_enter(&kte_ifp->if_snd_lock);
	*np = kte_ifp->if_snd.ifq_len;
	mutex_spin_exit(&kte_ifp->if_snd_lock);
	return KTEST_LEAVE(0);
}
