#!/usr/bin/env python3
"""Seeded fuzzer over every input bonding.ko accepts (issue 12), run inside
the test VM as root, with the module under test at KO:

  fuzz.py KO SEED OPS [BATCH]

One process (a Python start costs a second under TCG). Each operation is
drawn from the seed: rtnetlink newlink/changelink/slave attributes
(random, truncated, oversized, unknown, nested), IFLA_MASTER, the
SIOCBOND*/SIOCDEVPRIVATE/SIOCETHTOOL/MII ioctls with random, truncated and
boundary ifreq/ifbond/ifslave contents and bad user pointers, sysfs writes
(random tokens, empty, overlong, +/- forms), bonding_masters, up/down,
renames, bond deletion, moves of slaves to another namespace and back,
peer links flapping, and module reloads with random parameters. A child
process sends frames the whole time: through every bond, and from the peers into
the slaves (ARP, LACPDUs and markers with random fields, truncated and
VLAN-tagged frames, junk).

After every BATCH operations (default 250) it checks:
  - the kernel log has no splat (RBOND_SPLAT, the runner's pattern);
  - /proc/net/bonding, sysfs and rtnetlink agree on the bonds, their
    slaves, mode, miimon and active slave;
  - every slave that is not enslaved has its own MAC and MTU back, is no
    slave, and holds no promiscuity or allmulti references;
  - an unprivileged process (uid 65534, no capabilities) changes nothing:
    every attempt fails, and the bonds' options read the same after.
Prints one line per batch and a summary; on a failure, the seed, the
operation number, the last operations and what differs, and exits 1.
The same seed replays the same operations (the kernel's answers decide
which bonds exist, so a replay starts from a freshly loaded module, as
every run does)."""
import collections
import ctypes
import errno
import os
import random
import re
import socket
import struct
import sys
import mmap
import signal
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rbnl  # noqa: E402
from rbnl import attr, nest, strz  # noqa: E402

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
PAGE = mmap.PAGESIZE
SCRATCH = 64 * 1024
SYS_finit_module, SYS_delete_module = 313, 176
O_NONBLOCK = os.O_NONBLOCK

BONDS = ["fzb0", "fzb1", "fzb2"]
NSLAVES = 6
# rb*: the runner deletes what a test leaves behind under that prefix.
SLAVES = [f"rbfs{i}" for i in range(NSLAVES)]
PEERS = [f"rbfp{i}" for i in range(NSLAVES)]
NETNS = "/run/netns/fzns"
# A kmemleak scan every this many batches (5,000 operations): a long run
# stopped before its end has had its leaks looked for as it went.
KMEMLEAK_EVERY = int(os.environ.get("RBOND_FUZZ_KMEMLEAK_EVERY") or 20)
# RBOND_FUZZ_TRACE=<n>: log every operation from the nth on (to find what
# a replay hangs in).
TRACE_FROM = int(os.environ.get("RBOND_FUZZ_TRACE") or 1 << 62)


def slave_mac(i):
    return bytes([0x02, 0xF2, 0, 0, 0, 0x10 + i])


SPLAT = re.compile(os.environ.get("RBOND_SPLAT", r"WARNING:|BUG:|Oops|KASAN|UBSAN|unreferenced object"))

# The ioctls (include/uapi/linux/sockios.h, if_bonding.h).
SIOCBONDENSLAVE, SIOCBONDRELEASE, SIOCBONDSETHWADDR = 0x8990, 0x8991, 0x8992
SIOCBONDSLAVEINFOQUERY, SIOCBONDINFOQUERY, SIOCBONDCHANGEACTIVE = 0x8993, 0x8994, 0x8995
SIOCDEVPRIVATE = 0x89F0
SIOCETHTOOL, SIOCGMIIPHY, SIOCGMIIREG, SIOCSMIIREG = 0x8946, 0x8947, 0x8948, 0x8949
SIOCSIFHWADDR, SIOCGIFFLAGS = 0x8924, 0x8913
IOCTLS = [SIOCBONDENSLAVE, SIOCBONDRELEASE, SIOCBONDSETHWADDR, SIOCBONDSLAVEINFOQUERY, SIOCBONDINFOQUERY,
          SIOCBONDCHANGEACTIVE, SIOCDEVPRIVATE, SIOCDEVPRIVATE + 1, SIOCDEVPRIVATE + 2, SIOCDEVPRIVATE + 3,
          SIOCDEVPRIVATE + 15, SIOCETHTOOL, SIOCGMIIPHY, SIOCGMIIREG, SIOCSMIIREG]
# Those that change something (an unprivileged caller must get EPERM).
MUTATING_IOCTLS = [SIOCBONDENSLAVE, SIOCBONDRELEASE, SIOCBONDSETHWADDR, SIOCBONDCHANGEACTIVE,
                   SIOCDEVPRIVATE, SIOCDEVPRIVATE + 1, SIOCDEVPRIVATE + 3, SIOCSMIIREG]

BOND_FILES = ["mode", "miimon", "updelay", "downdelay", "use_carrier", "arp_interval", "arp_ip_target",
              "arp_validate", "arp_all_targets", "arp_missed_max", "primary", "primary_reselect", "fail_over_mac",
              "xmit_hash_policy", "resend_igmp", "num_grat_arp", "num_unsol_na", "all_slaves_active",
              "min_links", "lp_interval", "packets_per_slave", "lacp_rate", "lacp_active", "ad_select",
              "ad_actor_sys_prio", "ad_actor_system", "ad_user_port_key", "tlb_dynamic_lb", "peer_notif_delay",
              "active_slave", "queue_id", "slaves", "ns_ip6_target", "coupled_control", "ad_aggregator",
              "ad_num_ports", "mii_status", "bonding_nonexistent"]
# Read back before and after the unprivileged batch (stable while nothing
# else runs).
SNAPSHOT_FILES = ["mode", "miimon", "updelay", "downdelay", "arp_interval", "arp_ip_target", "primary",
                  "xmit_hash_policy", "min_links", "packets_per_slave", "lacp_rate", "ad_select",
                  "ad_actor_system", "queue_id", "slaves", "num_grat_arp", "fail_over_mac"]
TOKENS = ["0", "1", "2", "3", "4", "5", "6", "7", "-1", "100", "1000", "65535", "65536", "2147483647",
          "2147483648", "4294967295", "4294967296", "99999999999999999999", "0x10", "1e3", " 5", "5 ",
          "balance-rr", "active-backup", "balance-xor", "broadcast", "802.3ad", "balance-tlb", "balance-alb",
          "layer2", "layer3+4", "layer2+3", "encap2+3", "encap3+4", "vlan+srcmac", "none", "active", "backup",
          "all", "filter", "filter_active", "filter_backup", "any", "follow", "always", "better", "failure",
          "slow", "fast", "on", "off", "stable", "bandwidth", "count", "192.0.2.1", "+192.0.2.1", "-192.0.2.1",
          "+", "-", "+255.255.255.255", "+0.0.0.0", "+1.2.3", "-9.9.9.9", "+224.0.0.1", "2001:db8::1",
          "+2001:db8::1", "-2001:db8::1", "+::", "02:00:00:00:00:01", "01:00:5e:00:00:01", "00:00:00:00:00:00",
          "ff:ff:ff:ff:ff:ff", "02:00:00:00:00", "rbfs0", "rbfs1", "rbfs5", "fzb0", "lo", "rbfs0:3", "rbfs1:0",
          "rbfs0:65535", "rbfs0:65536", "rbfs9:1", ":1", "rbfs0:", "rbfs0:-1", "", "\n", " ", "\x00", "\xff",
          "A" * 15, "A" * 16, "B" * 300, "C" * 4095, "+rbfs0", "-rbfs0", "+rbfs9", "-rbfs9", "+fzb0", "-fzb0",
          "+fzb1", "-fzb2", "+bond0", "+" + "x" * 20, "+a/b", "+..", "+fz b"]


PROC_MODES = {"load balancing (round-robin)": 0, "fault-tolerance (active-backup)": 1, "load balancing (xor)": 2,
              "fault-tolerance (broadcast)": 3, "IEEE 802.3ad Dynamic link aggregation": 4,
              "transmit load balancing": 5, "adaptive load balancing": 6}


def cpu_jiffies():
    """(busy, idle) jiffies of all the guest's CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v) - v[3] - v[4], v[3] + v[4]


def log(msg):
    print(msg, flush=True)


def rand_bytes(r, n):
    return r.randbytes(n)


def bound_int(r, size):
    """A value of size bytes, often a boundary."""
    top = (1 << (8 * size)) - 1
    return r.choice([0, 1, 2, 3, 4, 5, 6, 7, 8, 100, 255, 256, 1000, 65535, 65536, top, top >> 1, (top >> 1) + 1,
                     r.randrange(0, top + 1)]) & top


def rand_payload(r, want):
    """An attribute payload: the right size with a boundary value, a wrong
    size, or noise."""
    k = r.random()
    if k < 0.6 and want:
        return bound_int(r, want).to_bytes(want, "little")
    if k < 0.8:
        return rand_bytes(r, r.choice([0, 1, 2, 3, 5, 6, 7, 9, 16, 64]))
    return rand_bytes(r, r.randrange(0, 300))


# IFLA_BOND_* and their payload sizes (0: a nest or binary).
BOND_ATTRS = {1: 1, 2: 4, 3: 4, 4: 4, 5: 4, 6: 1, 7: 4, 8: 0, 9: 4, 10: 4, 11: 4, 12: 1, 13: 1, 14: 1, 15: 4,
              16: 1, 17: 1, 18: 4, 19: 4, 20: 4, 21: 1, 22: 1, 23: 0, 24: 2, 25: 2, 26: 6, 27: 1, 28: 4, 29: 1,
              30: 1, 31: 0, 32: 1}
SLAVE_ATTRS = {1: 1, 2: 1, 3: 4, 4: 6, 5: 2, 6: 2, 7: 1, 8: 1, 9: 4, 10: 2, 11: 1, 12: 1}


def target_nest(r, kind, size):
    inner = []
    for i in range(r.choice([0, 1, 2, 3, 16, 17, 20])):
        k = r.random()
        if k < 0.5:
            inner.append(attr(i, rand_bytes(r, size)))
        elif k < 0.7:
            inner.append(attr(i, rand_bytes(r, r.choice([0, 1, 2, 3, 5, size - 1, size + 1]))))
        else:
            addr = socket.inet_pton(socket.AF_INET, r.choice(["192.0.2.9", "0.0.0.0", "255.255.255.255",
                                                               "224.0.0.1"])) if size == 4 else \
                socket.inet_pton(socket.AF_INET6, r.choice(["2001:db8::9", "::", "ff02::1", "fe80::1"]))
            inner.append(attr(i, addr))
    return nest(kind, *inner)


def bond_data(r, ids=None):
    out = []
    for _ in range(r.choice([0, 1, 1, 2, 3, 5, 8])):
        kind = r.choice(list(BOND_ATTRS) + [0, 33, 34, 60, 255, 0x3FFF])
        if kind == 8:
            out.append(target_nest(r, 8, 4))
        elif kind == 31:
            out.append(target_nest(r, 31, 16))
        elif kind in (2, 11) and ids and r.random() < 0.6:
            out.append(attr(kind, struct.pack("I", r.choice(ids))))
        else:
            out.append(attr(kind, rand_payload(r, BOND_ATTRS.get(kind, 4))))
    data = b"".join(out)
    k = r.random()
    if k < 0.05 and data:
        data = data[:r.randrange(len(data))]  # truncated
    elif k < 0.08:
        data += struct.pack("HH", r.choice([0, 3, 200, 0xFFFF]), r.randrange(40))  # a bad header
    return data


def slave_data(r):
    out = [attr(k, rand_payload(r, SLAVE_ATTRS.get(k, 2)))
           for k in (r.choice(list(SLAVE_ATTRS) + [0, 13, 14, 99]) for _ in range(r.choice([0, 1, 1, 2, 4])))]
    return b"".join(out)


class Fuzzer:
    def __init__(self, ko, seed):
        self.ko = ko
        self.seed = seed
        self.r = random.Random(seed)
        self.nl = rbnl.Rtnl()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.recent = collections.deque(maxlen=40)
        self.outcomes = collections.Counter()
        self.time_in = collections.Counter()
        self.ops = 0
        self.reloads = 0
        self.kmsg = os.open("/dev/kmsg", os.O_RDONLY | O_NONBLOCK)
        os.lseek(self.kmsg, 0, os.SEEK_END)
        # The frame sender is a child process (a thread would wait for the
        # interpreter lock at every send); it counts into shared memory.
        self.shared = mmap.mmap(-1, 8)
        self.traffic_pid = 0
        # Memory for the ioctls that carry a user pointer: the kernel
        # writes there what the command returns (an ethtool string set can
        # be tens of kilobytes), so it is a mapping of its own, never the
        # interpreter's heap (seeds 104 and 107 crashed Python when it
        # was), and a page that cannot be written follows it, so that a
        # pointer near the end tests the boundary (EFAULT).
        self.scratch_map = mmap.mmap(-1, SCRATCH + PAGE)
        self.scratch = ctypes.addressof(ctypes.c_char.from_buffer(self.scratch_map))
        if libc.mprotect(ctypes.c_void_p(self.scratch + SCRATCH), PAGE, 0) != 0:
            raise OSError(ctypes.get_errno(), "mprotect of the scratch guard page")

    # --- set-up -------------------------------------------------------
    def setup(self):
        os.makedirs("/run/netns", exist_ok=True)
        if not os.path.exists(NETNS):
            os.system("ip netns add fzns")
        for i, (s, p) in enumerate(zip(SLAVES, PEERS)):
            if not rbnl.ifindex(s):
                self.nl.veth(s, p, slave_mac(i), bytes([0x02, 0xF3, 0, 0, 0, 0x10 + i]))
            self.nl.set_up(rbnl.ifindex(p), True)
            with open(f"/proc/sys/net/ipv6/conf/{s}/disable_ipv6", "w") as f:
                f.write("1")
        self.load(self.r.choice(["", "max_bonds=0", "mode=1 miimon=10", "mode=4 lacp_rate=fast miimon=5",
                                 "mode=6 miimon=10", "mode=5 miimon=10 tlb_dynamic_lb=0"]))

    def load(self, params):
        fd = os.open(self.ko, os.O_RDONLY)
        try:
            rc = libc.syscall(SYS_finit_module, fd, params.encode(), 0)
            return 0 if rc == 0 else ctypes.get_errno()
        finally:
            os.close(fd)

    def unload(self):
        for _ in range(100):
            if libc.syscall(SYS_delete_module, b"bonding", O_NONBLOCK) == 0:
                return
            if ctypes.get_errno() == errno.ENOENT:
                return
            time.sleep(0.1)
        raise RuntimeError(f"rmmod bonding: errno {ctypes.get_errno()}")

    def links(self):
        return self.nl.links()

    def bond_indexes(self):
        return [i for i, (_, a) in self.links().items() if rbnl.kind_of(a) == "bond"]

    def pick_dev(self):
        r = self.r
        return r.choice(BONDS + SLAVES + ["lo", "rbfp0", "nonexistent0", "A" * 15, ""])

    # --- operations ---------------------------------------------------
    def op_newlink(self):
        r = self.r
        ids = [rbnl.ifindex(s) for s in SLAVES] + [0, 1, 99999]
        name = r.choice(BONDS + ["fzb0", "A" * 15, "bond%d", ""])
        return self.nl.newlink(name, r.choice(["bond"] * 9 + ["bond\xff"]), bond_data(r, ids),
                               flags=r.choice([rbnl.NLM_F_CREATE | rbnl.NLM_F_EXCL, rbnl.NLM_F_CREATE]))

    def op_changelink(self):
        r = self.r
        ids = [rbnl.ifindex(s) for s in SLAVES] + [0, 1, 99999]
        index = rbnl.ifindex(r.choice(BONDS)) or r.choice([0, rbnl.ifindex("rbfs0"), 1])
        return self.nl.changelink(index, "bond", bond_data(r, ids))

    def op_slavelink(self):
        return self.nl.slave_change(rbnl.ifindex(self.r.choice(SLAVES + BONDS)) or 1, slave_data(self.r))

    def op_master(self):
        r = self.r
        dev = rbnl.ifindex(r.choice(SLAVES + SLAVES + BONDS))
        master = r.choice([rbnl.ifindex(r.choice(BONDS)), rbnl.ifindex(r.choice(BONDS)), 0, 1,
                           rbnl.ifindex("rbfs0")])
        return self.nl.set_master(dev or 99999, master)

    def op_updown(self):
        dev = rbnl.ifindex(self.r.choice(BONDS + SLAVES))
        return self.nl.set_up(dev, self.r.random() < 0.7) if dev else errno.ENODEV

    def op_peerflap(self):
        return self.nl.set_up(rbnl.ifindex(self.r.choice(PEERS)), self.r.random() < 0.6)

    def op_rename(self):
        r = self.r
        dev = rbnl.ifindex(r.choice(BONDS))
        free = [b for b in BONDS if not rbnl.ifindex(b)]
        if not dev or not free:
            return errno.ENODEV
        return self.nl.set_name(dev, r.choice(free))

    def op_dellink(self):
        dev = rbnl.ifindex(self.r.choice(BONDS))
        return self.nl.dellink(dev) if dev else errno.ENODEV

    def op_netns(self):
        s = self.r.choice(SLAVES)
        dev = rbnl.ifindex(s)
        if not dev:
            return errno.ENODEV
        fd = os.open(NETNS, os.O_RDONLY)
        try:
            rc = self.nl.set_netns_fd(dev, fd)
        finally:
            os.close(fd)
        # And back home, as the slave it was not any more.
        own = os.open("/proc/1/ns/net", os.O_RDONLY)
        try:
            def back():
                nl = rbnl.Rtnl()
                try:
                    return nl.set_netns_fd(rbnl.ifindex(s), own)
                finally:
                    nl.close()
            rbnl.in_netns(NETNS, back)
        finally:
            os.close(own)
        return rc

    def ifreq(self, name, union):
        raw = name.encode()[:16].ljust(16, b"\0") if self.r.random() < 0.95 else rand_bytes(self.r, 16)
        return ctypes.create_string_buffer(raw + union.ljust(24, b"\0")[:24], 40)

    def op_ioctl(self):
        r = self.r
        req = r.choice(IOCTLS)
        name = self.pick_dev()
        k = r.random()
        if k < 0.4:
            union = r.choice(SLAVES + BONDS + ["", "lo", "A" * 16]).encode()[:16].ljust(16, b"\0")
        elif k < 0.7:
            # ifr_data: scratch with random contents (an ifbond, ifslave,
            # ethtool command or MII data), or a bad pointer.
            ctypes.memmove(self.scratch, rand_bytes(r, 64), 64)
            if r.random() < 0.5:
                struct.pack_into("i", self.scratch_map, 0, r.choice([0, 1, 2, 5, -1, 0x7FFFFFFF, -0x80000000]))
            ptr = r.choice([self.scratch] * 3 + [0, 1, 0x1000, 0xFFFF888000000000, self.scratch + SCRATCH - 6])
            union = struct.pack("Q", ptr)
        else:
            union = rand_bytes(r, r.choice([0, 8, 24]))
        buf = self.ifreq(name, union)
        rc = libc.ioctl(self.sock.fileno(), req, buf)
        return 0 if rc >= 0 else ctypes.get_errno()

    def sysfs_value(self):
        r = self.r
        v = r.choice(TOKENS)
        if r.random() < 0.2:
            v = v + " " + r.choice(TOKENS)
        if r.random() < 0.1:
            v = rand_bytes(r, r.randrange(1, 40)).decode("latin-1")
        return v + ("\n" if r.random() < 0.5 else "")

    def write(self, path, value):
        try:
            fd = os.open(path, os.O_WRONLY)
        except OSError as e:
            return e.errno
        try:
            os.write(fd, value.encode("latin-1"))
            return 0
        except OSError as e:
            return e.errno
        finally:
            os.close(fd)

    def op_sysfs(self):
        r = self.r
        dev = r.choice(BONDS + SLAVES)
        sub = "bonding" if dev in BONDS else "bonding_slave"
        name = r.choice(BOND_FILES) if sub == "bonding" else r.choice(["state", "mii_status", "queue_id",
                                                                        "perm_hwaddr", "ad_aggregator_id"])
        return self.write(f"/sys/class/net/{dev}/{sub}/{name}", self.sysfs_value())

    def op_masters(self):
        r = self.r
        v = r.choice(["+", "-"]) + r.choice(BONDS + ["rbfs0", "lo", "", "A" * 16, "bad/name", "fzb%d"])
        if r.random() < 0.1:
            v = r.choice(TOKENS)
        return self.write("/sys/class/net/bonding_masters", v + "\n")

    def op_modparam(self):
        r = self.r
        params = []
        for _ in range(r.choice([0, 1, 2, 3, 5])):
            name = r.choice(["mode", "miimon", "max_bonds", "updelay", "downdelay", "use_carrier", "arp_interval",
                             "arp_ip_target", "arp_validate", "arp_all_targets", "primary", "primary_reselect",
                             "fail_over_mac", "xmit_hash_policy", "lacp_rate", "ad_select", "min_links",
                             "num_grat_arp", "num_unsol_na", "all_slaves_active", "resend_igmp", "packets_per_slave",
                             "lp_interval", "tx_queues", "tlb_dynamic_lb", "nonexistent"])
            v = r.choice(TOKENS).replace(" ", "").replace("\n", "").replace("\x00", "") or "1"
            if name == "max_bonds":
                # Not 100000 (seed 100 drew it): both drivers would spend
                # hours creating the bonds. t-load.sh kills such a load.
                v = r.choice(["0", "1", "2", "3", "-1", "40", "x"])
            if name == "tx_queues":
                v = r.choice(["1", "16", "0", "65535", "70000"])
            if name == "arp_ip_target" and r.random() < 0.5:
                v = ",".join(r.choice(["192.0.2.1", "0.0.0.0", "1.2.3", "10.0.0.%d" % i]) for i in range(r.randrange(1, 19)))
            params.append(f"{name}={v}")
        self.unload()
        self.reloads += 1
        if self.ops >= TRACE_FROM:
            log(f"modparam: {' '.join(params)}")
        rc = self.load(" ".join(params))
        if rc:
            self.load("")
        return rc

    def ops_table(self):
        return [(self.op_newlink, 12), (self.op_changelink, 14), (self.op_slavelink, 6), (self.op_master, 14),
                (self.op_updown, 8), (self.op_peerflap, 5), (self.op_rename, 2), (self.op_dellink, 2),
                (self.op_netns, 1), (self.op_ioctl, 16), (self.op_sysfs, 18), (self.op_masters, 3)]

    # --- traffic ------------------------------------------------------
    def frame(self, r, dst_bond):
        src = bytes([0x02, 0xF4, 0, 0, 0, r.randrange(256)])
        k = r.random()
        if k < 0.3:
            # A slow-protocols frame: LACPDU (1), marker (2), or another subtype.
            body = bytes([r.choice([1, 1, 2, 3, 0, 10]), r.choice([1, 1, 2, 0, 255])]) + rand_bytes(r, r.choice([0, 10, 50, 108, 108, 200]))
            return b"\x01\x80\xc2\x00\x00\x02" + src + b"\x88\x09" + body
        if k < 0.5:
            arp = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, r.choice([1, 2]), src, bytes([192, 0, 2, r.randrange(256)]),
                              b"\0" * 6, bytes([192, 0, 2, r.randrange(256)]))
            return b"\xff" * 6 + src + b"\x08\x06" + arp
        if k < 0.6:
            return b"\xff" * 6 + src + b"\x81\x00" + struct.pack("!H", r.randrange(4096)) + b"\x08\x06" + rand_bytes(r, 28)
        if k < 0.7:
            return rand_bytes(r, r.randrange(1, 14))
        return (b"\xff" * 6 if r.random() < 0.5 else rand_bytes(r, 6)) + src + rand_bytes(r, r.randrange(2, 200))

    @property
    def frames(self):
        return struct.unpack_from("Q", self.shared, 0)[0]

    def traffic(self):
        """The child's loop, until the parent kills it."""
        r = random.Random(self.seed ^ 0x5A5A)
        socks = {}
        n = 0
        while True:
            dev = r.choice(BONDS + PEERS)
            s = socks.get(dev)
            if s is None:
                s = socks[dev] = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                # A device whose qdisc does not drain (no carrier) must not
                # block the loop once the send buffer is full.
                s.setblocking(False)
            try:
                s.sendto(self.frame(r, dev), (dev, 0))
                n += 1
                if n % 64 == 0:
                    struct.pack_into("Q", self.shared, 0, n)
            except OSError as e:
                # Gone (deleted, renamed, moved): a new socket next time.
                # Down or full: try another device.
                if e.errno in (errno.ENXIO, errno.ENODEV):
                    socks.pop(dev, None)
                    s.close()
                # A pause after a refused send: a loop of refusals (every
                # device down) burnt a third of a CPU for nothing, which
                # the guests beside this one had to do without.
                time.sleep(0.001)
            if r.random() < 0.02:
                time.sleep(0.005)

    def start_traffic(self):
        pid = os.fork()
        if pid == 0:
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGUSR1, signal.SIG_IGN)
                self.traffic()
            finally:
                os._exit(0)
        self.traffic_pid = pid

    def stop_traffic(self):
        if self.traffic_pid:
            os.kill(self.traffic_pid, signal.SIGKILL)
            os.waitpid(self.traffic_pid, 0)
            self.traffic_pid = 0

    # --- checks -------------------------------------------------------
    def fail(self, what):
        log(f"FAIL seed {self.seed} after op {self.ops}: {what}")
        log("replay: fuzz.py KO %d %d (from a fresh module)" % (self.seed, self.ops))
        log("last operations:")
        for line in self.recent:
            log("  " + line)
        self.stop_traffic()
        sys.exit(1)

    def check_kmsg(self):
        bad = []
        while True:
            try:
                rec = os.read(self.kmsg, 8192).decode("utf-8", "replace")
            except BlockingIOError:
                break
            except OSError as e:
                if e.errno == errno.EPIPE:  # overwritten records: carry on
                    continue
                raise
            msg = rec.split(";", 1)[-1]
            if SPLAT.search(msg):
                bad.append(msg.strip())
        if bad:
            self.fail("kernel log: " + " | ".join(bad[:3]))

    def check_kmemleak(self):
        """A kmemleak scan (twice, as lib.sh's kmemleak_check does): an
        object leaked in the last 5 s is reported by the next one."""
        path = "/sys/kernel/debug/kmemleak"
        if not os.access(path, os.W_OK):
            return
        for _ in range(2):
            self.write(path, "scan")
        report = self.read(path)
        if report:
            log(report)
            self.write(path, "clear")
            self.fail("kmemleak: " + report.splitlines()[0])

    def read(self, path):
        try:
            with open(path) as f:
                return f.read()
        except OSError as e:
            return f"<{errno.errorcode.get(e.errno, e.errno)}>"

    def views(self):
        """What /proc, sysfs and rtnetlink say of every bond: {name: (slaves,
        mode, miimon, active)}, one dict per source."""
        links = self.links()
        nl, proc, sysfs = {}, {}, {}
        for index, (flags, a) in links.items():
            if rbnl.kind_of(a) != "bond":
                continue
            name = rbnl.name_of(links, index)
            d = rbnl.bond_data(a)
            slaves = sorted(rbnl.name_of(links, i) for i, (_, sa) in links.items()
                            if sa.get(rbnl.IFLA_MASTER) == struct.pack("I", index))
            act = d.get(rbnl.IFLA_BOND_ACTIVE_SLAVE)
            mode = d.get(rbnl.IFLA_BOND_MODE, b"\xff")[0]
            # The active slave is compared in active-backup, where there is one.
            ab = mode == 1
            nl[name] = (slaves, mode, struct.unpack("I", d.get(rbnl.IFLA_BOND_MIIMON, b"\0" * 4))[0],
                        rbnl.name_of(links, struct.unpack("I", act)[0]) if act and ab else None)
            p = self.read(f"/proc/net/bonding/{name}")
            # In active-backup the line ends " (fail_over_mac active)" when set
            # (seed 109 set it, and the fuzzer read the mode as unknown).
            m = re.search(r"Bonding Mode: (.*?)(?: \(fail_over_mac \w+\))?$", p, re.M)
            pmode = PROC_MODES.get(m.group(1).strip() if m else "", -1)
            pm = re.search(r"MII Polling Interval \(ms\): (\d+)", p)
            pa = re.search(r"Currently Active Slave: (\S+)", p)
            proc[name] = (sorted(re.findall(r"Slave Interface: (\S+)", p)), pmode, int(pm.group(1)) if pm else -1,
                          pa.group(1) if ab and pa and pa.group(1) != "None" else None)
            base = f"/sys/class/net/{name}/bonding"
            sm = self.read(f"{base}/mode").split()
            mi = self.read(f"{base}/miimon").strip()
            sysfs[name] = (sorted(self.read(f"{base}/slaves").split()), int(sm[1]) if len(sm) > 1 else -1,
                           int(mi) if mi.isdigit() else -1,
                           (self.read(f"{base}/active_slave").strip() or None) if ab else None)
        masters = sorted(self.read("/sys/class/net/bonding_masters").split())
        procs = sorted(os.listdir("/proc/net/bonding")) if os.path.isdir("/proc/net/bonding") else []
        return nl, proc, sysfs, masters, procs

    def check_views(self):
        for attempt in range(8):
            nl, proc, sysfs, masters, procs = self.views()
            bonds = sorted(nl)
            ok = nl == proc == sysfs and masters == bonds and procs == bonds
            if ok:
                return len(bonds)
            time.sleep(0.25)  # a failover or a monitor between the reads
        self.fail(f"views differ:\n  rtnetlink {nl}\n  proc      {proc}\n  sysfs     {sysfs}\n"
                  f"  bonding_masters {masters}\n  /proc/net/bonding {procs}")

    def check_released(self):
        links = self.links()
        for i, s in enumerate(SLAVES):
            index = rbnl.ifindex(s)
            if not index or index not in links:
                self.fail(f"{s} is gone")
            flags, a = links[index]
            if a.get(rbnl.IFLA_MASTER):
                continue
            got = (a.get(rbnl.IFLA_ADDRESS), struct.unpack("I", a[rbnl.IFLA_MTU])[0], bool(flags & rbnl.IFF_SLAVE),
                   struct.unpack("I", a.get(rbnl.IFLA_PROMISCUITY, b"\0" * 4))[0],
                   struct.unpack("I", a.get(rbnl.IFLA_ALLMULTI, b"\0" * 4))[0])
            want = (slave_mac(i), 1500, False, 0, 0)
            if got != want:
                self.fail(f"released {s}: (mac, mtu, IFF_SLAVE, promiscuity, allmulti) {got}, want {want}")

    def snapshot(self):
        out = {"masters": self.read("/sys/class/net/bonding_masters")}
        for b in BONDS:
            for f in SNAPSHOT_FILES:
                out[f"{b}/{f}"] = self.read(f"/sys/class/net/{b}/bonding/{f}")
            # The administrative state (IFF_UP), not operstate: the carrier
            # follows the slaves' links, which the monitors may still be
            # acting on (seed 2 saw a bond's operstate go down meanwhile).
            flags = self.read(f"/sys/class/net/{b}/flags").strip()
            out[f"{b}/up"] = int(flags, 16) & rbnl.IFF_UP if flags.startswith("0x") else flags
        return out

    def check_unprivileged(self, n):
        """n mutating attempts as uid 65534: all must fail, none may change
        anything."""
        before = self.snapshot()
        seed = self.r.randrange(1 << 30)
        rd, wr = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rd)
            done = 0
            try:
                os.setgroups([])
                os.setgid(65534)
                os.setuid(65534)
                self.r = random.Random(seed)
                self.nl = rbnl.Rtnl()
                succeeded = []
                for _ in range(n):
                    op = self.r.choice([self.op_newlink, self.op_changelink, self.op_slavelink, self.op_master,
                                        self.op_updown, self.op_dellink, self.op_sysfs, self.op_masters,
                                        self.op_rename, self.priv_ioctl])
                    if op() == 0:
                        succeeded.append(op.__name__)
                    done += 1
                os.write(wr, (",".join(succeeded) or "-").encode())
            except BaseException as e:  # noqa: BLE001 - reported to the parent
                os.write(wr, f"error after {done}: {e!r}".encode())
            os._exit(0)
        os.close(wr)
        got = os.read(rd, 65536).decode()
        os.close(rd)
        os.waitpid(pid, 0)
        if got != "-":
            self.fail(f"unprivileged attempts that did not fail: {got}")
        after = self.snapshot()
        diff = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        if diff:
            self.fail(f"unprivileged attempts changed {diff}")

    def priv_ioctl(self):
        """A mutating bonding ioctl (the read-only queries are open to all)."""
        buf = self.ifreq(self.r.choice(BONDS), self.r.choice(SLAVES).encode().ljust(16, b"\0"))
        rc = libc.ioctl(self.sock.fileno(), self.r.choice(MUTATING_IOCTLS), buf)
        return 0 if rc >= 0 else ctypes.get_errno()

    # --- the run ------------------------------------------------------
    def stuck(self, signum, frame):
        """SIGUSR1 (the runner's watchdog, before a test times out): what
        the fuzzer is doing and has just done, and where in Python."""
        log(f"SIGUSR1: in op {self.current}; the last operations:")
        for line in self.recent:
            log(f"  {line}")
        log("".join(traceback.format_stack(frame)))

    def run(self, total, batch):
        self.current = "(setup)"
        signal.signal(signal.SIGUSR1, self.stuck)
        self.setup()
        self.start_traffic()
        table = self.ops_table()
        fns = [f for f, w in table for _ in range(w)]
        start = time.time()
        cpu0 = cpu_jiffies()
        batches = 0
        while self.ops < total:
            n = min(batch, total - self.ops)
            for _ in range(n):
                fn = self.r.choice(fns)
                self.ops += 1
                self.current = f"{self.ops} {fn.__name__[3:]}"
                if self.ops >= TRACE_FROM:
                    log(f"op {self.current}")
                t0 = time.time()
                try:
                    rc = fn()
                except OSError as e:
                    rc = e.errno
                name = fn.__name__[3:]
                took = time.time() - t0
                self.time_in[name] += took
                if took > 5:
                    log(f"slow: op {self.ops} {name} took {took:.1f} s")
                self.outcomes[(name, errno.errorcode.get(rc, str(rc)) if rc else "ok")] += 1
                self.recent.append(f"{self.ops} {name} -> {errno.errorcode.get(rc, rc) if rc else 'ok'}")
            t0 = time.time()
            self.check_kmsg()
            nbonds = self.check_views()
            self.check_released()
            self.check_unprivileged(20)
            self.ops += 20
            self.time_in["(checks)"] += time.time() - t0
            # One module reload with random parameters per batch.
            t0 = time.time()
            rc = self.op_modparam()
            self.time_in["modparam"] += time.time() - t0
            self.ops += 1
            self.outcomes[("modparam", errno.errorcode.get(rc, str(rc)) if rc else "ok")] += 1
            self.check_kmsg()
            self.check_released()
            batches += 1
            if batches % KMEMLEAK_EVERY == 0:
                t0 = time.time()
                self.check_kmemleak()
                self.time_in["(kmemleak)"] += time.time() - t0
            log(f"batch: {self.ops} ops, {nbonds} bonds, {self.frames} frames, {time.time() - start:.0f} s; "
                f"slowest: " + ", ".join(f"{k} {v:.0f} s" for k, v in self.time_in.most_common(3)))
        self.stop_traffic()
        self.unload()
        self.check_kmsg()
        self.check_released()
        elapsed = time.time() - start
        t = os.times()
        busy, idle = (b - a for a, b in zip(cpu0, cpu_jiffies()))
        log(f"cpu: fuzzer {t.user:.0f} s user, {t.system:.0f} s system; frame sender {t.children_user:.0f} s user, "
            f"{t.children_system:.0f} s system; guest {100 * busy / max(1, busy + idle):.0f}% busy")
        log(f"fuzz: seed {self.seed}: {self.ops} operations, {self.reloads} module loads, {self.frames} frames "
            f"in {elapsed:.0f} s, no failure")
        per = collections.defaultdict(list)
        for (name, res), c in sorted(self.outcomes.items()):
            per[name].append(f"{res} {c}")
        for name in sorted(per):
            log(f"  {name}: " + ", ".join(per[name]))


def main():
    ko, seed, total = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 250
    Fuzzer(ko, seed).run(total, batch)


if __name__ == "__main__":
    main()
