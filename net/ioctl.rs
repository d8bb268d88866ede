// SPDX-License-Identifier: GPL-2.0

//! Device ioctls: the kernel copy of an `ifreq`.

use super::bindings as b;

use kernel::{str::CStr, uaccess::UserPtr};

/// An `ifreq` passed to a device ioctl (a kernel copy).
pub(crate) struct IfReq<'a>(pub(super) &'a mut b::ifreq);

impl IfReq<'_> {
    /// `ifr_slave`: the slave name of SIOCBOND* requests, NUL-terminated.
    pub(crate) fn slave_name(&self) -> Option<&CStr> {
        // SAFETY: every union member is plain bytes or a pointer; reading the name view of a kernel copy of the request is always defined.
        let name = unsafe { self.0.ifr_ifru.ifru_slave.as_ref() };
        // SAFETY: [c_char; 16] and [u8; 16] have the same layout.
        let bytes: &[u8; 16] = unsafe { &*(name as *const [_; 16]).cast::<[u8; 16]>() };
        let len = bytes.iter().position(|&c| c == 0)?;
        CStr::from_bytes_with_nul(&bytes[..=len]).ok()
    }

    /// `ifr_data`: a user-space pointer for the query ioctls.
    pub(crate) fn user_data(&self) -> UserPtr {
        // SAFETY: as in `slave_name`.
        unsafe { *self.0.ifr_ifru.ifru_data.as_ref() as UserPtr }
    }

    /// The MII view of the request (`if_mii`): phy_id, reg_num, val_in,
    /// val_out.
    pub(crate) fn mii(&mut self) -> &mut b::mii_ioctl_data {
        // SAFETY: if_mii overlays mii_ioctl_data (8 bytes) on the 24-byte union of our kernel copy, which we borrow mutably.
        unsafe { &mut *b::rbond_if_mii(self.0) }
    }
}
