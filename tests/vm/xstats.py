#!/usr/bin/env python3
"""Prints a bond's or a bond slave's 802.3ad counters as the kernel reports
them in RTM_GETSTATS (`ip link xstats type bond[_slave]`: IFLA_STATS_LINK_XSTATS
[_SLAVE] > LINK_XSTATS_TYPE_BOND > BOND_XSTATS_3AD > BOND_3AD_STAT_*), one
"name value" line each, or "none" when there is no 802.3ad nest.

Its own netlink client: Debian 12's iproute2 6.1 aborts ("stack smashing
detected") on these attributes, with the C driver as with this one.

    xstats.py <dev>[:slave]...   (one "<dev>: name value ..." line each, all
                                  read within a few milliseconds)"""
import socket
import struct
import sys

NAMES = ["lacpdu_rx", "lacpdu_tx", "lacpdu_unknown_rx", "lacpdu_illegal_rx", "marker_rx",
         "marker_tx", "marker_resp_rx", "marker_resp_tx", "marker_unknown_rx"]
RTM_GETSTATS, RTM_NEWSTATS, NLM_F_REQUEST, NLMSG_ERROR = 94, 92, 1, 2
IFLA_STATS_LINK_XSTATS, IFLA_STATS_LINK_XSTATS_SLAVE = 2, 3
LINK_XSTATS_TYPE_BOND, BOND_XSTATS_3AD = 2, 1


def attrs(data):
    """(type, payload) of each attribute in data."""
    out, off = [], 0
    while off + 4 <= len(data):
        length, typ = struct.unpack_from("HH", data, off)
        if length < 4:
            break
        out.append((typ & 0x3FFF, data[off + 4:off + length]))
        off += (length + 3) & ~3
    return out


def query(arg):
    dev, _, kind = arg.partition(":")
    which = IFLA_STATS_LINK_XSTATS_SLAVE if kind == "slave" else IFLA_STATS_LINK_XSTATS
    ifindex = socket.if_nametoindex(dev)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    body = struct.pack("BBHII", socket.AF_UNSPEC, 0, 0, ifindex, 1 << (which - 1))
    s.send(struct.pack("IHHII", 16 + len(body), RTM_GETSTATS, NLM_F_REQUEST, 1, 0) + body)
    msg = s.recv(65536)
    length, typ = struct.unpack_from("IH", msg, 0)
    if typ == NLMSG_ERROR:
        return "error %d" % -struct.unpack_from("i", msg, 16)[0]
    assert typ == RTM_NEWSTATS, typ
    found = None
    for t, p in attrs(msg[16 + 12:length]):
        if t != which:
            continue
        for t2, p2 in attrs(p):
            if t2 != LINK_XSTATS_TYPE_BOND:
                continue
            for t3, p3 in attrs(p2):
                if t3 == BOND_XSTATS_3AD:
                    found = {t4: struct.unpack("Q", p4)[0] for t4, p4 in attrs(p3) if t4 < len(NAMES)}
    if found is None:
        return "none"
    return " ".join("%s %s" % (name, found.get(i, "missing")) for i, name in enumerate(NAMES))


for line in [(a.partition(":")[0], query(a)) for a in sys.argv[1:]]:
    print("%s: %s" % line)
