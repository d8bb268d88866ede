// SPDX-License-Identifier: GPL-2.0

//! The bonding ioctl ABI (include/uapi/linux/if_bonding.h, sockios.h):
//! command numbers and the `struct ifbond` / `struct ifslave` byte layouts.
//!
//! Pure Rust shared by bonding.ko and ifenslave (both `#[path]`-include this
//! file), so the two sides cannot disagree; host tests pin the layouts.

#![forbid(unsafe_code)]

/// `SIOCGMIIPHY`: get the MII PHY address (the bond answers 0).
pub(crate) const SIOCGMIIPHY: u32 = 0x8947;
/// `SIOCGMIIREG`: read an MII register.
pub(crate) const SIOCGMIIREG: u32 = 0x8948;
/// `SIOCSMIIREG`: write an MII register (refused by the bond).
pub(crate) const SIOCSMIIREG: u32 = 0x8949;
/// `SIOCBONDENSLAVE`.
pub(crate) const SIOCBONDENSLAVE: u32 = 0x8990;
/// `SIOCBONDRELEASE`.
pub(crate) const SIOCBONDRELEASE: u32 = 0x8991;
/// `SIOCBONDSETHWADDR`.
pub(crate) const SIOCBONDSETHWADDR: u32 = 0x8992;
/// `SIOCBONDSLAVEINFOQUERY`.
pub(crate) const SIOCBONDSLAVEINFOQUERY: u32 = 0x8993;
/// `SIOCBONDINFOQUERY`.
pub(crate) const SIOCBONDINFOQUERY: u32 = 0x8994;
/// `SIOCBONDCHANGEACTIVE`.
pub(crate) const SIOCBONDCHANGEACTIVE: u32 = 0x8995;
/// `SIOCDEVPRIVATE`: base of the pre-2.6 bonding numbers.
pub(crate) const SIOCDEVPRIVATE: u32 = 0x89F0;
/// `BOND_ENSLAVE_OLD`.
pub(crate) const BOND_ENSLAVE_OLD: u32 = SIOCDEVPRIVATE;
/// `BOND_RELEASE_OLD`.
pub(crate) const BOND_RELEASE_OLD: u32 = SIOCDEVPRIVATE + 1;
/// `BOND_SETHWADDR_OLD`.
pub(crate) const BOND_SETHWADDR_OLD: u32 = SIOCDEVPRIVATE + 2;
/// `BOND_SLAVE_INFO_QUERY_OLD`.
pub(crate) const BOND_SLAVE_INFO_QUERY_OLD: u32 = SIOCDEVPRIVATE + 11;
/// `BOND_INFO_QUERY_OLD`.
pub(crate) const BOND_INFO_QUERY_OLD: u32 = SIOCDEVPRIVATE + 12;
/// `BOND_CHANGE_ACTIVE_OLD`.
pub(crate) const BOND_CHANGE_ACTIVE_OLD: u32 = SIOCDEVPRIVATE + 13;

/// `BOND_ABI_VERSION`, reported as ethtool's fw_version.
pub(crate) const BOND_ABI_VERSION: u32 = 2;

/// MII register 1, the basic mode status register.
pub(crate) const MII_BMSR: u16 = 1;
/// BMSR bit: link is up.
pub(crate) const BMSR_LSTATUS: u16 = 0x0004;

/// Length of an interface name buffer (`IFNAMSIZ`).
pub(crate) const IFNAMSIZ: usize = 16;

/// A bonding ioctl, whichever of its two numbers was used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BondIoctl {
    /// Add a slave.
    Enslave,
    /// Remove a slave.
    Release,
    /// Give the bond a slave's MAC address.
    SetHwAddr,
    /// Read `struct ifslave` for the slave at an index.
    SlaveInfoQuery,
    /// Read `struct ifbond`.
    InfoQuery,
    /// Make a slave the active one (active-backup).
    ChangeActive,
}

impl BondIoctl {
    /// Decodes the SIOCBOND* and the old SIOCDEVPRIVATE-based numbers.
    pub(crate) fn from_cmd(cmd: u32) -> Option<Self> {
        Some(match cmd {
            SIOCBONDENSLAVE | BOND_ENSLAVE_OLD => Self::Enslave,
            SIOCBONDRELEASE | BOND_RELEASE_OLD => Self::Release,
            SIOCBONDSETHWADDR | BOND_SETHWADDR_OLD => Self::SetHwAddr,
            SIOCBONDSLAVEINFOQUERY | BOND_SLAVE_INFO_QUERY_OLD => Self::SlaveInfoQuery,
            SIOCBONDINFOQUERY | BOND_INFO_QUERY_OLD => Self::InfoQuery,
            SIOCBONDCHANGEACTIVE | BOND_CHANGE_ACTIVE_OLD => Self::ChangeActive,
            _ => return None,
        })
    }

    /// Whether the command changes the bond (and so needs CAP_NET_ADMIN).
    pub(crate) fn is_write(self) -> bool {
        !matches!(self, Self::SlaveInfoQuery | Self::InfoQuery)
    }
}

/// `struct ifbond` (12 bytes): mode, slave count, miimon in ms.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct IfBond {
    /// `bond_mode`.
    pub(crate) bond_mode: i32,
    /// `num_slaves`.
    pub(crate) num_slaves: i32,
    /// `miimon`.
    pub(crate) miimon: i32,
}

impl IfBond {
    /// `sizeof(struct ifbond)`.
    pub(crate) const SIZE: usize = 12;

    /// Native-endian bytes, as user space lays the struct out.
    pub(crate) fn to_bytes(self) -> [u8; Self::SIZE] {
        let mut b = [0u8; Self::SIZE];
        b[0..4].copy_from_slice(&self.bond_mode.to_ne_bytes());
        b[4..8].copy_from_slice(&self.num_slaves.to_ne_bytes());
        b[8..12].copy_from_slice(&self.miimon.to_ne_bytes());
        b
    }

    /// Parses the native-endian bytes.
    pub(crate) fn from_bytes(b: &[u8; Self::SIZE]) -> Self {
        let i = |o: usize| i32::from_ne_bytes([b[o], b[o + 1], b[o + 2], b[o + 3]]);
        Self {
            bond_mode: i(0),
            num_slaves: i(4),
            miimon: i(8),
        }
    }
}

/// `struct ifslave` (28 bytes): slave index (in), name, link, state,
/// link failure count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct IfSlave {
    /// `slave_id`: index in enslave order (input).
    pub(crate) slave_id: i32,
    /// `slave_name`, NUL-padded.
    pub(crate) slave_name: [u8; IFNAMSIZ],
    /// `link`: BOND_LINK_UP/FAIL/DOWN/BACK.
    pub(crate) link: i8,
    /// `state`: BOND_STATE_ACTIVE/BACKUP.
    pub(crate) state: i8,
    /// `link_failure_count`.
    pub(crate) link_failure_count: u32,
}

impl IfSlave {
    /// `sizeof(struct ifslave)`.
    pub(crate) const SIZE: usize = 28;

    /// Native-endian bytes (two padding bytes after `state`).
    pub(crate) fn to_bytes(self) -> [u8; Self::SIZE] {
        let mut b = [0u8; Self::SIZE];
        b[0..4].copy_from_slice(&self.slave_id.to_ne_bytes());
        b[4..20].copy_from_slice(&self.slave_name);
        b[20] = self.link as u8;
        b[21] = self.state as u8;
        b[24..28].copy_from_slice(&self.link_failure_count.to_ne_bytes());
        b
    }

    /// Parses the native-endian bytes.
    pub(crate) fn from_bytes(b: &[u8; Self::SIZE]) -> Self {
        let mut slave_name = [0u8; IFNAMSIZ];
        slave_name.copy_from_slice(&b[4..20]);
        Self {
            slave_id: i32::from_ne_bytes([b[0], b[1], b[2], b[3]]),
            slave_name,
            link: b[20] as i8,
            state: b[21] as i8,
            link_failure_count: u32::from_ne_bytes([b[24], b[25], b[26], b[27]]),
        }
    }

    /// The slave's name without the NUL padding.
    pub(crate) fn name(&self) -> &[u8] {
        let len = self
            .slave_name
            .iter()
            .position(|&c| c == 0)
            .unwrap_or(IFNAMSIZ);
        &self.slave_name[..len]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ifbond_layout_matches_if_bonding_h() {
        let b = IfBond {
            bond_mode: 1,
            num_slaves: 2,
            miimon: 100,
        }
        .to_bytes();
        assert_eq!(b.len(), 12);
        assert_eq!(&b[0..4], &1i32.to_ne_bytes());
        assert_eq!(&b[4..8], &2i32.to_ne_bytes());
        assert_eq!(&b[8..12], &100i32.to_ne_bytes());
        assert_eq!(
            IfBond::from_bytes(&b),
            IfBond {
                bond_mode: 1,
                num_slaves: 2,
                miimon: 100
            }
        );
    }

    #[test]
    fn ifslave_layout_matches_if_bonding_h() {
        let mut name = [0u8; IFNAMSIZ];
        name[..4].copy_from_slice(b"eth1");
        let s = IfSlave {
            slave_id: 3,
            slave_name: name,
            link: 2,
            state: 1,
            link_failure_count: 7,
        };
        let b = s.to_bytes();
        assert_eq!(b.len(), 28);
        assert_eq!(&b[0..4], &3i32.to_ne_bytes());
        assert_eq!(&b[4..8], b"eth1");
        assert_eq!(b[20], 2, "link at offset 20");
        assert_eq!(b[21], 1, "state at offset 21");
        assert_eq!(&b[22..24], &[0, 0], "padding");
        assert_eq!(
            &b[24..28],
            &7u32.to_ne_bytes(),
            "link_failure_count at offset 24"
        );
        assert_eq!(IfSlave::from_bytes(&b), s);
        assert_eq!(s.name(), b"eth1");
    }

    #[test]
    fn ioctl_numbers_decode_both_generations() {
        assert_eq!(BondIoctl::from_cmd(0x8990), Some(BondIoctl::Enslave));
        assert_eq!(BondIoctl::from_cmd(0x89F0), Some(BondIoctl::Enslave));
        assert_eq!(BondIoctl::from_cmd(0x89F1), Some(BondIoctl::Release));
        assert_eq!(BondIoctl::from_cmd(0x89FB), Some(BondIoctl::SlaveInfoQuery));
        assert_eq!(BondIoctl::from_cmd(0x89FC), Some(BondIoctl::InfoQuery));
        assert_eq!(BondIoctl::from_cmd(0x89FD), Some(BondIoctl::ChangeActive));
        assert_eq!(BondIoctl::from_cmd(0x8995), Some(BondIoctl::ChangeActive));
        assert_eq!(BondIoctl::from_cmd(0x89F5), None);
        assert!(BondIoctl::Enslave.is_write() && !BondIoctl::InfoQuery.is_write());
    }
}

/// `ip link xstats`: the bond's nest (`LINK_XSTATS_TYPE_BOND`), its 802.3ad
/// part (`BOND_XSTATS_3AD`) and the counters' padding (`BOND_3AD_STAT_PAD`;
/// the counters are types 0 to 8, in `AdStats::fields` order).
pub(crate) const LINK_XSTATS_TYPE_BOND: u16 = 2;
pub(crate) const BOND_XSTATS_3AD: u16 = 1;
pub(crate) const BOND_3AD_STAT_PAD: u16 = 9;

/// The bond's netlink attributes (`IFLA_BOND_*`, include/uapi/linux/if_link.h).
pub(crate) mod ifla {
    pub(crate) const MODE: u16 = 1;
    pub(crate) const ACTIVE_SLAVE: u16 = 2;
    pub(crate) const MIIMON: u16 = 3;
    pub(crate) const UPDELAY: u16 = 4;
    pub(crate) const DOWNDELAY: u16 = 5;
    pub(crate) const USE_CARRIER: u16 = 6;
    pub(crate) const ARP_INTERVAL: u16 = 7;
    pub(crate) const ARP_IP_TARGET: u16 = 8;
    pub(crate) const ARP_VALIDATE: u16 = 9;
    pub(crate) const ARP_ALL_TARGETS: u16 = 10;
    pub(crate) const PRIMARY: u16 = 11;
    pub(crate) const PRIMARY_RESELECT: u16 = 12;
    pub(crate) const FAIL_OVER_MAC: u16 = 13;
    pub(crate) const XMIT_HASH_POLICY: u16 = 14;
    pub(crate) const RESEND_IGMP: u16 = 15;
    pub(crate) const NUM_PEER_NOTIF: u16 = 16;
    pub(crate) const ALL_SLAVES_ACTIVE: u16 = 17;
    pub(crate) const MIN_LINKS: u16 = 18;
    pub(crate) const LP_INTERVAL: u16 = 19;
    pub(crate) const PACKETS_PER_SLAVE: u16 = 20;
    pub(crate) const AD_LACP_RATE: u16 = 21;
    pub(crate) const AD_SELECT: u16 = 22;
    pub(crate) const AD_INFO: u16 = 23;
    pub(crate) const AD_ACTOR_SYS_PRIO: u16 = 24;
    pub(crate) const AD_USER_PORT_KEY: u16 = 25;
    pub(crate) const AD_ACTOR_SYSTEM: u16 = 26;
    pub(crate) const TLB_DYNAMIC_LB: u16 = 27;
    pub(crate) const PEER_NOTIF_DELAY: u16 = 28;
    pub(crate) const AD_LACP_ACTIVE: u16 = 29;
    pub(crate) const MISSED_MAX: u16 = 30;
    pub(crate) const NS_IP6_TARGET: u16 = 31;
    pub(crate) const COUPLED_CONTROL: u16 = 32;
    /// `IFLA_BOND_MAX`.
    pub(crate) const MAX: u16 = 32;

    /// The active aggregator's nest (`IFLA_BOND_AD_INFO_*`).
    pub(crate) mod ad_info {
        pub(crate) const AGGREGATOR: u16 = 1;
        pub(crate) const NUM_PORTS: u16 = 2;
        pub(crate) const ACTOR_KEY: u16 = 3;
        pub(crate) const PARTNER_KEY: u16 = 4;
        pub(crate) const PARTNER_MAC: u16 = 5;
    }

    /// A slave's attributes (`IFLA_BOND_SLAVE_*`).
    pub(crate) mod slave {
        pub(crate) const STATE: u16 = 1;
        pub(crate) const MII_STATUS: u16 = 2;
        pub(crate) const LINK_FAILURE_COUNT: u16 = 3;
        pub(crate) const PERM_HWADDR: u16 = 4;
        pub(crate) const QUEUE_ID: u16 = 5;
        pub(crate) const AD_AGGREGATOR_ID: u16 = 6;
        pub(crate) const AD_ACTOR_OPER_PORT_STATE: u16 = 7;
        pub(crate) const AD_PARTNER_OPER_PORT_STATE: u16 = 8;
        pub(crate) const PRIO: u16 = 9;
        pub(crate) const ACTOR_PORT_PRIO: u16 = 10;
        pub(crate) const AD_CHURN_ACTOR_STATE: u16 = 11;
        pub(crate) const AD_CHURN_PARTNER_STATE: u16 = 12;
        /// `IFLA_BOND_SLAVE_MAX`.
        pub(crate) const MAX: u16 = 12;
    }
}
