/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the Rust side of bonding.ko needs from C that bindgen cannot give it:
 * static inline functions and macros, wrapped one line each, and the storage
 * of the module parameters (6.12's module! has no params:).
 */
#ifndef RBOND_HELPERS_H
#define RBOND_HELPERS_H

#include <linux/types.h>

struct net_device;
struct sk_buff;
struct proc_dir_entry;

#define RBOND_MAX_ARP_TARGETS 16

/* The raw module parameters, exactly as the user gave them. */
struct rbond_module_params {
	int max_bonds;
	int tx_queues;
	int num_peer_notif;
	int miimon;
	int updelay;
	int downdelay;
	int use_carrier;
	const char *mode;
	const char *primary;
	const char *primary_reselect;
	const char *lacp_rate;
	const char *ad_select;
	int min_links;
	const char *xmit_hash_policy;
	int arp_interval;
	const char *arp_ip_target[RBOND_MAX_ARP_TARGETS];
	const char *arp_validate;
	const char *arp_all_targets;
	const char *fail_over_mac;
	int all_slaves_active;
	int resend_igmp;
	int packets_per_slave;
	unsigned int lp_interval;
};

void rbond_get_module_params(struct rbond_module_params *p);

void *rbond_netdev_priv(const struct net_device *dev);
void rbond_netdev_change_priv_flags(struct net_device *dev, u64 add, u64 remove);
void rbond_netdev_set_lltx(struct net_device *dev);
bool rbond_netif_carrier_ok(const struct net_device *dev);
bool rbond_netif_running(const struct net_device *dev);
void rbond_eth_hw_addr_random(struct net_device *dev);
void rbond_dev_core_stats_tx_dropped_inc(struct net_device *dev);
void rbond_dev_kfree_skb_any(struct sk_buff *skb);
void rbond_dev_hold(struct net_device *dev);
void rbond_dev_put(struct net_device *dev);
struct proc_dir_entry *rbond_init_net_proc(void);
const char *rbond_uts_release(void);

#endif
