// SPDX-License-Identifier: GPL-2.0
#include <net/flow_dissector.h>

/* The keys the encap2+3 and encap3+4 policies hash, through tunnels: the
 * C driver's flow_keys_bonding, in a dissector of this module's own. Data,
 * not logic: offsets only C can take. */
static const struct flow_dissector_key rbond_flow_keys_bonding_keys[] = {
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
struct flow_dissector rbond_flow_keys_bonding __read_mostly;

void rbond_skb_flow_dissector_init(void) { skb_flow_dissector_init(&rbond_flow_keys_bonding, rbond_flow_keys_bonding_keys, ARRAY_SIZE(rbond_flow_keys_bonding_keys)); }
