/*
 * k_autoconf.h: the kernel half of t_autoconf.  Functions return 0 or a
 * host errno (EIO when an expectation failed; the console says which).
 */
#ifndef _K_AUTOCONF_H_
#define _K_AUTOCONF_H_

#include <stddef.h>

/* The best match wins, ties to the first registered; 0 never matches. */
int	rump_pub_ktest_autoconf_match_priority(void);
/* Units are the lowest free per driver; attach order is kept. */
int	rump_pub_ktest_autoconf_units(void);
/* A bus finds its children, which find theirs; parents are right. */
int	rump_pub_ktest_autoconf_tree(void);
/* config_detach of a bus takes its subtree apart, deepest first. */
int	rump_pub_ktest_autoconf_detach_subtree(void);
/* A driver refuses detach with EBUSY unless forced. */
int	rump_pub_ktest_autoconf_detach_refused(void);
/* Pseudo-devices attach under mainbus0 with a zeroed softc. */
int	rump_pub_ktest_autoconf_pseudo(void);
/* Bad registrations, lookups and detaches give their errno. */
int	rump_pub_ktest_autoconf_badinput(void);
/*
 * A forced detach wakes a reader holding a reference, which gets EIO;
 * the detach waits for its release.  count_children: the reader also
 * calls device_nchildren() on its device before releasing it.
 */
int	rump_pub_ktest_autoconf_refs(int count_children);
/*
 * nthreads (at most 8) kernel threads each find 3 devices whose attach
 * sleeps: attaches never overlap, units 0..3n-1 all exist.
 */
int	rump_pub_ktest_autoconf_concurrent(unsigned nthreads);
/* Attach a tree and more, and leave it all for shutdown to detach. */
int	rump_pub_ktest_autoconf_leave_attached(void);
/* Attach a device whose detach forgets to free its buffer. */
int	rump_pub_ktest_autoconf_leaky(void);
/* Attach a device that refuses even a forced detach, and force it. */
int	rump_pub_ktest_autoconf_refuse_force(void);
/* Lookups fail while the device's attach or detach runs. */
int	rump_pub_ktest_autoconf_lookup_window(void);
/*
 * A child's detach calls config_detach on itself and its parent (EBUSY),
 * config_detach_all on its driver (0) and config_found on itself (no
 * device); the parent's detach config_detach_all on its own driver (0).
 */
int	rump_pub_ktest_autoconf_detach_reentry(int flags);
/* config_detach of a device (or its parent) during its attach: EBUSY. */
int	rump_pub_ktest_autoconf_detach_during_attach(void);
/* The attach/detach log ("A:x D:y ..."); readable after shutdown. */
void	rump_pub_ktest_autoconf_log(char *buf, size_t len);

#endif /* _K_AUTOCONF_H_ */
