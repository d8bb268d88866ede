#!/usr/bin/env python3
"""Concurrency stress for bonding.ko (issue 12), inside the test VM:

  stress.py KO SECS

Three bonds and six veth slaves, and for SECS seconds, all at once:
  - an enslave/release loop per bond (SIOCBONDENSLAVE/RELEASE and
    IFLA_MASTER in turn);
  - option changes through sysfs (miimon 1 and arp_interval 1 among them,
    xmit_hash_policy, delays, primary, active_slave, queue_id, lacp_rate),
    bonds going down and up, and mode changes through every mode;
  - slaves deleted and created again;
  - the peers' links flapping;
  - pktgen floods through the bonds (restarted as the bonds go down and
    up), and raw frames sent through them from another thread.
Then rmmod while the raw flood and the enslave loops still run (pktgen is
stopped first: it warns, by design, when a running device disappears).
Afterwards every slave must be whole again (own MAC and MTU, no master,
no promiscuity). Prints what each thread did and exits 0, or 1 with what
went wrong. The kernel log is the runner's to check."""
import ctypes
import errno
import os
import random
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rbnl  # noqa: E402

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
SYS_finit_module, SYS_delete_module = 313, 176
SIOCBONDENSLAVE, SIOCBONDRELEASE = 0x8990, 0x8991

BONDS = ["stb0", "stb1", "stb2"]
SLAVES = [f"rbts{i}" for i in range(6)]
PEERS = [f"rbtp{i}" for i in range(6)]
PG = "/proc/net/pktgen"


def mac(i, peer=False):
    return bytes([0x02, 0xF6 if peer else 0xF5, 0, 0, 0, 0x10 + i])


def write(path, value):
    try:
        with open(path, "w") as f:
            f.write(value)
        return 0
    except OSError as e:
        return e.errno


class Stress:
    def __init__(self, ko, secs):
        self.ko, self.secs = ko, secs
        self.stop = threading.Event()
        self.stop_churn = threading.Event()
        self.counts = {}
        self.lock = threading.Lock()
        self.errors = []

    def count(self, what, n=1):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + n

    def make_slave(self, nl, i):
        rc = nl.veth(SLAVES[i], PEERS[i], mac(i), mac(i, True))
        if rc == 0:
            write(f"/proc/sys/net/ipv6/conf/{SLAVES[i]}/disable_ipv6", "1")
            nl.set_up(rbnl.ifindex(PEERS[i]), True)
        return rc

    def setup(self):
        nl = rbnl.Rtnl()
        for i in range(len(SLAVES)):
            if not rbnl.ifindex(SLAVES[i]):
                self.make_slave(nl, i)
        fd = os.open(self.ko, os.O_RDONLY)
        rc = libc.syscall(SYS_finit_module, fd, b"max_bonds=0", 0)
        os.close(fd)
        if rc:
            sys.exit(f"insmod: errno {ctypes.get_errno()}")
        for b, mode in zip(BONDS, ["balance-rr", "active-backup", "802.3ad"]):
            rc = nl.newlink(b, "bond", rbnl.attr(1, bytes([{"balance-rr": 0, "active-backup": 1, "802.3ad": 4}[mode]]))
                            + rbnl.attr(3, struct.pack("I", 100)))
            if rc:
                sys.exit(f"creating {b}: errno {rc}")
            write(f"/proc/sys/net/ipv6/conf/{b}/disable_ipv6", "1")
            nl.set_up(rbnl.ifindex(b), True)
        nl.close()

    # --- the threads --------------------------------------------------
    def enslaver(self, k):
        nl = rbnl.Rtnl()
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        bond = BONDS[k]
        mine = SLAVES[2 * k:2 * k + 2]
        r = random.Random(k)
        while not self.stop.is_set():
            for s in mine:
                if r.random() < 0.5:
                    buf = ctypes.create_string_buffer(bond.encode().ljust(16, b"\0") + s.encode().ljust(24, b"\0"), 40)
                    ok = libc.ioctl(sock.fileno(), SIOCBONDENSLAVE, buf) == 0
                    libc.ioctl(sock.fileno(), SIOCBONDRELEASE, buf)
                else:
                    idx = rbnl.ifindex(s)
                    ok = bool(idx) and nl.set_master(idx, rbnl.ifindex(bond) or 0) == 0
                    if idx:
                        nl.set_master(idx, 0)
                self.count("enslave/release cycles" if ok else "enslave attempts refused")
        nl.close()

    def options(self):
        nl = rbnl.Rtnl()
        r = random.Random(7)
        choices = [("miimon", ["1", "100", "0", "1"]), ("arp_interval", ["1", "0", "100"]),
                   ("arp_ip_target", ["+192.0.2.2", "-192.0.2.2"]), ("updelay", ["0", "2"]),
                   ("downdelay", ["0", "2"]), ("xmit_hash_policy", ["layer2", "layer3+4", "encap3+4"]),
                   ("primary", SLAVES + [""]), ("active_slave", SLAVES), ("queue_id", [f"{s}:1" for s in SLAVES]),
                   ("lacp_rate", ["fast", "slow"]), ("packets_per_slave", ["0", "1", "7"]),
                   ("num_grat_arp", ["0", "3"]), ("all_slaves_active", ["0", "1"])]
        while not self.stop_churn.is_set():
            b = r.choice(BONDS)
            k = r.random()
            if k < 0.1:
                idx = rbnl.ifindex(b)
                nl.set_up(idx, False)
                write(f"/sys/class/net/{b}/bonding/mode", r.choice(["0", "1", "2", "3", "4"]))
                nl.set_up(idx, True)
                self.count("mode changes")
            elif k < 0.3:
                idx = rbnl.ifindex(b)
                nl.set_up(idx, False)
                nl.set_up(idx, True)
                self.count("down/up")
            else:
                name, vals = r.choice(choices)
                write(f"/sys/class/net/{b}/bonding/{name}", r.choice(vals))
                self.count("option writes")
        nl.close()

    def recreate(self):
        nl = rbnl.Rtnl()
        r = random.Random(11)
        while not self.stop_churn.is_set():
            i = r.randrange(len(SLAVES))
            idx = rbnl.ifindex(SLAVES[i])
            if idx and nl.dellink(idx) == 0:
                self.make_slave(nl, i)
                self.count("slaves deleted and created")
            time.sleep(0.05)
        nl.close()

    def flap(self):
        nl = rbnl.Rtnl()
        r = random.Random(13)
        while not self.stop_churn.is_set():
            idx = rbnl.ifindex(r.choice(PEERS))
            if idx:
                nl.set_up(idx, r.random() < 0.6)
                self.count("peer link flaps")
            time.sleep(0.01)
        nl.close()
        nl = rbnl.Rtnl()
        for p in PEERS:
            if rbnl.ifindex(p):
                nl.set_up(rbnl.ifindex(p), True)
        nl.close()

    def pktgen(self):
        ncpu = os.cpu_count() or 1
        while not self.stop_churn.is_set():
            for t in range(ncpu):
                write(f"{PG}/kpktgend_{t}", "rem_device_all")
            added = 0
            for n, b in enumerate(BONDS):
                if write(f"{PG}/kpktgend_{n % ncpu}", f"add_device {b}") == 0:
                    for cmd in ["count 5000", "pkt_size 64", "delay 0", "dst 192.0.2.2", "dst_mac 02:00:00:00:00:99",
                                "udp_src_min 1000", "udp_src_max 1063", "flag UDPSRC_RND"]:
                        write(f"{PG}/{b}", cmd)
                    added += 1
            if added:
                # Blocks until every device is done or stopped (a bond
                # that loses its carrier stops its run).
                self.count("pktgen runs")
                write(f"{PG}/pgctrl", "start")
            time.sleep(0.05)
        for t in range(ncpu):
            write(f"{PG}/kpktgend_{t}", "rem_device_all")

    def raw(self, seed):
        r = random.Random(seed)
        socks = {}
        frame = b"\xff" * 6 + b"\x02\xf7\0\0\0\x01" + b"\x08\x00" + bytes(46)
        while not self.stop.is_set():
            b = r.choice(BONDS)
            try:
                s = socks.get(b)
                if s is None:
                    s = socks[b] = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
                    s.setblocking(False)
                for _ in range(32):
                    s.sendto(frame, (b, 0))
                self.count("raw frames", 32)
            except OSError:
                socks.pop(b, None)
                time.sleep(0.01)

    # --- the run ------------------------------------------------------
    def check_slaves(self):
        nl = rbnl.Rtnl()
        links = nl.links()
        nl.close()
        for i, s in enumerate(SLAVES):
            idx = rbnl.ifindex(s)
            if not idx or idx not in links:
                continue  # deleted at the very end
            flags, a = links[idx]
            got = (a.get(rbnl.IFLA_MASTER), a.get(rbnl.IFLA_ADDRESS), struct.unpack("I", a[rbnl.IFLA_MTU])[0],
                   bool(flags & rbnl.IFF_SLAVE), struct.unpack("I", a.get(rbnl.IFLA_PROMISCUITY, bytes(4)))[0])
            want = (None, mac(i), 1500, False, 0)
            if got != want:
                self.errors.append(f"{s} after rmmod: (master, mac, mtu, IFF_SLAVE, promiscuity) {got}, want {want}")

    def run(self):
        if os.system("modprobe pktgen 2>/dev/null") != 0 and not os.path.isdir(PG):
            sys.exit("no pktgen")
        self.setup()
        churn = [threading.Thread(target=f, daemon=True) for f in (self.options, self.recreate, self.flap, self.pktgen)]
        steady = [threading.Thread(target=self.enslaver, args=(k,), daemon=True) for k in range(len(BONDS))]
        steady += [threading.Thread(target=self.raw, args=(s,), daemon=True) for s in (1, 2)]
        for t in churn + steady:
            t.start()
        time.sleep(self.secs)
        self.stop_churn.set()
        write(f"{PG}/pgctrl", "stop")
        for t in churn:
            t.join(60)
            if t.is_alive():
                self.errors.append(f"{t.name} did not stop")
        # rmmod under load: the enslave loops and the raw flood go on.
        start = time.time()
        while True:
            if libc.syscall(SYS_delete_module, b"bonding", os.O_NONBLOCK) == 0:
                break
            e = ctypes.get_errno()
            if e == errno.ENOENT:
                break
            if time.time() - start > 60:
                self.errors.append(f"rmmod under load: errno {e} for 60 s")
                break
            time.sleep(0.05)
        rmmod_ms = (time.time() - start) * 1000
        time.sleep(0.5)
        self.stop.set()
        for t in steady:
            t.join(30)
        if os.path.isdir("/sys/module/bonding"):
            self.errors.append("the module is still loaded")
        self.check_slaves()
        for k in sorted(self.counts):
            print(f"{k}: {self.counts[k]}")
        print(f"rmmod under load: {rmmod_ms:.0f} ms")
        for e in self.errors:
            print("ERROR " + e)
        return not self.errors


def main():
    ok = Stress(sys.argv[1], float(sys.argv[2])).run()
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
