// SPDX-License-Identifier: GPL-2.0
#include <linux/inetdevice.h>
#include <net/route.h>

struct rtable *rbond_ip_route_output(struct net *net, __be32 daddr, __be32 saddr, u8 tos, int oif, u8 scope) { return ip_route_output(net, daddr, saddr, tos, oif, scope); }
void rbond_ip_rt_put(struct rtable *rt) { ip_rt_put(rt); }
struct in_device *rbond___in_dev_get_rcu(const struct net_device *dev) { return __in_dev_get_rcu(dev); }
struct net_device *rbond_ip_dev_find(struct net *net, __be32 addr) { return ip_dev_find(net, addr); }
