// SPDX-License-Identifier: GPL-2.0
#include <net/netlink.h>

struct nlattr *rbond_nla_nest_start_noflag(struct sk_buff *skb, int attrtype) { return nla_nest_start_noflag(skb, attrtype); }
void rbond_nla_nest_end(struct sk_buff *skb, struct nlattr *start) { nla_nest_end(skb, start); }
int rbond_nla_put_u64_64bit(struct sk_buff *skb, int attrtype, u64 value, int padattr) { return nla_put_u64_64bit(skb, attrtype, value, padattr); }
