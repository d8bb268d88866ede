// SPDX-License-Identifier: GPL-2.0

//! rtnetlink for bonds (`bond_netlink.c`): `ip link add NAME type bond
//! ...`, `ip link set NAME type bond ...`, `ip -d link show` of a bond and
//! of its slaves, `ip link set SLAVE type bond_slave ...`.
//!
//! Attributes go through the option table in the C driver's order, with
//! its cross-checks; what is shown comes from the bond's state under RTNL.

#![forbid(unsafe_code)]

use crate::{
    bond_options::{OptId, OptInput},
    bond_params::{Ipv4, Ipv6, Mode, TargetAddr, MAX_ARP_TARGETS},
    bond_uapi::{ifla, BOND_3AD_STAT_PAD, BOND_XSTATS_3AD, LINK_XSTATS_TYPE_BOND},
    bonding::{BondDriver, Bonding, OptReport, DEFAULTS},
    net::{
        capable_net_admin,
        device::Device,
        error::eaddrnotavail,
        rtnl::Rtnl,
        rtnl_link::ExtAck,
        rtnl_link::{
            is_valid_ether_addr, nla_total_size, nla_total_size_64bit, Attr, Attrs, LinkDriver,
            LinkOps, NlMsg, NlaPolicy,
        },
    },
};
use kernel::{c_str, prelude::*, str::CStr};

/// The bond link type.
pub(crate) static BOND_LINK_OPS: LinkOps<BondDriver> = LinkOps::new();

/// `IFLA_ADDRESS` in the generic attributes (`tb[]`).
const IFLA_ADDRESS: u16 = 1;
/// `ETH_ALEN`.
const ETH_ALEN: usize = 6;
/// IFLA_BOND_PEER_NOTIF_DELAY's policy range (`delay_range`), in ms.
const MAX_PEER_NOTIF_DELAY: u32 = 300_000;

/// `bond_policy[]`.
static POLICY: [NlaPolicy; ifla::MAX as usize + 1] = {
    let mut p = [NlaPolicy::UNSPEC; ifla::MAX as usize + 1];
    p[ifla::MODE as usize] = NlaPolicy::U8;
    p[ifla::ACTIVE_SLAVE as usize] = NlaPolicy::U32;
    p[ifla::MIIMON as usize] = NlaPolicy::U32;
    p[ifla::UPDELAY as usize] = NlaPolicy::U32;
    p[ifla::DOWNDELAY as usize] = NlaPolicy::U32;
    p[ifla::USE_CARRIER as usize] = NlaPolicy::U8;
    p[ifla::ARP_INTERVAL as usize] = NlaPolicy::U32;
    p[ifla::ARP_IP_TARGET as usize] = NlaPolicy::NESTED;
    p[ifla::ARP_VALIDATE as usize] = NlaPolicy::U32;
    p[ifla::ARP_ALL_TARGETS as usize] = NlaPolicy::U32;
    p[ifla::PRIMARY as usize] = NlaPolicy::U32;
    p[ifla::PRIMARY_RESELECT as usize] = NlaPolicy::U8;
    p[ifla::FAIL_OVER_MAC as usize] = NlaPolicy::U8;
    p[ifla::XMIT_HASH_POLICY as usize] = NlaPolicy::U8;
    p[ifla::RESEND_IGMP as usize] = NlaPolicy::U32;
    p[ifla::NUM_PEER_NOTIF as usize] = NlaPolicy::U8;
    p[ifla::ALL_SLAVES_ACTIVE as usize] = NlaPolicy::U8;
    p[ifla::MIN_LINKS as usize] = NlaPolicy::U32;
    p[ifla::LP_INTERVAL as usize] = NlaPolicy::U32;
    p[ifla::PACKETS_PER_SLAVE as usize] = NlaPolicy::U32;
    p[ifla::AD_LACP_ACTIVE as usize] = NlaPolicy::U8;
    p[ifla::AD_LACP_RATE as usize] = NlaPolicy::U8;
    p[ifla::AD_SELECT as usize] = NlaPolicy::U8;
    p[ifla::AD_INFO as usize] = NlaPolicy::NESTED;
    p[ifla::AD_ACTOR_SYS_PRIO as usize] = NlaPolicy::U16;
    p[ifla::AD_USER_PORT_KEY as usize] = NlaPolicy::U16;
    p[ifla::AD_ACTOR_SYSTEM as usize] = NlaPolicy::binary(ETH_ALEN as u16);
    p[ifla::TLB_DYNAMIC_LB as usize] = NlaPolicy::U8;
    p[ifla::PEER_NOTIF_DELAY as usize] = NlaPolicy::U32;
    p[ifla::MISSED_MAX as usize] = NlaPolicy::U8;
    p[ifla::NS_IP6_TARGET as usize] = NlaPolicy::NESTED;
    p[ifla::COUPLED_CONTROL as usize] = NlaPolicy::U8;
    p
};

/// `bond_slave_policy[]`.
static SLAVE_POLICY: [NlaPolicy; ifla::slave::MAX as usize + 1] = {
    let mut p = [NlaPolicy::UNSPEC; ifla::slave::MAX as usize + 1];
    p[ifla::slave::QUEUE_ID as usize] = NlaPolicy::U16;
    p[ifla::slave::PRIO as usize] = NlaPolicy::S32;
    p[ifla::slave::ACTOR_PORT_PRIO as usize] = NlaPolicy::U16;
    p
};

/// The numeric attributes, in the order `bond_changelink()` applies them,
/// with their option. ACTIVE_SLAVE, PRIMARY and the target lists take
/// their own paths at their place in that order.
enum Step {
    Num(u16, OptId),
    ActiveSlave,
    ArpInterval,
    ArpTargets,
    NsTargets,
    ArpValidate,
    Primary,
    PeerNotifDelay,
    ActorSystem,
}

const ORDER: &[Step] = &[
    Step::Num(ifla::MODE, OptId::Mode),
    Step::ActiveSlave,
    Step::Num(ifla::MIIMON, OptId::Miimon),
    Step::Num(ifla::UPDELAY, OptId::UpDelay),
    Step::Num(ifla::DOWNDELAY, OptId::DownDelay),
    Step::PeerNotifDelay,
    Step::Num(ifla::USE_CARRIER, OptId::UseCarrier),
    Step::ArpInterval,
    Step::ArpTargets,
    Step::NsTargets,
    Step::ArpValidate,
    Step::Num(ifla::ARP_ALL_TARGETS, OptId::ArpAllTargets),
    Step::Primary,
    Step::Num(ifla::PRIMARY_RESELECT, OptId::PrimaryReselect),
    Step::Num(ifla::FAIL_OVER_MAC, OptId::FailOverMac),
    Step::Num(ifla::XMIT_HASH_POLICY, OptId::XmitHash),
    Step::Num(ifla::RESEND_IGMP, OptId::ResendIgmp),
    Step::Num(ifla::NUM_PEER_NOTIF, OptId::NumPeerNotif),
    Step::Num(ifla::ALL_SLAVES_ACTIVE, OptId::AllSlavesActive),
    Step::Num(ifla::MIN_LINKS, OptId::MinLinks),
    Step::Num(ifla::LP_INTERVAL, OptId::LpInterval),
    Step::Num(ifla::PACKETS_PER_SLAVE, OptId::PacketsPerSlave),
    Step::Num(ifla::AD_LACP_ACTIVE, OptId::LacpActive),
    Step::Num(ifla::AD_LACP_RATE, OptId::LacpRate),
    Step::Num(ifla::AD_SELECT, OptId::AdSelect),
    Step::Num(ifla::AD_ACTOR_SYS_PRIO, OptId::AdActorSysPrio),
    Step::Num(ifla::AD_USER_PORT_KEY, OptId::AdUserPortKey),
    Step::ActorSystem,
    Step::Num(ifla::TLB_DYNAMIC_LB, OptId::TlbDynamicLb),
    Step::Num(ifla::MISSED_MAX, OptId::MissedMax),
    Step::Num(ifla::COUPLED_CONTROL, OptId::CoupledControl),
];

/// A numeric attribute's value, whatever its width (the policy fixed it).
fn num(a: &Attr<'_>) -> u64 {
    match a.payload().len() {
        1 => a.u8().into(),
        2 => a.u16().into(),
        _ => a.u32().into(),
    }
}

/// `bond_changelink()`.
fn changelink(
    dev: &Device,
    bond: &Bonding,
    rtnl: &Rtnl,
    attrs: &Attrs<'_>,
    extack: &mut ExtAck,
) -> Result {
    // The miimon of this request, for the cross-checks below.
    let miimon = attrs.get(ifla::MIIMON).map_or(0, |a| a.u32());
    for step in ORDER {
        match step {
            Step::Num(ty, id) => {
                if let Some(a) = attrs.get(*ty) {
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.set_option(dev, rtnl, *id, OptInput::Num(num(&a)), &mut r)?;
                }
            }
            Step::ActiveSlave => {
                if let Some(a) = attrs.get(ifla::ACTIVE_SLAVE) {
                    let name = match a.u32() {
                        0 => None,
                        i => Some(
                            dev.lookup_index_in_same_ns(i as i32, rtnl)
                                .ok_or(ENODEV)?
                                .name(),
                        ),
                    };
                    let text = name.as_ref().map_or(&[][..], |n| n.as_bytes());
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.set_option(dev, rtnl, OptId::ActiveSlave, OptInput::Text(text), &mut r)?;
                }
            }
            Step::ActorSystem => {
                if let Some(a) = attrs.get(ifla::AD_ACTOR_SYSTEM) {
                    let Ok(mac) = <[u8; 6]>::try_from(a.payload()) else {
                        return Err(EINVAL);
                    };
                    let mut b = [0u8; 8];
                    b[..6].copy_from_slice(&mac);
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.set_option(
                        dev,
                        rtnl,
                        OptId::AdActorSystem,
                        OptInput::Num(u64::from_le_bytes(b)),
                        &mut r,
                    )?;
                }
            }
            Step::PeerNotifDelay => {
                if let Some(a) = attrs.get(ifla::PEER_NOTIF_DELAY) {
                    // The policy's range in the C driver (NLA_POLICY_FULL_RANGE).
                    if a.u32() > MAX_PEER_NOTIF_DELAY {
                        extack.set_msg_attr(Some(c"integer out of range"), Some(a));
                        return Err(ERANGE);
                    }
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.set_option(
                        dev,
                        rtnl,
                        OptId::PeerNotifDelay,
                        OptInput::Num(a.u32().into()),
                        &mut r,
                    )?;
                }
            }
            Step::ArpInterval => {
                if let Some(a) = attrs.get(ifla::ARP_INTERVAL) {
                    if a.u32() != 0 && miimon != 0 {
                        extack.set_msg_attr(
                            Some(c"ARP monitoring cannot be used with MII monitoring"),
                            Some(a),
                        );
                        return Err(EINVAL);
                    }
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.set_option(
                        dev,
                        rtnl,
                        OptId::ArpInterval,
                        OptInput::Num(a.u32().into()),
                        &mut r,
                    )?;
                }
            }
            Step::ArpTargets => {
                if let Some(a) = attrs.get(ifla::ARP_IP_TARGET) {
                    let targets = a.nested().map(|t| {
                        let mut ip = [0u8; 4];
                        ip.copy_from_slice(t.payload().get(..4)?);
                        Some(Ipv4(ip))
                    });
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.replace_arp_targets(dev, rtnl, targets, &mut r)?;
                }
            }
            Step::NsTargets => {
                if let Some(a) = attrs.get(ifla::NS_IP6_TARGET) {
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    let targets = a.nested().map(|t| {
                        let mut ip = [0u8; 16];
                        ip.copy_from_slice(t.payload().get(..16)?);
                        Some(Ipv6(ip))
                    });
                    bond.replace_ns_targets(dev, rtnl, targets, &mut r)?;
                }
            }
            Step::ArpValidate => {
                if let Some(a) = attrs.get(ifla::ARP_VALIDATE) {
                    if a.u32() != 0 && miimon != 0 {
                        // As the C driver, which points at ARP_INTERVAL.
                        extack.set_msg_attr(
                            Some(c"ARP validating cannot be used with MII monitoring"),
                            attrs.get(ifla::ARP_INTERVAL),
                        );
                        return Err(EINVAL);
                    }
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.set_option(
                        dev,
                        rtnl,
                        OptId::ArpValidate,
                        OptInput::Num(a.u32().into()),
                        &mut r,
                    )?;
                }
            }
            Step::Primary => {
                if let Some(a) = attrs.get(ifla::PRIMARY) {
                    // An unknown ifindex clears the primary.
                    let name = dev
                        .lookup_index_in_same_ns(a.u32() as i32, rtnl)
                        .map(|d| d.name());
                    let text = name.as_ref().map_or(&[][..], |n| n.as_bytes());
                    let mut r = OptReport {
                        extack,
                        attr: Some(a),
                    };
                    bond.set_option(dev, rtnl, OptId::Primary, OptInput::Text(text), &mut r)?;
                }
            }
        }
    }
    Ok(())
}

/// `bond_get_size()`.
const INFO_SIZE: usize = nla_total_size(1) // MODE
    + nla_total_size(4) * 4 // ACTIVE_SLAVE, MIIMON, UPDELAY, DOWNDELAY
    + nla_total_size(1) // USE_CARRIER
    + nla_total_size(4) // ARP_INTERVAL
    + nla_total_size(4) + nla_total_size(4) * MAX_ARP_TARGETS // ARP_IP_TARGET
    + nla_total_size(4) * 3 // ARP_VALIDATE, ARP_ALL_TARGETS, PRIMARY
    + nla_total_size(1) * 3 // PRIMARY_RESELECT, FAIL_OVER_MAC, XMIT_HASH_POLICY
    + nla_total_size(4) // RESEND_IGMP
    + nla_total_size(1) * 2 // NUM_PEER_NOTIF, ALL_SLAVES_ACTIVE
    + nla_total_size(4) * 3 // MIN_LINKS, LP_INTERVAL, PACKETS_PER_SLAVE
    + nla_total_size(1) * 3 // AD_LACP_ACTIVE, AD_LACP_RATE, AD_SELECT
    + nla_total_size(4) + nla_total_size(2) * 4 + nla_total_size(ETH_ALEN) // AD_INFO
    + nla_total_size(2) * 2 + nla_total_size(ETH_ALEN) // AD_ACTOR_SYS_PRIO, AD_USER_PORT_KEY, AD_ACTOR_SYSTEM
    + nla_total_size(1) // TLB_DYNAMIC_LB
    + nla_total_size(4) // PEER_NOTIF_DELAY
    + nla_total_size(1) // MISSED_MAX
    + nla_total_size(4) + nla_total_size(16) * MAX_ARP_TARGETS // NS_IP6_TARGET
    + nla_total_size(1); // COUPLED_CONTROL

/// A target list as a nest of its addresses numbered from 0; nothing when
/// it is empty (the C driver cancels the empty nest).
fn put_targets<A: TargetAddr>(msg: &mut NlMsg, attr: u16, targets: &[A]) -> Result {
    if targets.is_empty() {
        return Ok(());
    }
    let nest = msg.nest_start(attr)?;
    for (i, t) in targets.iter().enumerate() {
        msg.put(i as u16, t.bytes())?;
    }
    msg.nest_end(nest);
    Ok(())
}

/// `bond_fill_info()`. Options of modes this driver does not implement
/// show the C driver's defaults.
fn fill_info(bond: &Bonding, rtnl: &Rtnl, msg: &mut NlMsg) -> Result {
    let v = bond.view(rtnl)?;
    let p = &v.params;
    msg.put_u8(ifla::MODE, p.mode.number())?;
    if let Some(i) = v.active_ifindex {
        msg.put_u32(ifla::ACTIVE_SLAVE, i as u32)?;
    }
    msg.put_u32(ifla::MIIMON, p.miimon)?;
    msg.put_u32(ifla::UPDELAY, p.updelay_ms())?;
    msg.put_u32(ifla::DOWNDELAY, p.downdelay_ms())?;
    msg.put_u32(ifla::PEER_NOTIF_DELAY, p.peer_notif_delay_ms())?;
    msg.put_u8(ifla::USE_CARRIER, p.use_carrier.into())?;
    msg.put_u32(ifla::ARP_INTERVAL, p.arp_interval)?;
    put_targets(msg, ifla::ARP_IP_TARGET, p.arp_targets.as_slice())?;
    msg.put_u32(ifla::ARP_VALIDATE, p.arp_validate.value().into())?;
    msg.put_u32(ifla::ARP_ALL_TARGETS, p.arp_all_targets.value().into())?;
    put_targets(msg, ifla::NS_IP6_TARGET, p.ns_targets.as_slice())?;
    if let Some(i) = v.primary_ifindex {
        msg.put_u32(ifla::PRIMARY, i as u32)?;
    }
    msg.put_u8(ifla::PRIMARY_RESELECT, p.primary_reselect.value())?;
    msg.put_u8(ifla::FAIL_OVER_MAC, p.fail_over_mac.value())?;
    msg.put_u8(ifla::XMIT_HASH_POLICY, p.xmit_policy.value())?;
    msg.put_u32(ifla::RESEND_IGMP, p.resend_igmp.into())?;
    msg.put_u8(ifla::NUM_PEER_NOTIF, p.num_peer_notif)?;
    msg.put_u8(ifla::ALL_SLAVES_ACTIVE, p.all_slaves_active.into())?;
    msg.put_u32(ifla::MIN_LINKS, p.min_links)?;
    msg.put_u32(ifla::LP_INTERVAL, p.lp_interval)?;
    msg.put_u32(ifla::PACKETS_PER_SLAVE, p.packets_per_slave.into())?;
    msg.put_u8(ifla::AD_LACP_ACTIVE, p.lacp_active.into())?;
    msg.put_u8(ifla::AD_LACP_RATE, p.lacp_fast.into())?;
    msg.put_u8(ifla::AD_SELECT, p.ad_select.value())?;
    msg.put_u8(ifla::TLB_DYNAMIC_LB, p.tlb_dynamic_lb.into())?;
    msg.put_u8(ifla::MISSED_MAX, p.missed_max)?;
    msg.put_u8(ifla::COUPLED_CONTROL, p.coupled_control.into())?;
    if p.mode == Mode::Ieee8023ad {
        if capable_net_admin() {
            msg.put_u16(ifla::AD_ACTOR_SYS_PRIO, p.ad_actor_sys_prio)?;
            msg.put_u16(ifla::AD_USER_PORT_KEY, p.ad_user_port_key)?;
            msg.put(ifla::AD_ACTOR_SYSTEM, &p.ad_actor_system)?;
        }
        if let Some(info) = v.ad_info {
            let nest = msg.nest_start(ifla::AD_INFO)?;
            msg.put_u16(ifla::ad_info::AGGREGATOR, info.aggregator_id)?;
            msg.put_u16(ifla::ad_info::NUM_PORTS, info.ports)?;
            msg.put_u16(ifla::ad_info::ACTOR_KEY, info.actor_key)?;
            msg.put_u16(ifla::ad_info::PARTNER_KEY, info.partner_key)?;
            msg.put(ifla::ad_info::PARTNER_MAC, &info.partner_system)?;
            msg.nest_end(nest);
        }
    }
    Ok(())
}

/// `bond_get_slave_size()`.
const SLAVE_INFO_SIZE: usize = nla_total_size(1) * 2 // STATE, MII_STATUS
    + nla_total_size(4) // LINK_FAILURE_COUNT
    + nla_total_size(32) // PERM_HWADDR (MAX_ADDR_LEN)
    + nla_total_size(2) * 2 // QUEUE_ID, AD_AGGREGATOR_ID
    + nla_total_size(1) + nla_total_size(2) // AD_*_OPER_PORT_STATE
    + nla_total_size(4) // PRIO
    + nla_total_size(2) // ACTOR_PORT_PRIO
    + nla_total_size(1) * 2; // AD_CHURN_*

impl LinkDriver for BondDriver {
    const KIND: &'static CStr = c_str!("bond");
    const MAX_ATTR: u16 = ifla::MAX;
    const POLICY: &'static [NlaPolicy] = &POLICY;
    const SLAVE_MAX_ATTR: u16 = ifla::slave::MAX;
    const SLAVE_POLICY: &'static [NlaPolicy] = &SLAVE_POLICY;

    /// `bond_get_num_tx_queues()`: the `tx_queues` module parameter.
    fn num_tx_queues() -> u32 {
        DEFAULTS.get().map_or(16, |p| p.tx_queues.into())
    }

    /// `bond_validate()`.
    fn validate(tb: &Attrs<'_>, _data: &Attrs<'_>, _extack: &mut ExtAck) -> Result {
        if let Some(a) = tb.get(IFLA_ADDRESS) {
            if a.payload().len() != ETH_ALEN {
                return Err(EINVAL);
            }
            if !is_valid_ether_addr(a.payload()) {
                return Err(eaddrnotavail());
            }
        }
        Ok(())
    }

    /// New bonds start from the module's parameters (`bonding_defaults`).
    fn new_data() -> Result<impl PinInit<Bonding, Error>> {
        Bonding::new(&DEFAULTS.get().unwrap_or_default())
    }

    /// `bond_newlink()`: registered, then configured.
    fn newlink(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        attrs: &Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result {
        changelink(dev, bond, rtnl, attrs, extack)
    }

    fn changelink(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        attrs: &Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result {
        changelink(dev, bond, rtnl, attrs, extack)
    }

    fn info_size(_dev: &Device, _bond: &Bonding) -> usize {
        INFO_SIZE
    }

    fn fill_info(_dev: &Device, bond: &Bonding, rtnl: &Rtnl, msg: &mut NlMsg) -> Result {
        fill_info(bond, rtnl, msg)
    }

    /// `bond_slave_changelink()`.
    fn slave_changelink(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        slave: &Device,
        attrs: &Attrs<'_>,
        extack: &mut ExtAck,
    ) -> Result {
        if let Some(a) = attrs.get(ifla::slave::QUEUE_ID) {
            bond.set_slave_queue_id(dev, rtnl, slave, a.u16())?;
        }
        if let Some(a) = attrs.get(ifla::slave::PRIO) {
            bond.set_slave_prio(dev, rtnl, slave, a.s32())?;
        }
        if let Some(a) = attrs.get(ifla::slave::ACTOR_PORT_PRIO) {
            if let Err(e) = bond.set_actor_port_prio(dev, rtnl, slave, a.u16()) {
                if e == EACCES {
                    extack.set_msg_attr(Some(c"option not supported in mode"), Some(a));
                }
                return Err(e);
            }
        }
        Ok(())
    }

    /// `bond_get_linkxstats_size()`: nine counters in two nests.
    fn xstats_size() -> usize {
        nla_total_size(0) + nla_total_size(0) + 9 * nla_total_size_64bit(8)
    }

    /// `bond_fill_linkxstats()`: in 802.3ad, the LACPDU and marker
    /// counters of the bond or of one slave.
    fn fill_xstats(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        slave: Option<&Device>,
        msg: &mut NlMsg,
    ) -> Result {
        let stats = bond.ad_stats(dev, rtnl, slave);
        let nest = msg.nest_start(LINK_XSTATS_TYPE_BOND)?;
        if let Some(stats) = stats {
            let n3ad = msg.nest_start(BOND_XSTATS_3AD)?;
            for (ty, v) in stats.fields().iter().enumerate() {
                msg.put_u64_64bit(ty as u16, *v, BOND_3AD_STAT_PAD)?;
            }
            msg.nest_end(n3ad);
        }
        msg.nest_end(nest);
        Ok(())
    }

    fn slave_info_size(_dev: &Device, _bond: &Bonding, _slave: &Device) -> usize {
        SLAVE_INFO_SIZE
    }

    /// `bond_fill_slave_info()`.
    fn fill_slave_info(
        dev: &Device,
        bond: &Bonding,
        rtnl: &Rtnl,
        slave: &Device,
        msg: &mut NlMsg,
    ) -> Result {
        let Some(s) = bond.slave_view(dev, rtnl, slave) else {
            return Ok(());
        };
        msg.put_u8(ifla::slave::STATE, s.backup.into())?;
        msg.put_u8(ifla::slave::MII_STATUS, s.link)?;
        msg.put_u32(ifla::slave::LINK_FAILURE_COUNT, s.link_failure_count)?;
        msg.put(ifla::slave::PERM_HWADDR, &s.perm_hwaddr.0)?;
        msg.put_u16(ifla::slave::QUEUE_ID, s.queue_id)?;
        msg.put_s32(ifla::slave::PRIO, s.prio)?;
        if let Some(ad) = &s.ad {
            if let Some(id) = ad.aggregator_id {
                msg.put_u16(ifla::slave::AD_AGGREGATOR_ID, id)?;
                msg.put_u8(ifla::slave::AD_ACTOR_OPER_PORT_STATE, ad.actor.state)?;
                msg.put_u16(
                    ifla::slave::AD_PARTNER_OPER_PORT_STATE,
                    ad.partner.state.into(),
                )?;
                msg.put_u8(ifla::slave::AD_CHURN_ACTOR_STATE, ad.churn_actor as u8)?;
                msg.put_u8(ifla::slave::AD_CHURN_PARTNER_STATE, ad.churn_partner as u8)?;
            }
            msg.put_u16(ifla::slave::ACTOR_PORT_PRIO, ad.actor.port_priority)?;
        }
        Ok(())
    }
}
