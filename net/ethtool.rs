// SPDX-License-Identifier: GPL-2.0

//! ethtool: driver information (`ethtool_drvinfo`), and what a device
//! reports of its link (speed, duplex, link state, the MII status).

use super::device::Device;
use super::{bindings as b, rtnl::Rtnl};

/// Driver information for `ethtool -i`.
pub(crate) struct DrvInfo<'a>(pub(super) &'a mut b::ethtool_drvinfo);

impl DrvInfo<'_> {
    fn put(dst: &mut [kernel::ffi::c_char], src: &[u8]) {
        let n = src.len().min(dst.len().saturating_sub(1));
        for (d, &s) in dst.iter_mut().zip(src[..n].iter()) {
            *d = s as _;
        }
        if let Some(nul) = dst.get_mut(n) {
            *nul = 0;
        }
    }

    /// Sets the driver name.
    pub(crate) fn set_driver(&mut self, name: &[u8]) {
        Self::put(&mut self.0.driver, name);
    }

    /// Sets the firmware version string (bonding puts its ABI version here).
    pub(crate) fn set_fw_version(&mut self, v: &[u8]) {
        Self::put(&mut self.0.fw_version, v);
    }
}

/// A link's duplex (`DUPLEX_HALF`, `DUPLEX_FULL`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Duplex {
    /// Half duplex.
    Half,
    /// Full duplex.
    Full,
}

impl Duplex {
    /// As ethtool and /proc/net/bonding name it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Half => "half",
            Self::Full => "full",
        }
    }
}

impl Device {
    /// Speed in Mbps and duplex from ethtool, `None` when unknown.
    pub(crate) fn speed_duplex(&self, _rtnl: &Rtnl) -> (Option<u32>, Option<Duplex>) {
        let mut ks = b::ethtool_link_ksettings::default();
        // SAFETY: valid device, RTNL held (as __ethtool_get_link_ksettings requires); `ks` is ours to fill.
        if unsafe { b::__ethtool_get_link_ksettings(self.as_raw(), &mut ks) } != 0 {
            return (None, None);
        }
        let (speed, duplex) = (ks.base.speed, ks.base.duplex);
        let speed = (speed != b::SPEED_UNKNOWN as u32).then_some(speed);
        let duplex = match u32::from(duplex) {
            b::DUPLEX_FULL => Some(Duplex::Full),
            b::DUPLEX_HALF => Some(Duplex::Half),
            _ => None,
        };
        (speed, duplex)
    }

    /// The link as ethtool reports it (`get_link`), `None` if the driver
    /// has no get_link. Needs RTNL: `ethtool_op_get_link` syncs a pending
    /// linkwatch event, which may activate the device's qdiscs.
    pub(crate) fn ethtool_link(&self, _rtnl: &Rtnl) -> Option<bool> {
        // SAFETY: valid device; its ethtool_ops, if any, are fixed while it is registered.
        let ops = unsafe { (*self.as_raw()).ethtool_ops };
        // SAFETY: as above: a static table of the driver's.
        let get_link = unsafe { ops.as_ref() }?.get_link?;
        // SAFETY: valid device; get_link may sleep, which the monitor (a work item) allows.
        Some(unsafe { get_link(self.as_raw()) } != 0)
    }

    /// The MII basic mode status register through the driver's
    /// SIOCGMIIPHY/SIOCGMIIREG (`ndo_eth_ioctl`, which drivers expect under
    /// RTNL as from dev_ifsioc), `None` if unsupported.
    pub(crate) fn mii_bmsr(&self, _rtnl: &Rtnl) -> Option<u16> {
        let mut ifr = b::ifreq::default();
        // SAFETY: valid device; netdev_ops is fixed while registered.
        let ioctl = unsafe { (*(*self.as_raw()).netdev_ops).ndo_eth_ioctl }?;
        // SAFETY: `ifr` is a zeroed kernel ifreq we own; if_mii overlays mii_ioctl_data on its union.
        let mii = unsafe { b::rbond_if_mii(&mut ifr) };
        // SAFETY: the driver's ndo_eth_ioctl gets a kernel ifreq in process context, as bond_check_dev_link() passes it.
        if unsafe { ioctl(self.as_raw(), &mut ifr, b::SIOCGMIIPHY as i32) } != 0 {
            return None;
        }
        // SAFETY: `mii` points into `ifr`, which is ours.
        unsafe { (*mii).reg_num = b::MII_BMSR as u16 };
        // SAFETY: as for SIOCGMIIPHY.
        if unsafe { ioctl(self.as_raw(), &mut ifr, b::SIOCGMIIREG as i32) } != 0 {
            return None;
        }
        // SAFETY: `mii` points into `ifr`, which is ours.
        Some(unsafe { (*mii).val_out })
    }
}
