/*
 * t_devsw: device switches and device nodes through the VFS: /dev at
 * boot, nodes a driver asks for before and after the root exists,
 * mknod, opening, reading, writing, ioctl and poll on a character
 * device, and the errors: a driver refusing an open, an unregistered
 * major, unregistering while open, mknod without privilege.  Cloning
 * opens (kcln): a file per open, shared by dup and nothing else.
 */
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <rump/rump.h>
#include <rump/rump_syscalls.h>

#include "harness.h"
#include "k_devsw.h"

#define BADPTR	((void *)(uintptr_t)16)

static int
opens(int fd)
{
	int n = -1;

	RZ(rump_sys_ioctl(fd, KDEV_GETOPENS, &n));
	return n;
}

H_TC(dev_at_boot, "/dev exists at boot, holding the nodes drivers "
    "asked for before the root file system was mounted")
{
	struct stat sb;

	RZ(rump_sys_stat("/dev", &sb));
	ATF_CHECK(S_ISDIR(sb.st_mode));
	ATF_CHECK_EQ(sb.st_mode & 07777, 0755);
	RZ(rump_sys_stat("/dev/kdevb0", &sb));
	ATF_CHECK(S_ISCHR(sb.st_mode));
	ATF_CHECK_EQ(sb.st_mode & 07777, 0600);
	ATF_CHECK_EQ((int)major(sb.st_rdev), rump_pub_kdevb_major());
	ATF_CHECK_EQ(minor(sb.st_rdev), 0);
	ATF_CHECK_EQ(sb.st_uid, 0);
	RZ(rump_sys_stat("/dev/kblk0", &sb));
	ATF_CHECK(S_ISBLK(sb.st_mode));
}

H_TC(chardev_io, "a character device's read, write and ioctl reach its "
    "driver, with the argument copied both ways")
{
	struct kdev_echo ke = { .ke_in = 21 };
	char buf[64];
	int fd, maj;

	RZ(rump_pub_kdev_attach(&maj));
	RL(fd = rump_sys_open("/dev/kdev0", O_RDWR, 0));
	ATF_CHECK_EQ(opens(fd), 1);
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "hello", 5)), 5);
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 5);
	ATF_CHECK(memcmp(buf, "hello", 5) == 0);
	/* empty: a blocking read gets 0, a non-blocking one EAGAIN */
	ATF_CHECK_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 0);
	RL(rump_sys_fcntl(fd, F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fd, buf, sizeof(buf)));
	RZ(rump_sys_ioctl(fd, KDEV_ECHO, &ke));
	ATF_CHECK_EQ(ke.ke_out, 42);
	ATF_CHECK_STREQ(ke.ke_name, "kdev");
	RZ(rump_sys_ioctl(fd, KDEV_VOID, NULL));
	ATF_CHECK_EQ(rump_pub_kdev_voidcalls(), 1);
	/* pread/pwrite go to the driver too */
	ATF_CHECK_EQ(RL(rump_sys_pwrite(fd, "ab", 2, 0)), 2);
	ATF_CHECK_EQ(RL(rump_sys_pread(fd, buf, 2, 0)), 2);
	ATF_CHECK(memcmp(buf, "ab", 2) == 0);
	RZ(rump_sys_close(fd));
	RZ(rump_pub_kdev_detach());
}

H_TC(chardev_opens_counted, "every open reaches d_open and every close "
    "d_close, dup'ed descriptors sharing one")
{
	int fd1, fd2, fd3, maj;

	RZ(rump_pub_kdev_attach(&maj));
	RL(fd1 = rump_sys_open("/dev/kdev0", O_RDONLY, 0));
	RL(fd2 = rump_sys_open("/dev/kdev0", O_WRONLY, 0));
	ATF_CHECK_EQ(opens(fd1), 2);
	RL(fd3 = rump_sys_dup(fd1));
	ATF_CHECK_EQ(opens(fd1), 2);
	RZ(rump_sys_close(fd1));
	ATF_CHECK_EQ(opens(fd3), 2);
	RZ(rump_sys_close(fd3));
	ATF_CHECK_EQ(opens(fd2), 1);
	/* the driver's open error reaches the caller and counts nothing */
	int err = EIO;
	RZ(rump_sys_ioctl(fd2, KDEV_SETOPENERR, &err));
	H_REQUIRE_ERRNO(EIO, rump_sys_open("/dev/kdev0", O_RDONLY, 0));
	ATF_CHECK_EQ(opens(fd2), 1);
	err = 0;
	RZ(rump_sys_ioctl(fd2, KDEV_SETOPENERR, &err));
	RZ(rump_sys_close(fd2));
	RZ(rump_pub_kdev_detach());
}

H_TC(detach_busy, "a driver cannot be unregistered while one of its "
    "devices is open; afterwards its node is gone")
{
	struct stat sb;
	int fd, maj;

	RZ(rump_pub_kdev_attach(&maj));
	RZ(rump_sys_stat("/dev/kdev0", &sb));
	ATF_CHECK_EQ((int)major(sb.st_rdev), maj);
	ATF_CHECK_EQ(rump_pub_kdev_attach_again(), EEXIST);
	RL(fd = rump_sys_open("/dev/kdev0", O_RDWR, 0));
	ATF_CHECK_EQ(rump_pub_kdev_detach(), EBUSY);
	RZ(rump_sys_close(fd));
	RZ(rump_pub_kdev_detach());
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("/dev/kdev0", &sb));
}

H_TC(mknod_nodes, "mknod makes character and block nodes (root only) "
    "that open their driver; unsupported or bad types are refused")
{
	struct stat sb;
	int fd, maj;

	RZ(rump_pub_kdev_attach(&maj));
	RZ(rump_sys_mkdir("/d", 0755));
	RZ(rump_sys_mknod("/d/mine", S_IFCHR | 0640, makedev(maj, 0)));
	RZ(rump_sys_stat("/d/mine", &sb));
	ATF_CHECK(S_ISCHR(sb.st_mode));
	ATF_CHECK_EQ(sb.st_mode & 07777, 0640 & ~022);
	ATF_CHECK_EQ(sb.st_rdev, makedev(maj, 0));
	RL(fd = rump_sys_open("/d/mine", O_RDWR, 0));
	ATF_CHECK_EQ(opens(fd), 1);
	RZ(rump_sys_close(fd));
	H_REQUIRE_ERRNO(EEXIST, rump_sys_mknod("/d/mine", S_IFCHR | 0600,
	    makedev(maj, 0)));
	/* a minor the driver does not have, a major nobody has */
	RZ(rump_sys_mknod("/d/m1", S_IFCHR | 0600, makedev(maj, 1)));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/d/m1", O_RDONLY, 0));
	RZ(rump_sys_mknod("/d/none", S_IFCHR | 0600, makedev(60, 0)));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/d/none", O_RDONLY, 0));
	RZ(rump_sys_mknod("/d/blk", S_IFBLK | 0600, makedev(maj, 0)));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/d/blk", O_RDONLY, 0));
	/* a regular file, as Linux allows; FIFOs are not supported */
	RZ(rump_sys_mknod("/d/reg", S_IFREG | 0600, 0));
	RZ(rump_sys_stat("/d/reg", &sb));
	ATF_CHECK(S_ISREG(sb.st_mode));
	H_REQUIRE_ERRNO(EOPNOTSUPP, rump_sys_mknod("/d/fifo",
	    S_IFIFO | 0600, 0));
	H_REQUIRE_ERRNO(EINVAL, rump_sys_mknod("/d/dir", S_IFDIR | 0600, 0));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_mknod(BADPTR, S_IFCHR | 0600, 0));
	H_REQUIRE_ERRNO(ENOENT, rump_sys_mknod("/nodir/x", S_IFCHR | 0600,
	    makedev(maj, 0)));
	/* unprivileged: no device nodes */
	RZ(rump_sys_chmod("/d", 0777));
	RZ(rump_sys_setuid(1000));
	H_REQUIRE_ERRNO(EPERM, rump_sys_mknod("/d/user", S_IFCHR | 0600,
	    makedev(maj, 0)));
	RZ(rump_sys_mknod("/d/userfile", S_IFREG | 0600, 0));
	H_REQUIRE_ERRNO(EACCES, rump_sys_open("/dev/kdevb0", O_RDONLY, 0));
	RZ(rump_pub_kdev_detach());
}

H_TC(blockdev_open, "a block node opens and closes its block driver; "
    "ioctl reaches it")
{
	int fd, n = -1;

	RL(fd = rump_sys_open("/dev/kblk0", O_RDONLY, 0));
	RZ(rump_sys_ioctl(fd, KBLK_GETOPENS, &n));
	ATF_CHECK_EQ(n, 1);
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(fd, KDEV_GETOPENS, &n));
	RZ(rump_sys_close(fd));
}

H_TC(ioctl_errors, "ioctl on devices and files: unknown commands ENOTTY, "
    "wild arguments EFAULT, FIONREAD on a file")
{
	int fd, maj, n;

	RZ(rump_pub_kdev_attach(&maj));
	RL(fd = rump_sys_open("/dev/kdev0", O_RDWR, 0));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(fd, _IOR('k', 99, int), &n));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(fd, KDEV_ECHO, BADPTR));
	H_REQUIRE_ERRNO(EFAULT, rump_sys_ioctl(fd, KDEV_GETOPENS, BADPTR));
	RZ(rump_sys_close(fd));
	RL(fd = rump_sys_open("/f", O_RDWR | O_CREAT, 0644));
	RL(rump_sys_write(fd, "0123456789", 10));
	RL(rump_sys_lseek(fd, 4, SEEK_SET));
	RZ(rump_sys_ioctl(fd, FIONREAD, &n));
	ATF_CHECK_EQ(n, 6);
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(fd, KDEV_GETOPENS, &n));
	RZ(rump_sys_close(fd));
	RL(fd = rump_sys_open("/", O_RDONLY, 0));
	H_REQUIRE_ERRNO(ENOTTY, rump_sys_ioctl(fd, FIONREAD, &n));
	RZ(rump_sys_close(fd));
	RZ(rump_pub_kdev_detach());
}

struct writer {
	int	fd;
};

static void *
late_writer(void *arg)
{
	struct writer *w = arg;

	usleep(40000);
	rump_sys_write(w->fd, "!", 1);
	return NULL;
}

H_TC(chardev_poll, "poll on a character device sleeps until the driver "
    "notifies, then reports it readable")
{
	struct pollfd pfd;
	struct writer w;
	pthread_t t;
	int fd, maj;

	RZ(rump_pub_kdev_attach(&maj));
	RL(fd = rump_sys_open("/dev/kdev0", O_RDWR, 0));
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN | POLLOUT };
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLOUT);
	pfd.events = POLLIN;
	w.fd = fd;
	ATF_REQUIRE_EQ(pthread_create(&t, NULL, late_writer, &w), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 10000)), 1);
	ATF_REQUIRE_EQ(pthread_join(t, NULL), 0);
	ATF_CHECK_EQ(pfd.revents, POLLIN);
	RZ(rump_sys_close(fd));
	RZ(rump_pub_kdev_detach());
}

H_TC(dev_listing, "reading /dev lists the device nodes with their "
    "types")
{
	char buf[4096];
	int fd, found = 0;
	ssize_t n;

	RL(fd = rump_sys_open("/dev", O_RDONLY | O_DIRECTORY, 0));
	while ((n = RL(rump_sys_getdents(fd, buf, sizeof(buf)))) > 0) {
		for (ssize_t off = 0; off < n;) {
			struct dirent *d = (void *)(buf + off);

			if (strcmp(d->d_name, "kdevb0") == 0) {
				ATF_CHECK_EQ(d->d_type, DT_CHR);
				found |= 1;
			} else if (strcmp(d->d_name, "kblk0") == 0) {
				ATF_CHECK_EQ(d->d_type, DT_BLK);
				found |= 2;
			}
			off += d->d_reclen;
		}
	}
	ATF_CHECK_EQ(found, 3);
	RZ(rump_sys_close(fd));
}

static int
kcln_id(int fd)
{
	int id = -1;

	RZ(rump_sys_ioctl(fd, KCLN_GETID, &id));
	return id;
}

static int
kcln_live(void)
{
	int live, closes;

	rump_pub_kcln_counts(&live, &closes);
	return live;
}

static int
kcln_closes(void)
{
	int live, closes;

	rump_pub_kcln_counts(&live, &closes);
	return closes;
}

H_TC(clone_independent, "two opens of a cloning device in one process "
    "are two files with their own state; fstat asks the driver")
{
	struct stat sb;
	char buf[16];
	int fd1, fd2, maj, flag;

	RZ(rump_pub_kcln_attach(&maj));
	RL(fd1 = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	RL(fd2 = rump_sys_open("/dev/kcln0", O_WRONLY | O_NONBLOCK, 0));
	ATF_CHECK_EQ(kcln_live(), 2);
	ATF_CHECK_EQ(kcln_id(fd1), 1);
	ATF_CHECK_EQ(kcln_id(fd2), 2);
	RZ(rump_sys_ioctl(fd1, KCLN_GETFLAG, &flag));
	ATF_CHECK_EQ(flag, 0x3);		/* FREAD | FWRITE */
	RZ(rump_sys_ioctl(fd2, KCLN_GETFLAG, &flag));
	ATF_CHECK_EQ(flag, 0x2 | 0x4);		/* FWRITE | FNONBLOCK */
	/* the open mode still rules: fd2 cannot read */
	H_REQUIRE_ERRNO(EBADF, rump_sys_read(fd2, buf, sizeof(buf)));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd1, "one", 3)), 3);
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd2, "two!", 4)), 4);
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd1, buf, sizeof(buf))), 3);
	ATF_CHECK(memcmp(buf, "one", 3) == 0);
	ATF_CHECK_EQ(RL(rump_sys_read(fd1, buf, sizeof(buf))), 0);
	RZ(rump_sys_fstat(fd1, &sb));
	ATF_CHECK(S_ISCHR(sb.st_mode));
	ATF_CHECK_EQ(sb.st_rdev, makedev(maj, 0));
	/* no vnode behind it: what needs one answers as for a pipe */
	H_REQUIRE_ERRNO(ESPIPE, rump_sys_lseek(fd1, 0, SEEK_SET));
	H_REQUIRE_ERRNO(ESPIPE, rump_sys_pread(fd1, buf, 1, 0));
	/* a node whose driver clones is not a node to the driver */
	RZ(rump_sys_stat("/dev/kcln0", &sb));
	ATF_CHECK(S_ISCHR(sb.st_mode));
	RZ(rump_sys_close(fd2));
	RZ(rump_sys_close(fd1));
	ATF_CHECK_EQ(kcln_live(), 0);
	ATF_CHECK_EQ(kcln_closes(), 2);
	RZ(rump_pub_kcln_detach());
}

H_TC(clone_poll, "poll on a cloned file asks that file's driver state")
{
	struct pollfd pfd[2];
	int fd1, fd2, maj;

	RZ(rump_pub_kcln_attach(&maj));
	RL(fd1 = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	RL(fd2 = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd2, "x", 1)), 1);
	pfd[0] = (struct pollfd){ .fd = fd1, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = fd2, .events = POLLIN };
	ATF_REQUIRE_EQ(RL(rump_sys_poll(pfd, 2, 0)), 1);
	ATF_CHECK_EQ(pfd[0].revents, 0);
	ATF_CHECK_EQ(pfd[1].revents, POLLIN);
	RZ(rump_sys_close(fd1));
	RZ(rump_sys_close(fd2));
	RZ(rump_pub_kcln_detach());
}

H_TC(clone_close_order, "cloned files close one by one in any order, "
    "each through the driver's fo_close, the others untouched")
{
	int fd[3], maj;
	char c;

	RZ(rump_pub_kcln_attach(&maj));
	for (int i = 0; i < 3; i++) {
		RL(fd[i] = rump_sys_open("/dev/kcln0", O_RDWR, 0));
		c = (char)('a' + i);
		ATF_REQUIRE_EQ(RL(rump_sys_write(fd[i], &c, 1)), 1);
	}
	RZ(rump_sys_close(fd[1]));
	ATF_CHECK_EQ(kcln_live(), 2);
	ATF_CHECK_EQ(kcln_closes(), 1);
	H_REQUIRE_ERRNO(EBADF, rump_sys_ioctl(fd[1], KCLN_GETID, &c));
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd[2], &c, 1)), 1);
	ATF_CHECK_EQ(c, 'c');
	RZ(rump_sys_close(fd[0]));
	ATF_CHECK_EQ(kcln_id(fd[2]), 3);
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd[2], "z", 1)), 1);
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd[2], &c, 1)), 1);
	ATF_CHECK_EQ(c, 'z');
	RZ(rump_sys_close(fd[2]));
	ATF_CHECK_EQ(kcln_live(), 0);
	ATF_CHECK_EQ(kcln_closes(), 3);
	RZ(rump_pub_kcln_detach());
}

H_TC(clone_dup_shares, "dup'ed descriptors of a clone share its one file "
    "and state; the driver closes it after the last of them")
{
	int fd, fd2, fd3, maj;
	char buf[8];

	RZ(rump_pub_kcln_attach(&maj));
	RL(fd = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	RL(fd2 = rump_sys_dup(fd));
	RL(fd3 = rump_sys_dup2(fd, 20));
	ATF_CHECK_EQ(fd3, 20);
	ATF_CHECK_EQ(kcln_live(), 1);
	ATF_CHECK_EQ(kcln_id(fd2), kcln_id(fd));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "dup", 3)), 3);
	RZ(rump_sys_close(fd));
	ATF_CHECK_EQ(kcln_closes(), 0);
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd2, buf, 2)), 2);
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd3, buf + 2, 1)), 1);
	ATF_CHECK(memcmp(buf, "dup", 3) == 0);
	/* O_NONBLOCK set through one descriptor holds for the other */
	RL(rump_sys_fcntl(fd2, F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(fd3, buf, 1));
	RZ(rump_sys_close(fd3));
	ATF_CHECK_EQ(kcln_live(), 1);
	RZ(rump_sys_close(fd2));
	ATF_CHECK_EQ(kcln_live(), 0);
	ATF_CHECK_EQ(kcln_closes(), 1);
	RZ(rump_pub_kcln_detach());
}

H_TC(clone_detach_busy, "a cloning driver cannot be unregistered while "
    "one of its files is open, dup'ed or not, and can be after")
{
	struct stat sb;
	int fd1, fd2, dfd, maj;

	RZ(rump_pub_kcln_attach(&maj));
	RL(fd1 = rump_sys_open("/dev/kcln0", O_RDONLY, 0));
	RL(fd2 = rump_sys_open("/dev/kcln0", O_RDONLY, 0));
	ATF_CHECK_EQ(rump_pub_kcln_detach(), EBUSY);
	RZ(rump_sys_close(fd1));
	ATF_CHECK_EQ(rump_pub_kcln_detach(), EBUSY);
	RL(dfd = rump_sys_dup(fd2));
	RZ(rump_sys_close(fd2));
	/* only the dup is left: still open */
	ATF_CHECK_EQ(rump_pub_kcln_detach(), EBUSY);
	ATF_CHECK_EQ(kcln_id(dfd), 2);
	RZ(rump_sys_close(dfd));
	RZ(rump_pub_kcln_detach());
	H_REQUIRE_ERRNO(ENOENT, rump_sys_stat("/dev/kcln0", &sb));
}

H_TC(clone_open_fails, "a clone the driver refuses fails the open with "
    "its errno and leaves no file, descriptor or open count behind")
{
	int fd, fd2, maj;

	RZ(rump_pub_kcln_attach(&maj));
	RL(fd = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	rump_pub_kcln_setopenerr(EIO);
	H_REQUIRE_ERRNO(EIO, rump_sys_open("/dev/kcln0", O_RDWR, 0));
	H_REQUIRE_ERRNO(EIO, rump_sys_open("/dev/kcln0", O_RDONLY, 0));
	ATF_CHECK_EQ(kcln_live(), 1);
	rump_pub_kcln_setopenerr(0);
	/* the descriptor the failed opens reserved is free again */
	RL(fd2 = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	ATF_CHECK_EQ(fd2, fd + 1);
	ATF_CHECK_EQ(kcln_id(fd2), 2);
	/* and a minor the driver does not have */
	RZ(rump_sys_mknod("/dev/kcln1", S_IFCHR | 0600, makedev(maj, 1)));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_open("/dev/kcln1", O_RDWR, 0));
	RZ(rump_sys_unlink("/dev/kcln1"));
	RZ(rump_sys_close(fd));
	RZ(rump_sys_close(fd2));
	/* the refused opens counted nothing in the switch */
	RZ(rump_pub_kcln_detach());
}

H_TC(clone_other_process, "another process's opens of a cloning device "
    "are its own files: it sees none of this process's, and its "
    "descriptors close with it")
{
	int fd, cfd, pid, id, maj;
	char buf[8];

	RZ(rump_pub_kcln_attach(&maj));
	RL(fd = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_write(fd, "par", 3)), 3);
	RL(pid = rump_pub_lwproc_newproc());
	/* a new process starts with no descriptors */
	H_REQUIRE_ERRNO(EBADF, rump_sys_ioctl(fd, KCLN_GETID, &id));
	RL(cfd = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	ATF_CHECK_EQ(kcln_id(cfd), 2);
	RZ(rump_sys_ioctl(cfd, KCLN_GETPID, &id));
	ATF_CHECK_EQ(id, pid);
	/* the parent's bytes are not in the child's file */
	RL(rump_sys_fcntl(cfd, F_SETFL, O_NONBLOCK));
	H_REQUIRE_ERRNO(EAGAIN, rump_sys_read(cfd, buf, sizeof(buf)));
	ATF_REQUIRE_EQ(RL(rump_sys_write(cfd, "kid", 3)), 3);
	ATF_CHECK_EQ(kcln_live(), 2);
	RZ(rump_pub_lwproc_switch(1));
	RZ(rump_sys_ioctl(fd, KCLN_GETPID, &id));
	ATF_CHECK_EQ(id, 1);
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd, buf, sizeof(buf))), 3);
	ATF_CHECK(memcmp(buf, "par", 3) == 0);
	RZ(rump_sys_close(fd));
	/* the child's file is open until the child closes it */
	ATF_CHECK_EQ(rump_pub_kcln_detach(), EBUSY);
	RZ(rump_pub_lwproc_switch(pid));
	ATF_REQUIRE_EQ(RL(rump_sys_read(cfd, buf, sizeof(buf))), 3);
	ATF_CHECK(memcmp(buf, "kid", 3) == 0);
	RZ(rump_sys_close(cfd));
	RZ(rump_pub_lwproc_switch(1));
	ATF_CHECK_EQ(kcln_live(), 0);
	RZ(rump_pub_kcln_detach());
}

H_TC(clone_left_open, "cloned files left open at shutdown are closed "
    "by the driver before it goes (no leak, no detach error)")
{
	int fd, maj;

	RZ(rump_pub_kcln_attach(&maj));
	RL(fd = rump_sys_open("/dev/kcln0", O_RDWR, 0));
	RL(rump_sys_dup(fd));
	RL(rump_pub_lwproc_newproc());
	RL(rump_sys_open("/dev/kcln0", O_RDWR, 0));
	RZ(rump_pub_lwproc_switch(1));
	ATF_CHECK_EQ(kcln_live(), 2);
}

H_TC(revoked_files, "files open on a revoked device answer ENXIO and "
    "hang up without reaching the driver; their close skips d_close; "
    "later opens work")
{
	struct pollfd pfd;
	char buf[8];
	int fd1, fd2, maj, n = -1;

	RZ(rump_pub_kdev_attach(&maj));
	/* nothing open: a revoke changes nothing */
	rump_pub_kdev_revoke();
	RL(fd1 = rump_sys_open("/dev/kdev0", O_RDWR, 0));
	RL(rump_sys_write(fd1, "ab", 2));
	rump_pub_kdev_revoke();
	H_REQUIRE_ERRNO(ENXIO, rump_sys_read(fd1, buf, sizeof(buf)));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_write(fd1, "c", 1));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_pread(fd1, buf, 1, 0));
	H_REQUIRE_ERRNO(ENXIO, rump_sys_ioctl(fd1, KDEV_GETOPENS, &n));
	pfd = (struct pollfd){ .fd = fd1, .events = POLLIN };
	ATF_REQUIRE_EQ(RL(rump_sys_poll(&pfd, 1, 0)), 1);
	ATF_CHECK_EQ(pfd.revents, POLLERR | POLLHUP);
	/* a new open is the device's again, its data untouched */
	RL(fd2 = rump_sys_open("/dev/kdev0", O_RDWR, 0));
	ATF_REQUIRE_EQ(RL(rump_sys_read(fd2, buf, sizeof(buf))), 2);
	ATF_CHECK(memcmp(buf, "ab", 2) == 0);
	ATF_CHECK_EQ(opens(fd2), 2);
	/* the revoked file's close does not reach d_close */
	RZ(rump_sys_close(fd1));
	ATF_CHECK_EQ(opens(fd2), 2);
	/* unregistering waits only for files that still count */
	ATF_CHECK_EQ(rump_pub_kdev_detach(), EBUSY);
	RZ(rump_sys_close(fd2));
	RZ(rump_pub_kdev_detach());
}

ATF_TP_ADD_TCS(tp)
{
	ATF_TP_ADD_TC(tp, dev_at_boot);
	ATF_TP_ADD_TC(tp, chardev_io);
	ATF_TP_ADD_TC(tp, chardev_opens_counted);
	ATF_TP_ADD_TC(tp, detach_busy);
	ATF_TP_ADD_TC(tp, mknod_nodes);
	ATF_TP_ADD_TC(tp, blockdev_open);
	ATF_TP_ADD_TC(tp, ioctl_errors);
	ATF_TP_ADD_TC(tp, chardev_poll);
	ATF_TP_ADD_TC(tp, dev_listing);
	ATF_TP_ADD_TC(tp, revoked_files);
	ATF_TP_ADD_TC(tp, clone_independent);
	ATF_TP_ADD_TC(tp, clone_poll);
	ATF_TP_ADD_TC(tp, clone_close_order);
	ATF_TP_ADD_TC(tp, clone_dup_shares);
	ATF_TP_ADD_TC(tp, clone_detach_busy);
	ATF_TP_ADD_TC(tp, clone_open_fails);
	ATF_TP_ADD_TC(tp, clone_other_process);
	ATF_TP_ADD_TC(tp, clone_left_open);
	return atf_no_error();
}
