/*
 * dirent.h: directory entries as getdents returns them, in the layout
 * of Linux's struct linux_dirent64 (glibc's struct dirent on x86_64):
 * records of d_reclen bytes, 8-byte aligned, the name NUL-terminated.
 */
#ifndef _RUMP_SYS_DIRENT_H_
#define _RUMP_SYS_DIRENT_H_

#include <rump-sys/types.h>

#define NAME_MAX	255
#define PATH_MAX	1024
#define MAXSYMLINKS	32

#define DT_UNKNOWN	0
#define DT_FIFO		1
#define DT_CHR		2
#define DT_DIR		4
#define DT_BLK		6
#define DT_REG		8
#define DT_LNK		10
#define DT_SOCK		12

struct dirent {
	uint64_t	d_ino;
	int64_t		d_off;		/* cookie of the next entry */
	uint16_t	d_reclen;
	uint8_t		d_type;
	char		d_name[];
};

/* Record length of an entry with an n-byte name. */
#define _DIRENT_RECLEN(n) \
	((offsetof(struct dirent, d_name) + (n) + 1 + 7) & ~(size_t)7)

#endif /* _RUMP_SYS_DIRENT_H_ */
