// SPDX-License-Identifier: GPL-2.0

//! The fast paths: transmit per mode (`bond_start_xmit()`) and the
//! rx_handler on every slave (`bond_handle_frame()`). RCU only, no
//! allocation (broadcast clones aside).

#![forbid(unsafe_code)]

use super::{modes::Hooks, slave::Slave, Bonding};
use crate::{
    bond_params::{Mode, XmitHashPolicy},
    bond_policy,
    net::{
        device::{Device, TxOutcome},
        rcu::RcuGuard,
        rx::{RxHandler, RxResult, RxSkb},
        skb,
        skb::SkBuff,
    },
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::sync::Arc;

/// Transmit.
impl Bonding {
    #[inline]
    pub(super) fn transmit(&self, dev: &Device, skb: SkBuff, rcu: &RcuGuard) -> TxOutcome {
        let Some(set) = self.slaves.read(rcu) else {
            return drop_packet(dev, skb);
        };
        // Slave queue_id (bonding.rst, "Overriding Configuration for Special
        // Cases"; bond_slave_override()): in round-robin and active-backup,
        // a frame whose queue mapping (tc's skbedit) is a slave's queue_id
        // leaves through that slave, backup or not, if it is up; else the
        // mode decides.
        if matches!(set.params.mode, Mode::RoundRobin | Mode::ActiveBackup) {
            let q = skb.queue_mapping();
            if q != 0 {
                if let Some(s) = set.all.iter().find(|s| s.queue_id.load(Relaxed) == q) {
                    if s.is_up() {
                        s.dev_xmit(skb);
                        return TxOutcome::Consumed;
                    }
                }
            }
        }
        match set.params.mode {
            Mode::ActiveBackup => match &set.active {
                Some(s) if s.can_tx() => {
                    s.dev_xmit(skb);
                }
                _ => return drop_packet(dev, skb),
            },
            Mode::Broadcast => {
                // bond_xmit_broadcast(): up, with carrier, link up.
                let usable = || set.tx.iter().filter(|s| s.is_up());
                let Some(last) = set.tx.iter().rfind(|s| s.is_up()) else {
                    return drop_packet(dev, skb);
                };
                for s in usable() {
                    if Arc::ptr_eq(s, last) {
                        break;
                    }
                    match skb.try_clone() {
                        Some(c) => s.dev_xmit(c),
                        None => dev.count_tx_dropped(),
                    }
                }
                last.dev_xmit(skb);
            }
            Mode::Tlb | Mode::Alb => return self.alb_transmit(dev, skb, set, rcu),
            Mode::Xor | Mode::Ieee8023ad => {
                // bond_3ad_xor_xmit(): the hash picks among the usable slaves
                // (802.3ad: those distributing on the active aggregator).
                let n = set.tx.len();
                let hash = transmit_hash(set.params.xmit_policy, &skb);
                match set.tx.get(hash as usize % n.max(1)) {
                    Some(s) if s.can_tx() => s.dev_xmit(skb),
                    _ => return drop_packet(dev, skb),
                }
            }
            _ => {
                let n = set.tx.len();
                if n == 0 {
                    return drop_packet(dev, skb);
                }
                // IGMP reports always leave through the current slave, so
                // that multicast routers see one port (bond_xmit_roundrobin).
                if is_igmp(skb.linear()) {
                    match &set.active {
                        Some(s) if s.can_tx() => s.dev_xmit(skb),
                        _ => return drop_packet(dev, skb),
                    }
                    return TxOutcome::Consumed;
                }
                let counter = self.rr_counter.inc_return();
                let random = if set.params.packets_per_slave == 0 {
                    skb::random_u32()
                } else {
                    0
                };
                let id = bond_policy::rr_slave_id(counter, set.params.packets_per_slave, random);
                let start = id as usize % n;
                // bond_get_slave_by_id(): from that index, the first that can
                // send. A plain loop (the iterator chain it replaces was not
                // inlined: a call per packet), with no `%` in it: its
                // divide-by-zero panic path (dead, n > 0) ends the function
                // in a call objtool does not know as noreturn.
                let mut pick = None;
                let mut j = start;
                for _ in 0..n {
                    if let Some(s) = set.tx.get(j) {
                        if s.can_tx() {
                            pick = Some(s);
                            break;
                        }
                    }
                    j = j.wrapping_add(1);
                    if j == n {
                        j = 0;
                    }
                }
                match pick {
                    Some(s) => s.dev_xmit(skb),
                    None => return drop_packet(dev, skb),
                }
            }
        }
        TxOutcome::Consumed
    }
}

impl Slave {
    /// `bond_dev_queue_xmit()`: with interrupts off for netpoll
    /// (netconsole), dev_queue_xmit must not run; the slave's own netpoll
    /// sends instead.
    #[inline]
    pub(super) fn dev_xmit(&self, skb: SkBuff) {
        if self.bond.netpoll_tx_running() {
            self.netpoll.send(skb);
        } else {
            skb.xmit_on(&self.dev);
        }
    }
}

/// `bond_xmit_hash()`: the policies that read only the frame are pure
/// (`bond_policy::xmit_hash`); encap2+3 and encap3+4 ask the kernel's flow
/// dissector, vlan+srcmac the buffer's VLAN tag.
pub(super) fn transmit_hash(policy: XmitHashPolicy, skb: &SkBuff) -> u32 {
    match policy {
        XmitHashPolicy::VlanSrcMac => bond_policy::vlan_srcmac_hash(skb.linear(), skb.vlan_tag()),
        XmitHashPolicy::Encap23 | XmitHashPolicy::Encap34 => {
            if policy == XmitHashPolicy::Encap34 {
                if let Some(h) = skb.l4_hash() {
                    return h;
                }
            }
            let l2 = bond_policy::frame_layer2_hash(skb.linear());
            match skb.flow_dissect() {
                Some(f) => {
                    let flow = bond_policy::Flow {
                        src: f.src,
                        dst: f.dst,
                        ports: f.ports,
                        icmp: f.icmp,
                        icmp_id: f.icmp_id,
                    };
                    bond_policy::flow_hash(policy, l2, &flow)
                }
                None => l2,
            }
        }
        _ => bond_policy::xmit_hash(policy, skb.linear()),
    }
}

/// An IPv4 IGMP packet (protocol 2) behind an untagged Ethernet header.
pub(super) fn is_igmp(frame: &[u8]) -> bool {
    frame.get(12..14) == Some(&[0x08, 0x00]) && frame.get(23) == Some(&2)
}

/// `bond_tx_drop()`: the packet is freed and counted.
pub(super) fn drop_packet(dev: &Device, skb: SkBuff) -> TxOutcome {
    drop(skb);
    dev.count_tx_dropped();
    TxOutcome::Consumed
}

/// The rx_handler on every slave (`bond_handle_frame()`).
pub(crate) struct BondRx;

impl RxHandler for BondRx {
    type Data = Slave;

    fn handle(slave: &Slave, skb: &mut RxSkb<'_>, rcu: &RcuGuard) -> RxResult {
        if !skb.unshare() {
            return RxResult::Consumed;
        }
        // The mode's frames (802.3ad: LACPDUs and markers) go to the mode.
        if let Some(r) = Hooks::receive(slave, skb, rcu) {
            return r;
        }
        if slave.arp_monitored.load(Relaxed) {
            super::linkmon::arp_rcv(slave, skb, rcu);
        }
        // Frames on inactive slaves reach only sockets bound to the slave,
        // so nothing arrives twice; link-local control frames (LLDP, ...)
        // still pass (bond_should_deliver_exact_match()).
        // balance-alb: unicast to a slave's own MAC goes up from any slave.
        if slave.inactive.load(Relaxed)
            && !(slave.alb_rx.load(Relaxed) && skb.eth_dest().0[0] & 1 == 0)
        {
            let d = skb.eth_dest().0;
            if d[..5] == [0x01, 0x80, 0xc2, 0x00, 0x00] && d[5] & 0xf0 == 0 {
                return RxResult::Pass;
            }
            return RxResult::Exact;
        }
        if !skb.set_dev_to_master(rcu) {
            return RxResult::Pass;
        }
        RxResult::Another
    }
}
