/*
 * vfs_lookup.c: namei, turning a path into vnodes one component at a
 * time: ".", "..", symbolic links (at most MAXSYMLINKS, then ELOOP),
 * mount points in both directions, NAME_MAX and PATH_MAX.  A lookup
 * that wants the parent (create, remove, rename) also succeeds when the
 * last component does not exist, with ni_vp NULL.
 */
#include <rump-sys/systm.h>
#include <rump-sys/dirent.h>
#include <rump-sys/kmem.h>
#include <rump-sys/lwp.h>
#include <rump-sys/mount.h>
#include <rump-sys/uio.h>
#include <rump-sys/vnode.h>

#include "vfs_int.h"

/* Read the symlink vp, prepend it to rest in buf (which rest is in). */
static int
namei_symlink(struct vnode *vp, char *buf, const char *rest)
{
	char *link;
	size_t linklen, restlen = strlen(rest);
	struct iovec iov;
	struct uio uio;
	int error;

	link = kmem_alloc(PATH_MAX, KM_SLEEP);
	iov.iov_base = link;
	iov.iov_len = PATH_MAX;
	uio.uio_iov = &iov;
	uio.uio_iovcnt = 1;
	uio.uio_offset = 0;
	uio.uio_resid = PATH_MAX;
	uio.uio_rw = UIO_READ;
	uio.uio_segflg = UIO_SYSSPACE;
	if ((error = VOP_READLINK(vp, &uio)) != 0)
		goto out;
	linklen = PATH_MAX - uio.uio_resid;
	if (linklen == 0) {
		error = ENOENT;
		goto out;
	}
	if (linklen + restlen >= PATH_MAX) {
		error = ENAMETOOLONG;
		goto out;
	}
	memmove(buf + linklen, rest, restlen + 1);
	memcpy(buf, link, linklen);
out:
	kmem_free(link, PATH_MAX);
	return error;
}

static int
lookup(struct nameidata *nd)
{
	struct proc *p = curproc;
	struct vnode *dvp, *vp = NULL;
	const struct kauth_cred *cred = &p->p_cred;
	struct componentname cn;
	char *cp = nd->ni_pnbuf, *name, *rest;
	int nlinks = 0, error;

	if (*cp == '\0')
		return ENOENT;
	mutex_enter(&p->p_lock);
	dvp = *cp == '/' ? rootvnode : p->p_cwd;
	vref(dvp);
	mutex_exit(&p->p_lock);
	cn.cn_cred = cred;
	for (;;) {
		int islast, trailslash, dot, dotdot;

		while (*cp == '/')
			cp++;
		if (*cp == '\0') {
			/* "/" (or a symlink to it): the directory itself */
			if (dvp->v_type != VDIR) {
				error = ENOTDIR;
				goto bad;
			}
			nd->ni_vp = dvp;
			if (nd->ni_flags & WANTPARENT) {
				vref(dvp);
				nd->ni_dvp = dvp;
			}
			nd->ni_cnd.cn_nameptr = ".";
			nd->ni_cnd.cn_namelen = 1;
			nd->ni_cnd.cn_cred = cred;
			nd->ni_dotlast = 1;
			return 0;
		}
		name = cp;
		while (*cp != '\0' && *cp != '/')
			cp++;
		cn.cn_nameptr = name;
		cn.cn_namelen = (size_t)(cp - name);
		if (cn.cn_namelen > NAME_MAX) {
			error = ENAMETOOLONG;
			goto bad;
		}
		rest = cp;
		while (*rest == '/')
			rest++;
		islast = *rest == '\0';
		trailslash = islast && rest != cp;
		if (vn_isdead(dvp)) {
			error = ENOENT;	/* force-unmounted */
			goto bad;
		}
		if (dvp->v_type != VDIR) {
			error = ENOTDIR;
			goto bad;
		}
		if ((error = vn_access(dvp, VEXEC, cred)) != 0)
			goto bad;
		dot = cn.cn_namelen == 1 && name[0] == '.';
		dotdot = cn.cn_namelen == 2 && name[0] == '.' && name[1] == '.';
		if (dot || (dotdot && dvp == rootvnode)) {
			vp = dvp;
			vref(vp);
		} else {
			if (dotdot) {
				/* Up out of a mount: from the covered vnode. */
				while ((dvp->v_vflag & VV_ROOT) &&
				    dvp != rootvnode) {
					struct vnode *cvp;

					error = vfs_coveredvp(dvp, &cvp);
					if (error != 0)
						goto bad;
					vrele(dvp);
					dvp = cvp;
				}
			}
			error = dvp == rootvnode && dotdot ? 0 :
			    VOP_LOOKUP(dvp, &vp, &cn);
			if (dvp == rootvnode && dotdot) {
				vp = dvp;
				vref(vp);
			}
		}
		if (error != 0) {
			if (error == ENOENT && islast &&
			    (nd->ni_flags & WANTPARENT)) {
				nd->ni_dvp = dvp;
				nd->ni_vp = NULL;
				nd->ni_cnd = cn;
				if (trailslash)
					nd->ni_flags |= REQUIREDIR;
				return 0;
			}
			goto bad;
		}
		if (vp->v_type == VLNK &&
		    (!islast || trailslash || (nd->ni_flags & FOLLOW))) {
			if (++nlinks > MAXSYMLINKS) {
				error = ELOOP;
				goto bad2;
			}
			error = namei_symlink(vp, nd->ni_pnbuf, cp);
			vrele(vp);
			vp = NULL;
			if (error != 0)
				goto bad;
			cp = nd->ni_pnbuf;
			if (*cp == '/') {
				vrele(dvp);
				dvp = rootvnode;
				vref(dvp);
			}
			continue;
		}
		if ((error = vfs_crossmount(&vp)) != 0)
			goto bad;
		if (islast) {
			if (trailslash && vp->v_type != VDIR) {
				error = ENOTDIR;
				goto bad2;
			}
			nd->ni_vp = vp;
			if (nd->ni_flags & WANTPARENT)
				nd->ni_dvp = dvp;
			else
				vrele(dvp);
			nd->ni_cnd = cn;
			nd->ni_dotlast = dot || dotdot;
			return 0;
		}
		vrele(dvp);
		dvp = vp;
		vp = NULL;
	}
bad2:
	vrele(vp);
bad:
	vrele(dvp);
	return error;
}

static int
namei_common(struct nameidata *nd, const char *path, int flags, int user)
{
	int error;

	memset(nd, 0, sizeof(*nd));
	nd->ni_flags = flags;
	nd->ni_pnbuf = kmem_alloc(PATH_MAX, KM_SLEEP);
	if (user) {
		error = copyinstr(path, nd->ni_pnbuf, PATH_MAX, NULL);
	} else if (strlcpy(nd->ni_pnbuf, path, PATH_MAX) >= PATH_MAX) {
		error = ENAMETOOLONG;
	} else {
		error = 0;
	}
	if (error == 0)
		error = lookup(nd);
	if (error != 0) {
		kmem_free(nd->ni_pnbuf, PATH_MAX);
		nd->ni_pnbuf = NULL;
	}
	return error;
}

int
namei(struct nameidata *nd, const char *upath, int flags)
{
	return namei_common(nd, upath, flags, 1);
}

int
namei_kernel(struct nameidata *nd, const char *kpath, int flags)
{
	return namei_common(nd, kpath, flags, 0);
}

void
namei_done(struct nameidata *nd)
{
	if (nd->ni_vp != NULL)
		vrele(nd->ni_vp);
	if (nd->ni_dvp != NULL)
		vrele(nd->ni_dvp);
	if (nd->ni_pnbuf != NULL)
		kmem_free(nd->ni_pnbuf, PATH_MAX);
	nd->ni_vp = nd->ni_dvp = NULL;
	nd->ni_pnbuf = NULL;
}
