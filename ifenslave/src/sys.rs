//! The ioctls ifenslave uses, on an AF_INET datagram socket.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use crate::bond_uapi::IFNAMSIZ;

/// `struct ifreq`: the name, then a 24-byte union.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct IfReq {
    pub name: [u8; IFNAMSIZ],
    pub u: [u8; 24],
}

impl IfReq {
    pub fn new(name: &str) -> Self {
        let mut r = IfReq {
            name: [0; IFNAMSIZ],
            u: [0; 24],
        };
        // strncpy(ifr_name, name, IFNAMSIZ) as v1.1.0 does.
        for (d, s) in r.name.iter_mut().zip(name.bytes()) {
            *d = s;
        }
        r
    }
    pub fn flags(&self) -> i16 {
        i16::from_ne_bytes([self.u[0], self.u[1]])
    }
    pub fn set_flags(&mut self, f: i16) {
        self.u[..2].copy_from_slice(&f.to_ne_bytes());
    }
    pub fn int(&self) -> i32 {
        i32::from_ne_bytes([self.u[0], self.u[1], self.u[2], self.u[3]])
    }
    pub fn set_int(&mut self, v: i32) {
        self.u[..4].copy_from_slice(&v.to_ne_bytes());
    }
    /// `ifr_hwaddr` / `ifr_addr`: family and 14 bytes of data.
    pub fn sockaddr(&self) -> (u16, [u8; 14]) {
        let mut data = [0u8; 14];
        data.copy_from_slice(&self.u[2..16]);
        (u16::from_ne_bytes([self.u[0], self.u[1]]), data)
    }
    pub fn set_sockaddr(&mut self, family: u16, data: &[u8; 14]) {
        self.u[..2].copy_from_slice(&family.to_ne_bytes());
        self.u[2..16].copy_from_slice(data);
    }
    pub fn set_slave(&mut self, slave: &str) {
        self.u = [0; 24];
        for (d, s) in self.u[..IFNAMSIZ].iter_mut().zip(slave.bytes()) {
            *d = s;
        }
    }
    pub fn set_data(&mut self, p: *mut libc::c_void) {
        self.u[..8].copy_from_slice(&(p as usize).to_ne_bytes());
    }
    pub fn name(&self) -> String {
        let n = self.name.iter().position(|&c| c == 0).unwrap_or(IFNAMSIZ);
        String::from_utf8_lossy(&self.name[..n]).into_owned()
    }
}

pub struct Socket(OwnedFd);

impl Socket {
    pub fn open() -> io::Result<Self> {
        // SAFETY: plain socket(2) call; the fd is owned from here on.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_DGRAM, 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `fd` is a new descriptor nobody else owns.
        Ok(Socket(unsafe { OwnedFd::from_raw_fd(fd) }))
    }

    /// ioctl(2) with an ifreq.
    pub fn ioctl(&self, req: u32, ifr: &mut IfReq) -> io::Result<()> {
        // SAFETY: `ifr` is a valid, writable 40-byte struct ifreq.
        let r = unsafe { libc::ioctl(self.0.as_raw_fd(), req as libc::Ioctl, ifr as *mut IfReq) };
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(())
        }
    }

    /// ioctl(2) with a `struct ifconf` (SIOCGIFCONF): the names of the
    /// interfaces that have an IPv4 address.
    pub fn ifconf_names(&self) -> io::Result<Vec<String>> {
        let mut buf = vec![IfReq::new(""); 64];
        #[repr(C)]
        struct IfConf {
            len: libc::c_int,
            buf: *mut IfReq,
        }
        let mut conf = IfConf {
            len: (buf.len() * std::mem::size_of::<IfReq>()) as libc::c_int,
            buf: buf.as_mut_ptr(),
        };
        // SAFETY: `conf` describes `buf`, which is valid for `len` bytes.
        let r = unsafe {
            libc::ioctl(
                self.0.as_raw_fd(),
                libc::SIOCGIFCONF as libc::Ioctl,
                &mut conf as *mut IfConf,
            )
        };
        if r < 0 {
            return Err(io::Error::last_os_error());
        }
        let n = conf.len as usize / std::mem::size_of::<IfReq>();
        Ok(buf[..n.min(buf.len())].iter().map(IfReq::name).collect())
    }
}

/// `struct ethtool_drvinfo` (196 bytes); ifenslave only reads fw_version.
#[repr(C)]
pub struct DrvInfo {
    pub cmd: u32,
    pub driver: [u8; 32],
    pub version: [u8; 32],
    pub fw_version: [u8; 32],
    pub bus_info: [u8; 32],
    pub erom_version: [u8; 32],
    pub reserved2: [u8; 12],
    pub tail: [u32; 5],
}

pub const ETHTOOL_GDRVINFO: u32 = 3;
pub const SIOCETHTOOL: u32 = 0x8946;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_sizes_match_the_kernel_abi() {
        assert_eq!(std::mem::size_of::<IfReq>(), 40);
        assert_eq!(std::mem::size_of::<DrvInfo>(), 196);
        assert_eq!(std::mem::offset_of!(DrvInfo, fw_version), 68);
    }

    #[test]
    fn ifreq_views_overlay_the_union() {
        let mut r = IfReq::new("bond0");
        r.set_flags(0x1443u16 as i16);
        assert_eq!(r.flags() as u16, 0x1443);
        r.set_slave("eth0");
        assert_eq!(&r.u[..5], b"eth0\0");
        r.set_int(9000);
        assert_eq!(r.int(), 9000);
        assert_eq!(r.name(), "bond0");
    }
}
