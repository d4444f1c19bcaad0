/*
 * h_ext2.h: host-side helpers of the ext2 tests: making images with the
 * host's mke2fs, judging them with e2fsck, reading them with debugfs.
 */
#ifndef _TESTS_FS_H_EXT2_H_
#define _TESTS_FS_H_EXT2_H_

#include <stddef.h>

/* Skip the case unless mke2fs, e2fsck and debugfs are installed. */
void	h_ext2_require_tools(void);
/*
 * Make an ext2 image of size bytes at img: 1 KiB blocks, 256-byte
 * inodes, features filetype, sparse_super, large_file, no reserved
 * blocks, root owned by 0:0; extra: more mke2fs options or NULL.
 */
void	h_ext2_mkfs(const char *img, size_t size, const char *extra);
/* mke2fs -q -F args img sizeK, exactly those options. */
void	h_ext2_mkfs_args(const char *img, size_t size, const char *args);
/* Fail the case, with e2fsck's report, unless `e2fsck -fn img` is happy. */
void	h_ext2_fsck(const char *img);
/* 0 if `e2fsck -fn img` finds nothing wrong, else its exit status. */
int	h_ext2_fsck_status(const char *img);
/*
 * Run debugfs -R request on img; its standard output (at most len - 1
 * bytes, NUL-terminated) in buf.  Returns the bytes read.
 */
size_t	h_ext2_debugfs(const char *img, const char *request, char *buf,
	    size_t len);

/* The same with debugfs -w (changes the image); fails the case on error. */
void	h_ext2_debugfs_w(const char *img, const char *request);
/* The first device block debugfs lists for path ("blocks path"). */
unsigned long h_ext2_firstblock(const char *img, const char *path);

#endif /* _TESTS_FS_H_EXT2_H_ */
