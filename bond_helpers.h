/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the Rust side of bonding.ko needs from C that bindgen cannot give it:
 * static inline functions and macros, wrapped one line each, and the storage
 * of the module parameters (6.12's module! has no params:).
 */
#ifndef RBOND_HELPERS_H
#define RBOND_HELPERS_H

#include <linux/types.h>
#include <linux/spinlock_types.h>

struct net_device;
struct sk_buff;
struct proc_dir_entry;
struct ifreq;
struct mii_ioctl_data;

#define RBOND_MAX_ARP_TARGETS 16

struct delayed_work;
struct work_struct;

/* The raw module parameters, exactly as the user gave them. */
const struct kernel_param *rbond_this_module_kp(void);
unsigned int rbond_this_module_num_kp(void);

size_t rbond_netdev_priv_offset(void);
/* netdev_priv()'s offset, for the fast paths to compute inline (bindgen
 * evaluates the constant with the kernel's own layout); checked against
 * rbond_netdev_priv_offset(), the C compiler's, when the module loads. */
enum rbond_layout { RBOND_NETDEV_PRIV_OFFSET = ALIGN(sizeof(struct net_device), NETDEV_ALIGN) };
void rbond_netdev_change_priv_flags(struct net_device *dev, u64 add, u64 remove);
void rbond_netdev_set_lltx(struct net_device *dev);
bool rbond_irqs_disabled(void);
void rbond_netdev_lockdep_set_classes(struct net_device *dev);
int rbond_vlan_vid_add(struct net_device *dev, __be16 proto, u16 vid);
void rbond_vlan_vid_del(struct net_device *dev, __be16 proto, u16 vid);
int rbond_vlan_vids_add_by_dev(struct net_device *dev, const struct net_device *by);
void rbond_vlan_vids_del_by_dev(struct net_device *dev, const struct net_device *by);
void rbond_spin_lock_init(spinlock_t *l);
void rbond_spin_lock_nested(spinlock_t *l, unsigned int subclass);
void rbond_spin_unlock(spinlock_t *l);
void rbond_netif_addr_lock_bh(struct net_device *dev);
void rbond_netif_addr_unlock_bh(struct net_device *dev);
void rbond_netdev_change_flags_raw(struct net_device *dev, unsigned int add, unsigned int remove);
void rbond_eth_hw_addr_random(struct net_device *dev);
void rbond_dev_core_stats_tx_dropped_inc(struct net_device *dev);
void rbond_dev_kfree_skb_any(struct sk_buff *skb);
void rbond_dev_hold(struct net_device *dev);
void rbond_dev_put(struct net_device *dev);
struct proc_dir_entry *rbond_init_net_proc(void);
void rbond_rcu_read_lock(void);
void rbond_rcu_read_unlock(void);
bool rbond_net_admin_capable(const struct net_device *dev);
struct net_device *rbond_dev_get_by_name(const struct net_device *in_ns_of, const char *name);
struct sk_buff *rbond_skb_share_check(struct sk_buff *skb);
const unsigned char *rbond_eth_hdr_dest(const struct sk_buff *skb);
struct net_device *rbond_notifier_info_to_dev(void *info);
int rbond_dev_addr_set_notify(struct net_device *dev, const unsigned char *addr, unsigned char assign_type);
struct netlink_ext_ack;
int rbond_dev_set_mac_address(struct net_device *dev, const unsigned char *addr, struct netlink_ext_ack *extack);
void rbond_dev_addr_random(struct net_device *dev);
int rbond_get_speed_duplex(struct net_device *dev, u32 *speed, u8 *duplex);
struct mii_ioctl_data *rbond_if_mii(struct ifreq *ifr);
unsigned char rbond_addr_assign_type(const struct net_device *dev);
void *rbond_rx_handler_data_rcu(const struct net_device *dev);
int rbond_dev_queue_xmit(struct sk_buff *skb, struct net_device *dev);
struct sk_buff *rbond_skb_clone(struct sk_buff *skb);
const unsigned char *rbond_skb_eth_hdr(const struct sk_buff *skb);
void rbond_setup_features(struct net_device *dev);
u64 rbond_netdev_base_features(u64 features);
u64 rbond_netdev_add_tso_features(u64 features, u64 mask);
struct list_head;
struct list_head *rbond_lower_iter(struct net_device *dev);
void rbond_init_delayed_work(struct delayed_work *dw, void (*fn)(struct work_struct *));
bool rbond_queue_delayed_work(struct delayed_work *dw, unsigned long delay);
bool rbond_mod_delayed_work(struct delayed_work *dw, unsigned long delay);
u32 *rbond_alloc_percpu_u32(void);
u32 rbond_this_cpu_inc_return_u32(u32 *p);
unsigned long rbond_msecs_to_jiffies(unsigned int ms);
struct net_device *rbond_netdev_from_priv(void *priv);
int rbond_ethtool_get_link(struct net_device *dev);
u64 rbond_jiffies(void);
struct rtable;
struct rtable *rbond_ip_route_output_link(struct net *net, __be32 daddr);
struct net_device *rbond_rt_dev(const struct rtable *rt);
void rbond_ip_rt_put(struct rtable *rt);
__be32 rbond_confirm_addr(struct net_device *dev, __be32 dst);
int rbond_arp_send_request(struct net_device *slave_dev, __be32 target, __be32 src);
void rbond_set_mtu_field(struct net_device *dev, unsigned int mtu);
void rbond_dev_addr_set_notify_quiet(struct net_device *dev, const unsigned char *addr);
int rbond_sockaddr_to_mac(const void *sockaddr, unsigned char *mac);
const char *rbond_uts_release(void);
struct nlattr;
struct net;
struct nlattr *rbond_nla_nest_start(struct sk_buff *skb, int attrtype);
void rbond_nla_nest_end(struct sk_buff *skb, struct nlattr *start);
struct net *rbond_dev_net(const struct net_device *dev);
bool rbond_net_is_init(const struct net *net);
void rbond_unregister_netdevice(struct net_device *dev);
int rbond_dev_ifindex(const struct net_device *dev);
void *rbond_net_generic(const struct net *net, unsigned int id);
struct proc_dir_entry *rbond_net_proc(const struct net *net);
struct device;
struct kobject;
struct attribute;
struct net_device *rbond_to_net_dev(struct device *d);
struct kobject *rbond_netdev_kobj(struct net_device *dev);
void rbond_sysfs_attr_init(struct attribute *attr);
int rbond_restart_syscall(void);
bool rbond_fatal_signal_pending(void);
struct net_device *rbond_next_netdev(struct net *net, struct net_device *prev);
void rbond_dev_net_set(struct net_device *dev, struct net *net);
struct net *rbond_init_net(void);
void rbond_bh_lock_init(spinlock_t *l);
void rbond_spin_lock_bh(spinlock_t *l);
void rbond_spin_unlock_bh(spinlock_t *l);
struct sk_buff *rbond_control_frame(struct net_device *dev, const u8 *src, const u8 *dst, u16 ethertype, const void *pdu, unsigned int len);
void rbond_consume_skb(struct sk_buff *skb);
int rbond_dev_mc_add(struct net_device *dev, const u8 *addr);
int rbond_dev_mc_del(struct net_device *dev, const u8 *addr);
bool rbond_capable_net_admin(void);
int rbond_nla_put_u64_64bit(struct sk_buff *skb, int attrtype, u64 value, int padattr);
struct net_device *rbond_master_upper(struct net_device *dev);
struct rbond_flow { u32 src, dst, ports, icmp; u16 icmp_id; };
void rbond_flow_init(void);
bool rbond_flow_dissect(const struct sk_buff *skb, struct rbond_flow *out);
bool rbond_skb_l4_hash(const struct sk_buff *skb, u32 *hash);
u16 rbond_skb_vlan_tag(const struct sk_buff *skb);
void rbond_skb_keep_queue_mapping(struct sk_buff *skb);

#endif
