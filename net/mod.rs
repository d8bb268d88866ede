// SPDX-License-Identifier: GPL-2.0

//! The safe abstraction layer over the kernel's networking C API: the only
//! place in bonding.ko with `unsafe` code.
//!
//! 6.12's `kernel` crate has no net_device support, so this layer binds the C
//! API itself (bindgen over `bindings_helper.h`, plus one-line wrappers in
//! `net/helpers/` for static inlines and macros). It is shaped after
//! `kernel::net::phy`: C structs wrapped in `Opaque`, a `#[vtable]` trait of
//! callbacks, and private trampolines that turn raw pointers into references.

pub(crate) mod bindings;
pub(crate) mod device;
pub(crate) mod error;
pub(crate) mod ethtool;
pub(crate) mod ioctl;
pub(crate) mod modparam;
pub(crate) mod netpoll;
pub(crate) mod notifier;
pub(crate) mod percpu;
pub(crate) mod pernet;
pub(crate) mod proc;
pub(crate) mod rcu;
pub(crate) mod route;
pub(crate) mod route6;
pub(crate) mod rtnl;
pub(crate) mod rtnl_link;
pub(crate) mod rx;
pub(crate) mod skb;
pub(crate) mod stats;
pub(crate) mod sync;
pub(crate) mod sysfs;
pub(crate) mod vec;

/// Whether the current task has been killed (a fatal signal is pending):
/// a long loop in process context, such as creating `max_bonds` bonds at
/// load, stops early on it.
pub(crate) fn fatal_signal_pending() -> bool {
    // Every caller runs in process context, which has a current task.
    // SAFETY: only reads the current task's pending signals.
    unsafe { bindings::rbond_fatal_signal_pending_current() }
}

/// Whether the current task may administer networking in the initial
/// namespace (`capable(CAP_NET_ADMIN)`): what /proc/net/bonding asks before
/// it shows the 802.3ad details.
pub(crate) fn capable_net_admin() -> bool {
    // SAFETY: process context (a read of a /proc file).
    unsafe { bindings::capable(bindings::CAP_NET_ADMIN as i32) }
}
