# Top-level, non-recursive build.  Each library, component and test
# directory contributes a Makefile.inc fragment; this file holds the
# compile rules for the two worlds and the user-facing targets.
#
#   make              build everything into $(O) (default build/)
#   make check        install missing tools, build, run the Kyua suite
#   make bench        build and run the benchmarks
#   make O=build-x VARIANT_CFLAGS=...   a variant in its own directory

O		?= build
# One spelling per directory: O=build-x and O=$(PWD)/build-x name the
# same objects, and the dependency files written under one spelling
# must match targets under the other, or header changes go unseen.
override O	:= $(patsubst $(CURDIR)/%,%,$(abspath $(O)))
CC		?= gcc
NPROC		:= $(shell nproc 2>/dev/null || echo 2)
GCC_INCLUDE	:= $(shell $(CC) -print-file-name=include)

# Extra flags for variants (coverage, sanitizers); kept out of the
# default build so variants never share object files.
VARIANT_CFLAGS	?=
VARIANT_LDFLAGS	?=
OPT_CFLAGS	?= -O2

WARN_CFLAGS	:= -Wall -Wextra -Werror -Wstrict-prototypes -Wmissing-prototypes \
		   -Wno-unused-parameter
COMMON_CFLAGS	:= -std=gnu11 $(OPT_CFLAGS) -g -fno-omit-frame-pointer \
		   $(WARN_CFLAGS) $(VARIANT_CFLAGS)

# Host world: libc, pthreads, atf-c.
HOST_CFLAGS	:= $(COMMON_CFLAGS) -D_GNU_SOURCE -pthread \
		   -Isys/rump/include -I$(O)/include -Iharness

# Kernel world: no libc headers at all (-nostdinc), only the compiler's
# freestanding ones and ours, so a stray #include <stdio.h> fails to
# compile (invariant 1).  Global symbols are renamed into rumpns_ after
# compilation by tools/rumpns.sh (invariant 3).
KERN_CFLAGS	:= $(COMMON_CFLAGS) -D_KERNEL -ffreestanding -nostdinc \
		   -isystem $(GCC_INCLUDE) -fno-stack-protector -fno-common \
		   -Isys/rump/include -I$(O)/include

LDLIBS_HOST	:= -pthread
LDFLAGS_TEST	:= -rdynamic $(VARIANT_LDFLAGS)

ATF_CFLAGS	:= $(shell pkg-config --cflags atf-c 2>/dev/null)
ATF_LIBS	:= $(shell pkg-config --libs atf-c 2>/dev/null || echo -latf-c)

# Filled in by the fragments.
KERNEL_OBJS	:=
HOST_OBJS	:=
ALL_LIBS	:=
KERNEL_LIBS	:=
TEST_PROGS	:=
BENCH_PROGS	:=
GENERATED	:=

# kobjs/hobjs: object files for a list of sources in the two worlds.
objs_of		= $(patsubst %.c,$(O)/%.o,$(1))

all: build-all

include sys/rump/librump/rumpkern/Makefile.inc
include lib/librumpuser/Makefile.inc
include harness/Makefile.inc
include tests/kernel/Makefile.inc
include sys/rump/librump/rumpvfs/Makefile.inc
include sys/rump/fs/tmpfs/Makefile.inc
include sys/rump/fs/ext2fs/Makefile.inc
include tests/fs/Makefile.inc
include sys/rump/librump/rumpdev/Makefile.inc
include tests/dev/rumpdev/Makefile.inc
include tests/tooling/Makefile.inc
include sys/rump/librump/rumpnet/Makefile.inc
include sys/rump/net/netinet/Makefile.inc
include sys/rump/net/etherhost/Makefile.inc
include sys/rump/net/shmif/Makefile.inc
include sys/rump/net/virtif/Makefile.inc
include tools/shmif2pcap/Makefile.inc
include tests/net/Makefile.inc
include tests/net/Makefile.tcp.inc
include tests/net/Makefile.sock.inc
include tests/net/Makefile.unix.inc
include sys/rump/dev/audio/Makefile.inc
include tests/dev/audio/Makefile.inc
include bench/Makefile.inc

$(KERNEL_OBJS): OBJ_WORLD := kernel
$(HOST_OBJS): OBJ_WORLD := host

# One compile rule; the world picks the flags.  Kernel objects then get
# their global symbols renamed.
$(O)/%.o: %.c | $(GENERATED)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(if $(filter kernel,$(OBJ_WORLD)),$(KERN_CFLAGS),$(HOST_CFLAGS) $(ATF_CFLAGS)) \
	    $(OBJ_CFLAGS) -MMD -MP -c $< -o $@
	@$(if $(filter kernel,$(OBJ_WORLD)),sh tools/rumpns.sh $@)

# Generated sources live in $(O) already.
$(O)/%.o: $(O)/%.c | $(GENERATED)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(if $(filter kernel,$(OBJ_WORLD)),$(KERN_CFLAGS),$(HOST_CFLAGS) $(ATF_CFLAGS)) \
	    $(OBJ_CFLAGS) -MMD -MP -c $< -o $@
	@$(if $(filter kernel,$(OBJ_WORLD)),sh tools/rumpns.sh $@)

%.a:
	@mkdir -p $(@D)
	@echo "  AR      $@"
	@rm -f $@ && ar rcs $@ $^

build-all: $(ALL_LIBS) $(TEST_PROGS) $(O)/Kyuafile.stamp

# Kyua reads the Kyuafiles from the source tree and the programs from
# $(O) (--build-root); the stamp only records that the tree is built.
$(O)/Kyuafile.stamp: $(TEST_PROGS)
	@touch $@

deps:
	@sh tools/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory -j$(NPROC) build-all
	@sh tools/check.sh

bench: $(BENCH_PROGS)
	@sh bench/run.sh $(O)

clean:
	rm -rf $(O)

.PHONY: all build-all deps check bench clean
.DELETE_ON_ERROR:

-include $(shell find $(O) -name '*.d' 2>/dev/null)
