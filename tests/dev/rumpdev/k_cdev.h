/*
 * k_cdev.h: the kernel half of t_cdev, a test character device
 * "tcdev" (/dev/tcdev<unit>), a byte pipe.  Functions return 0 or a
 * host errno.
 */
#ifndef _K_CDEV_H_
#define _K_CDEV_H_

#include <rump/rumpdefs.h>

/* ioctl: how many opens the unit has (an int, out). */
#define TCDEV_GETOPEN	RUMP_IOR('t', 1, int)

/* config_detach(tcdev<unit>), forced or not: 0, EBUSY, ENXIO. */
int	rump_pub_ktest_cdev_detach(int unit, int force);
/* Attach one more tcdev. */
int	rump_pub_ktest_cdev_attach(void);
/* Readers of tcdev0 asleep in the driver now. */
int	rump_pub_ktest_cdev_sleepers(unsigned *np);

#endif /* _K_CDEV_H_ */
