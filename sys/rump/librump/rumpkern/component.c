/*
 * component.c: the component registry.  Components sit in the
 * rump_components link set (see component.h); this file checks their
 * dependencies and runs their init functions in a fixed order: by type,
 * then dependencies first, then by name.
 */
#include <rump-sys/systm.h>
#include <rump-sys/component.h>

#define MAXCOMPONENTS	128

extern const struct rump_component *const
    __start_link_set_rump_components[] __attribute__((__weak__));
extern const struct rump_component *const
    __stop_link_set_rump_components[] __attribute__((__weak__));
extern const struct rump_component_fini *const
    __start_link_set_rump_component_finis[] __attribute__((__weak__));
extern const struct rump_component_fini *const
    __stop_link_set_rump_component_finis[] __attribute__((__weak__));

static const char *const comp_typename[RUMP_COMPONENT_MAX] = {
	"KERN", "KERN_VFS", "DEV", "DEV_AFTERMAINBUS", "NET", "NET_ROUTE",
	"NET_IF", "NET_IFCFG", "VFS", "POSTINIT",
};

/* Initialised components, in order, for shutdown and for tests. */
static const struct rump_component *comp_done[MAXCOMPONENTS];
static int comp_ndone;

static int
comp_count(void)
{
	return (int)(__stop_link_set_rump_components -
	    __start_link_set_rump_components);
}

static const struct rump_component *
comp_byname(const char *name)
{
	for (int i = 0; i < comp_count(); i++) {
		if (strcmp(__start_link_set_rump_components[i]->rc_name,
		    name) == 0)
			return __start_link_set_rump_components[i];
	}
	return NULL;
}

static int
comp_isdone(const struct rump_component *rc)
{
	for (int i = 0; i < comp_ndone; i++) {
		if (comp_done[i] == rc)
			return 1;
	}
	return 0;
}

/* Every dependency linked, unique names, and none initialising later. */
static int
comp_check(void)
{
	int n = comp_count();

	if (n > MAXCOMPONENTS) {
		printf("rump_init: %d components linked, at most %d "
		    "supported\n", n, MAXCOMPONENTS);
		return EINVAL;
	}
	for (int i = 0; i < n; i++) {
		const struct rump_component *rc =
		    __start_link_set_rump_components[i];

		if (comp_byname(rc->rc_name) != rc) {
			printf("rump_init: two components are named \"%s\"\n",
			    rc->rc_name);
			return EEXIST;
		}
		for (unsigned int d = 0; d < rc->rc_ndeps; d++) {
			const struct rump_component *dep =
			    comp_byname(rc->rc_deps[d]);

			if (dep == NULL) {
				printf("rump_init: component \"%s\" depends on "
				    "\"%s\", which is not linked into this "
				    "program\n", rc->rc_name, rc->rc_deps[d]);
				return ENOENT;
			}
			if (dep->rc_type > rc->rc_type) {
				printf("rump_init: component \"%s\" (%s) depends "
				    "on \"%s\", which initialises later (%s)\n",
				    rc->rc_name, comp_typename[rc->rc_type],
				    dep->rc_name, comp_typename[dep->rc_type]);
				return EINVAL;
			}
		}
	}
	return 0;
}

static int
comp_ready(const struct rump_component *rc)
{
	for (unsigned int d = 0; d < rc->rc_ndeps; d++) {
		if (!comp_isdone(comp_byname(rc->rc_deps[d])))
			return 0;
	}
	return 1;
}

/*
 * The next component of this type to initialise: of those whose
 * dependencies are done, the first by name.  Names, not link order,
 * break ties, so the order does not change with how a program is linked.
 */
static const struct rump_component *
comp_next(enum rump_component_type type)
{
	const struct rump_component *best = NULL;

	for (int i = 0; i < comp_count(); i++) {
		const struct rump_component *rc =
		    __start_link_set_rump_components[i];

		if (rc->rc_type != type || comp_isdone(rc) || !comp_ready(rc))
			continue;
		if (best == NULL || strcmp(rc->rc_name, best->rc_name) < 0)
			best = rc;
	}
	return best;
}

/* Initialise the components of one type; 0 or an errno. */
static int
comp_init_type(enum rump_component_type type)
{
	const struct rump_component *rc;
	int n = comp_count(), error;

	while ((rc = comp_next(type)) != NULL) {
		aprint_verbose("rump_init: component %s\n", rc->rc_name);
		if ((error = rc->rc_init()) != 0) {
			printf("rump_init: component \"%s\" failed to "
			    "initialise: error %d\n", rc->rc_name, error);
			return error;
		}
		comp_done[comp_ndone++] = rc;
	}

	for (int i = 0; i < n; i++) {
		const struct rump_component *rc =
		    __start_link_set_rump_components[i];

		if (rc->rc_type == type && !comp_isdone(rc)) {
			printf("rump_init: component \"%s\" is part of a "
			    "dependency cycle\n", rc->rc_name);
			return EINVAL;
		}
	}
	return 0;
}

int
rump_component_init_all(void)
{
	int error;

	comp_ndone = 0;
	if ((error = comp_check()) != 0)
		return error;
	for (int t = 0; t < RUMP_COMPONENT_MAX; t++) {
		if ((error = comp_init_type((enum rump_component_type)t)) != 0)
			return error;
	}
	return 0;
}

/* Run the shutdown hooks of initialised components, last first. */
void
rump_component_fini_all(void)
{
	const struct rump_component_fini *const *f;

	while (comp_ndone > 0) {
		const struct rump_component *rc = comp_done[--comp_ndone];

		for (f = __start_link_set_rump_component_finis;
		    f < __stop_link_set_rump_component_finis; f++) {
			if (strcmp((*f)->rcf_name, rc->rc_name) == 0)
				(*f)->rcf_fini();
		}
	}
}

int
rump_component_initorder(char *buf, size_t len)
{
	size_t off = 0;

	if (len == 0)
		return E2BIG;
	buf[0] = '\0';
	for (int i = 0; i < comp_ndone; i++) {
		int n = snprintf(buf + off, len - off, "%s%s", i ? " " : "",
		    comp_done[i]->rc_name);
		if (n < 0 || (size_t)n >= len - off)
			return E2BIG;
		off += (size_t)n;
	}
	return 0;
}

/* The core registers itself, so the link set always exists. */
RUMP_COMPONENT(RUMP_COMPONENT_KERN, rumpkern)
{
	return 0;
}
