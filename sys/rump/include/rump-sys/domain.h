/*
 * domain.h: address families.  A domain holds the protocols of one
 * family; socket(domain, type, proto) looks the family up here and the
 * protocol in it.  netinet registers AF_INET at boot.
 */
#ifndef _RUMP_SYS_DOMAIN_H_
#define _RUMP_SYS_DOMAIN_H_

#include <rump-sys/types.h>
#include <rump-sys/queue.h>

struct protosw;

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
	LIST_ENTRY(domain) dom_link;
};

/* 0 or EEXIST.  Called by a family's component init, softnet_lock free. */
int	domain_attach(struct domain *);
void	domain_detach(struct domain *);
/* NULL: EAFNOSUPPORT. */
struct domain *domain_find(int family);

#endif /* _RUMP_SYS_DOMAIN_H_ */
