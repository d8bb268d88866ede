// SPDX-License-Identifier: GPL-2.0
#include <linux/skbuff.h>
#include <linux/if_vlan.h>

/* GFP_ATOMIC: the packet paths' allocations. */
struct sk_buff *rbond_skb_share_check(struct sk_buff *skb) { return skb_share_check(skb, GFP_ATOMIC); }
struct sk_buff *rbond_skb_clone(struct sk_buff *skb) { return skb_clone(skb, GFP_ATOMIC); }
struct sk_buff *rbond_dev_alloc_skb(unsigned int length) { return dev_alloc_skb(length); }
void rbond_consume_skb(struct sk_buff *skb) { consume_skb(skb); }
void rbond_skb_reset_mac_header(struct sk_buff *skb) { skb_reset_mac_header(skb); }
void rbond_skb_set_network_header(struct sk_buff *skb, int offset) { skb_set_network_header(skb, offset); }
int rbond_skb_network_offset(const struct sk_buff *skb) { return skb_network_offset(skb); }
/* Bitfields of struct sk_buff. */
bool rbond_skb_l4_hash(const struct sk_buff *skb) { return skb->l4_hash; }
bool rbond_skb_vlan_tag_present(const struct sk_buff *skb) { return skb_vlan_tag_present(skb); }
u16 rbond_skb_vlan_tag_get(const struct sk_buff *skb) { return skb_vlan_tag_get(skb); }
int rbond_skb_cow_head(struct sk_buff *skb) { return skb_cow_head(skb, 0); }
