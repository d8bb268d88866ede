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
Prints "attempts N" and exits 0, or prints what differs and exits 1.
"""
import ctypes, os, socket, struct, sys, threading

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


if __name__ == "__main__":
    op, a, b, most = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    if op == "rmmod":
        stride = int(sys.argv[5]) if len(sys.argv) > 5 else 25
        n = rmmod_loop(a, b, most, stride)
    else:
        n = {"enslave": enslave_loop, "release": release_loop}[op](a, b, most)
    print("attempts", n)
