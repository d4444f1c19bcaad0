/*
 * fs_common.h: the file system test matrix.  A generic test body is a
 * function void body(const struct fs_backend *fs, const char *mp)
 * working under the mount point mp; FSTEST(body, descr) declares one
 * ATF case per file system (<fs>_<body>), each booting its own kernel,
 * making and mounting a fresh file system at FS_MNT, running the body,
 * unmounting and deleting it.  FSAPPLY(tp, body) adds those cases.
 *
 * A file system joins the matrix with one backend file fs_<name>.c
 * defining `const struct fs_backend fs_<name>` and its name in
 * FS_FOREACH below.
 */
#ifndef _TESTS_FS_FS_COMMON_H_
#define _TESTS_FS_FS_COMMON_H_

#include <stddef.h>
#include <sys/types.h>

#include "harness.h"

#define FS_MNT		"/mnt"

struct fs_backend {
	const char	*fs_name;
	/* Make a file system (image, ...) of at most size bytes (0: any). */
	int		(*fs_newfs)(void **argp, size_t size);
	/* Mount it at mp: 0 or an errno. */
	int		(*fs_mount)(void *arg, const char *mp);
	int		(*fs_unmount)(void *arg, const char *mp);
	/* Free what newfs made. */
	void		(*fs_delete)(void *arg);
};

typedef void fs_body_t(const struct fs_backend *, const char *mp);

/* Make, mount, run body, unmount (must succeed), delete. */
void	fs_run(const struct fs_backend *, fs_body_t *, size_t size);

/* Every file system in the matrix. */
#define FS_FOREACH(m, ...)	m(tmpfs, __VA_ARGS__) m(ext2fs, __VA_ARGS__)

extern const struct fs_backend fs_tmpfs;
extern const struct fs_backend fs_ext2fs;

#define FSTEST_ONE(fs, body, size, descr)				\
	H_TC(fs##_##body, #fs ": " descr)				\
	{								\
		fs_run(&fs_##fs, body, size);				\
	}
/* FSTEST(body, descr): body on a file system of any size. */
#define FSTEST(body, descr)	FS_FOREACH(FSTEST_ONE, body, 0, descr)
/* FSTEST_SIZE(body, bytes, descr): on one of at most bytes. */
#define FSTEST_SIZE(body, size, descr)	FS_FOREACH(FSTEST_ONE, body, size, descr)

#define FSTEST_ENV_ONE(fs, body, env, descr)				\
	H_TC_ENV(fs##_##body, env, #fs ": " descr)			\
	{								\
		fs_run(&fs_##fs, body, 0);				\
	}
/* FSTEST_ENV(body, "RUMP_NCPU=2", descr): booted with parameters. */
#define FSTEST_ENV(body, env, descr)	FS_FOREACH(FSTEST_ENV_ONE, body, env, descr)

#define FSADD_ONE(fs, tp, body)	ATF_TP_ADD_TC(tp, fs##_##body);
#define FSAPPLY(tp, body)	FS_FOREACH(FSADD_ONE, tp, body)

#endif /* _TESTS_FS_FS_COMMON_H_ */
