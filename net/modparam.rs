// SPDX-License-Identifier: GPL-2.0

//! Module parameters. Their storage is declared with `module_param()` in
//! `bond_helpers.c`, because 6.12's `module!` has no `params:`; this reads it
//! into plain Rust for `bond_modparams::check_module_params`.

use super::bindings as b;
use crate::{bond_modparams::RawModuleParams, bond_params::MAX_ARP_TARGETS};
use kernel::str::CStr;

/// Turns a `charp` parameter into bytes.
///
/// # Safety
///
/// `p` must be null or a NUL-terminated string that lives as long as the
/// module, which holds for `charp` parameter storage (permission 0: never
/// rewritten after load).
unsafe fn charp(p: *const kernel::ffi::c_char) -> Option<&'static [u8]> {
    if p.is_null() {
        None
    } else {
        // SAFETY: non-null and NUL-terminated for the module's lifetime, by the function's safety requirement.
        Some(unsafe { CStr::from_char_ptr(p) }.as_bytes())
    }
}

/// The parameters as given at load time.
pub(crate) fn get() -> RawModuleParams<'static> {
    let mut raw = b::rbond_module_params::default();
    // SAFETY: `raw` is a valid, writable rbond_module_params.
    unsafe { b::rbond_get_module_params(&mut raw) };
    let mut targets = [None; MAX_ARP_TARGETS];
    for (slot, &p) in targets.iter_mut().zip(raw.arp_ip_target.iter()) {
        // SAFETY: charp storage of this module, see `charp`.
        *slot = unsafe { charp(p) };
    }
    // SAFETY (every `charp` call below): charp storage of this module.
    unsafe {
        RawModuleParams {
            max_bonds: raw.max_bonds,
            tx_queues: raw.tx_queues,
            num_peer_notif: raw.num_peer_notif,
            miimon: raw.miimon,
            updelay: raw.updelay,
            downdelay: raw.downdelay,
            use_carrier: raw.use_carrier,
            mode: charp(raw.mode),
            primary: charp(raw.primary),
            primary_reselect: charp(raw.primary_reselect),
            lacp_rate: charp(raw.lacp_rate),
            ad_select: charp(raw.ad_select),
            min_links: raw.min_links,
            xmit_hash_policy: charp(raw.xmit_hash_policy),
            arp_interval: raw.arp_interval,
            arp_ip_target: targets,
            arp_validate: charp(raw.arp_validate),
            arp_all_targets: charp(raw.arp_all_targets),
            fail_over_mac: charp(raw.fail_over_mac),
            all_slaves_active: raw.all_slaves_active,
            resend_igmp: raw.resend_igmp,
            packets_per_slave: raw.packets_per_slave,
            lp_interval: raw.lp_interval,
        }
    }
}

/// The kernel release the module was built for (`UTS_RELEASE`), as the C
/// driver prints it in its version line.
pub(crate) fn uts_release() -> &'static CStr {
    // SAFETY: rbond_uts_release returns a string literal.
    unsafe { CStr::from_char_ptr(b::rbond_uts_release()) }
}
