/*
 * rumpnet_int.h: private to the networking faction.
 */
#ifndef _RUMPNET_INT_H_
#define _RUMPNET_INT_H_

#include <rump-sys/types.h>

struct ifnet;
struct socket;

void	mbinit(void);		/* the mbuf cache (uipc_mbuf.c) */
void	mbfini(void);
void	netisr_init(void);
void	netisr_fini(void);
/* Drop queued input packets received on ifp (it is detaching). */
void	netisr_purge_if(struct ifnet *);
void	ifnet_init(void);
void	ifnet_fini(void);
void	route_init(void);
void	route_fini(void);
int	loop_attach(void);
void	loop_detach(void);
/* Copy a socket address in from user memory (syscalls). */
int	sockargs(struct sockaddr_storage *, const void *uaddr, socklen_t len);
/* The socket of descriptor fd with a file reference: 0, EBADF, ENOTSOCK. */
struct file;
int	fd_getsock(int fd, struct socket **sop, struct file **fpp);

/* Close the files still in flight in local sockets (shutdown). */
void	unp_shutdown_gc(void);

#endif /* _RUMPNET_INT_H_ */
