/*
 * domain.h: address families.  A domain holds the protocols of one
 * family; socket(domain, type, proto) looks the family up here and the
 * protocol in it.  netinet registers AF_INET at boot.
 */
#ifndef _RUMP_SYS_DOMAIN_H_
#define _RUMP_SYS_DOMAIN_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>

struct mbuf;
struct protosw;
struct sockaddr;

struct domain {
	int		 dom_family;	/* AF_* */
	const char	*dom_name;
	unsigned int	 dom_sa_len;	/* sockaddr length of the family */
	/*
	 * The protocol for (type, proto): proto 0 picks the type's
	 * default.  NULL: EPROTONOSUPPORT (or EPROTOTYPE, per *errorp).
	 */
	const struct protosw *(*dom_findproto)(int type, int proto,
			    int *errorp);
	/*
	 * Optional, for families whose addresses vary in length (AF_LOCAL):
	 * the length of sa as the user sees it.  NULL: dom_sa_len.
	 */
	unsigned int	(*dom_salen)(const struct sockaddr *sa);
	/*
	 * Optional, for families that pass descriptors (AF_LOCAL).
	 * internalize: the user's control messages (a kernel copy, one
	 * mbuf) into the kernel's form, replacing *controlp; 0 or an errno
	 * (EINVAL malformed, EBADF), called without softnet_lock.
	 * externalize: one received control mbuf into the user's buffer
	 * (kernel msghdr: msg_control, msg_controllen of room); *usedp
	 * gets the bytes written, MSG_CTRUNC goes into *flagsp; consumes
	 * the references the message held; without softnet_lock.
	 * dispose: drop the references a control chain holds (a message
	 * never received); with softnet_lock held the closes are deferred.
	 */
	int		(*dom_internalize)(struct mbuf **controlp);
	int		(*dom_externalize)(struct mbuf *control, void *ubuf,
			    size_t room, int rflags, size_t *usedp,
			    int *flagsp);
	void		(*dom_dispose)(struct mbuf *control);
	LIST_ENTRY(domain) dom_link;
};

/* 0 or EEXIST.  Called by a family's component init, softnet_lock free. */
int	domain_attach(struct domain *);
void	domain_detach(struct domain *);
/* NULL: EAFNOSUPPORT. */
struct domain *domain_find(int family);

#endif /* _RUMP_SYS_DOMAIN_H_ */
