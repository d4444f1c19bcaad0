/*
 * k_devsw.h: a test character device, "kdev", and the calls that drive
 * it from the host half (t_devsw.c).  kdev keeps up to KDEV_BUFSZ bytes:
 * writes append (ENOSPC when full), reads consume, poll is readable
 * while bytes are kept.  A second driver, "kdevb", registers at boot
 * with a node /dev/kdevb0 asked for before the root file system exists,
 * and a block driver "kblk" with /dev/kblk0.
 *
 * "kcln" clones (conf.h, d_clone): each open of /dev/kcln0 is a file of
 * its own with kdev's buffer semantics, an id (1, 2, ... in order of
 * opening), the pid and open flags it was opened with.
 */
#ifndef _K_DEVSW_H_
#define _K_DEVSW_H_

#include <rump/rumpdefs.h>

#define KDEV_BUFSZ	256

struct kdev_echo {
	int	ke_in;
	int	ke_out;		/* ke_in * 2 */
	char	ke_name[16];	/* the driver writes its name */
};

#define KDEV_GETOPENS	RUMP_IOR('k', 1, int)	/* opens now */
#define KDEV_SETOPENERR	RUMP_IOW('k', 2, int)	/* next opens fail so */
#define KDEV_ECHO	RUMP_IOWR('k', 3, struct kdev_echo)
#define KDEV_VOID	RUMP_IO('k', 4)		/* counts its calls */
#define KBLK_GETOPENS	RUMP_IOR('b', 1, int)
#define KCLN_GETID	RUMP_IOR('c', 1, int)	/* this open's id */
#define KCLN_GETPID	RUMP_IOR('c', 2, int)	/* the opener's pid */
#define KCLN_GETFLAG	RUMP_IOR('c', 3, int)	/* kernel FREAD|FWRITE.. */

/* Register kdev and ask for /dev/kdev0: 0 or a host errno. */
int	rump_pub_kdev_attach(int *majorp);
/* Unregister it and remove its node: 0, EBUSY while open. */
int	rump_pub_kdev_detach(void);
/* A second registration under kdev's name: must be EEXIST. */
int	rump_pub_kdev_attach_again(void);
/* kdevb's major number (registered at boot). */
int	rump_pub_kdevb_major(void);
/* Revoke every file open on /dev/kdev0 (devsw_revoke). */
void	rump_pub_kdev_revoke(void);
/* KDEV_VOID calls seen. */
int	rump_pub_kdev_voidcalls(void);

/* Register kcln and ask for /dev/kcln0: 0 or a host errno. */
int	rump_pub_kcln_attach(int *majorp);
/* Unregister it and remove its node: 0, EBUSY while a clone is open. */
int	rump_pub_kcln_detach(void);
/* Clones the driver holds, and fo_close calls so far. */
void	rump_pub_kcln_counts(int *livep, int *closesp);
/* Nonzero: the next clones fail with EIO; 0: they succeed again. */
void	rump_pub_kcln_setopenerr(int hosterr);

#endif /* _K_DEVSW_H_ */
