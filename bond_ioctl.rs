// SPDX-License-Identifier: GPL-2.0

//! The SIOCBOND* ioctls (`bond_do_ioctl()`), as ifenslave uses them.

#![forbid(unsafe_code)]

use super::{setopt::OptReport, Bonding, Release};
use crate::{
    bond_options::{OptId, OptInput},
    bond_uapi,
    bond_uapi::{BondIoctl, IfBond, IfSlave},
    net::{
        device::{Device, NotifyEvent},
        error::eopnotsupp,
        ioctl::IfReq,
        rtnl::Rtnl,
        rtnl_link::ExtAck,
    },
};
use core::sync::atomic::Ordering::Relaxed;
use kernel::prelude::*;
use kernel::uaccess::{UserPtr, UserSlice};

/// Ioctls.
impl Bonding {
    /// SIOCBONDCHANGEACTIVE: as the C driver, the `active_slave` option
    /// set to the slave's name (`__bond_opt_set_notify(bond,
    /// BOND_OPT_ACTIVE_SLAVE, ...)`), with that option's checks, errno
    /// values and messages, and the same notification.
    fn change_active(&self, bond_dev: &Device, rtnl: &Rtnl, slave_dev: &Device) -> Result {
        let name = slave_dev.name();
        self.set_option(
            bond_dev,
            rtnl,
            OptId::ActiveSlave,
            OptInput::Text(name.as_bytes()),
            &mut OptReport {
                extack: &mut ExtAck::none(),
                attr: None,
            },
        )?;
        bond_dev.notify(rtnl, NotifyEvent::ChangeInfoData);
        Ok(())
    }

    /// The bonding ioctls, whichever number they came by (`bond_do_ioctl()`).
    pub(super) fn ioctl(
        &self,
        bond_dev: &Device,
        rtnl: &Rtnl,
        ifr: &IfReq<'_>,
        cmd: BondIoctl,
        user: UserPtr,
    ) -> Result {
        match cmd {
            BondIoctl::InfoQuery => {
                let mut buf = [0u8; IfBond::SIZE];
                UserSlice::new(user, IfBond::SIZE)
                    .reader()
                    .read_slice(&mut buf)?;
                let cfg = self.config.borrow(rtnl)?;
                let info = IfBond {
                    bond_mode: self.options(rtnl).mode.number().into(),
                    num_slaves: cfg.slaves.len() as i32,
                    miimon: self.options(rtnl).miimon as i32,
                };
                UserSlice::new(user, IfBond::SIZE)
                    .writer()
                    .write_slice(&info.to_bytes())
            }
            BondIoctl::SlaveInfoQuery => {
                let mut buf = [0u8; IfSlave::SIZE];
                UserSlice::new(user, IfSlave::SIZE)
                    .reader()
                    .read_slice(&mut buf)?;
                let mut info = IfSlave::from_bytes(&buf);
                let slave = {
                    let cfg = self.config.borrow(rtnl)?;
                    usize::try_from(info.slave_id)
                        .ok()
                        .and_then(|i| cfg.slaves.get(i).cloned())
                };
                let slave = slave.ok_or(ENODEV)?;
                info.slave_name = [0; bond_uapi::IFNAMSIZ];
                for (d, &c) in info.slave_name.iter_mut().zip(slave.dev.name().as_bytes()) {
                    *d = c;
                }
                info.link = slave.link() as i8;
                info.state = i8::from(slave.backup.load(Relaxed));
                info.link_failure_count = slave.link_failure_count.load(Relaxed);
                UserSlice::new(user, IfSlave::SIZE)
                    .writer()
                    .write_slice(&info.to_bytes())
            }
            _ => {
                if !bond_dev.net_admin_capable() {
                    return Err(EPERM);
                }
                let name = ifr.slave_name().ok_or(ENODEV)?;
                let slave_dev = bond_dev.lookup_in_same_ns(name, rtnl).ok_or(ENODEV)?;
                match cmd {
                    BondIoctl::Enslave => {
                        self.enslave(bond_dev, rtnl, slave_dev, &mut ExtAck::none())
                    }
                    BondIoctl::Release => self.release(bond_dev, rtnl, slave_dev, Release::One),
                    BondIoctl::SetHwAddr => bond_dev.steal_hw_addr(rtnl, slave_dev.dev_addr()),
                    BondIoctl::ChangeActive => self.change_active(bond_dev, rtnl, slave_dev),
                    _ => Err(eopnotsupp()),
                }
            }
        }
    }
}
