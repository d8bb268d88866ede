/* SPDX-License-Identifier: GPL-2.0 */
/* The C API the abstraction layer in net/ binds to (bindgen input). */
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_bonding.h>
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <net/netlink.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/mii.h>
#include <linux/if_vlan.h>
#include <linux/netpoll.h>
#include <net/net_namespace.h>
#include <linux/inetdevice.h>
#include <net/route.h>
#include <net/arp.h>
#include <net/ip6_route.h>
#include <net/addrconf.h>
#include <net/ndisc.h>
#include <net/flow_dissector.h>
#include <net/sch_generic.h>
#include "helpers/helpers.h"
