/*
 * device.h: autoconfiguration and hardware interrupts (the rumpdev
 * faction, sys/rump/librump/rumpdev).
 *
 * Drivers.  A driver describes itself with a struct cfattach and
 * registers it (config_cfattach_register, usually in its component's
 * init).  ca_parent_attr names the interface attribute it attaches at:
 * a parent that finds children calls config_found(parent, aux, "attr")
 * and every registered driver with that ca_parent_attr is asked
 * ca_match(parent, aux); the highest positive score wins (ties: the
 * driver registered first), its softc of ca_devsize bytes is allocated
 * zeroed, the device is named "<ca_name><unit>" (the lowest unit of that
 * driver not in use) and linked under the parent, then ca_attach runs.
 * The root of the tree is "mainbus0" (config_rootdev()); its children
 * attach at "mainbus", found by config_found(config_rootdev(), aux,
 * "mainbus") from a driver component's init.  A pseudo-device has no
 * match: config_attach_pseudo attaches one under mainbus0.
 *
 * Detach.  config_detach detaches the children first (most recently
 * attached first, each subtree deepest first), then calls ca_detach.  A
 * driver may refuse (EBUSY, say, while open) unless flags has
 * DETACH_FORCE; refusing under DETACH_FORCE is a driver bug (panic).  At
 * kernel shutdown the rumpdev faction detaches the whole tree with
 * DETACH_FORCE | DETACH_SHUTDOWN and drops the registrations, after the
 * other components' shutdown hooks ran; every byte a driver allocated
 * must be freed by then (kmem leak accounting fails the case).
 *
 * Open devices.  The character device switch (conf.h) is per driver: the
 * driver registers its cdevsw once (component init) and finds the softc
 * of a minor with device_lookup_acquire(), which fails (NULL: answer
 * ENXIO) once the device is detaching or gone.  The reference keeps the
 * softc alive: a detach under DETACH_FORCE marks the driver's softc
 * dying, wakes its sleepers (which return EIO), calls device_drain() to
 * wait for every reference to be released, then frees its resources.
 * So detaching a card while a file is open is EIO/ENXIO for the file,
 * never a use after free.
 *
 * Locking.  Autoconfiguration (register, found, attach, detach) is
 * serialised by one configuration lock, recursive for the thread
 * holding it, so ca_attach may call config_found and ca_detach
 * config_detach.  Such a call about a device whose attach has not
 * returned, or whose detach is running, is refused: config_detach of it
 * is EBUSY (config_detach_all skips a detaching one) and config_found
 * under a detaching parent attaches nothing.  Driver entry points are
 * called with it held, on a virtual CPU, and may sleep.  Lookups
 * (device_find_by_xname, device_lookup_acquire, device_nchildren,
 * device_count) do not take it.  Two rules keep
 * detach from deadlocking: an interrupt handler, and a thread holding a
 * device reference, must not call the config_* functions (a detach
 * holding the configuration lock may be waiting for them).
 */
#ifndef _RUMP_SYS_DEVICE_H_
#define _RUMP_SYS_DEVICE_H_

#include <rump-sys/types.h>

typedef struct device *device_t;

struct cfattach {
	const char	*ca_name;	/* driver name, unique, < 12 chars */
	size_t		 ca_devsize;	/* softc size; 0 for none */
	/* > 0: can drive it, higher is better; 0: no */
	int		(*ca_match)(device_t parent, void *aux);
	void		(*ca_attach)(device_t parent, device_t self, void *aux);
	/* 0, or an errno (EBUSY) to refuse without DETACH_FORCE; may be NULL */
	int		(*ca_detach)(device_t self, int flags);
	const char	*ca_parent_attr; /* attaches at this attribute */
};

/* config_detach flags */
#define DETACH_FORCE	0x01	/* the driver must let go */
#define DETACH_QUIET	0x02	/* no console message */
#define DETACH_SHUTDOWN	0x04	/* the kernel is going down */

#define DEVICE_XNAMELEN	16

/*
 * Register a driver.  0; EINVAL (NULL, no ca_name, a name empty, too
 * long for an xname or ending in a digit, no ca_attach, no ca_match
 * with a ca_parent_attr); EEXIST
 * (a driver of that name is registered).  ENOMEM never: KM_SLEEP.
 */
int	config_cfattach_register(struct cfattach *);
/* 0; ENOENT (not registered); EBUSY (devices of it still attached). */
int	config_cfattach_unregister(struct cfattach *);

/*
 * Attach the best driver at iattr under parent (NULL means mainbus0).
 * The new device, or NULL when no registered driver matches (or parent
 * is detaching).
 */
device_t config_found(device_t parent, void *aux, const char *iattr);
/* Attach ca (which need not match) under mainbus0; ca_attach gets aux NULL. */
device_t config_attach_pseudo(struct cfattach *ca);
/*
 * Detach dev and its subtree.  0; or the first error of a driver that
 * refused (without DETACH_FORCE): devices already detached stay so.
 * EINVAL for mainbus0 (only shutdown detaches the root); EBUSY for a
 * device whose attach has not returned or whose detach is running.
 */
int	config_detach(device_t dev, int flags);
/* Detach the children of dev only; as config_detach. */
int	config_detach_children(device_t dev, int flags);
/*
 * Detach every device of driver ca (with its subtree), as config_detach:
 * for a driver's shutdown hook, before devsw_detach and unregistering.
 * EINVAL for NULL.
 */
int	config_detach_all(struct cfattach *ca, int flags);

device_t	 config_rootdev(void);		/* mainbus0 */
device_t	 device_parent(device_t);	/* NULL for mainbus0 */
void		*device_private(device_t);	/* the softc, or NULL */
const char	*device_xname(device_t);
int		 device_unit(device_t);
struct cfattach	*device_cfattach(device_t);
/* Whether dev is a ca device (name compare is not needed). */
bool		 device_is_a(device_t dev, const char *ca_name);

/*
 * Find an attached device by name ("audio0"); NULL if none.  The result
 * is only stable while the caller otherwise keeps the device attached
 * (or holds a reference, below).
 */
device_t device_find_by_xname(const char *xname);
/* Number of children of dev (tests, and drivers walking their subtree). */
int	device_nchildren(device_t dev);
/* Attached devices in the whole tree, mainbus0 included. */
int	device_count(void);

/*
 * Entry points of an open device: the device of driver ca with unit,
 * with a reference held, or NULL (none, or detaching).  Release with
 * device_release.  Never call device_drain while holding a reference.
 */
device_t device_lookup_acquire(struct cfattach *ca, int unit);
void	 device_release(device_t);
/*
 * From ca_detach, once the driver's sleepers are woken: wait until no
 * reference to self is held.  config_detach waits again before freeing
 * the softc, so a driver without sleepers need not call it.
 */
void	 device_drain(device_t self);

/*
 * Hardware interrupts.  A driver establishes a handler for its device;
 * the fake hardware's host half raises the interrupt from any host
 * thread (no virtual CPU needed) with rumpcomp_intr_trigger(hostcookie)
 * (rump-sys/rumpcomp_intr.h), hostcookie being intr_hostcookie(cookie)
 * which the driver hands to its host half.  The handler then runs on
 * the interrupt's own kernel thread, which holds a virtual CPU: in
 * kernel context, never on the triggering thread.  Triggers made before
 * the handler starts coalesce into one run (every trigger is followed
 * by a run, unless intr_disestablish begins before that run does); a
 * trigger made while it runs gives one more run.  The
 * handler may sleep briefly (take mutexes); it returns 1 if it handled
 * the interrupt, 0 if not (counted as stray).
 *
 * intr_establish: the cookie, or NULL (no memory, no thread).
 * intr_disestablish: waits for a running handler, and no handler runs
 * after it returns; triggers with the old host cookie, even racing
 * ones from other host threads, are then ignored (ENOENT).  Must not
 * be called from the handler itself.
 */
void	*intr_establish(device_t dev, int (*handler)(void *), void *arg);
void	 intr_disestablish(void *cookie);
void	*intr_hostcookie(void *cookie);
/* Counters for tests: handler runs, and runs that returned 0. */
struct intr_stats {
	uint64_t	is_runs;
	uint64_t	is_stray;
};
void	 intr_getstats(void *cookie, struct intr_stats *);

#endif /* _RUMP_SYS_DEVICE_H_ */
