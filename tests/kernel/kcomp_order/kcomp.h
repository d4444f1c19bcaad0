/*
 * kcomp.h: entry points of the registry-test components (kcomp_order).
 * Freestanding types only: both worlds include this.
 */
#ifndef _KCOMP_H_
#define _KCOMP_H_

#include <stddef.h>

/*
 * The init log ("+name" per init) and fini log ("-name" per shutdown
 * hook) of this boot, space separated; readable after shutdown too.
 */
void	rump_pub_kcomp_log(char *buf, size_t len);
/* The registry's own record of the init order (booted only). */
int	rump_pub_kcomp_initorder(char *buf, size_t len);

#endif /* _KCOMP_H_ */
