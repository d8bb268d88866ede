// SPDX-License-Identifier: GPL-2.0
#include <linux/etherdevice.h>

void rbond_eth_hw_addr_random(struct net_device *dev) { eth_hw_addr_random(dev); }
struct ethhdr *rbond_eth_hdr(const struct sk_buff *skb) { return eth_hdr(skb); }
