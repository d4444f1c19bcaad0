/*
 * stat.h: file modes and the stat/statvfs structures.  The structures
 * have the exact layout of Linux x86_64's struct stat and struct
 * statvfs, so a test passes a host struct stat * to rump_sys_stat and
 * reads the result with the host's field names.  Mode bits are the same
 * on NetBSD and Linux.
 */
#ifndef _RUMP_SYS_STAT_H_
#define _RUMP_SYS_STAT_H_

#include <rump-sys/types.h>

#define S_IFMT		0170000
#define S_IFIFO		0010000
#define S_IFCHR		0020000
#define S_IFDIR		0040000
#define S_IFBLK		0060000
#define S_IFREG		0100000
#define S_IFLNK		0120000
#define S_IFSOCK	0140000
#define S_ISUID		0004000
#define S_ISGID		0002000
#define S_ISVTX		0001000
#define ALLPERMS	07777
#define ACCESSPERMS	0777

#define S_ISDIR(m)	(((m) & S_IFMT) == S_IFDIR)
#define S_ISREG(m)	(((m) & S_IFMT) == S_IFREG)
#define S_ISLNK(m)	(((m) & S_IFMT) == S_IFLNK)

struct stat {
	uint64_t	st_dev;
	uint64_t	st_ino;
	uint64_t	st_nlink;
	uint32_t	st_mode;
	uint32_t	st_uid;
	uint32_t	st_gid;
	int32_t		__pad0;
	uint64_t	st_rdev;
	int64_t		st_size;
	int64_t		st_blksize;
	int64_t		st_blocks;	/* 512-byte units */
	struct timespec	st_atim;
	struct timespec	st_mtim;
	struct timespec	st_ctim;
	int64_t		__st_unused[3];
};
_Static_assert(sizeof(struct stat) == 144, "the Linux x86_64 layout");

struct statvfs {
	unsigned long	f_bsize;
	unsigned long	f_frsize;
	uint64_t	f_blocks;	/* in f_frsize units */
	uint64_t	f_bfree;
	uint64_t	f_bavail;
	uint64_t	f_files;
	uint64_t	f_ffree;
	uint64_t	f_favail;
	unsigned long	f_fsid;
	unsigned long	f_flag;
	unsigned long	f_namemax;
	int		__f_spare[6];
};
_Static_assert(sizeof(struct statvfs) == 112, "the Linux x86_64 layout");

#endif /* _RUMP_SYS_STAT_H_ */
