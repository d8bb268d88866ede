"""A small rtnetlink client for the VM tests' Python tools (fuzz.py,
stress.py, faultloop.py): raw messages, so that a caller can also send
what iproute2 never would (truncated, oversized, unknown attributes)."""
import ctypes
import os
import socket
import struct

_libc = ctypes.CDLL(None, use_errno=True)
CLONE_NEWNET = 0x40000000


def setns(fd):
    """setns(2) into a network namespace (os.setns is Python 3.12's)."""
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, os.strerror(e))

NETLINK_ROUTE = 0
RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK = 16, 17, 18, 19
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP = 1, 4, 0x200, 0x400, 0x300
NLA_F_NESTED = 0x8000

IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_MASTER = 1, 3, 4, 10
IFLA_LINKINFO, IFLA_NET_NS_PID, IFLA_PROMISCUITY, IFLA_ALLMULTI = 18, 19, 30, 61
IFLA_NET_NS_FD = 28
IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_SLAVE_KIND, IFLA_INFO_SLAVE_DATA = 1, 2, 4, 5
VETH_INFO_PEER = 1
IFLA_BOND_MODE, IFLA_BOND_ACTIVE_SLAVE, IFLA_BOND_MIIMON = 1, 2, 3

IFF_UP, IFF_PROMISC, IFF_ALLMULTI, IFF_MASTER, IFF_SLAVE = 1, 0x100, 0x200, 0x400, 0x800


def attr(kind, payload):
    """One attribute, padded to 4 bytes."""
    n = 4 + len(payload)
    return struct.pack("HH", n, kind) + payload + b"\0" * ((4 - n % 4) % 4)


def nest(kind, *attrs):
    return attr(kind | NLA_F_NESTED, b"".join(attrs))


def strz(s):
    return (s.encode() if isinstance(s, str) else s) + b"\0"


def ifinfo(index=0, flags=0, change=0):
    return struct.pack("BxHiII", 0, 0, index, flags, change)


def parse_attrs(data):
    """{type: payload} of a run of attributes (the last of a repeated type)."""
    out, off = {}, 0
    while off + 4 <= len(data):
        n, kind = struct.unpack_from("HH", data, off)
        if n < 4:
            break
        out[kind & 0x3FFF] = data[off + 4:off + n]
        off += (n + 3) & ~3
    return out


class Rtnl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind((0, 0))
        self.seq = 0

    def close(self):
        self.sock.close()

    def request(self, mtype, flags, body):
        """Sends one message and returns the errno of its ack (0 for
        success), or of the socket (ENOBUFS: the kernel could not allocate
        the request, or the ack, which leaves the outcome unknown; the
        attribute `lost_ack` tells which)."""
        self.seq += 1
        self.lost_ack = False
        msg = struct.pack("IHHII", 16 + len(body), mtype, flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        try:
            self.sock.send(msg)
        except OSError as e:
            return e.errno
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except OSError as e:
                self.lost_ack = True
                return e.errno
            off = 0
            while off + 16 <= len(data):
                n, t, _, seq, _ = struct.unpack_from("IHHII", data, off)
                if n < 16:
                    break
                if t == NLMSG_ERROR and seq == self.seq:
                    return -struct.unpack_from("i", data, off + 16)[0]
                off += (n + 3) & ~3

    def links(self):
        """{ifindex: (flags, {attr: payload})} of every link in this namespace."""
        self.seq += 1
        body = ifinfo()
        self.sock.send(struct.pack("IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, self.seq, 0) + body)
        out = {}
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                n, t, _, seq, _ = struct.unpack_from("IHHII", data, off)
                if n < 16:
                    return out
                if t == NLMSG_DONE and seq == self.seq:
                    return out
                if t == NLMSG_ERROR and seq == self.seq:
                    raise OSError(-struct.unpack_from("i", data, off + 16)[0], "link dump")
                if t == RTM_NEWLINK and seq == self.seq:
                    _, _, index, flags, _ = struct.unpack_from("BxHiII", data, off + 16)
                    out[index] = (flags, parse_attrs(data[off + 32:off + n]))
                off += (n + 3) & ~3

    def newlink(self, name, kind, data=b"", flags=NLM_F_CREATE | NLM_F_EXCL, extra=b""):
        info = attr(IFLA_INFO_KIND, strz(kind))
        if data is not None:
            info += attr(IFLA_INFO_DATA | NLA_F_NESTED, data)
        return self.request(RTM_NEWLINK, flags, ifinfo() + attr(IFLA_IFNAME, strz(name)) + extra +
                            attr(IFLA_LINKINFO | NLA_F_NESTED, info))

    def changelink(self, index, kind, data):
        info = attr(IFLA_INFO_KIND, strz(kind)) + attr(IFLA_INFO_DATA | NLA_F_NESTED, data)
        return self.request(RTM_NEWLINK, 0, ifinfo(index) + attr(IFLA_LINKINFO | NLA_F_NESTED, info))

    def slave_change(self, index, data, kind="bond"):
        info = attr(IFLA_INFO_SLAVE_KIND, strz(kind)) + attr(IFLA_INFO_SLAVE_DATA | NLA_F_NESTED, data)
        return self.request(RTM_NEWLINK, 0, ifinfo(index) + attr(IFLA_LINKINFO | NLA_F_NESTED, info))

    def set_master(self, index, master):
        return self.request(RTM_SETLINK, 0, ifinfo(index) + attr(IFLA_MASTER, struct.pack("I", master)))

    def set_up(self, index, up):
        return self.request(RTM_SETLINK, 0, ifinfo(index, IFF_UP if up else 0, IFF_UP))

    def set_name(self, index, name):
        return self.request(RTM_SETLINK, 0, ifinfo(index) + attr(IFLA_IFNAME, strz(name)))

    def set_netns_fd(self, index, fd):
        return self.request(RTM_SETLINK, 0, ifinfo(index) + attr(IFLA_NET_NS_FD, struct.pack("I", fd)))

    def dellink(self, index):
        return self.request(RTM_DELLINK, 0, ifinfo(index))

    def veth(self, name, peer, mac=None, peer_mac=None):
        peer_attrs = attr(IFLA_IFNAME, strz(peer))
        if peer_mac:
            peer_attrs += attr(IFLA_ADDRESS, peer_mac)
        extra = attr(IFLA_ADDRESS, mac) if mac else b""
        return self.newlink(name, "veth", attr(VETH_INFO_PEER | NLA_F_NESTED, ifinfo() + peer_attrs), extra=extra)


def ifindex(name):
    try:
        return socket.if_nametoindex(name)
    except OSError:
        return 0


def name_of(links, index):
    got = links.get(index)
    return got[1].get(IFLA_IFNAME, b"?\0")[:-1].decode() if got else None


def kind_of(info_attrs, key=IFLA_INFO_KIND):
    li = info_attrs.get(IFLA_LINKINFO)
    if not li:
        return None
    k = parse_attrs(li).get(key)
    return k.rstrip(b"\0").decode() if k else None


def bond_data(info_attrs):
    li = info_attrs.get(IFLA_LINKINFO)
    return parse_attrs(parse_attrs(li).get(IFLA_INFO_DATA, b"")) if li else {}


def in_netns(path, fn):
    """Runs fn() in the network namespace at path (a thread-free setns and
    back: callers are single-threaded while they do this)."""
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    other = os.open(path, os.O_RDONLY)
    try:
        setns(other)
        return fn()
    finally:
        setns(own)
        os.close(own)
        os.close(other)
