// SPDX-License-Identifier: GPL-2.0
/*
 * One-line wrappers for the static inline functions and macros the Rust
 * side calls, and the module parameter storage. No logic lives here: the
 * parameters are parsed and validated in bond_options.rs.
 */
#include <linux/module.h>
#include <linux/sched/signal.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/etherdevice.h>
#include <linux/skbuff.h>
#include <linux/ethtool.h>
#include <linux/mii.h>
#include <linux/if_vlan.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include <linux/jiffies.h>
#include <generated/utsrelease.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <net/arp.h>
#include <net/route.h>
#include <linux/inetdevice.h>

#include <linux/pkt_sched.h>
#include <net/flow_dissector.h>
#include <net/sch_generic.h>
#include <linux/capability.h>
#include "bond_helpers.h"

/* Names, types, permissions and descriptions follow the C driver
 * (drivers/net/bonding/bond_main.c), so modinfo and modprobe.d files read
 * the same.
 */
static int max_bonds = 1;
static int tx_queues = 16;
static int num_peer_notif = 1;
static int miimon;
static int updelay;
static int downdelay;
static int use_carrier = 1;
static char *mode;
static char *primary;
static char *primary_reselect;
static char *lacp_rate;
static int min_links;
static char *ad_select;
static char *xmit_hash_policy;
static int arp_interval;
static char *arp_ip_target[RBOND_MAX_ARP_TARGETS];
static char *arp_validate;
static char *arp_all_targets;
static char *fail_over_mac;
static int all_slaves_active;
static int resend_igmp = 1;
static int packets_per_slave = 1;
static unsigned int lp_interval = 1;

module_param(max_bonds, int, 0);
MODULE_PARM_DESC(max_bonds, "Max number of bonded devices");
module_param(tx_queues, int, 0);
MODULE_PARM_DESC(tx_queues, "Max number of transmit queues (default = 16)");
module_param_named(num_grat_arp, num_peer_notif, int, 0644);
MODULE_PARM_DESC(num_grat_arp, "Number of peer notifications to send on failover event (alias of num_unsol_na)");
module_param_named(num_unsol_na, num_peer_notif, int, 0644);
MODULE_PARM_DESC(num_unsol_na, "Number of peer notifications to send on failover event (alias of num_grat_arp)");
module_param(miimon, int, 0);
MODULE_PARM_DESC(miimon, "Link check interval in milliseconds");
module_param(updelay, int, 0);
MODULE_PARM_DESC(updelay, "Delay before considering link up, in milliseconds");
module_param(downdelay, int, 0);
MODULE_PARM_DESC(downdelay, "Delay before considering link down, in milliseconds");
module_param(use_carrier, int, 0);
MODULE_PARM_DESC(use_carrier, "Use netif_carrier_ok (vs MII ioctls) in miimon; 0 for off, 1 for on (default)");
module_param(mode, charp, 0);
MODULE_PARM_DESC(mode, "Mode of operation; 0 for balance-rr, 1 for active-backup, 2 for balance-xor, 3 for broadcast, 4 for 802.3ad, 5 for balance-tlb, 6 for balance-alb");
module_param(primary, charp, 0);
MODULE_PARM_DESC(primary, "Primary network device to use");
module_param(primary_reselect, charp, 0);
MODULE_PARM_DESC(primary_reselect, "Reselect primary slave once it comes up; 0 for always (default), 1 for only if speed of primary is better, 2 for only on active slave failure");
module_param(lacp_rate, charp, 0);
MODULE_PARM_DESC(lacp_rate, "LACPDU tx rate to request from 802.3ad partner; 0 for slow, 1 for fast");
module_param(ad_select, charp, 0);
MODULE_PARM_DESC(ad_select, "802.3ad aggregation selection logic; 0 for stable (default), 1 for bandwidth, 2 for count");
module_param(min_links, int, 0);
MODULE_PARM_DESC(min_links, "Minimum number of available links before turning on carrier");
module_param(xmit_hash_policy, charp, 0);
MODULE_PARM_DESC(xmit_hash_policy, "balance-alb, balance-tlb, balance-xor, 802.3ad hashing method; 0 for layer 2 (default), 1 for layer 3+4, 2 for layer 2+3, 3 for encap layer 2+3, 4 for encap layer 3+4, 5 for vlan+srcmac");
module_param(arp_interval, int, 0);
MODULE_PARM_DESC(arp_interval, "arp interval in milliseconds");
module_param_array(arp_ip_target, charp, NULL, 0);
MODULE_PARM_DESC(arp_ip_target, "arp targets in n.n.n.n form");
module_param(arp_validate, charp, 0);
MODULE_PARM_DESC(arp_validate, "validate src/dst of ARP probes; 0 for none (default), 1 for active, 2 for backup, 3 for all, 4 for filter, 5 for filter_active, 6 for filter_backup");
module_param(arp_all_targets, charp, 0);
MODULE_PARM_DESC(arp_all_targets, "fail on any/all arp targets timeout; 0 for any (default), 1 for all");
module_param(fail_over_mac, charp, 0);
MODULE_PARM_DESC(fail_over_mac, "For active-backup, do not set all slaves to the same MAC; 0 for none (default), 1 for active, 2 for follow");
module_param(all_slaves_active, int, 0);
MODULE_PARM_DESC(all_slaves_active, "Keep all frames received on an interface by setting active flag for all slaves; 0 for never (default), 1 for always.");
module_param(resend_igmp, int, 0);
MODULE_PARM_DESC(resend_igmp, "Number of IGMP membership reports to send on link failure");
module_param(packets_per_slave, int, 0);
MODULE_PARM_DESC(packets_per_slave, "Packets to send per slave in balance-rr mode; 0 for a random slave, 1 packet per slave (default), >1 packets per slave.");
module_param(lp_interval, uint, 0);
MODULE_PARM_DESC(lp_interval, "The number of seconds between instances where the bonding driver sends learning packets to each slaves peer switch. The default is 1.");

/* The module's parameter table, which net/modparam.rs reads by name. */
const struct kernel_param *rbond_this_module_kp(void) { return THIS_MODULE->kp; }
unsigned int rbond_this_module_num_kp(void) { return THIS_MODULE->num_kp; }

size_t rbond_netdev_priv_offset(void) { return ALIGN(sizeof(struct net_device), NETDEV_ALIGN); }
void rbond_netdev_change_priv_flags(struct net_device *dev, u64 add, u64 remove) { dev->priv_flags = (dev->priv_flags | add) & ~remove; }
void rbond_netdev_set_lltx(struct net_device *dev) { dev->lltx = true; }
bool rbond_irqs_disabled(void) { return irqs_disabled(); }
/* Stubs without CONFIG_VLAN_8021Q are static inlines, hence these. */
int rbond_vlan_vid_add(struct net_device *dev, __be16 proto, u16 vid) { return vlan_vid_add(dev, proto, vid); }
void rbond_vlan_vid_del(struct net_device *dev, __be16 proto, u16 vid) { vlan_vid_del(dev, proto, vid); }
int rbond_vlan_vids_add_by_dev(struct net_device *dev, const struct net_device *by) { return vlan_vids_add_by_dev(dev, by); }
void rbond_vlan_vids_del_by_dev(struct net_device *dev, const struct net_device *by) { vlan_vids_del_by_dev(dev, by); }
void rbond_spin_lock_init(spinlock_t *l) { spin_lock_init(l); }
void rbond_spin_lock_nested(spinlock_t *l, unsigned int subclass) { spin_lock_nested(l, subclass); }
void rbond_spin_unlock(spinlock_t *l) { spin_unlock(l); }
void rbond_netif_addr_lock_bh(struct net_device *dev) { netif_addr_lock_bh(dev); }
void rbond_netif_addr_unlock_bh(struct net_device *dev) { netif_addr_unlock_bh(dev); }
void rbond_netdev_change_flags_raw(struct net_device *dev, unsigned int add, unsigned int remove) { dev->flags = (dev->flags | add) & ~remove; }
void rbond_eth_hw_addr_random(struct net_device *dev) { eth_hw_addr_random(dev); }
void rbond_dev_core_stats_tx_dropped_inc(struct net_device *dev) { dev_core_stats_tx_dropped_inc(dev); }
void rbond_dev_kfree_skb_any(struct sk_buff *skb) { dev_kfree_skb_any(skb); }
void rbond_dev_hold(struct net_device *dev) { dev_hold(dev); }
void rbond_dev_put(struct net_device *dev) { dev_put(dev); }
struct proc_dir_entry *rbond_init_net_proc(void) { return init_net.proc_net; }
const char *rbond_uts_release(void) { return UTS_RELEASE; }
struct nlattr *rbond_nla_nest_start(struct sk_buff *skb, int attrtype) { return nla_nest_start_noflag(skb, attrtype); }
void rbond_nla_nest_end(struct sk_buff *skb, struct nlattr *start) { nla_nest_end(skb, start); }
struct net *rbond_dev_net(const struct net_device *dev) { return dev_net(dev); }
bool rbond_net_is_init(const struct net *net) { return net_eq(net, &init_net); }
void rbond_unregister_netdevice(struct net_device *dev) { unregister_netdevice(dev); }
int rbond_dev_ifindex(const struct net_device *dev) { return dev->ifindex; }
void *rbond_net_generic(const struct net *net, unsigned int id) { return net_generic(net, id); }
struct proc_dir_entry *rbond_net_proc(const struct net *net) { return net->proc_net; }
struct net_device *rbond_to_net_dev(struct device *d) { return to_net_dev(d); }
struct kobject *rbond_netdev_kobj(struct net_device *dev) { return &dev->dev.kobj; }
/* One lockdep key for every dynamically allocated attribute of ours, as
 * the C driver's sysfs_attr_init() of its per-namespace file gives. */
void rbond_sysfs_attr_init(struct attribute *attr) { sysfs_attr_init(attr); }
int rbond_restart_syscall(void) { return restart_syscall(); }
bool rbond_fatal_signal_pending(void) { return fatal_signal_pending(current); }
/* for_each_netdev_rcu, one step: the first device with @prev NULL. */
struct net_device *rbond_next_netdev(struct net *net, struct net_device *prev)
{
	return prev ? next_net_device_rcu(prev) : first_net_device_rcu(net);
}
void rbond_dev_net_set(struct net_device *dev, struct net *net) { dev_net_set(dev, net); }
struct net *rbond_init_net(void) { return &init_net; }
void rbond_rcu_read_lock(void) { rcu_read_lock(); }
void rbond_rcu_read_unlock(void) { rcu_read_unlock(); }
bool rbond_net_admin_capable(const struct net_device *dev) { return ns_capable(dev_net(dev)->user_ns, CAP_NET_ADMIN); }
struct net_device *rbond_dev_get_by_name(const struct net_device *in_ns_of, const char *name) { return __dev_get_by_name(dev_net(in_ns_of), name); }
struct sk_buff *rbond_skb_share_check(struct sk_buff *skb) { return skb_share_check(skb, GFP_ATOMIC); }
const unsigned char *rbond_eth_hdr_dest(const struct sk_buff *skb) { return eth_hdr(skb)->h_dest; }
struct net_device *rbond_notifier_info_to_dev(void *info) { return netdev_notifier_info_to_dev(info); }
struct mii_ioctl_data *rbond_if_mii(struct ifreq *ifr) { return if_mii(ifr); }
unsigned char rbond_addr_assign_type(const struct net_device *dev) { return dev->addr_assign_type; }
void *rbond_rx_handler_data_rcu(const struct net_device *dev) { return rcu_dereference(dev->rx_handler_data); }
/* bond_dev_queue_xmit(): the slave sees the queue mapping the frame had
 * before the bond's ndo_select_queue (kept in qdisc_skb_cb). */
int rbond_dev_queue_xmit(struct sk_buff *skb, struct net_device *dev)
{
	skb->dev = dev;
	skb_set_queue_mapping(skb, qdisc_skb_cb(skb)->slave_dev_queue_mapping);
	return dev_queue_xmit(skb);
}
struct sk_buff *rbond_skb_clone(struct sk_buff *skb) { return skb_clone(skb, GFP_ATOMIC); }
const unsigned char *rbond_skb_eth_hdr(const struct sk_buff *skb) { return skb_headlen(skb) >= ETH_HLEN ? skb->data : NULL; }

void rbond_set_mtu_field(struct net_device *dev, unsigned int mtu) { WRITE_ONCE(dev->mtu, mtu); }
void rbond_dev_addr_set_notify_quiet(struct net_device *dev, const unsigned char *addr) { eth_hw_addr_set(dev, addr); dev->addr_assign_type = NET_ADDR_SET; }

/* The address of an ndo_set_mac_address request; -EADDRNOTAVAIL unless a
 * valid unicast Ethernet address (as eth_prepare_mac_addr_change()).
 */
int rbond_sockaddr_to_mac(const void *sockaddr, unsigned char *mac)
{
	const struct sockaddr *sa = sockaddr;

	if (!is_valid_ether_addr(sa->sa_data))
		return -EADDRNOTAVAIL;
	memcpy(mac, sa->sa_data, ETH_ALEN);
	return 0;
}

/* bond_init(): a master's own lockdep classes, for its address list lock
 * (taken around its slaves') and its queues. One set for all masters of
 * this module, as the C driver's.
 */
void rbond_netdev_lockdep_set_classes(struct net_device *dev) { netdev_lockdep_set_classes(dev); }

u64 rbond_netdev_base_features(u64 features) { return netdev_base_features(features); }
u64 rbond_netdev_add_tso_features(u64 features, u64 mask) { return netdev_add_tso_features(features, mask); }
/* Where netdev_for_each_lower_dev() starts: the first lower entry. */
struct list_head *rbond_lower_iter(struct net_device *dev) { return dev->adj_list.lower.next; }

/* bond_setup(): offloads a master can offer; netdev_compute_master_upper_features()
 * then narrows them to what the slaves support.
 */
void rbond_setup_features(struct net_device *dev)
{
	dev->hw_features = MASTER_UPPER_DEV_VLAN_FEATURES | NETIF_F_HW_VLAN_CTAG_RX |
			   NETIF_F_HW_VLAN_CTAG_FILTER | NETIF_F_HW_VLAN_STAG_RX |
			   NETIF_F_HW_VLAN_STAG_FILTER | NETIF_F_GSO_ENCAP_ALL;
	dev->features |= dev->hw_features | NETIF_F_HW_VLAN_CTAG_TX |
			 NETIF_F_HW_VLAN_STAG_TX | NETIF_F_GSO_PARTIAL;
}

/* bond_set_dev_addr(): the bond takes an address (NET_ADDR_STOLEN from a
 * slave, or its own random one back on unwind), announced.
 */
int rbond_dev_addr_set_notify(struct net_device *dev, const unsigned char *addr, unsigned char assign_type)
{
	int err = dev_pre_changeaddr_notify(dev, addr, NULL);

	if (err)
		return err;
	__dev_addr_set(dev, addr, dev->addr_len);
	dev->addr_assign_type = assign_type;
	call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
	return 0;
}

/* dev_set_mac_address() with the sockaddr built from a plain address. */
int rbond_dev_set_mac_address(struct net_device *dev, const unsigned char *addr, struct netlink_ext_ack *extack)
{
	struct sockaddr_storage ss = { .ss_family = dev->type };

	/* @addr holds ETH_ALEN bytes: refuse any other address length. */
	if (dev->addr_len != ETH_ALEN)
		return -EINVAL;
	memcpy(ss.__data, addr, ETH_ALEN);
	return dev_set_mac_address(dev, (struct sockaddr *)&ss, extack);
}

/* A fresh random address, announced (the bond after its last slave left). */
void rbond_dev_addr_random(struct net_device *dev)
{
	eth_hw_addr_random(dev);
	call_netdevice_notifiers(NETDEV_CHANGEADDR, dev);
}

/* bond_update_speed_duplex(): SPEED_UNKNOWN/DUPLEX_UNKNOWN unless ethtool knows. */
int rbond_get_speed_duplex(struct net_device *dev, u32 *speed, u8 *duplex)
{
	struct ethtool_link_ksettings ecmd;
	int res = __ethtool_get_link_ksettings(dev, &ecmd);

	*speed = res ? SPEED_UNKNOWN : ecmd.base.speed;
	*duplex = res ? DUPLEX_UNKNOWN : ecmd.base.duplex;
	return res;
}
void rbond_init_delayed_work(struct delayed_work *dw, void (*fn)(struct work_struct *)) { INIT_DELAYED_WORK(dw, fn); }
bool rbond_queue_delayed_work(struct delayed_work *dw, unsigned long delay) { return queue_delayed_work(system_wq, dw, delay); }
bool rbond_mod_delayed_work(struct delayed_work *dw, unsigned long delay) { return mod_delayed_work(system_wq, dw, delay); }
/* Per-CPU u32 (the __percpu annotation is sparse's only). */
u32 *rbond_alloc_percpu_u32(void) { return (u32 *)alloc_percpu(u32); }
u32 rbond_this_cpu_inc_return_u32(u32 *p) { return this_cpu_inc_return(*(u32 __percpu *)p); }
unsigned long rbond_msecs_to_jiffies(unsigned int ms) { return msecs_to_jiffies(ms); }
/* The inverse of netdev_priv(): the private area follows the aligned struct. */
struct net_device *rbond_netdev_from_priv(void *priv) { return container_of(priv, struct net_device, priv); }
/* ethtool get_link: 1 up, 0 down, -1 when the driver has none. */
int rbond_ethtool_get_link(struct net_device *dev) { return dev->ethtool_ops && dev->ethtool_ops->get_link ? !!dev->ethtool_ops->get_link(dev) : -1; }
u64 rbond_jiffies(void) { return get_jiffies_64(); }

/* IPv4 routing for the ARP monitor's probes: the decision (bond_arp_send_all())
 * is the Rust side's. A failed lookup is NULL. */
struct rtable *rbond_ip_route_output_link(struct net *net, __be32 daddr)
{
	struct rtable *rt = ip_route_output(net, daddr, 0, 0, 0, RT_SCOPE_LINK);

	return IS_ERR(rt) ? NULL : rt;
}
struct net_device *rbond_rt_dev(const struct rtable *rt) { return rt->dst.dev; }
void rbond_ip_rt_put(struct rtable *rt) { ip_rt_put(rt); }
/* inet_confirm_addr() on @dev's IPv4 configuration (bond_confirm_addr()). */
__be32 rbond_confirm_addr(struct net_device *dev, __be32 dst)
{
	struct in_device *in_dev;
	__be32 addr = 0;

	rcu_read_lock();
	in_dev = __in_dev_get_rcu(dev);
	if (in_dev)
		addr = inet_confirm_addr(dev_net(dev), in_dev, dst, 0, RT_SCOPE_HOST);
	rcu_read_unlock();
	return addr;
}


/* bond_arp_send(): an ARP request for @target from @src out of @slave_dev. */
int rbond_arp_send_request(struct net_device *slave_dev, __be32 target, __be32 src)
{
	struct sk_buff *skb = arp_create(ARPOP_REQUEST, ETH_P_ARP, target, slave_dev, src,
					 NULL, slave_dev->dev_addr, NULL);

	if (!skb)
		return -ENOMEM;
	arp_xmit(skb);
	return 0;
}

/* 802.3ad: one lockdep class for the bonds' mode locks, taken with softirqs
 * off (the rx handler takes it in softirq). */
void rbond_bh_lock_init(spinlock_t *l) { spin_lock_init(l); }
void rbond_spin_lock_bh(spinlock_t *l) { spin_lock_bh(l); }
void rbond_spin_unlock_bh(spinlock_t *l) { spin_unlock_bh(l); }

/* A slow-protocols frame (ad_lacpdu_send(), ad_marker_send()): Ethernet
 * header, then `len` bytes of PDU; control priority. Atomic allocation. */
struct sk_buff *rbond_control_frame(struct net_device *dev, const u8 *src, const u8 *dst, u16 ethertype, const void *pdu, unsigned int len)
{
	struct sk_buff *skb = dev_alloc_skb(ETH_HLEN + len);
	struct ethhdr *eth;

	if (!skb)
		return NULL;
	skb->dev = dev;
	skb_reset_mac_header(skb);
	skb->network_header = skb->mac_header + ETH_HLEN;
	skb->protocol = htons(ethertype);
	skb->priority = TC_PRIO_CONTROL;
	eth = skb_put(skb, ETH_HLEN);
	memcpy(eth->h_dest, dst, ETH_ALEN);
	memcpy(eth->h_source, src, ETH_ALEN);
	eth->h_proto = htons(ethertype);
	skb_put_data(skb, pdu, len);
	return skb;
}

void rbond_consume_skb(struct sk_buff *skb) { consume_skb(skb); }
int rbond_dev_mc_add(struct net_device *dev, const u8 *addr) { return dev_mc_add(dev, addr); }
int rbond_dev_mc_del(struct net_device *dev, const u8 *addr) { return dev_mc_del(dev, addr); }
bool rbond_capable_net_admin(void) { return capable(CAP_NET_ADMIN); }
int rbond_nla_put_u64_64bit(struct sk_buff *skb, int attrtype, u64 value, int padattr)
{
	return nla_put_u64_64bit(skb, attrtype, value, padattr);
}
struct net_device *rbond_master_upper(struct net_device *dev) { return netdev_master_upper_dev_get(dev); }

/* The encap2+3 and encap3+4 policies hash what the kernel's flow dissector
 * finds, through tunnels (bond_flow_dissect() with flow_keys_bonding): the
 * same keys, in a dissector of this module's own. */
static const struct flow_dissector_key rbond_flow_keys_keys[] = {
	{ .key_id = FLOW_DISSECTOR_KEY_CONTROL, .offset = offsetof(struct flow_keys, control) },
	{ .key_id = FLOW_DISSECTOR_KEY_BASIC, .offset = offsetof(struct flow_keys, basic) },
	{ .key_id = FLOW_DISSECTOR_KEY_IPV4_ADDRS, .offset = offsetof(struct flow_keys, addrs.v4addrs) },
	{ .key_id = FLOW_DISSECTOR_KEY_IPV6_ADDRS, .offset = offsetof(struct flow_keys, addrs.v6addrs) },
	{ .key_id = FLOW_DISSECTOR_KEY_TIPC, .offset = offsetof(struct flow_keys, addrs.tipckey) },
	{ .key_id = FLOW_DISSECTOR_KEY_PORTS, .offset = offsetof(struct flow_keys, ports) },
	{ .key_id = FLOW_DISSECTOR_KEY_ICMP, .offset = offsetof(struct flow_keys, icmp) },
	{ .key_id = FLOW_DISSECTOR_KEY_VLAN, .offset = offsetof(struct flow_keys, vlan) },
	{ .key_id = FLOW_DISSECTOR_KEY_FLOW_LABEL, .offset = offsetof(struct flow_keys, tags) },
	{ .key_id = FLOW_DISSECTOR_KEY_GRE_KEYID, .offset = offsetof(struct flow_keys, keyid) },
};
static struct flow_dissector rbond_flow_keys __read_mostly;

void rbond_flow_init(void)
{
	skb_flow_dissector_init(&rbond_flow_keys, rbond_flow_keys_keys, ARRAY_SIZE(rbond_flow_keys_keys));
}

bool rbond_flow_dissect(const struct sk_buff *skb, struct rbond_flow *out)
{
	struct flow_keys fk;

	memset(&fk, 0, sizeof(fk));
	if (!__skb_flow_dissect(NULL, skb, &rbond_flow_keys, &fk, skb->data, skb->protocol,
				skb_network_offset(skb), skb_headlen(skb), 0))
		return false;
	out->src = (__force u32)flow_get_u32_src(&fk);
	out->dst = (__force u32)flow_get_u32_dst(&fk);
	out->ports = (__force u32)fk.ports.ports;
	memcpy(&out->icmp, &fk.icmp, sizeof(out->icmp));
	out->icmp_id = fk.icmp.id;
	return true;
}

bool rbond_skb_l4_hash(const struct sk_buff *skb, u32 *hash)
{
	if (!skb->l4_hash)
		return false;
	*hash = skb->hash;
	return true;
}

u16 rbond_skb_vlan_tag(const struct sk_buff *skb)
{
	return skb_vlan_tag_present(skb) ? skb_vlan_tag_get(skb) : 0;
}

/* bond_select_queue()'s buffer part: the queue mapping as it came is kept
 * for the slave (qdisc_skb_cb), and the queue is the one the frame was
 * received on, if recorded, else 0; the caller reduces it modulo the
 * device's queues. */
void rbond_skb_keep_queue_mapping(struct sk_buff *skb) { qdisc_skb_cb(skb)->slave_dev_queue_mapping = skb_get_queue_mapping(skb); }
