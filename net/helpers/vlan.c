// SPDX-License-Identifier: GPL-2.0
#include <linux/if_vlan.h>

/* Static inline stubs without CONFIG_VLAN_8021Q, hence these. */
int rbond_vlan_vid_add(struct net_device *dev, __be16 proto, u16 vid) { return vlan_vid_add(dev, proto, vid); }
void rbond_vlan_vid_del(struct net_device *dev, __be16 proto, u16 vid) { vlan_vid_del(dev, proto, vid); }
int rbond_vlan_vids_add_by_dev(struct net_device *dev, const struct net_device *by) { return vlan_vids_add_by_dev(dev, by); }
void rbond_vlan_vids_del_by_dev(struct net_device *dev, const struct net_device *by) { vlan_vids_del_by_dev(dev, by); }
bool rbond_is_vlan_dev(const struct net_device *dev) { return is_vlan_dev(dev); }
u16 rbond_vlan_dev_vlan_id(const struct net_device *dev) { return vlan_dev_vlan_id(dev); }
__be16 rbond_vlan_dev_vlan_proto(const struct net_device *dev) { return vlan_dev_vlan_proto(dev); }
struct sk_buff *rbond_vlan_insert_tag_set_proto(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci) { return vlan_insert_tag_set_proto(skb, vlan_proto, vlan_tci); }
void rbond___vlan_hwaccel_put_tag(struct sk_buff *skb, __be16 vlan_proto, u16 vlan_tci) { __vlan_hwaccel_put_tag(skb, vlan_proto, vlan_tci); }
