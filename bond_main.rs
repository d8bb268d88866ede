// SPDX-License-Identifier: GPL-2.0

//! bonding.ko: the Linux Ethernet bonding driver, in Rust.
//!
//! A drop-in for the C driver (drivers/net/bonding): same module name,
//! parameters, ioctls, rtnetlink kind and /proc/net/bonding files. This is
//! the crate root: the module object registers the bond link type, creates
//! `bond0..bond{max_bonds-1}` at load, and its fields are dropped in
//! declaration order at unload: every bond first (the kernel owns them, as
//! it owns those `ip link add` made), then what they used.
//!
//! - `bond_options`: option names, values and validation (pure, host-tested)
//! - `bond_monitor`: the MII monitor's link state machine (pure, host-tested)
//! - `bond_alb`: balance-tlb/alb's load and client tables (pure, host-tested)
//! - `bond_policy`: active slave choice, carrier, hashes (pure, host-tested)
//! - `bond_uapi`: the ioctl ABI, shared with ifenslave (pure, host-tested)
//! - `bonding`: the bond master device: slaves, transmit, receive, ioctls,
//!   options applied at run time
//! - `bond_netlink`: `ip link add/set ... type bond`, `ip -d link show`
//! - `bond_sysfs`: `/sys/class/net/bonding_masters`, `<bond>/bonding/`,
//!   `<slave>/bonding_slave/`
//! - `net`: the safe abstraction layer, the only FFI

#[allow(dead_code)]
mod bond_3ad;
mod bond_alb;
mod bond_modparams;
mod bond_monitor;
mod bond_netlink;
mod bond_options;
mod bond_params;
mod bond_policy;
mod bond_sysfs;
// Shared with ifenslave, which uses the parts the module does not.
#[allow(dead_code)]
mod bond_uapi;
mod bond_uapi_check;
mod bonding;
mod net;

use bond_modparams::{check_module_params, RawModuleParams};
use bond_params::{Level, Log, MAX_ARP_TARGETS};
use core::fmt;
use kernel::{c_str, prelude::*};
use net::{
    modparam::ModuleParams,
    notifier::NotifierRegistration,
    pernet::{Net, PernetRegistration},
    rcu::RcuBarrier,
    rtnl::Rtnl,
    rtnl_link::LinkRegistration,
};

module! {
    type: BondingModule,
    name: "bonding",
    author: "The Rust bonding authors",
    description: "Ethernet Channel Bonding Driver (Rust), v6.12 ABI",
    license: "GPL",
    // MODULE_ALIAS_RTNL_LINK("bond"): `ip link add ... type bond` loads it.
    alias: ["rtnl-link-bond"],
}

/// Option checks log through the kernel's printk, with the module's prefix.
struct KernelLog;

impl Log for KernelLog {
    fn log(&mut self, level: Level, args: fmt::Arguments<'_>) {
        match level {
            Level::Err => pr_err!("{}\n", args),
            Level::Warn => pr_warn!("{}\n", args),
            Level::Notice => pr_notice!("{}\n", args),
            Level::Info => pr_info!("{}\n", args),
            Level::Debug => pr_debug!("{}\n", args),
        }
    }
}

/// The module parameters as given at load (their storage is declared in
/// bond_modparams.c); `None` if one is missing from the module's table.
fn module_params() -> Option<RawModuleParams<'static>> {
    let p = ModuleParams::this_module();
    let mut arp_ip_target = [None; MAX_ARP_TARGETS];
    p.text_array("arp_ip_target", &mut arp_ip_target)?;
    Some(RawModuleParams {
        max_bonds: p.int("max_bonds")?,
        tx_queues: p.int("tx_queues")?,
        // num_unsol_na is the same storage.
        num_peer_notif: p.int("num_grat_arp")?,
        miimon: p.int("miimon")?,
        updelay: p.int("updelay")?,
        downdelay: p.int("downdelay")?,
        use_carrier: p.int("use_carrier")?,
        mode: p.text("mode")?,
        primary: p.text("primary")?,
        primary_reselect: p.text("primary_reselect")?,
        lacp_rate: p.text("lacp_rate")?,
        ad_select: p.text("ad_select")?,
        min_links: p.int("min_links")?,
        xmit_hash_policy: p.text("xmit_hash_policy")?,
        arp_interval: p.int("arp_interval")?,
        arp_ip_target,
        arp_validate: p.text("arp_validate")?,
        arp_all_targets: p.text("arp_all_targets")?,
        fail_over_mac: p.text("fail_over_mac")?,
        all_slaves_active: p.int("all_slaves_active")?,
        resend_igmp: p.int("resend_igmp")?,
        packets_per_slave: p.int("packets_per_slave")?,
        lp_interval: p.uint("lp_interval")?,
    })
}

struct BondingModule {
    // Dropped first: unregistering the link type deletes every bond in
    // every namespace (each releases its slaves and removes its proc file)
    // and waits until they are freed.
    _link: LinkRegistration<bonding::BondDriver>,
    // Then the snapshots the bonds retired are freed (their RCU callbacks
    // are this module's code).
    _rcu_barrier: RcuBarrier,
    // Then nothing can be a slave any more.
    _slave_events: NotifierRegistration<bonding::SlaveEvents>,
    // Last, /proc/net/bonding in each namespace.
    _pernet: PernetRegistration<bonding::BondNet>,
}

impl kernel::Module for BondingModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!(
            "Ethernet Channel Bonding Driver: v{}\n",
            net::modparam::uts_release()
        );
        if !net::device::priv_offset_agrees() {
            pr_err!("Error: net_device layout differs from the kernel's (bindings out of date)\n");
            return Err(EINVAL);
        }
        let raw = module_params().ok_or(EINVAL)?;
        let cfg = check_module_params(&raw, &mut KernelLog).map_err(|_| EINVAL)?;
        bonding::DEFAULTS.set(cfg.params);
        net::skb::flow_init();
        // Made in this order, dropped in the reverse (the field order) if a
        // later step fails.
        let pernet = PernetRegistration::new()?;
        let slave_events = NotifierRegistration::new()?;
        let rcu_barrier = RcuBarrier;
        let link = LinkRegistration::new(&bond_netlink::BOND_LINK_OPS)?;
        for made in 0..cfg.max_bonds {
            // On failure the load fails with the error (as bond_create()'s),
            // and dropping `link` deletes the bonds made so far. RTNL is
            // taken per bond, as bond_create() does: a large max_bonds
            // does not hold every other configuration of the machine off
            // until the last bond. A killed insmod stops there (the C
            // driver would go on to the last bond).
            if net::fatal_signal_pending() {
                pr_err!(
                    "Error: killed after creating {} of {} bonds\n",
                    made,
                    cfg.max_bonds
                );
                return Err(EINTR);
            }
            let rtnl = Rtnl::lock();
            bonding::create_bond(Net::init_net(), c_str!("bond%d"), &cfg.params, &rtnl)?;
        }
        Ok(Self {
            _link: link,
            _rcu_barrier: rcu_barrier,
            _slave_events: slave_events,
            _pernet: pernet,
        })
    }
}
