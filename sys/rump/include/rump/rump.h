/*
 * rump.h: what a test program calls to boot, use and shut down a rump
 * kernel.  System calls are in <rump/rump_syscalls.h> (generated from
 * sys/rump/librump/rumpkern/syscalls.master).
 *
 * Functions here return 0 or a host errno value; rump_sys_* return -1
 * and set errno, like the host's system calls.
 */
#ifndef _RUMP_RUMP_H_
#define _RUMP_RUMP_H_

#include <stddef.h>
#include <stdint.h>
#include <rump/rumpdefs.h>

/*
 * Boot a kernel in this process with the components linked into the
 * program.  Reads RUMP_NCPU (1..64, default 1), RUMP_MEMLIMIT (bytes,
 * optional k/m/g suffix), RUMP_VERBOSE, RUMP_HOSTNAME and RUMP_LOCKS
 * (up, mp or auto) from the environment.  Returns 0; EINVAL for a bad
 * parameter, EBUSY if a kernel is already running, ENOENT/EINVAL for an
 * unsatisfied component dependency (a message names it), ENOTSUP when
 * librumpuser implements another hypercall version.
 */
int	rump_init(void);

/*
 * Shut the kernel down: run component shutdown hooks, stop and join
 * every kernel thread, free every lwp, process and descriptor.  The
 * program may rump_init() again afterwards.  Returns 0, or -1 with
 * errno ENXIO (no kernel), EBUSY (another host thread is inside the
 * kernel, even asleep there, e.g. blocked in rump_sys_read; nothing is
 * torn down then).  System calls that other threads start while the
 * shutdown runs fail with ENXIO.  howto: RUMP_RB_* (only RUMP_RB_DUMP
 * is special: it panics).
 */
int	rump_sys_reboot(int howto, char *bootstr);

/* Whether a kernel is running. */
int	rump_booted(void);

/*
 * Kernel memory still allocated, by call site.  Callable while booted
 * or after shutdown (then it lists the leaks).  Calls fn once per site
 * with allocations outstanding; returns the number of such sites.
 */
typedef void (*rump_kmem_site_fn)(void *arg, const char *file, int line,
    const char *func, size_t count, size_t bytes);
size_t	rump_pub_kmem_sites(rump_kmem_site_fn fn, void *arg);
/* Bytes of kernel memory allocated now. */
size_t	rump_pub_kmem_inuse(void);

/*
 * Fault injection (RUMP_FAIL_NTH=N fails the Nth KM_NOSLEEP allocation
 * after boot): how many such allocations this kernel has made so far.
 */
unsigned long long rump_pub_fault_count(void);

/*
 * More processes than the test program's (pid 1), for what only a
 * second process shows (record lock conflicts).  newproc makes a child
 * of the caller's process with a copy of its credentials, working
 * directory and umask but its own, empty descriptor table, and makes
 * the calling host thread act as it; returns its pid (2, 3, ...).
 * switch makes the calling thread act as process pid: 0 or ESRCH.  The
 * processes live until shutdown, which closes their descriptors.
 */
int	rump_pub_lwproc_newproc(void);
int	rump_pub_lwproc_switch(int pid);

/*
 * Disks backed by host files (etfs).  register makes the host file
 * hostpath (a regular file or a host block device, opened read-write)
 * a kernel disk whose node appears at key, an absolute kernel path such
 * as "/dev/wd0": a block device (RUMP_ETFS_BLK: cached, what a file
 * system mounts) or a character device (RUMP_ETFS_CHR: raw, uncached,
 * offsets and lengths multiples of 512).  The disk's size is the file's
 * size at registration; transfers beyond it are short (EIO through the
 * buffer cache, end of file or ENOSPC on the raw device).  Returns 0;
 * EINVAL (key not absolute, bad type, hostpath neither a regular file
 * nor a block device), ENAMETOOLONG, ENOENT/EACCES/EISDIR (hostpath),
 * EEXIST (key taken), ENOSPC (16 disks already), ENXIO (no kernel).
 *
 * remove writes back the disk's cached blocks, removes the node and
 * closes the host file: 0, ENOENT (not registered), EBUSY (open, e.g.
 * mounted).  Disks still registered at shutdown are removed then.
 */
enum rump_etfs_type {
	RUMP_ETFS_BLK = 1,
	RUMP_ETFS_CHR = 2,
};
int	rump_pub_etfs_register(const char *key, const char *hostpath,
	    enum rump_etfs_type ftype);
int	rump_pub_etfs_remove(const char *key);
/*
 * Disk error injection.  From now on, a transfer of the disk at key
 * (a read or write the driver is asked for: one buffer of the cache,
 * or one chunk of raw I/O) fails with error and moves nothing when it
 * touches block at_block (512-byte units; -1: no such block), or when
 * after_n transfers have succeeded since this call (-1: never; 0: all
 * fail).  error: an errno from EPERM..ERANGE other than EAGAIN (the
 * values Linux and NetBSD share), e.g. EIO; 0 means EIO.  A new call
 * replaces the settings; inject(key, -1, -1, 0) ends the injection.
 * 0, EINVAL, ENOENT (no such disk).
 */
int	rump_pub_etfs_inject(const char *key, int64_t at_block, int after_n,
	    int error);
/* Transfers that reached the host file (not injected failures). */
int	rump_pub_etfs_iocount(const char *key, uint64_t *readsp,
	    uint64_t *writesp);

#endif /* _RUMP_RUMP_H_ */
