/*
 * file.h: open files and the per-process descriptor table.  Factions
 * add file types (vnodes, sockets) by supplying a struct fileops; the
 * core provides pipes.
 */
#ifndef _RUMP_SYS_FILE_H_
#define _RUMP_SYS_FILE_H_

#include <rump-sys/types.h>
#include <rump-sys/mutex.h>

struct file;
struct filedesc;
struct uio;
struct proc;
struct stat;

struct fileops {
	const char *fo_name;
	int	(*fo_read)(struct file *, struct uio *, int flags);
	int	(*fo_write)(struct file *, struct uio *, int flags);
	int	(*fo_ioctl)(struct file *, u_long cmd, void *data);
	/* returns the subset of events ready now */
	int	(*fo_poll)(struct file *, int events);
	/* last reference gone; free f_data */
	int	(*fo_close)(struct file *);
	/*
	 * Optional (NULL: fcntl answers EINVAL).  F_GETLK, F_SETLK,
	 * F_SETLKW with the caller's struct flock at uflock.
	 */
	int	(*fo_advlock)(struct file *, int cmd, void *uflock);
	/*
	 * Optional.  One descriptor of the file is being closed in the
	 * table fdp (a process): POSIX drops that process's record locks.
	 */
	void	(*fo_fdclose)(struct file *, struct filedesc *fdp);
	/*
	 * Optional (NULL: fstat answers EOPNOTSUPP).  Fill *sb (kernel
	 * memory, zeroed by the caller): a cloned device's file (conf.h)
	 * has no vnode for fstat to ask.
	 */
	int	(*fo_stat)(struct file *, struct stat *sb);
};

/* f_flag: open mode bits, NetBSD's values */
#define FREAD		0x00000001
#define FWRITE		0x00000002
#define FNONBLOCK	0x00000004
#define FAPPEND		0x00000008

struct file {
	const struct fileops	*f_ops;
	void			*f_data;
	int			 f_flag;
	unsigned int		 f_count;	/* references */
	off_t			 f_offset;
	kmutex_t		 f_lock;	/* f_count, f_offset */
	/*
	 * A cloned character device's file (conf.h) holds an open count
	 * of f_cdev in the device switch, dropped after fo_close.
	 */
	bool			 f_cloned;
	dev_t			 f_cdev;
	/*
	 * A device opened through its node: the switch's record of it
	 * and the generation opened (conf.h, devsw_revoke).
	 */
	struct devopen		*f_devopen;
	uint64_t		 f_devgen;
};

struct filedesc {
	kmutex_t	 fd_lock;
	struct file	**fd_ofiles;	/* NULL: free; FD_RESERVED: allocating */
	unsigned char	*fd_cloexec;
	int		 fd_nfiles;	/* slots allocated */
	int		 fd_limit;	/* RLIMIT_NOFILE */
};

#define FD_DEFAULT_LIMIT	1024

struct filedesc *fd_init(void);
/* Close everything and free the table. */
void	fd_free(struct filedesc *);
/* Close every descriptor (a faction's shutdown, before its files go). */
void	fd_closeall(struct filedesc *);
/*
 * Allocate a file and reserve the lowest free descriptor for it in
 * curproc; EMFILE when the table is full.  Finish with fd_affix (the
 * descriptor becomes visible) or fd_abort (both released).
 */
int	fd_allocfile(struct file **fpp, int *fdp);
void	fd_affix(struct file *fp, int fd);
void	fd_abort(struct file *fp, int fd);
/* The file on fd with a reference, or NULL (EBADF). */
struct file *fd_getfile(int fd);
void	fd_putfile(struct file *fp);
/* 0 or EBADF. */
int	fd_close(int fd);
/* Lowest free descriptor >= minfd for fp: 0, EMFILE. */
int	fd_dup(struct file *fp, int minfd, int *newfdp);
/* Make newfd refer to fp, closing what was there: 0, EBADF. */
int	fd_dup2(struct file *fp, int newfd);
int	fd_getcloexec(int fd);
void	fd_setcloexec(int fd, int on);

#endif /* _RUMP_SYS_FILE_H_ */
