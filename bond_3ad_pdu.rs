// SPDX-License-Identifier: GPL-2.0

//! 802.3ad's frames: the LACPDU and marker PDU as they travel in
//! slow-protocol frames (`struct lacpdu`, `struct bond_marker`), decoded
//! without trusting the sender. Pure Rust, host-tested.

#![forbid(unsafe_code)]

/// The slow-protocols EtherType (`ETH_P_SLOW`).
pub(crate) const ETH_P_SLOW: u16 = 0x8809;
/// The slow-protocols multicast address LACPDUs go to (`lacpdu_mcast_addr`).
pub(crate) const SLOW_PROTOCOLS_MAC: [u8; 6] = [0x01, 0x80, 0xc2, 0x00, 0x00, 0x02];

/// Subtype of an LACPDU (`AD_TYPE_LACPDU`).
pub(crate) const SUBTYPE_LACP: u8 = 1;
/// Subtype of a marker PDU (`AD_TYPE_MARKER`).
pub(crate) const SUBTYPE_MARKER: u8 = 2;

/// Bits of an actor or partner state (`LACP_STATE_*`, if_bonding.h).
pub(crate) mod state {
    /// Active LACP (else passive).
    pub(crate) const LACP_ACTIVITY: u8 = 0x1;
    /// Short timeout (fast LACPDUs wanted).
    pub(crate) const LACP_TIMEOUT: u8 = 0x2;
    /// The port may aggregate.
    pub(crate) const AGGREGATION: u8 = 0x4;
    /// In sync with the aggregator.
    pub(crate) const SYNCHRONIZATION: u8 = 0x8;
    /// Collecting frames.
    pub(crate) const COLLECTING: u8 = 0x10;
    /// Distributing frames.
    pub(crate) const DISTRIBUTING: u8 = 0x20;
    /// Using defaulted partner information.
    pub(crate) const DEFAULTED: u8 = 0x40;
    /// The receive machine is in EXPIRED.
    pub(crate) const EXPIRED: u8 = 0x80;
}

/// One side's information in an LACPDU (actor or partner TLV).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct PortInfo {
    pub(crate) system_priority: u16,
    pub(crate) system: [u8; 6],
    pub(crate) key: u16,
    pub(crate) port_priority: u16,
    pub(crate) port: u16,
    pub(crate) state: u8,
}

impl PortInfo {
    /// The 18 bytes after a TLV's type and length (network byte order,
    /// then 3 reserved bytes).
    fn read(b: &[u8; 18]) -> Self {
        let u = |i: usize| u16::from_be_bytes([b[i], b[i + 1]]);
        let mut system = [0u8; 6];
        system.copy_from_slice(&b[2..8]);
        Self {
            system_priority: u(0),
            system,
            key: u(8),
            port_priority: u(10),
            port: u(12),
            state: b[14],
        }
    }

    fn write(&self, b: &mut [u8; 18]) {
        b[0..2].copy_from_slice(&self.system_priority.to_be_bytes());
        b[2..8].copy_from_slice(&self.system);
        b[8..10].copy_from_slice(&self.key.to_be_bytes());
        b[10..12].copy_from_slice(&self.port_priority.to_be_bytes());
        b[12..14].copy_from_slice(&self.port.to_be_bytes());
        b[14] = self.state;
        b[15..18].fill(0);
    }
}

/// An LACPDU (`struct lacpdu`), without the Ethernet header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Lacpdu {
    pub(crate) version: u8,
    pub(crate) actor: PortInfo,
    pub(crate) partner: PortInfo,
    pub(crate) collector_max_delay: u16,
}

/// The size of `struct lacpdu` (and of `struct bond_marker`).
pub(crate) const PDU_LEN: usize = 110;

impl Lacpdu {
    /// Decodes an LACPDU: `None` when it is shorter than `struct lacpdu`
    /// (the C driver's `skb_header_pointer` check) or not an LACPDU. As the
    /// C driver, the TLV types and lengths are not checked: 802.1AX asks
    /// receivers to accept future versions with longer TLVs.
    pub(crate) fn parse(b: &[u8]) -> Option<Self> {
        let b: &[u8; PDU_LEN] = b.get(..PDU_LEN)?.try_into().ok()?;
        if b[0] != SUBTYPE_LACP {
            return None;
        }
        let tlv = |at: usize| -> &[u8; 18] {
            // In bounds: `at + 18` is at most 42 + 18 of 110 bytes.
            b[at..at + 18].try_into().unwrap_or(&[0; 18])
        };
        Some(Self {
            version: b[1],
            actor: PortInfo::read(tlv(4)),
            partner: PortInfo::read(tlv(24)),
            collector_max_delay: u16::from_be_bytes([b[44], b[45]]),
        })
    }

    /// Encodes as the C driver sends it (`ad_lacpdu_send()`): version 1,
    /// TLV types 1, 2, 3 and the terminator, lengths 20, 20, 16, 0.
    pub(crate) fn to_bytes(self) -> [u8; PDU_LEN] {
        let mut b = [0u8; PDU_LEN];
        b[0] = SUBTYPE_LACP;
        b[1] = 1;
        b[2] = 1;
        b[3] = 20;
        let mut info = [0u8; 18];
        self.actor.write(&mut info);
        b[4..22].copy_from_slice(&info);
        b[22] = 2;
        b[23] = 20;
        self.partner.write(&mut info);
        b[24..42].copy_from_slice(&info);
        b[42] = 3;
        b[43] = 16;
        b[44..46].copy_from_slice(&self.collector_max_delay.to_be_bytes());
        // Terminator TLV (type 0, length 0) and reserved bytes: zeroes.
        b
    }
}

/// Marker PDU TLV types (`AD_MARKER_*_SUBTYPE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum MarkerKind {
    /// A marker the partner asks to be answered.
    Information,
    /// The answer to one of ours.
    Response,
    /// Anything else (counted as unknown).
    Unknown(u8),
}

/// A marker PDU (`struct bond_marker`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Marker {
    pub(crate) kind: MarkerKind,
    /// The rest, echoed unchanged in a response: requester port, system,
    /// transaction id (in the sender's byte order, as the C driver keeps it).
    body: [u8; 12],
}

impl Marker {
    /// Decodes a marker PDU; `None` when short or not a marker.
    pub(crate) fn parse(b: &[u8]) -> Option<Self> {
        let b: &[u8; PDU_LEN] = b.get(..PDU_LEN)?.try_into().ok()?;
        if b[0] != SUBTYPE_MARKER {
            return None;
        }
        let kind = match b[2] {
            1 => MarkerKind::Information,
            2 => MarkerKind::Response,
            t => MarkerKind::Unknown(t),
        };
        let mut body = [0u8; 12];
        body.copy_from_slice(&b[4..16]);
        Some(Self { kind, body })
    }

    /// `ad_marker_info_received()`: the response to a marker information
    /// PDU is the same PDU with the TLV type changed.
    pub(crate) fn response(&self) -> [u8; PDU_LEN] {
        let mut b = [0u8; PDU_LEN];
        b[0] = SUBTYPE_MARKER;
        b[1] = 1;
        b[2] = 2;
        b[3] = 0x10;
        b[4..16].copy_from_slice(&self.body);
        b
    }
}
