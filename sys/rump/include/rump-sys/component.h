/*
 * component.h: how a faction or driver joins a kernel.  A component
 * declares itself with RUMP_COMPONENT(type, name, deps...) { init body }
 * and lands in the rump_components link set; rump_init() runs the
 * linked components by type (the order below), and within a type after
 * the components they name as dependencies, ties broken by name.  A
 * dependency that is not linked, or that initialises in a later type,
 * is a boot error naming both components.
 */
#ifndef _RUMP_SYS_COMPONENT_H_
#define _RUMP_SYS_COMPONENT_H_

#include <rump-sys/types.h>

enum rump_component_type {
	RUMP_COMPONENT_KERN,		/* core services */
	RUMP_COMPONENT_KERN_VFS,	/* VFS faction bootstrap */
	RUMP_COMPONENT_DEV,		/* device framework, drivers */
	RUMP_COMPONENT_DEV_AFTERMAINBUS,
	RUMP_COMPONENT_NET,		/* networking faction */
	RUMP_COMPONENT_NET_ROUTE,
	RUMP_COMPONENT_NET_IF,		/* interfaces */
	RUMP_COMPONENT_NET_IFCFG,
	RUMP_COMPONENT_VFS,		/* file systems */
	RUMP_COMPONENT_POSTINIT,	/* after everything else */
	RUMP_COMPONENT_MAX
};

struct rump_component {
	enum rump_component_type rc_type;
	const char		*rc_name;
	const char *const	*rc_deps;	/* names */
	unsigned int		 rc_ndeps;
	/* 0 or an errno that fails the boot */
	int			(*rc_init)(void);
};

/* A shutdown hook, found by component name; run in reverse order. */
struct rump_component_fini {
	const char		*rcf_name;
	void			(*rcf_fini)(void);
};

#define __link_set_add(set, sym)					\
	static const void *const __link_set_##set##_sym_##sym		\
	    __attribute__((__section__("link_set_" #set), __used__))	\
	    = &(sym)

/*
 * RUMP_COMPONENT(type, name, "dep", ...) { body }: body is the init
 * function, returning 0 or an errno.
 */
#define RUMP_COMPONENT(type, name, ...)					\
	static int __rumpcomp_init_##name(void);			\
	static const char *const __rumpcomp_deps_##name[] =		\
	    { "", ##__VA_ARGS__ };					\
	static const struct rump_component __rumpcomp_##name = {	\
		.rc_type = (type),					\
		.rc_name = #name,					\
		.rc_deps = __rumpcomp_deps_##name + 1,			\
		.rc_ndeps = __arraycount(__rumpcomp_deps_##name) - 1,	\
		.rc_init = __rumpcomp_init_##name,			\
	};								\
	__link_set_add(rump_components, __rumpcomp_##name);		\
	static int __rumpcomp_init_##name(void)

/* RUMP_COMPONENT_FINI(name) { body }: undo the init at shutdown. */
#define RUMP_COMPONENT_FINI(name)					\
	static void __rumpcomp_fini_##name(void);			\
	static const struct rump_component_fini __rumpcompfini_##name = { \
		.rcf_name = #name,					\
		.rcf_fini = __rumpcomp_fini_##name,			\
	};								\
	__link_set_add(rump_component_finis, __rumpcompfini_##name);	\
	static void __rumpcomp_fini_##name(void)

/* Run every linked component's init; 0 or the first error. */
int	rump_component_init_all(void);
void	rump_component_fini_all(void);
/* Names in the order they were initialised, for tests. */
int	rump_component_initorder(char *buf, size_t len);

#endif /* _RUMP_SYS_COMPONENT_H_ */
