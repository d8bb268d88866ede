//! ifenslave: attach slave interfaces to a bonding master, detach them,
//! change the active one, or show interface settings, as ifenslave v1.1.0
//! (December 1, 2003) does, through the bonding ioctls.
//!
//! Deliberate differences: with an ABI 2 driver the MTU is left to the
//! driver, which sets the slave's on enslave and gives back the one it had on
//! release (v1.1.0 set it first, and forced 1500 after `-d`). Errors name
//! the interface and the reason (strerror) on one line.
//!
//! Exit status (Documentation/ifenslave.md): 0 on success; 2 for a usage
//! error; the errno of the request when an interface cannot be queried or
//! configured (`SIOCGIF*`/`SIOCSIF*`); 1 for an illegal operation, a failed
//! driver handshake, or a bonding request the driver refused. With several
//! slaves, the status of the last one that failed.

mod args;
#[path = "../../bond_uapi.rs"]
#[allow(dead_code)]
mod bond_uapi;
mod sys;

use args::{parse, Action};
use bond_uapi::*;
use std::io;
use sys::{DrvInfo, IfReq, Socket, ETHTOOL_GDRVINFO, SIOCETHTOOL};

const VERSION: &str = "ifenslave.c:v1.1.0 (December 1, 2003)\n\
o Donald Becker (becker@cesdis.gsfc.nasa.gov).\n\
o Detach support added on 2000/10/02 by Willy Tarreau (willy at meta-x.org).\n\
o 2.4 kernel support added on 2001/02/16 by Chad N. Tindel\n  (ctindel at ieee dot org).\n\
o Rewritten in Rust for the Rust bonding driver.\n";

const USAGE: &str = "Usage: ifenslave [-f] <master-if> <slave-if> [<slave-if>...]\n       \
ifenslave -d   <master-if> <slave-if> [<slave-if>...]\n       \
ifenslave -c   <master-if> <slave-if>\n       \
ifenslave --help\n";

const HELP: &str = "\n       To create a bond device, simply follow these three steps :\n       \
- ensure that the required drivers are properly loaded :\n         \
# modprobe bonding ; modprobe <3c59x|eepro100|pcnet32|tulip|...>\n       \
- assign an IP address to the bond device :\n         \
# ifconfig bond0 <addr> netmask <mask> broadcast <bcast>\n       \
- attach all the interfaces you need to the bond device :\n         \
# ifenslave [{-f|--force}] bond0 eth0 [eth1 [eth2]...]\n         \
If bond0 didn't have a MAC address, it will take eth0's. Then, all\n         \
interfaces attached AFTER this assignment will get the same MAC addr.\n         \
(except for ALB/TLB modes)\n\n       \
To set the bond device down and automatically release all the slaves :\n         \
# ifconfig bond0 down\n\n       \
To detach a dead interface without setting the bond device down :\n         \
# ifenslave {-d|--detach} bond0 eth0 [eth1 [eth2]...]\n\n       \
To change active slave :\n         \
# ifenslave {-c|--change-active} bond0 eth0\n\n       \
To show master interface info\n         \
# ifenslave bond0\n\n       \
To show all interfaces info\n       \
# ifenslave {-a|--all-interfaces}\n\n       \
To be more verbose\n       \
# ifenslave {-v|--verbose} ...\n\n       \
# ifenslave {-u|--usage}   Show usage\n       \
# ifenslave {-V|--version} Show version\n       \
# ifenslave {-h|--help}    This message\n\n";

const IFF_UP: i16 = libc::IFF_UP as i16;
const IFF_MASTER: i16 = libc::IFF_MASTER as i16;
const IFF_SLAVE: i16 = libc::IFF_SLAVE as i16;
const ARPHRD_ETHER: u16 = 1;

struct Ctx {
    sock: Socket,
    verbose: bool,
}

macro_rules! vprint {
    ($ctx:expr, $($arg:tt)*) => {
        if $ctx.verbose {
            eprint!($($arg)*);
        }
    };
}

/// errno of an io::Error, for exit codes.
fn errno(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(1)
}

/// strerror text without Rust's " (os error N)" suffix.
fn strerror(e: &io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

struct Settings {
    mtu: i32,
    flags: i16,
    hwaddr: (u16, [u8; 14]),
}

impl Ctx {
    fn get(&self, name: &str, req: u32) -> io::Result<IfReq> {
        let mut r = IfReq::new(name);
        self.sock.ioctl(req, &mut r)?;
        Ok(r)
    }

    fn settings(&self, name: &str) -> io::Result<Settings> {
        let q = |req: u32, what: &str| {
            self.get(name, req).inspect_err(|e| {
                vprint!(
                    self,
                    "Interface '{}': Error: {} failed: {}\n",
                    name,
                    what,
                    strerror(e)
                );
            })
        };
        let mtu = q(libc::SIOCGIFMTU as u32, "SIOCGIFMTU")?.int();
        let flags = q(libc::SIOCGIFFLAGS as u32, "SIOCGIFFLAGS")?.flags();
        let hwaddr = q(libc::SIOCGIFHWADDR as u32, "SIOCGIFHWADDR")?.sockaddr();
        Ok(Settings { mtu, flags, hwaddr })
    }

    fn set_flags(&self, name: &str, flags: i16) -> io::Result<()> {
        let mut r = IfReq::new(name);
        r.set_flags(flags);
        self.sock.ioctl(libc::SIOCSIFFLAGS as u32, &mut r)?;
        vprint!(self, "Interface '{}': flags set to {:04X}.\n", name, flags);
        Ok(())
    }

    fn set_mtu(&self, name: &str, mtu: i32) -> io::Result<()> {
        let mut r = IfReq::new(name);
        r.set_int(mtu);
        self.sock.ioctl(libc::SIOCSIFMTU as u32, &mut r)?;
        vprint!(self, "Slave '{}': MTU set to {}.\n", name, mtu);
        Ok(())
    }

    fn clear_addr(&self, name: &str) -> io::Result<()> {
        let mut r = IfReq::new(name);
        r.set_sockaddr(libc::AF_INET as u16, &[0; 14]);
        self.sock.ioctl(libc::SIOCSIFADDR as u32, &mut r)?;
        vprint!(self, "Interface '{}': address cleared\n", name);
        Ok(())
    }

    fn set_hwaddr(&self, name: &str, addr: &(u16, [u8; 14])) -> io::Result<()> {
        let mut r = IfReq::new(name);
        r.set_sockaddr(addr.0, &addr.1);
        self.sock.ioctl(libc::SIOCSIFHWADDR as u32, &mut r)
    }

    /// A bonding ioctl by its SIOCBOND* number, falling back to the old one.
    fn bond_ioctl(&self, master: &str, slave: &str, new: u32, old: u32) -> io::Result<()> {
        let mut r = IfReq::new(master);
        r.set_slave(slave);
        match self.sock.ioctl(new, &mut r) {
            Ok(()) => Ok(()),
            Err(_) => {
                let mut r = IfReq::new(master);
                r.set_slave(slave);
                self.sock.ioctl(old, &mut r)
            }
        }
    }

    /// The ABI handshake: ethtool GDRVINFO's fw_version is the bonding ABI.
    fn abi_version(&self, master: &str) -> io::Result<u32> {
        let mut info = DrvInfo {
            cmd: ETHTOOL_GDRVINFO,
            driver: [0; 32],
            version: [0; 32],
            fw_version: [0; 32],
            bus_info: [0; 32],
            erom_version: [0; 32],
            reserved2: [0; 12],
            tail: [0; 5],
        };
        let mut r = IfReq::new(master);
        r.set_data(&mut info as *mut DrvInfo as *mut libc::c_void);
        if let Err(e) = self.sock.ioctl(SIOCETHTOOL, &mut r) {
            if e.raw_os_error() == Some(libc::EOPNOTSUPP) {
                vprint!(self, "ABI ver is 0\n");
                return Ok(0);
            }
            vprint!(
                self,
                "Master '{}': Error: get bonding info failed {}\n",
                master,
                strerror(&e)
            );
            return Err(e);
        }
        let n = info.fw_version.iter().position(|&c| c == 0).unwrap_or(32);
        let text = String::from_utf8_lossy(&info.fw_version[..n]).into_owned();
        let abi = if text.is_empty() {
            Some(0)
        } else {
            text.parse::<u32>().ok()
        };
        match abi {
            Some(v) => {
                vprint!(self, "ABI ver is {}\n", v);
                Ok(v)
            }
            None => {
                vprint!(self, "Master '{}': Error: got invalid string as an ABI version from the bonding module\n", master);
                Err(io::Error::from_raw_os_error(libc::EINVAL))
            }
        }
    }

    fn print_config(&self, name: &str) -> io::Result<()> {
        let flags = self.get(name, libc::SIOCGIFFLAGS as u32)?.flags();
        println!(
            "The result of SIOCGIFFLAGS on {} is {:x}.",
            name, flags as u16
        );
        let (_, a) = self.get(name, libc::SIOCGIFADDR as u32)?.sockaddr();
        println!(
            "The result of SIOCGIFADDR is {:02x}.{:02x}.{:02x}.{:02x}.",
            a[2], a[3], a[4], a[5]
        );
        let (family, h) = self.get(name, libc::SIOCGIFHWADDR as u32)?.sockaddr();
        println!(
            "The result of SIOCGIFHWADDR is type {}  {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}.",
            family, h[0], h[1], h[2], h[3], h[4], h[5]
        );
        Ok(())
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    std::process::exit(run(&args));
}

fn run(args: &[String]) -> i32 {
    let cmd = parse(args);
    if cmd.action == Action::UsageError {
        eprint!("{USAGE}");
        return 2;
    }
    if cmd.verbose || cmd.action == Action::Version {
        print!("{VERSION}");
        if cmd.action == Action::Version {
            return 0;
        }
    }
    match cmd.action {
        Action::Usage => {
            print!("{USAGE}");
            return 0;
        }
        Action::Help => {
            print!("{USAGE}{HELP}");
            return 0;
        }
        _ => {}
    }
    let sock = match Socket::open() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("socket: {}", strerror(&e));
            return 1;
        }
    };
    let ctx = Ctx {
        sock,
        verbose: cmd.verbose,
    };

    let (master, slaves, mode) = match cmd.action {
        Action::ShowAll => {
            return match ctx.sock.ifconf_names() {
                Ok(names) => {
                    let mut res = 0;
                    for n in names {
                        if let Err(e) = ctx.print_config(&n) {
                            eprintln!("{n}: unknown interface.");
                            res = errno(&e);
                        }
                    }
                    res
                }
                Err(e) => {
                    eprintln!("SIOCGIFCONF failed: {}", strerror(&e));
                    errno(&e)
                }
            };
        }
        Action::Show { master } => {
            if let Err(e) = ctx.abi_version(&master) {
                eprintln!(
                    "Master '{master}': Error: handshake with driver failed: {}. Aborting",
                    strerror(&e)
                );
                return 1;
            }
            return match ctx.print_config(&master) {
                Ok(()) => 0,
                Err(e) => {
                    eprintln!("{master}: unknown interface.");
                    errno(&e)
                }
            };
        }
        Action::Enslave {
            master,
            slaves,
            force,
        } => (master, slaves, if force { 'f' } else { 'e' }),
        Action::Detach { master, slaves } => (master, slaves, 'd'),
        Action::ChangeActive { master, slave } => (master, vec![slave], 'c'),
        _ => return 2,
    };

    let abi = match ctx.abi_version(&master) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "Master '{master}': Error: handshake with driver failed: {}. Aborting",
                strerror(&e)
            );
            return 1;
        }
    };
    let m = match ctx.settings(&master) {
        Ok(s) => s,
        Err(e) => {
            eprintln!(
                "Master '{master}': Error: get settings failed: {}. Aborting",
                strerror(&e)
            );
            return errno(&e);
        }
    };
    if m.flags & IFF_MASTER == 0 {
        eprintln!(
            "Illegal operation; the specified interface '{master}' is not a master. Aborting"
        );
        return 1;
    }
    if m.flags & IFF_UP == 0 {
        eprintln!("Illegal operation; the specified master interface '{master}' is not up.");
        return 1;
    }
    let mut hwaddr_set = false;
    if mode == 'e' || mode == 'f' {
        if m.hwaddr.0 != ARPHRD_ETHER && mode != 'f' {
            eprintln!(
                "Illegal operation: The specified master interface '{master}' is not ethernet-like.\n \
                 This program is designed to work with ethernet-like network interfaces.\n \
                 Use the '-f' option to force the operation."
            );
            return 1;
        }
        hwaddr_set = m.hwaddr.1[..6].iter().any(|&b| b != 0);
        if hwaddr_set {
            let h = &m.hwaddr.1;
            vprint!(
                ctx,
                "current hardware address of master '{}' is {:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}, type {}\n",
                master, h[0], h[1], h[2], h[3], h[4], h[5], m.hwaddr.0
            );
        }
    }

    let mut res = 0;
    for slave in &slaves {
        let r = match mode {
            'c' => change_active(&ctx, &master, slave),
            'd' => detach(&ctx, &master, slave),
            _ => enslave(&ctx, &master, &m, slave, abi, &mut hwaddr_set),
        };
        if let Err(code) = r {
            res = code;
        }
        if mode == 'c' {
            break;
        }
    }
    res
}

fn slave_flags(ctx: &Ctx, slave: &str) -> Result<i16, i32> {
    match ctx.get(slave, libc::SIOCGIFFLAGS as u32) {
        Ok(r) => {
            vprint!(ctx, "Slave {}: flags {:04X}.\n", slave, r.flags());
            Ok(r.flags())
        }
        Err(e) => {
            eprintln!(
                "Slave '{slave}': Error: get flags failed: {}. Skipping",
                strerror(&e)
            );
            Err(errno(&e))
        }
    }
}

fn change_active(ctx: &Ctx, master: &str, slave: &str) -> Result<(), i32> {
    let flags = slave_flags(ctx, slave)?;
    if flags & IFF_SLAVE == 0 {
        eprintln!("Illegal operation: The specified slave interface '{slave}' is not a slave");
        return Err(1);
    }
    ctx.bond_ioctl(master, slave, SIOCBONDCHANGEACTIVE, BOND_CHANGE_ACTIVE_OLD)
        .map_err(|e| {
            eprintln!(
                "Master '{master}', Slave '{slave}': Error: Change active failed: {}",
                strerror(&e)
            );
            1
        })
}

fn detach(ctx: &Ctx, master: &str, slave: &str) -> Result<(), i32> {
    let flags = slave_flags(ctx, slave)?;
    if flags & IFF_SLAVE == 0 {
        eprintln!("Illegal operation: The specified slave interface '{slave}' is not a slave");
        return Err(1);
    }
    ctx.bond_ioctl(master, slave, SIOCBONDRELEASE, BOND_RELEASE_OLD)
        .map_err(|e| {
            eprintln!(
                "Master '{master}', Slave '{slave}': Error: Release failed: {}",
                strerror(&e)
            );
            1
        })
}

fn enslave(
    ctx: &Ctx,
    master: &str,
    m: &Settings,
    slave: &str,
    abi: u32,
    hwaddr_set: &mut bool,
) -> Result<(), i32> {
    let s = ctx.settings(slave).map_err(|e| {
        eprintln!(
            "Slave '{slave}': Error: get settings failed: {}. Skipping",
            strerror(&e)
        );
        errno(&e)
    })?;
    if s.flags & IFF_SLAVE != 0 {
        eprintln!("Illegal operation: The specified slave interface '{slave}' is already a slave");
        return Err(1);
    }
    ctx.set_flags(slave, s.flags & !IFF_UP).map_err(|e| {
        eprintln!(
            "Slave '{slave}': Error: bring interface down failed: {}",
            strerror(&e)
        );
        errno(&e)
    })?;
    if abi >= 2 {
        // An address-less slave is fine for ABI 2 drivers; clear any IPv4
        // address so it does not answer for itself.
        ctx.clear_addr(slave).map_err(|e| {
            eprintln!(
                "Slave '{slave}': Error: clear address failed: {}",
                strerror(&e)
            );
            errno(&e)
        })?;
    }
    // ABI 2 drivers set the slave's MTU themselves and give back the one it
    // had on release. Setting it here first would make the driver save the
    // master's MTU as the slave's own, and `-d` would leave it there.
    let set_mtu = abi < 2 && m.mtu != s.mtu;
    if set_mtu {
        ctx.set_mtu(slave, m.mtu).map_err(|e| {
            eprintln!("Slave '{slave}': Error: set MTU failed: {}", strerror(&e));
            errno(&e)
        })?;
    }
    let mut set_master_mac = false;
    if !*hwaddr_set {
        // A master without an address takes the first slave's (never the
        // case with modern drivers, whose bonds start with a random MAC).
        if let Err(e) = ctx.set_hwaddr(master, &s.hwaddr) {
            eprintln!(
                "Master '{master}': Error: set hw address failed: {}",
                strerror(&e)
            );
            if set_mtu {
                let _ = ctx.set_mtu(slave, s.mtu);
            }
            return Err(errno(&e));
        }
        set_master_mac = true;
        *hwaddr_set = true;
    }
    match ctx.bond_ioctl(master, slave, SIOCBONDENSLAVE, BOND_ENSLAVE_OLD) {
        Ok(()) => Ok(()),
        Err(e) => {
            eprintln!(
                "Master '{master}', Slave '{slave}': Error: Enslave failed: {}",
                strerror(&e)
            );
            // Roll back, best effort, as v1.1.0 does.
            if set_master_mac {
                let _ = ctx.set_hwaddr(master, &m.hwaddr);
                *hwaddr_set = false;
            }
            if set_mtu {
                let _ = ctx.set_mtu(slave, s.mtu);
            }
            Err(1)
        }
    }
}
