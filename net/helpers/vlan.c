// SPDX-License-Identifier: GPL-2.0
#include <linux/if_vlan.h>

/* Static inline stubs without CONFIG_VLAN_8021Q, hence these. */
int rbond_vlan_vid_add(struct net_device *dev, __be16 proto, u16 vid) { return vlan_vid_add(dev, proto, vid); }
void rbond_vlan_vid_del(struct net_device *dev, __be16 proto, u16 vid) { vlan_vid_del(dev, proto, vid); }
int rbond_vlan_vids_add_by_dev(struct net_device *dev, const struct net_device *by) { return vlan_vids_add_by_dev(dev, by); }
void rbond_vlan_vids_del_by_dev(struct net_device *dev, const struct net_device *by) { vlan_vids_del_by_dev(dev, by); }
