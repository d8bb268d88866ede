// SPDX-License-Identifier: GPL-2.0

//! The ABI numbers that `bond_uapi` (pure Rust, shared with ifenslave)
//! writes down by hand, checked against the kernel's headers at compile
//! time: a mismatch does not build. Only constants and layouts of the
//! bindings are read here, at compile time; nothing calls into C.

#![forbid(unsafe_code)]

use crate::bond_uapi::ifla;
use crate::net::bindings as b;

macro_rules! same {
    ($($ours:expr => $theirs:expr),* $(,)?) => {
        $(const _: () = assert!($ours as u64 == $theirs as u64);)*
    };
}

same! {
    crate::bond_3ad::pdu::ETH_P_SLOW => b::ETH_P_SLOW,
    ifla::MODE => b::IFLA_BOND_MODE,
    ifla::ACTIVE_SLAVE => b::IFLA_BOND_ACTIVE_SLAVE,
    ifla::MIIMON => b::IFLA_BOND_MIIMON,
    ifla::UPDELAY => b::IFLA_BOND_UPDELAY,
    ifla::DOWNDELAY => b::IFLA_BOND_DOWNDELAY,
    ifla::USE_CARRIER => b::IFLA_BOND_USE_CARRIER,
    ifla::ARP_INTERVAL => b::IFLA_BOND_ARP_INTERVAL,
    ifla::ARP_IP_TARGET => b::IFLA_BOND_ARP_IP_TARGET,
    ifla::ARP_VALIDATE => b::IFLA_BOND_ARP_VALIDATE,
    ifla::ARP_ALL_TARGETS => b::IFLA_BOND_ARP_ALL_TARGETS,
    ifla::PRIMARY => b::IFLA_BOND_PRIMARY,
    ifla::PRIMARY_RESELECT => b::IFLA_BOND_PRIMARY_RESELECT,
    ifla::FAIL_OVER_MAC => b::IFLA_BOND_FAIL_OVER_MAC,
    ifla::XMIT_HASH_POLICY => b::IFLA_BOND_XMIT_HASH_POLICY,
    ifla::RESEND_IGMP => b::IFLA_BOND_RESEND_IGMP,
    ifla::NUM_PEER_NOTIF => b::IFLA_BOND_NUM_PEER_NOTIF,
    ifla::ALL_SLAVES_ACTIVE => b::IFLA_BOND_ALL_SLAVES_ACTIVE,
    ifla::MIN_LINKS => b::IFLA_BOND_MIN_LINKS,
    ifla::LP_INTERVAL => b::IFLA_BOND_LP_INTERVAL,
    ifla::PACKETS_PER_SLAVE => b::IFLA_BOND_PACKETS_PER_SLAVE,
    ifla::AD_LACP_RATE => b::IFLA_BOND_AD_LACP_RATE,
    ifla::AD_SELECT => b::IFLA_BOND_AD_SELECT,
    ifla::AD_INFO => b::IFLA_BOND_AD_INFO,
    ifla::AD_ACTOR_SYS_PRIO => b::IFLA_BOND_AD_ACTOR_SYS_PRIO,
    ifla::AD_USER_PORT_KEY => b::IFLA_BOND_AD_USER_PORT_KEY,
    ifla::AD_ACTOR_SYSTEM => b::IFLA_BOND_AD_ACTOR_SYSTEM,
    ifla::TLB_DYNAMIC_LB => b::IFLA_BOND_TLB_DYNAMIC_LB,
    ifla::PEER_NOTIF_DELAY => b::IFLA_BOND_PEER_NOTIF_DELAY,
    ifla::AD_LACP_ACTIVE => b::IFLA_BOND_AD_LACP_ACTIVE,
    ifla::MISSED_MAX => b::IFLA_BOND_MISSED_MAX,
    ifla::NS_IP6_TARGET => b::IFLA_BOND_NS_IP6_TARGET,
    ifla::COUPLED_CONTROL => b::IFLA_BOND_COUPLED_CONTROL,
    ifla::MAX => b::__IFLA_BOND_MAX - 1,
    ifla::slave::STATE => b::IFLA_BOND_SLAVE_STATE,
    ifla::slave::MII_STATUS => b::IFLA_BOND_SLAVE_MII_STATUS,
    ifla::slave::LINK_FAILURE_COUNT => b::IFLA_BOND_SLAVE_LINK_FAILURE_COUNT,
    ifla::slave::PERM_HWADDR => b::IFLA_BOND_SLAVE_PERM_HWADDR,
    ifla::slave::QUEUE_ID => b::IFLA_BOND_SLAVE_QUEUE_ID,
    ifla::slave::PRIO => b::IFLA_BOND_SLAVE_PRIO,
    ifla::slave::ACTOR_PORT_PRIO => b::IFLA_BOND_SLAVE_ACTOR_PORT_PRIO,
    ifla::slave::AD_AGGREGATOR_ID => b::IFLA_BOND_SLAVE_AD_AGGREGATOR_ID,
    ifla::slave::AD_ACTOR_OPER_PORT_STATE => b::IFLA_BOND_SLAVE_AD_ACTOR_OPER_PORT_STATE,
    ifla::slave::AD_PARTNER_OPER_PORT_STATE => b::IFLA_BOND_SLAVE_AD_PARTNER_OPER_PORT_STATE,
    ifla::slave::AD_CHURN_ACTOR_STATE => b::IFLA_BOND_SLAVE_AD_CHURN_ACTOR_STATE,
    ifla::slave::AD_CHURN_PARTNER_STATE => b::IFLA_BOND_SLAVE_AD_CHURN_PARTNER_STATE,
    ifla::ad_info::AGGREGATOR => b::IFLA_BOND_AD_INFO_AGGREGATOR,
    ifla::ad_info::NUM_PORTS => b::IFLA_BOND_AD_INFO_NUM_PORTS,
    ifla::ad_info::ACTOR_KEY => b::IFLA_BOND_AD_INFO_ACTOR_KEY,
    ifla::ad_info::PARTNER_KEY => b::IFLA_BOND_AD_INFO_PARTNER_KEY,
    ifla::ad_info::PARTNER_MAC => b::IFLA_BOND_AD_INFO_PARTNER_MAC,
    ifla::slave::MAX => b::__IFLA_BOND_SLAVE_MAX - 1,
}

// struct ifbond and struct ifslave (include/uapi/linux/if_bonding.h): the
// sizes and offsets IfBond/IfSlave::to_bytes and from_bytes use.
const _: () = {
    use crate::bond_uapi::{IfBond, IfSlave, IFNAMSIZ};
    use core::mem::{offset_of, size_of};
    assert!(size_of::<b::ifbond>() == IfBond::SIZE);
    assert!(offset_of!(b::ifbond, bond_mode) == 0);
    assert!(offset_of!(b::ifbond, num_slaves) == 4);
    assert!(offset_of!(b::ifbond, miimon) == 8);
    assert!(size_of::<b::ifslave>() == IfSlave::SIZE);
    assert!(offset_of!(b::ifslave, slave_id) == 0);
    assert!(offset_of!(b::ifslave, slave_name) == 4);
    assert!(offset_of!(b::ifslave, link) == 4 + IFNAMSIZ);
    assert!(offset_of!(b::ifslave, state) == 5 + IFNAMSIZ);
    assert!(offset_of!(b::ifslave, link_failure_count) == 24);
};

same! {
    crate::bond_uapi::SIOCBONDENSLAVE => b::SIOCBONDENSLAVE,
    crate::bond_uapi::SIOCBONDRELEASE => b::SIOCBONDRELEASE,
    crate::bond_uapi::SIOCBONDSETHWADDR => b::SIOCBONDSETHWADDR,
    crate::bond_uapi::SIOCBONDSLAVEINFOQUERY => b::SIOCBONDSLAVEINFOQUERY,
    crate::bond_uapi::SIOCBONDINFOQUERY => b::SIOCBONDINFOQUERY,
    crate::bond_uapi::SIOCBONDCHANGEACTIVE => b::SIOCBONDCHANGEACTIVE,
    crate::bond_uapi::SIOCDEVPRIVATE => b::SIOCDEVPRIVATE,
    crate::bond_uapi::BOND_ENSLAVE_OLD => b::BOND_ENSLAVE_OLD,
    crate::bond_uapi::BOND_RELEASE_OLD => b::BOND_RELEASE_OLD,
    crate::bond_uapi::BOND_SETHWADDR_OLD => b::BOND_SETHWADDR_OLD,
    crate::bond_uapi::BOND_SLAVE_INFO_QUERY_OLD => b::BOND_SLAVE_INFO_QUERY_OLD,
    crate::bond_uapi::BOND_INFO_QUERY_OLD => b::BOND_INFO_QUERY_OLD,
    crate::bond_uapi::BOND_CHANGE_ACTIVE_OLD => b::BOND_CHANGE_ACTIVE_OLD,
    crate::bond_uapi::BOND_ABI_VERSION => b::BOND_ABI_VERSION,
    crate::bond_uapi::SIOCGMIIPHY => b::SIOCGMIIPHY,
    crate::bond_uapi::SIOCGMIIREG => b::SIOCGMIIREG,
    crate::bond_uapi::MII_BMSR => b::MII_BMSR,
    crate::bond_uapi::BMSR_LSTATUS => b::BMSR_LSTATUS,
    crate::bond_uapi::IFNAMSIZ => b::IFNAMSIZ,
    crate::bond_uapi::LINK_XSTATS_TYPE_BOND => b::LINK_XSTATS_TYPE_BOND,
    crate::bond_uapi::BOND_XSTATS_3AD => b::BOND_XSTATS_3AD,
    crate::bond_uapi::BOND_3AD_STAT_PAD => b::BOND_3AD_STAT_PAD,
}
