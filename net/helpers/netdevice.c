// SPDX-License-Identifier: GPL-2.0
#include <linux/netdevice.h>
#include <linux/netdev_features.h>

/* netdev_priv()'s offset as the C compiler computes it, checked at load
 * against the constant the fast paths use (RBOND_NETDEV_PRIV_OFFSET). */
size_t rbond_netdev_priv_offset(void) { return ALIGN(sizeof(struct net_device), NETDEV_ALIGN); }
/* The inverse of netdev_priv(). */
struct net_device *rbond_netdev_from_priv(void *priv) { return container_of(priv, struct net_device, priv); }
/* Bitfields, which bindgen's accessors cannot reach inside struct_group(). */
u64 rbond_netdev_priv_flags(const struct net_device *dev) { return dev->priv_flags; }
void rbond_netdev_set_priv_flags(struct net_device *dev, u64 flags) { dev->priv_flags = flags; }
void rbond_netdev_set_lltx(struct net_device *dev) { dev->lltx = true; }
/* Offloads a master can offer (bond_setup(), team_setup()): macros of
 * bits bindgen cannot evaluate. */
u64 rbond_master_upper_dev_vlan_features(void) { return MASTER_UPPER_DEV_VLAN_FEATURES; }
u64 rbond_netif_f_gso_encap_all(void) { return NETIF_F_GSO_ENCAP_ALL; }
u64 rbond_netdev_base_features(u64 features) { return netdev_base_features(features); }
u64 rbond_netdev_add_tso_features(u64 features, u64 mask) { return netdev_add_tso_features(features, mask); }
void rbond_netdev_lockdep_set_classes(struct net_device *dev) { netdev_lockdep_set_classes(dev); }
void rbond_netif_addr_lock_bh(struct net_device *dev) { netif_addr_lock_bh(dev); }
void rbond_netif_addr_unlock_bh(struct net_device *dev) { netif_addr_unlock_bh(dev); }
void rbond___dev_addr_set(struct net_device *dev, const void *addr, size_t len) { __dev_addr_set(dev, addr, len); }
void rbond_dev_core_stats_tx_dropped_inc(struct net_device *dev) { dev_core_stats_tx_dropped_inc(dev); }
void rbond_dev_kfree_skb_any(struct sk_buff *skb) { dev_kfree_skb_any(skb); }
void rbond_dev_hold(struct net_device *dev) { dev_hold(dev); }
void rbond_dev_put(struct net_device *dev) { dev_put(dev); }
struct net *rbond_dev_net(const struct net_device *dev) { return dev_net(dev); }
void rbond_dev_net_set(struct net_device *dev, struct net *net) { dev_net_set(dev, net); }
void rbond_unregister_netdevice(struct net_device *dev) { unregister_netdevice(dev); }
struct net_device *rbond_netdev_notifier_info_to_dev(void *info) { return netdev_notifier_info_to_dev(info); }
void *rbond_rcu_dereference_rx_handler_data(const struct net_device *dev) { return rcu_dereference(dev->rx_handler_data); }
struct net_device *rbond_first_net_device_rcu(struct net *net) { return first_net_device_rcu(net); }
struct net_device *rbond_next_net_device_rcu(struct net_device *dev) { return next_net_device_rcu(dev); }
bool rbond_netif_is_macvlan(const struct net_device *dev) { return netif_is_macvlan(dev); }
bool rbond_netif_is_any_bridge_master(const struct net_device *dev) { return netif_is_any_bridge_master(dev); }
