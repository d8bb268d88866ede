// SPDX-License-Identifier: GPL-2.0

//! bonding.ko: the Linux Ethernet bonding driver, in Rust.
//!
//! A drop-in for the C driver (drivers/net/bonding): same module name,
//! parameters, ioctls and /proc/net/bonding files. This is the crate root:
//! the module object creates `bond0..bond{max_bonds-1}` at load and its
//! fields are dropped in declaration order at unload, bonds first.
//!
//! - `bond_options`: option names, values and validation (pure, host-tested)
//! - `bond_monitor`: the MII monitor's link state machine (pure, host-tested)
//! - `bond_policy`: active slave choice, carrier, hashes (pure, host-tested)
//! - `bond_uapi`: the ioctl ABI, shared with ifenslave (pure, host-tested)
//! - `bonding`: the bond master device: slaves, transmit, receive, ioctls
//! - `net`: the safe abstraction layer, the only FFI

mod bond_monitor;
mod bond_options;
mod bond_policy;
// Shared with ifenslave, which uses the parts the module does not.
#[allow(dead_code)]
mod bond_uapi;
mod bonding;
mod net;

use bond_options::{check_module_params, Level, Log};
use core::fmt;
use kernel::{c_str, prelude::*, sync::Arc};
use net::{notifier::NotifierRegistration, proc::ProcDir, rcu::RcuBarrier};

module! {
    type: BondingModule,
    name: "bonding",
    author: "The Rust bonding authors",
    description: "Ethernet Channel Bonding Driver (Rust), v6.12 ABI",
    license: "GPL",
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

struct BondingModule {
    // Dropped first: each bond releases its slaves, removes its proc file
    // and unregisters.
    _bonds: KVec<bonding::Bond>,
    // Then the snapshots the bonds retired are freed (their RCU callbacks
    // are this module's code).
    _rcu_barrier: RcuBarrier,
    // Then nothing can be a slave any more.
    _slave_events: NotifierRegistration<bonding::SlaveEvents>,
    _proc_dir: Arc<ProcDir>,
}

impl kernel::Module for BondingModule {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("Ethernet Channel Bonding Driver: v{}\n", net::modparam::uts_release());
        let cfg = check_module_params(&net::modparam::get(), &mut KernelLog).map_err(|_| EINVAL)?;
        if cfg.params.arp_validate != 0 {
            // The ARP monitor counts any received frame (arp_validate=none);
            // refuse what it would silently not do.
            pr_err!("Error: arp_validate other than none is not supported by this driver yet\n");
            return Err(EINVAL);
        }
        let proc_dir = ProcDir::new_in_init_net(c_str!("bonding"))?;
        // Declared before the bonds: if a later step fails, the bonds made
        // so far go first, then this waits for their RCU callbacks.
        let rcu_barrier = RcuBarrier;
        let slave_events = NotifierRegistration::new()?;
        let mut bonds = KVec::new();
        for _ in 0..cfg.max_bonds {
            // On failure the bonds made so far are dropped, unregistering
            // them, and the load fails with the error (as bond_create()'s).
            let bond = bonding::Bond::create(&cfg.params, &proc_dir)?;
            bonds.push(bond, GFP_KERNEL)?;
        }
        Ok(Self { _bonds: bonds, _rcu_barrier: rcu_barrier, _slave_events: slave_events, _proc_dir: proc_dir })
    }
}
