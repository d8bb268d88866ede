// SPDX-License-Identifier: GPL-2.0

//! The bond master device: an Ethernet device with IFF_MASTER whose private
//! state holds the bond's settings, its callbacks for the stack, and its
//! /proc/net/bonding file.
//!
//! No `unsafe` here: everything kernel-facing goes through `crate::net`.
//! The fields of [`Bonding`] are fixed at creation for now; slaves
//! (issue 3) bring the RTNL-protected and RCU-published state.

use crate::{
    bond_options::{value_name, BondParams, Mode, FAIL_OVER_MAC_TBL, XMIT_HASH_TBL},
    net::{
        device::{
            flags::IFF_MASTER, priv_flags::*, Device, DrvInfo, Driver, Registration, SetupDevice,
            TxOutcome, ETH_MAX_MTU,
        },
        modparam,
        proc::{ProcDir, SeqFile},
        skb::SkBuff,
    },
};
use core::fmt::{self, Write};
use kernel::{c_str, prelude::*, sync::Arc};

/// `BOND_ABI_VERSION`, reported as ethtool's fw_version: ifenslave reads it
/// to decide how much of the enslave sequence the driver does itself.
const BOND_ABI_VERSION: &[u8] = b"2";

/// A bond's private state, in its net_device.
pub(crate) struct Bonding {
    params: BondParams,
}

/// The driver of bond master devices.
pub(crate) struct BondDriver;

#[vtable]
impl Driver for BondDriver {
    type Data = Bonding;

    /// As the C driver's `bond_setup()`: a master that queues nothing itself,
    /// transmits without the tx lock and stays in its namespace.
    fn setup(dev: &mut SetupDevice<'_>) {
        dev.add_flags(IFF_MASTER);
        // The C driver's bond_set_mac_address() accepts a new MAC while the
        // bond is up; eth_mac_addr() does too with IFF_LIVE_ADDR_CHANGE.
        dev.change_priv_flags(
            IFF_UNICAST_FLT | IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE,
            IFF_XMIT_DST_RELEASE | IFF_TX_SKB_SHARING,
        );
        dev.set_lltx();
        dev.set_netns_immutable();
        dev.set_max_mtu(ETH_MAX_MTU);
        // bond_init(): a random MAC until the first slave lends its own.
        dev.set_random_hw_addr();
    }

    /// With no slave to carry it, a packet is dropped and counted, as the C
    /// driver's `bond_tx_drop()` does.
    fn start_xmit(dev: &Device, _bond: &Bonding, skb: SkBuff) -> TxOutcome {
        drop(skb);
        dev.count_tx_dropped();
        TxOutcome::Consumed
    }

    fn get_drvinfo(_dev: &Device, _bond: &Bonding, info: &mut DrvInfo<'_>) {
        info.set_driver(b"bonding");
        info.set_fw_version(BOND_ABI_VERSION);
    }

    fn proc_show(dev: &Device, bond: &Bonding, out: &mut SeqFile) -> fmt::Result {
        bond.show(dev, out)
    }
}

impl Bonding {
    /// Writes /proc/net/bonding/<bond> in the C driver's layout
    /// (bond_procfs.c: bond_info_seq_show), for what is implemented.
    fn show(&self, dev: &Device, out: &mut impl Write) -> fmt::Result {
        let p = &self.params;
        writeln!(out, "Ethernet Channel Bonding Driver: v{}\n", modparam::uts_release())?;
        write!(out, "Bonding Mode: {}", p.mode.description())?;
        if p.mode == Mode::ActiveBackup && p.fail_over_mac != 0 {
            write!(out, " (fail_over_mac {})", value_name(FAIL_OVER_MAC_TBL, p.fail_over_mac.into()))?;
        }
        writeln!(out)?;
        if p.mode.uses_xmit_hash() {
            writeln!(
                out,
                "Transmit Hash Policy: {} ({})",
                value_name(XMIT_HASH_TBL, p.xmit_policy.into()),
                p.xmit_policy
            )?;
        }
        if p.mode.uses_primary() {
            writeln!(out, "Primary Slave: None")?;
            writeln!(out, "Currently Active Slave: None")?;
        }
        writeln!(out, "MII Status: {}", if dev.carrier_ok() { "up" } else { "down" })?;
        writeln!(out, "MII Polling Interval (ms): {}", p.miimon)?;
        writeln!(out, "Up Delay (ms): {}", p.updelay_ms())?;
        writeln!(out, "Down Delay (ms): {}", p.downdelay_ms())?;
        writeln!(out, "Peer Notification Delay (ms): {}", p.peer_notif_delay_ms())?;
        if p.arp_interval > 0 {
            writeln!(out, "ARP Polling Interval (ms): {}", p.arp_interval)?;
            writeln!(out, "ARP Missed Max: {}", p.missed_max)?;
            write!(out, "ARP IP target/s (n.n.n.n form):")?;
            for (i, ip) in p.arp_targets.as_slice().iter().enumerate() {
                write!(out, "{} {}", if i > 0 { "," } else { "" }, ip)?;
            }
            writeln!(out)?;
            writeln!(out, "NS IPv6 target/s (xx::xx form):")?;
        }
        Ok(())
    }
}

/// A bond master device, registered as long as this value lives.
pub(crate) struct Bond {
    dev: Registration<BondDriver>,
}

impl Bond {
    /// Creates and registers the next free `bondN` with `params`, carrier
    /// off and a random MAC until a slave joins (`bond_create()`).
    pub(crate) fn create(params: &BondParams, proc_dir: &Arc<ProcDir>) -> Result<Self> {
        let state = Bonding { params: *params };
        let dev = Registration::new(
            c_str!("bond%d"),
            params.tx_queues.into(),
            state,
            proc_dir,
        )?;
        Ok(Self { dev })
    }

    /// The bond's net_device.
    pub(crate) fn device(&self) -> &Device {
        self.dev.device()
    }
}
