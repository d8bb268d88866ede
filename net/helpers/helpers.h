/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The wrappers of helpers.c, for bindgen; grouped as the files that
 * define them.
 */
#ifndef RBOND_NET_HELPERS_H
#define RBOND_NET_HELPERS_H

#include <linux/types.h>
#include <linux/spinlock_types.h>
#include <linux/netdevice.h>

struct attribute;
struct delayed_work;
struct device;
struct ethhdr;
struct flow_dissector;
struct ifreq;
struct in_device;
struct kernel_param;
struct mii_ioctl_data;
struct net;
struct net_device;
struct nlattr;
struct rtable;
struct sk_buff;
struct work_struct;

/* etherdevice.c */
void rbond_eth_hw_addr_random(struct net_device *dev);
struct ethhdr *rbond_eth_hdr(const struct sk_buff *skb);

/* flow_dissector.c */
extern struct flow_dissector rbond_flow_keys_bonding;
void rbond_skb_flow_dissector_init(void);

/* mii.c */
struct mii_ioctl_data *rbond_if_mii(struct ifreq *ifr);

/* module.c */
const struct kernel_param *rbond_this_module_kp(void);
unsigned int rbond_this_module_num_kp(void);
const char *rbond_uts_release(void);

/* net_namespace.c */
void *rbond_net_generic(const struct net *net, unsigned int id);

/* netdevice.c */
size_t rbond_netdev_priv_offset(void);
/* netdev_priv()'s offset, for the fast paths to compute inline (bindgen
 * evaluates the constant with the kernel's own layout). */
enum rbond_layout { RBOND_NETDEV_PRIV_OFFSET = ALIGN(sizeof(struct net_device), NETDEV_ALIGN) };
struct net_device *rbond_netdev_from_priv(void *priv);
u64 rbond_netdev_priv_flags(const struct net_device *dev);
void rbond_netdev_set_priv_flags(struct net_device *dev, u64 flags);
void rbond_netdev_set_lltx(struct net_device *dev);
u64 rbond_master_upper_dev_vlan_features(void);
u64 rbond_netif_f_gso_encap_all(void);
u64 rbond_netdev_base_features(u64 features);
u64 rbond_netdev_add_tso_features(u64 features, u64 mask);
void rbond_netdev_lockdep_set_classes(struct net_device *dev);
void rbond_netif_addr_lock_bh(struct net_device *dev);
void rbond_netif_addr_unlock_bh(struct net_device *dev);
void rbond___dev_addr_set(struct net_device *dev, const void *addr, size_t len);
void rbond_dev_core_stats_tx_dropped_inc(struct net_device *dev);
void rbond_dev_kfree_skb_any(struct sk_buff *skb);
void rbond_dev_hold(struct net_device *dev);
void rbond_dev_put(struct net_device *dev);
bool rbond_netif_is_macvlan(const struct net_device *dev);
bool rbond_netif_is_any_bridge_master(const struct net_device *dev);
struct net *rbond_dev_net(const struct net_device *dev);
void rbond_dev_net_set(struct net_device *dev, struct net *net);
void rbond_unregister_netdevice(struct net_device *dev);
struct net_device *rbond_netdev_notifier_info_to_dev(void *info);
void *rbond_rcu_dereference_rx_handler_data(const struct net_device *dev);
struct net_device *rbond_first_net_device_rcu(struct net *net);
struct net_device *rbond_next_net_device_rcu(struct net_device *dev);

/* netlink.c */
struct nlattr *rbond_nla_nest_start_noflag(struct sk_buff *skb, int attrtype);
void rbond_nla_nest_end(struct sk_buff *skb, struct nlattr *start);
int rbond_nla_put_u64_64bit(struct sk_buff *skb, int attrtype, u64 value, int padattr);

/* percpu.c */
u32 *rbond_alloc_percpu_u32(void);
u32 rbond_this_cpu_inc_return_u32(u32 *p);

/* rcupdate.c */
void rbond_rcu_read_lock(void);
void rbond_rcu_read_unlock(void);

/* route.c */
struct rtable *rbond_ip_route_output(struct net *net, __be32 daddr, __be32 saddr, u8 tos, int oif, u8 scope);
void rbond_ip_rt_put(struct rtable *rt);
struct net_device *rbond_ip_dev_find(struct net *net, __be32 addr);
struct in_device *rbond___in_dev_get_rcu(const struct net_device *dev);

/* sched.c */
int rbond_restart_syscall(void);
bool rbond_fatal_signal_pending_current(void);
bool rbond_irqs_disabled(void);

/* skbuff.c */
struct sk_buff *rbond_skb_share_check(struct sk_buff *skb);
struct sk_buff *rbond_skb_clone(struct sk_buff *skb);
struct sk_buff *rbond_dev_alloc_skb(unsigned int length);
void rbond_consume_skb(struct sk_buff *skb);
void rbond_skb_reset_mac_header(struct sk_buff *skb);
void rbond_skb_set_network_header(struct sk_buff *skb, int offset);
int rbond_skb_network_offset(const struct sk_buff *skb);
int rbond_skb_cow_head(struct sk_buff *skb);
bool rbond_skb_l4_hash(const struct sk_buff *skb);
bool rbond_skb_vlan_tag_present(const struct sk_buff *skb);
u16 rbond_skb_vlan_tag_get(const struct sk_buff *skb);

/* spinlock.c */
void rbond_spin_lock_init(spinlock_t *l);
void rbond_spin_lock_init_bh(spinlock_t *l);
void rbond_spin_lock_nested(spinlock_t *l, unsigned int subclass);
void rbond_spin_unlock(spinlock_t *l);
void rbond_spin_lock_bh(spinlock_t *l);
void rbond_spin_unlock_bh(spinlock_t *l);

/* sysfs.c */
struct net_device *rbond_to_net_dev(struct device *d);
void rbond_sysfs_attr_init(struct attribute *attr);

/* vlan.c */
int rbond_vlan_vid_add(struct net_device *dev, __be16 proto, u16 vid);
void rbond_vlan_vid_del(struct net_device *dev, __be16 proto, u16 vid);
int rbond_vlan_vids_add_by_dev(struct net_device *dev, const struct net_device *by);
void rbond_vlan_vids_del_by_dev(struct net_device *dev, const struct net_device *by);
bool rbond_is_vlan_dev(const struct net_device *dev);
u16 rbond_vlan_dev_vlan_id(const struct net_device *dev);
__be16 rbond_vlan_dev_vlan_proto(const struct net_device *dev);
struct sk_buff *rbond_vlan_insert_tag_set_proto(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci);
void rbond___vlan_hwaccel_put_tag(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci);

/* workqueue.c */
void rbond_init_delayed_work(struct delayed_work *dw, void (*fn)(struct work_struct *));
bool rbond_queue_delayed_work(struct delayed_work *dw, unsigned long delay);
bool rbond_mod_delayed_work(struct delayed_work *dw, unsigned long delay);
unsigned long rbond_msecs_to_jiffies(unsigned int ms);
u64 rbond_get_jiffies_64(void);

#endif
