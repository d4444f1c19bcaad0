# rump-gdb.py: gdb commands that show rump kernel state.
#
#   rump lwps      every lwp: id, name, process, CPU held, what it sleeps on
#   rump cpus      the virtual CPUs and who holds each
#   rump kmem      kernel memory outstanding, by allocation site
#   rump locks [all] held (or all) mutexes and rwlocks: where each was
#                  initialised, owner, waiters
#   rump lock EXPR a kmutex_t/krwlock_t/kcondvar_t: owner and waiters
#
# Kernel symbols carry a rumpns_ prefix in the symbol table, but the
# debug information keeps the source names, so `break mutex_enter` and
# these commands use the names as written in the kernel sources.
# Loaded by `harness/rumptest debug`; or `source tools/gdb/rump-gdb.py`.

import gdb


def _static(name):
    sym = gdb.lookup_static_symbol(name)
    if sym is None:
        sym = gdb.lookup_global_symbol(name)
    if sym is None:
        raise gdb.GdbError("rump: no symbol %s (is a kernel linked?)" % name)
    return sym.value()


def _str(v):
    try:
        return v.string()
    except gdb.error:
        return "?"


def _lwp_desc(l):
    if int(l) == 0:
        return "-"
    return "lwp %d (%s)" % (int(l["l_lid"]), _str(l["l_name"]))


def _waitq(wq):
    out = []
    l = wq["tqh_first"]
    while int(l) != 0 and len(out) < 64:
        out.append(_lwp_desc(l))
        l = l["l_sleepchain"]["tqe_next"]
    return out


class RumpPrefix(gdb.Command):
    """Show rump kernel state: rump lwps | cpus | kmem | lock EXPR."""

    def __init__(self):
        super().__init__("rump", gdb.COMMAND_DATA, gdb.COMPLETE_NONE, True)


class RumpLwps(gdb.Command):
    """List every lwp of the running kernel."""

    def __init__(self):
        super().__init__("rump lwps", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        head = _static("alllwp")
        l = head["lh_first"]
        print("%5s %-16s %4s %-5s %s" % ("LID", "NAME", "PID", "CPU",
                                         "STATE"))
        n = 0
        while int(l) != 0 and n < 10000:
            cpu = l["l_cpu"]
            cpus = "cpu%d" % int(cpu["ci_index"]) if int(cpu) else "-"
            flags = int(l["l_flag"])
            kind = []
            if flags & 0x1:
                kind.append("kthread")
            if flags & 0x4:
                kind.append("host thread")
            if flags & 0x8:
                kind.append("exited")
            if int(l["l_waitq"]) != 0:
                state = "sleeping"
            elif int(cpu):
                state = "running"
            else:
                state = "off cpu"
            print("%5d %-16s %4d %-5s %s%s" % (
                int(l["l_lid"]), _str(l["l_name"]),
                int(l["l_proc"]["p_pid"]), cpus, state,
                (" [" + ", ".join(kind) + "]") if kind else ""))
            l = l["l_list"]["le_next"]
            n += 1
        print("%d lwps" % n)


class RumpCpus(gdb.Command):
    """List the virtual CPUs and their holders."""

    def __init__(self):
        super().__init__("rump cpus", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        cpus = _static("rump_cpus")
        n = int(_static("ncpu"))
        for i in range(n):
            ci = cpus[i]
            print("cpu%d: %s, %d switches" % (
                i, _lwp_desc(ci["ci_curlwp"]) if int(ci["ci_curlwp"])
                else "free", int(ci["ci_nswitch"])))


class RumpKmem(gdb.Command):
    """Kernel memory outstanding, by allocation site (largest first)."""

    def __init__(self):
        super().__init__("rump kmem", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        ks = _static("kmem_sites")
        rows = []
        n = 0
        while int(ks) != 0 and n < 100000:
            count = int(ks["ks_count"])
            if count:
                rows.append((int(ks["ks_bytes"]), count,
                             "%s:%d (%s)" % (_str(ks["ks_file"]),
                                             int(ks["ks_line"]),
                                             _str(ks["ks_func"]))))
            ks = ks["ks_next"]
            n += 1
        rows.sort(reverse=True)
        print("%10s %8s  %s" % ("BYTES", "ALLOCS", "SITE"))
        for b, c, s in rows:
            print("%10d %8d  %s" % (b, c, s))
        print("%d bytes in use" % int(_static("kmem_inuse_bytes")))


class RumpLock(gdb.Command):
    """Show a kernel lock: rump lock &some_mutex"""

    def __init__(self):
        super().__init__("rump lock", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        if not arg:
            raise gdb.GdbError("usage: rump lock EXPR")
        v = gdb.parse_and_eval(arg)
        if v.type.code == gdb.TYPE_CODE_PTR:
            v = v.dereference()
        t = v.type.strip_typedefs().tag
        if t == "kmutex":
            kind = "spin mutex" if int(v["mtx_spin"]) else "mutex"
            print("%s %s: owner %s" % (kind, arg, _lwp_desc(v["mtx_owner"])))
            w = _waitq(v["mtx_waiters"])
        elif t == "krwlock":
            print("rwlock %s: writer %s, %d readers" % (
                arg, _lwp_desc(v["rw_owner"]), int(v["rw_readers"])))
            w = _waitq(v["rw_waiters"])
        elif t == "kcondvar":
            print("condvar %s (\"%s\"): %d MP waiters" % (
                arg, _str(v["cv_wmesg"]), int(v["cv_nwaiters"])))
            w = _waitq(v["cv_waiters"])
        else:
            raise gdb.GdbError("rump: %s is not a kernel lock" % arg)
        print("waiters (uniprocessor locks): %s" % (", ".join(w) or "none"))


class RumpLocks(gdb.Command):
    """Held mutexes and rwlocks, or every initialised one with 'all'."""

    def __init__(self):
        super().__init__("rump locks", gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        show_all = arg.strip() == "all"
        shown = total = 0
        m = _static("lockreg_mutexes")["lh_first"]
        while int(m) != 0 and total < 100000:
            total += 1
            owner = m["mtx_owner"]
            waiters = _waitq(m["mtx_waiters"])
            nwait = int(m["mtx_nwait"]) + len(waiters)
            if show_all or int(owner) != 0 or nwait:
                shown += 1
                print("%s %s at %s:%d: owner %s, %d waiting%s" % (
                    "spin mutex" if int(m["mtx_spin"]) else "mutex",
                    m.address if m.type.code != gdb.TYPE_CODE_PTR else m,
                    _str(m["mtx_file"]), int(m["mtx_line"]),
                    _lwp_desc(owner), nwait,
                    (" (" + ", ".join(waiters) + ")") if waiters else ""))
            m = m["mtx_list"]["le_next"]
        r = _static("lockreg_rwlocks")["lh_first"]
        while int(r) != 0 and total < 200000:
            total += 1
            waiters = _waitq(r["rw_waiters"])
            nwait = int(r["rw_nwait"]) + len(waiters)
            if (show_all or int(r["rw_owner"]) != 0 or
                    int(r["rw_readers"]) or nwait):
                shown += 1
                print("rwlock %s at %s:%d: writer %s, %d readers, "
                      "%d waiting%s" % (
                          r, _str(r["rw_file"]), int(r["rw_line"]),
                          _lwp_desc(r["rw_owner"]), int(r["rw_readers"]),
                          nwait, (" (" + ", ".join(waiters) + ")")
                          if waiters else ""))
            r = r["rw_list"]["le_next"]
        print("%d of %d locks shown" % (shown, total))


RumpPrefix()
RumpLocks()
RumpLwps()
RumpCpus()
RumpKmem()
RumpLock()
