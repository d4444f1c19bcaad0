/*
 * rumpdev_int.h: private to the rumpdev faction.
 */
#ifndef _RUMPDEV_INT_H_
#define _RUMPDEV_INT_H_

/* autoconf.c */
void	rumpdev_autoconf_init(void);
void	rumpdev_autoconf_fini(void);

/* intr.c */
void	rumpdev_intr_init(void);
void	rumpdev_intr_fini(void);

#endif /* _RUMPDEV_INT_H_ */
