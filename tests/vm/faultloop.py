#!/usr/bin/env python3
"""Fault injection loops for tests/vm/t-faults.sh, in one process (a Python
start per attempt costs seconds under TCG). For N = 1, 2, ... the N-th
kernel slab allocation of one request fails (failslab, fail-nth), until a
request makes fewer than N allocations. After each attempt the slave and
the bond must be whole: the request either happened or changed nothing.

  faultloop.py enslave BOND SLAVE MAX     enslave SLAVE, release it if done
  faultloop.py release BOND SLAVE MAX     enslave (no fault), release with it
  faultloop.py rmmod KO SLAVES MAX        load KO (two bonds, SLAVES in bond0,
                                          comma-separated), rmmod with it
  faultloop.py newlink BOND - MAX [STRIDE] rtnetlink newlink of BOND (type bond,
                                          with options)
  faultloop.py changelink BOND - MAX      changelink of BOND (which exists,
                                          down), one option per request: mode,
                                          arp_ip_target, miimon
  faultloop.py masters BOND - MAX [STRIDE] "+BOND" to bonding_masters (the
                                          sysfs-create path)
  (newlink, masters, load: every allocation up to the 40th, then every
  STRIDEth, as rmmod)
  faultloop.py load KO - MAX              insmod KO (max_bonds=2), rmmod after
  faultloop.py open BOND - MAX            bring BOND (down, with slaves) up,
                                          down again if it came up
Prints "attempts N" and exits 0, or prints what differs and exits 1.
"""
import ctypes, os, socket, struct, sys, threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

libc = ctypes.CDLL(None, use_errno=True)
SIOCBONDENSLAVE, SIOCBONDRELEASE = 0x8990, 0x8991
SIOCGIFFLAGS, SIOCSIFFLAGS = 0x8913, 0x8914
IFF_UP = 1
FAIL_NTH = "/proc/self/task/%d/fail-nth" % threading.get_native_id()
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)


def ifreq(name, union=b""):
    return ctypes.create_string_buffer(name.encode().ljust(16, b"\0") + union.ljust(24, b"\0"), 40)


def ioctl(req, buf):
    r = libc.ioctl(sock.fileno(), req, buf)
    return ctypes.get_errno() if r < 0 else 0


def bond_req(req, bond, slave, nth=0):
    """The request, with its nth allocation failing (0: none). Returns
    (errno, whether the fault fired)."""
    buf = ifreq(bond, slave.encode())
    if not nth:
        return ioctl(req, buf), False
    fd = os.open(FAIL_NTH, os.O_RDWR)
    os.write(fd, str(nth).encode())
    e = ioctl(req, buf)
    left = int(os.pread(fd, 32, 0) or b"0")
    os.pwrite(fd, b"0", 0)
    os.close(fd)
    return e, left == 0


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError as e:
        return "<%s>" % e.strerror


def dev_state(dev):
    master = os.path.realpath("/sys/class/net/%s/master" % dev) if os.path.exists("/sys/class/net/%s/master" % dev) else ""
    return tuple(read("/sys/class/net/%s/%s" % (dev, f)).strip() for f in ("flags", "mtu", "address")) + (master,)


def bond_state(bond):
    return dev_state(bond) + (read("/proc/net/bonding/" + bond),)


def set_down(dev):
    buf = ifreq(dev)
    ioctl(SIOCGIFFLAGS, buf)
    flags = struct.unpack_from("h", buf.raw, 16)[0] & ~IFF_UP
    ioctl(SIOCSIFFLAGS, ifreq(dev, struct.pack("h", flags)))


def listed(bond, slave):
    return ("Slave Interface: %s\n" % slave) in read("/proc/net/bonding/" + bond)


def same(what, before, after, n, e):
    if before != after:
        print("fault %d (errno %d): %s changed:\n  before %r\n  after  %r" % (n, e, what, before, after))
        sys.exit(1)


def enslave_loop(bond, slave, most):
    for n in range(1, most + 1):
        sb, bb = dev_state(slave), bond_state(bond)
        e, fired = bond_req(SIOCBONDENSLAVE, bond, slave, n)
        if e == 0:
            if not listed(bond, slave):
                print("fault %d: enslave succeeded, slave not listed" % n)
                sys.exit(1)
            e2, _ = bond_req(SIOCBONDRELEASE, bond, slave)
            if e2:
                print("fault %d: release after the enslave failed: %d" % (n, e2))
                sys.exit(1)
            set_down(slave)
        same(slave, sb, dev_state(slave), n, e)
        same(bond, bb, bond_state(bond), n, e)
        if not fired:
            return n
    print("more than %d allocations" % most)
    sys.exit(1)


def release_loop(bond, slave, most):
    own = dev_state(slave)
    for n in range(1, most + 1):
        e, _ = bond_req(SIOCBONDENSLAVE, bond, slave)
        if e:
            print("fault %d: enslave without a fault failed: %d" % (n, e))
            sys.exit(1)
        e, fired = bond_req(SIOCBONDRELEASE, bond, slave, n)
        if e:
            # Refused before it changed anything: still a whole slave.
            if not listed(bond, slave):
                print("fault %d: a refused release (errno %d) lost the slave" % (n, e))
                sys.exit(1)
            e2, _ = bond_req(SIOCBONDRELEASE, bond, slave)
            if e2:
                print("fault %d: release after a refused one failed: %d" % (n, e2))
                sys.exit(1)
        if listed(bond, slave):
            print("fault %d: still listed after release" % n)
            sys.exit(1)
        set_down(slave)
        same(slave, own, dev_state(slave), n, e)
        if not fired:
            return n
    print("more than %d allocations" % most)
    sys.exit(1)


def set_up(dev):
    buf = ifreq(dev)
    ioctl(SIOCGIFFLAGS, buf)
    flags = struct.unpack_from("h", buf.raw, 16)[0] | IFF_UP
    return ioctl(SIOCSIFFLAGS, ifreq(dev, struct.pack("h", flags)))


def delete_module(nth=0):
    """rmmod bonding, with its nth allocation failing (0: none)."""
    fd = os.open(FAIL_NTH, os.O_RDWR) if nth else None
    if fd is not None:
        os.write(fd, str(nth).encode())
    r = libc.syscall(176, b"bonding", os.O_NONBLOCK)
    e = ctypes.get_errno() if r < 0 else 0
    fired = False
    if fd is not None:
        fired = int(os.pread(fd, 32, 0) or b"0") == 0
        os.pwrite(fd, b"0", 0)
        os.close(fd)
    return e, fired


def rmmod_steps(most, stride):
    """Every allocation up to 40, then every `stride`th: a module removal
    makes hundreds (uevents, netlink notifications, sysfs), each attempt
    costs a module load, and the paths past the first few dozen repeat per
    device."""
    n = 1
    while n <= most:
        yield n
        n += 1 if n < 40 else stride


def rmmod_loop(ko, slaves, most, stride):
    slaves = slaves.split(",")
    own = {s: dev_state(s) for s in slaves}
    for n in rmmod_steps(most, stride):
        fd = os.open(ko, os.O_RDONLY)
        r = libc.syscall(313, fd, b"mode=1 miimon=100 max_bonds=2", 0)
        os.close(fd)
        if r:
            print("fault %d: insmod failed: %d" % (n, ctypes.get_errno()))
            sys.exit(1)
        set_up("bond0")
        set_up("bond1")
        for s in slaves:
            e, _ = bond_req(SIOCBONDENSLAVE, "bond0", s)
            if e:
                print("fault %d: enslave %s failed: %d" % (n, s, e))
                sys.exit(1)
        e, fired = delete_module(n)
        if os.path.isdir("/sys/module/bonding"):
            # Refused before it began: the bonds are whole.
            for s in slaves:
                if not listed("bond0", s):
                    print("fault %d: a refused rmmod (errno %d) lost %s" % (n, e, s))
                    sys.exit(1)
            e2, _ = delete_module()
            if e2:
                print("fault %d: rmmod after a refused one failed: %d" % (n, e2))
                sys.exit(1)
        for s in slaves:
            set_down(s)
            same(s, own[s], dev_state(s), n, e)
        if not fired:
            return n
    print("more than %d allocations" % most)
    sys.exit(1)


def with_fault(nth, call):
    """call() with the task's nth allocation failing (0: none); returns
    (its result, whether the fault fired)."""
    if not nth:
        return call(), False
    fd = os.open(FAIL_NTH, os.O_RDWR)
    os.write(fd, str(nth).encode())
    try:
        r = call()
    finally:
        fired = int(os.pread(fd, 32, 0) or b"0") == 0
        os.pwrite(fd, b"0", 0)
        os.close(fd)
    return r, fired


def bonds():
    return read("/sys/class/net/bonding_masters").split()


def whole_bond(n, bond):
    """A bond that exists has all its parts: device, sysfs, /proc."""
    for path in ("/sys/class/net/%s/bonding/mode" % bond, "/proc/net/bonding/" + bond):
        if not os.path.exists(path):
            print("fault %d: %s exists without %s" % (n, bond, path))
            sys.exit(1)


def gone_bond(n, bond, e):
    for path in ("/sys/class/net/" + bond, "/proc/net/bonding/" + bond):
        if os.path.exists(path):
            print("fault %d (errno %d): a failed creation left %s" % (n, e, path))
            sys.exit(1)


def created_whole_or_not(n, bond, e, exists, before, remove):
    """After a creation attempt: a bond that exists is whole (and is
    removed again), one that does not left nothing behind, and the list of
    bonds is as before."""
    if exists:
        whole_bond(n, bond)
        remove()
    gone_bond(n, bond, e)
    same("bonding_masters", before, bonds(), n, e)


def newlink_loop(bond, most, stride):
    import rbnl
    nl = rbnl.Rtnl()
    data = (rbnl.attr(1, b"\x01") + rbnl.attr(3, struct.pack("I", 100)) + rbnl.attr(14, b"\x01") +
            rbnl.nest(8, rbnl.attr(0, socket.inet_aton("192.0.2.9"))))
    before = bonds()
    for n in rmmod_steps(most, stride):
        e, fired = with_fault(n, lambda: nl.newlink(bond, "bond", data))
        exists = os.path.exists("/sys/class/net/" + bond)
        # A lost ack (ENOBUFS on the socket) leaves either outcome possible;
        # otherwise the answer must match what happened.
        if not nl.lost_ack and exists != (e == 0):
            print("fault %d: newlink answered %d, and the bond %s" % (n, e, "exists" if exists else "does not exist"))
            sys.exit(1)
        if exists and read("/sys/class/net/%s/bonding/mode" % bond).split()[:1] != ["active-backup"]:
            print("fault %d: created without its mode" % n)
            sys.exit(1)
        created_whole_or_not(n, bond, e, exists, before, lambda: nl.dellink(socket.if_nametoindex(bond)))
        if not fired:
            return n
    print("more than %d allocations" % most)
    sys.exit(1)


def changelink_loop(bond, most):
    import rbnl
    nl = rbnl.Rtnl()
    idx = socket.if_nametoindex(bond)
    # (option, request, value once applied, how to put it back)
    changes = [("mode", rbnl.attr(1, b"\x00"), "balance-rr 0", "1"),
               ("arp_ip_target", rbnl.nest(8, rbnl.attr(0, socket.inet_aton("192.0.2.9"))), "192.0.2.9", "-192.0.2.9"),
               ("miimon", rbnl.attr(3, struct.pack("I", 50)), "50", "100")]
    total = 0
    for name, data, applied, back in changes:
        path = "/sys/class/net/%s/bonding/%s" % (bond, name)
        for n in range(1, most + 1):
            bb = bond_state(bond)
            e, fired = with_fault(n, lambda: nl.changelink(idx, "bond", data))
            now = read(path).strip()
            if now == applied:
                if e and not nl.lost_ack:
                    print("fault %d: changelink of %s failed (%d) but applied it" % (n, name, e))
                    sys.exit(1)
                with open(path, "w") as f:
                    f.write(back)
            elif e == 0:
                print("fault %d: changelink of %s succeeded but reads %r" % (n, name, now))
                sys.exit(1)
            same(bond, bb, bond_state(bond), n, e)
            total += 1
            if not fired:
                break
        else:
            print("%s: more than %d allocations" % (name, most))
            sys.exit(1)
    return total


def masters_loop(bond, most, stride):
    before = bonds()
    for n in rmmod_steps(most, stride):
        # The fault covers the write alone (the store), not the open.
        fd = os.open("/sys/class/net/bonding_masters", os.O_WRONLY)

        def create():
            try:
                os.write(fd, ("+" + bond).encode())
                return 0
            except OSError as e:
                return e.errno
        e, fired = with_fault(n, create)
        os.close(fd)
        exists = os.path.exists("/sys/class/net/" + bond)
        if exists != (e == 0):
            print("fault %d: the write answered %d, and the bond %s" % (n, e, "exists" if exists else "does not exist"))
            sys.exit(1)
        def remove():
            with open("/sys/class/net/bonding_masters", "w") as f:
                f.write("-" + bond)
        created_whole_or_not(n, bond, e, exists, before, remove)
        if not fired:
            return n
    print("more than %d allocations" % most)
    sys.exit(1)


def load_loop(ko, most, stride):
    for n in rmmod_steps(most, stride):
        fd = os.open(ko, os.O_RDONLY)

        def load():
            r = libc.syscall(313, fd, b"mode=1 miimon=100 max_bonds=2", 0)
            return ctypes.get_errno() if r else 0
        e, fired = with_fault(n, load)
        os.close(fd)
        if e == 0:
            for b in ("bond0", "bond1"):
                whole_bond(n, b)
            e2, _ = delete_module()
            if e2:
                print("fault %d: rmmod after the load failed: %d" % (n, e2))
                sys.exit(1)
        elif os.path.isdir("/sys/module/bonding"):
            print("fault %d: a failed load (errno %d) left the module" % (n, e))
            sys.exit(1)
        for path in ("/proc/net/bonding", "/sys/class/net/bond0", "/sys/class/net/bonding_masters"):
            if os.path.exists(path):
                print("fault %d (errno %d): %s left after the module went" % (n, e, path))
                sys.exit(1)
        if not fired:
            return n
    print("more than %d allocations" % most)
    sys.exit(1)


def open_loop(bond, most):
    """BOND up with its nth allocation failing: it comes up, or stays down
    exactly as it was; taken down again, it is as before."""
    for n in range(1, most + 1):
        before = bond_state(bond)
        e, fired = with_fault(n, lambda: set_up(bond))
        if e == 0:
            set_down(bond)
        same(bond, before, bond_state(bond), n, e)
        if not fired:
            return n
    print("more than %d allocations" % most)
    sys.exit(1)


if __name__ == "__main__":
    op, a, b, most = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if op == "rmmod":
        stride = int(sys.argv[5]) if len(sys.argv) > 5 else 25
        n = rmmod_loop(a, b, most, stride)
    elif op == "load":
        n = load_loop(a, most, int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    elif op in ("newlink", "masters"):
        n = {"newlink": newlink_loop, "masters": masters_loop}[op](a, most, int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    elif op == "changelink":
        n = changelink_loop(a, most)
    elif op == "open":
        n = open_loop(a, most)
    else:
        n = {"enslave": enslave_loop, "release": release_loop}[op](a, b, most)
    print("attempts", n)
