#!/usr/bin/env python3
"""Raw bonding ioctls for the VM tests: prints the errno (0 on success) and,
for the queries, the returned fields. Usage:
  bondctl.py enslave|release|sethwaddr|changeactive BOND SLAVE [--old]
  bondctl.py info BOND [--old] [--badptr]
  bondctl.py slaveinfo BOND ID [--old]
  bondctl.py miireg BOND REG
  bondctl.py cycles BOND N SLAVE...
cycles enslaves every SLAVE then releases them in reverse order, N times,
and prints the number of cycles (one enslave and one release each); it
stops with the errno at the first failure. BONDCTL_PROGRESS=<file>: the
cycles done so far are written there every 50.
With --fail-nth N (enslave, release): the N-th kernel allocation of the
request fails (failslab); prints "<errno> <injected: 1|0>".
"""
import ctypes, errno, fcntl, os, socket, struct, sys, time

CMDS = {"enslave": (0x8990, 0x89F0), "release": (0x8991, 0x89F1), "sethwaddr": (0x8992, 0x89F2),
        "changeactive": (0x8995, 0x89FD), "slaveinfo": (0x8993, 0x89FB), "info": (0x8994, 0x89FC)}
libc = ctypes.CDLL(None, use_errno=True)


def ioctl(req, buf):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    r = libc.ioctl(s.fileno(), req, buf)
    e = ctypes.get_errno() if r < 0 else 0
    s.close()
    return e


def fail_nth_ioctl(req, buf, n):
    """The request with its n-th slab allocation failing; returns (errno,
    whether the fault was injected)."""
    import threading
    path = "/proc/self/task/%d/fail-nth" % threading.get_native_id()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    fd = os.open(path, os.O_RDWR)
    os.write(fd, str(n).encode())
    r = libc.ioctl(s.fileno(), req, buf)
    e = ctypes.get_errno() if r < 0 else 0
    left = int(os.pread(fd, 32, 0) or b"0")
    os.pwrite(fd, b"0", 0)
    os.close(fd)
    s.close()
    # The counter reaches 0 when the fault fires.
    return e, 1 if left == 0 else 0


def ifreq(name, union=b""):
    return ctypes.create_string_buffer(name.encode().ljust(16, b"\0") + union.ljust(24, b"\0"), 40)


def main(argv):
    op, bond = argv[0], argv[1]
    old = "--old" in argv
    if op in ("enslave", "release", "sethwaddr", "changeactive"):
        req = CMDS[op][1 if old else 0]
        if "--fail-nth" in argv:
            n = int(argv[argv.index("--fail-nth") + 1])
            print(*fail_nth_ioctl(req, ifreq(bond, argv[2].encode()), n))
        else:
            print(ioctl(req, ifreq(bond, argv[2].encode())))
    elif op == "info":
        data = ctypes.create_string_buffer(12)
        ptr = 16 if "--badptr" in argv else ctypes.addressof(data)
        e = ioctl(CMDS[op][1 if old else 0], ifreq(bond, struct.pack("Q", ptr)))
        print(e, *(struct.unpack("iii", data.raw) if e == 0 else ()))
    elif op == "slaveinfo":
        data = ctypes.create_string_buffer(struct.pack("i", int(argv[2])).ljust(28, b"\0"), 28)
        e = ioctl(CMDS[op][1 if old else 0], ifreq(bond, struct.pack("Q", ctypes.addressof(data))))
        if e:
            print(e)
        else:
            sid, name, link, state, _, fails = struct.unpack("i16sbb2sI", data.raw)
            print(e, sid, name.rstrip(b"\0").decode(), link, state, fails)
    elif op == "miireg":
        # SIOCGMIIPHY fills phy_id, then SIOCGMIIREG reads reg_num.
        buf = ifreq(bond)
        e = ioctl(0x8947, buf)
        if e:
            print(e)
            return
        phy = struct.unpack_from("H", buf.raw, 16)[0]
        buf = ifreq(bond, struct.pack("HHHH", phy, int(argv[2]), 0, 0xffff))
        e = ioctl(0x8948, buf)
        print(e, *(struct.unpack_from("HHHH", buf.raw, 16) if e == 0 else ()))
    elif op == "cycles":
        slaves = argv[3:]
        # BONDCTL_PROGRESS=<file>: the cycles done so far, every 50 (for
        # a soak watched from the host).
        progress = os.environ.get("BONDCTL_PROGRESS")
        for i in range(int(argv[2])):
            if progress and i % 25 == 0:
                with open(progress, "w") as f:
                    f.write(f"{i * len(slaves)} {time.monotonic():.1f}\n")
            for req, order in ((CMDS["enslave"][0], slaves), (CMDS["release"][0], slaves[::-1])):
                for sl in order:
                    e = ioctl(req, ifreq(bond, sl.encode()))
                    if e:
                        sys.exit(f"ioctl {req:#x} {sl}: {errno.errorcode.get(e, e)}")
        print(int(argv[2]) * len(slaves))
    else:
        sys.exit(__doc__)


main(sys.argv[1:])
