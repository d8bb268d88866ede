// SPDX-License-Identifier: GPL-2.0

//! sysfs files of network devices: a named group of files in a device's
//! directory (`/sys/class/net/<dev>/<group>/`), and a file in
//! `/sys/class/net` of one namespace.
//!
//! Files are described by statics the driver declares ([`DevAttr`],
//! [`AttrList`], [`AttrGroup`]); their callbacks are plain functions over
//! the device, so that one group can serve masters (through their driver
//! data) and slaves (through what the driver attached to them) alike.

use super::{bindings as b, device::Device, pernet::Net, rtnl::Rtnl};
use core::{fmt, mem::MaybeUninit, ptr::NonNull};
use kernel::ffi::c_char;
use kernel::{
    error::{code::*, to_result, Error, Result},
    prelude::*,
    str::CStr,
    types::Opaque,
};

/// The page a show callback writes into.
pub(crate) struct SysfsBuf {
    buf: NonNull<u8>,
    len: usize,
}

/// sysfs hands show callbacks one page.
const PAGE: usize = 4096;

impl SysfsBuf {
    /// Bytes written so far.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Replaces the last byte written (the C drivers' "eat the leftover
    /// space"), if there is one.
    pub(crate) fn replace_last(&mut self, byte: u8) {
        if let Some(i) = self.len.checked_sub(1) {
            // SAFETY: `i` is inside the part of the page written so far.
            unsafe { self.buf.as_ptr().add(i).write(byte) };
        }
    }
}

impl fmt::Write for SysfsBuf {
    /// Appends, truncating at the end of the page as `sysfs_emit_at` does.
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = (PAGE - 1).saturating_sub(self.len);
        let n = s.len().min(room);
        // SAFETY: the page has PAGE bytes; `self.len + n < PAGE`; `s` is valid for `n` bytes and does not overlap the page.
        unsafe { core::ptr::copy_nonoverlapping(s.as_ptr(), self.buf.as_ptr().add(self.len), n) };
        self.len += n;
        Ok(())
    }
}

/// A show callback: the device whose directory holds the file.
pub(crate) type ShowFn = fn(&Device, &mut SysfsBuf) -> fmt::Result;
/// A store callback: the device, the file's name and what was written.
pub(crate) type StoreFn = fn(&Device, &[u8], &[u8]) -> Result;

/// One file (`struct device_attribute`) with its callbacks.
#[repr(C)]
pub(crate) struct DevAttr {
    // First: the core's `struct device_attribute *` is a pointer to this.
    raw: Opaque<b::device_attribute>,
    name: &'static CStr,
    show: ShowFn,
    store: Option<StoreFn>,
}

// SAFETY: immutable after construction; the core only reads it.
unsafe impl Sync for DevAttr {}

impl DevAttr {
    /// A file readable by all, writable by root (0644), or read-only (0444)
    /// without `store`.
    pub(crate) const fn new(name: &'static CStr, show: ShowFn, store: Option<StoreFn>) -> Self {
        // SAFETY: device_attribute is plain old data; all-zeroes is no callbacks and no lockdep key (a static attribute needs none).
        let mut a: b::device_attribute = unsafe { MaybeUninit::zeroed().assume_init() };
        a.attr.name = name.as_char_ptr();
        a.attr.mode = if store.is_some() { 0o644 } else { 0o444 };
        a.show = Some(show_callback);
        if store.is_some() {
            a.store = Some(store_callback);
        }
        Self {
            raw: Opaque::new(a),
            name,
            show,
            store,
        }
    }
}

/// The net_device of a `struct device` in /sys/class/net.
///
/// # Safety
///
/// `d` must be the embedded device of a registered net_device.
unsafe fn net_dev<'a>(d: *mut b::device) -> &'a Device {
    // SAFETY: per the function's requirements (to_net_dev is container_of).
    unsafe { Device::from_raw(b::rbond_to_net_dev(d)) }
}

/// A show callback's result: the bytes `show` wrote into the page `buf`.
///
/// # Safety
///
/// `buf` must be null or the page sysfs hands a show callback.
unsafe fn emit(buf: *mut c_char, show: impl FnOnce(&mut SysfsBuf) -> fmt::Result) -> isize {
    let Some(buf) = NonNull::new(buf.cast::<u8>()) else {
        return EINVAL.to_errno() as isize;
    };
    let mut out = SysfsBuf { buf, len: 0 };
    match show(&mut out) {
        Ok(()) => out.len as isize,
        Err(_) => EINVAL.to_errno() as isize,
    }
}

/// A store callback's result: all `count` bytes, or the error.
fn stored(count: usize, r: Result) -> isize {
    match r {
        Ok(()) => count as isize,
        Err(e) => e.to_errno() as isize,
    }
}

/// The `show` trampoline.
///
/// # Safety
///
/// Called by sysfs for an attribute of an [`AttrGroup`] on a registered device, with `attr` the
/// attribute's `device_attribute` and a `PAGE_SIZE` buffer.
unsafe extern "C" fn show_callback(
    d: *mut b::device,
    attr: *mut b::device_attribute,
    buf: *mut c_char,
) -> isize {
    // SAFETY: the core calls show with an attribute of a group of ours (a DevAttr, whose first field it is), the device whose directory has the file (a registered net_device: the files go before it is unregistered), and a page.
    unsafe {
        let (a, dev) = (&*attr.cast::<DevAttr>(), net_dev(d));
        emit(buf, |out| (a.show)(dev, out))
    }
}

/// The `store` trampoline.
///
/// # Safety
///
/// Called by sysfs for an attribute of an [`AttrGroup`] on a registered device, with `attr` the
/// attribute's `device_attribute` and `count` readable bytes at `buf`.
unsafe extern "C" fn store_callback(
    d: *mut b::device,
    attr: *mut b::device_attribute,
    buf: *const c_char,
    count: usize,
) -> isize {
    let (a, dev, data) =
        // SAFETY: as in show_callback; `buf` holds `count` bytes written by the user.
        unsafe { (&*attr.cast::<DevAttr>(), net_dev(d), core::slice::from_raw_parts(buf.cast::<u8>(), count)) };
    let Some(store) = a.store else {
        return EIO.to_errno() as isize;
    };
    stored(count, store(dev, a.name.as_bytes(), data))
}

/// The NULL-terminated list of a group's files (`struct attribute **`).
pub(crate) struct AttrList<const N: usize>([*const b::attribute; N]);

// SAFETY: pointers to static, immutable attributes.
unsafe impl<const N: usize> Sync for AttrList<N> {}

impl<const N: usize> AttrList<N> {
    /// The list of `attrs`, which must have `N - 1` entries.
    pub(crate) const fn new(attrs: &'static [DevAttr]) -> Self {
        let mut l = [core::ptr::null::<b::attribute>(); N];
        assert!(attrs.len() + 1 == N);
        let mut i = 0;
        while i < attrs.len() {
            // The attribute is the first field of the device_attribute, the first of the DevAttr.
            l[i] = (&attrs[i] as *const DevAttr).cast::<b::attribute>();
            i += 1;
        }
        Self(l)
    }
}

/// A named group of files: a directory of their own.
pub(crate) struct AttrGroup(Opaque<b::attribute_group>);

// SAFETY: immutable after construction; the core only reads it.
unsafe impl Sync for AttrGroup {}

impl AttrGroup {
    /// The group `name` with the files of `list`.
    pub(crate) const fn new<const N: usize>(
        name: &'static CStr,
        list: &'static AttrList<N>,
    ) -> Self {
        // SAFETY: attribute_group is plain old data; all-zeroes is no visibility callback and no binary files.
        let mut g: b::attribute_group = unsafe { MaybeUninit::zeroed().assume_init() };
        g.name = name.as_char_ptr();
        g.attrs = list.0.as_ptr().cast_mut().cast();
        Self(Opaque::new(g))
    }

    pub(super) fn as_raw(&self) -> *const b::attribute_group {
        self.0.get()
    }
}

impl Device {
    /// Adds `group`'s directory to this device (for a device of another
    /// driver: a slave's `bonding_slave/`). Removed by
    /// [`Device::remove_sysfs_group`], which must come before the device is
    /// unregistered.
    pub(crate) fn add_sysfs_group(&self, group: &'static AttrGroup, _rtnl: &Rtnl) -> Result {
        // SAFETY: a registered device; the group is static.
        to_result(unsafe { b::sysfs_create_group(self.kobj(), group.as_raw()) })
    }

    /// Removes a group added by [`Device::add_sysfs_group`].
    pub(crate) fn remove_sysfs_group(&self, group: &'static AttrGroup, _rtnl: &Rtnl) {
        // SAFETY: as above; removing waits for readers of the files.
        unsafe { b::sysfs_remove_group(self.kobj(), group.as_raw()) }
    }

    /// The device's kobject (`&dev->dev.kobj`), its sysfs directory.
    fn kobj(&self) -> *mut b::kobject {
        // SAFETY: valid device; only the address is taken.
        unsafe { core::ptr::addr_of_mut!((*self.as_raw()).dev.kobj) }
    }
}

/// A file in `/sys/class/net` of one namespace (`bonding_masters`),
/// removed on drop.
pub(crate) struct NetClassFile(KBox<ClassFile>);

#[repr(C)]
struct ClassFile {
    // First: the core's `struct class_attribute *` is a pointer to this.
    raw: Opaque<b::class_attribute>,
    net: NonNull<b::net>,
    show: fn(&Net, &mut SysfsBuf) -> fmt::Result,
    store: fn(&Net, &[u8]) -> Result,
}

// SAFETY: the file's callbacks run on any thread; they only read the namespace pointer, which stays valid while the file exists (it is removed before the namespace goes), and call `fn`s.
unsafe impl Send for NetClassFile {}
// SAFETY: as above.
unsafe impl Sync for NetClassFile {}

impl NetClassFile {
    /// Creates `/sys/class/net/<name>` (mode 0644) in `net`.
    pub(crate) fn new(
        net: &Net,
        name: &'static CStr,
        show: fn(&Net, &mut SysfsBuf) -> fmt::Result,
        store: fn(&Net, &[u8]) -> Result,
    ) -> Result<Self> {
        // SAFETY: class_attribute is plain old data; the callbacks and name are set below.
        let mut a: b::class_attribute = unsafe { MaybeUninit::zeroed().assume_init() };
        a.attr.name = name.as_char_ptr();
        a.attr.mode = 0o644;
        a.show = Some(class_show_callback);
        a.store = Some(class_store_callback);
        let net_ptr = NonNull::new(net.as_raw()).ok_or(EINVAL)?;
        let f = KBox::new(
            ClassFile {
                raw: Opaque::new(a),
                net: net_ptr,
                show,
                store,
            },
            GFP_KERNEL,
        )?;
        // SAFETY: the attribute lives in the box until Drop removes the file; a dynamically allocated attribute needs its lockdep key initialised.
        unsafe { b::rbond_sysfs_attr_init(core::ptr::addr_of_mut!((*f.raw.get()).attr)) };
        // SAFETY: as above; `net` is live.
        to_result(unsafe { b::netdev_class_create_file_ns(f.raw.get(), net.as_raw().cast()) })?;
        Ok(Self(f))
    }
}

impl Drop for NetClassFile {
    fn drop(&mut self) {
        // SAFETY: created in `new` in this namespace, which is still live (its per-namespace data, which owns this, goes first); removal waits for running callbacks.
        unsafe { b::netdev_class_remove_file_ns(self.0.raw.get(), self.0.net.as_ptr().cast()) };
    }
}

/// The `class_show` trampoline.
///
/// # Safety
///
/// Called by sysfs for a class file made by [`NetClassFile`], with `attr` its `class_attribute` and
/// a `PAGE_SIZE` buffer.
unsafe extern "C" fn class_show_callback(
    _class: *const b::class,
    attr: *const b::class_attribute,
    buf: *mut c_char,
) -> isize {
    // SAFETY: the attribute is the first field of a live ClassFile (its file exists).
    let f = unsafe { &*attr.cast::<ClassFile>() };
    // SAFETY: its namespace is live while the file exists.
    let net = unsafe { Net::from_raw(f.net.as_ptr()) };
    // SAFETY: `buf` is the page sysfs hands a show callback.
    unsafe { emit(buf, |out| (f.show)(net, out)) }
}

/// The `class_store` trampoline.
///
/// # Safety
///
/// Called by sysfs for a class file made by [`NetClassFile`], with `attr` its `class_attribute` and
/// `count` readable bytes at `buf`.
unsafe extern "C" fn class_store_callback(
    _class: *const b::class,
    attr: *const b::class_attribute,
    buf: *const c_char,
    count: usize,
) -> isize {
    // SAFETY: as in class_show_callback.
    let f = unsafe { &*attr.cast::<ClassFile>() };
    // SAFETY: as in class_show_callback.
    let net = unsafe { Net::from_raw(f.net.as_ptr()) };
    // SAFETY: `buf` holds `count` bytes, for the call.
    let data = unsafe { core::slice::from_raw_parts(buf.cast::<u8>(), count) };
    stored(count, (f.store)(net, data))
}

/// RTNL for a sysfs write, or an error that makes the write start over
/// (`rtnl_trylock()` + `restart_syscall()`): a writer that waited for RTNL
/// could deadlock with a holder of RTNL removing the file.
pub(crate) fn rtnl_or_restart() -> Result<super::rtnl::RtnlGuard> {
    super::rtnl::Rtnl::try_lock().ok_or_else(|| {
        // SAFETY: process context (a sysfs write).
        Error::from_errno(unsafe { b::rbond_restart_syscall() })
    })
}
