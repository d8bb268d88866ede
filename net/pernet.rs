// SPDX-License-Identifier: GPL-2.0

//! Network namespaces: per-namespace data of a module (`struct
//! pernet_operations` with `net_generic()` storage), made when a namespace
//! is created (or the module loaded) and dropped when it goes.

use super::{bindings as b, device::Device, rcu::RcuGuard, rtnl::Rtnl};
use core::{ffi::c_int, marker::PhantomData, mem::MaybeUninit};
use kernel::{
    build_assert,
    error::{from_result, to_result, Result},
    types::Opaque,
};

/// A network namespace (`struct net`).
#[repr(transparent)]
pub(crate) struct Net(Opaque<b::net>);

impl Net {
    /// # Safety
    ///
    /// `p` must point to a live namespace, for all of `'a`.
    pub(super) unsafe fn from_raw<'a>(p: *mut b::net) -> &'a Net {
        // SAFETY: per the function's requirements; Net is transparent over the C struct.
        unsafe { &*p.cast::<Net>() }
    }

    pub(super) fn as_raw(&self) -> *mut b::net {
        self.0.get()
    }

    /// The initial namespace.
    pub(crate) fn init_net() -> &'static Net {
        // SAFETY: init_net lives as long as the kernel.
        unsafe { Net::from_raw(core::ptr::addr_of_mut!(b::init_net)) }
    }

    /// Calls `f` on each device of the namespace, in registration order
    /// (`for_each_netdev_rcu`).
    pub(crate) fn for_each_device(&self, _rcu: &RcuGuard, mut f: impl FnMut(&Device)) {
        // SAFETY: a live namespace; under RCU (the guard) the list may be walked and its devices are not freed.
        let mut d = unsafe { b::rbond_first_net_device_rcu(self.as_raw()) };
        loop {
            if d.is_null() {
                return;
            }
            // SAFETY: as above.
            f(unsafe { Device::from_raw(d) });
            // SAFETY: as above; `d` is on the list.
            d = unsafe { b::rbond_next_net_device_rcu(d) };
        }
    }

    /// The device named `name` in this namespace.
    pub(crate) fn device_by_name<'a>(&self, name: &[u8], rtnl: &'a Rtnl) -> Option<&'a Device> {
        let mut buf = [0u8; b::IFNAMSIZ as usize];
        if name.is_empty() || name.len() >= buf.len() || name.contains(&0) {
            return None;
        }
        buf.get_mut(..name.len())?.copy_from_slice(name);
        let _ = rtnl;
        // SAFETY: a live namespace; `buf` is NUL-terminated; under RTNL (the proof) the device stays registered while the proof lives.
        unsafe {
            let d = b::__dev_get_by_name(self.as_raw(), buf.as_ptr().cast());
            (!d.is_null()).then(|| Device::from_raw(d))
        }
    }
}

/// Data a module keeps in every namespace.
pub(crate) trait PernetData: Sized + Send + Sync + 'static {
    /// The operations that make and drop it.
    const OPS: &'static Pernet<Self>;
    /// Makes the data of a new namespace (or of each existing one when the
    /// module registers).
    fn init(net: &Net) -> Result<Self>;
}

/// The `pernet_operations` of `T`, in a static.
pub(crate) struct Pernet<T: PernetData> {
    ops: Opaque<b::pernet_operations>,
    id: Opaque<kernel::ffi::c_uint>,
    _data: PhantomData<T>,
}

// SAFETY: the core reads the ops and the id from any thread; it writes the id once, at registration, before any callback runs.
unsafe impl<T: PernetData> Sync for Pernet<T> {}

impl<T: PernetData> Pernet<T> {
    /// The operations, for a `static`.
    pub(crate) const fn new() -> Self {
        // SAFETY: pernet_operations is plain old data for which all-zeroes means "no such callback"; the id pointer is set at registration.
        let mut ops: b::pernet_operations = unsafe { MaybeUninit::zeroed().assume_init() };
        ops.init = Some(Self::init_callback);
        ops.exit = Some(Self::exit_callback);
        ops.size = core::mem::size_of::<T>();
        Self {
            ops: Opaque::new(ops),
            id: Opaque::new(0),
            _data: PhantomData,
        }
    }

    /// # Safety
    ///
    /// `net` must be live and this module's operations registered, with
    /// `init_callback` done for `net`.
    unsafe fn slot(net: *mut b::net) -> *mut T {
        // SAFETY: per the function's requirements the id was assigned and the namespace's generic slot holds `size` bytes (kzalloc'd, so aligned to 8 at least).
        unsafe { b::rbond_net_generic(net, *T::OPS.id.get()).cast() }
    }

    /// The data of `net`.
    pub(crate) fn get<'a>(&'static self, net: &'a Net) -> &'a T {
        // SAFETY: `net` is live; the data exists from init_callback until exit_callback, which runs only once no device of the namespace is left, and the caller reached `net` through something that keeps it alive (a device of ours, a sysfs file of it). The registration outlives every such object.
        unsafe { &*Self::slot(net.as_raw()) }
    }

    /// The `init` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the namespace core as `init` of these pernet operations, with a namespace being
    /// set up whose `id` slot for them is allocated.
    unsafe extern "C" fn init_callback(net: *mut b::net) -> c_int {
        build_assert!(core::mem::align_of::<T>() <= 8);
        from_result(|| {
            // SAFETY: the core calls init with a namespace being set up, after allocating its slot.
            let data = T::init(unsafe { Net::from_raw(net) })?;
            // SAFETY: as above; the slot is zeroed memory of size_of::<T>() bytes.
            unsafe { Self::slot(net).write(data) };
            Ok(0)
        })
    }

    /// The `exit` trampoline.
    ///
    /// # Safety
    ///
    /// Called by the namespace core as `exit` of these pernet operations, with a namespace being
    /// torn down whose `init` succeeded.
    unsafe extern "C" fn exit_callback(net: *mut b::net) {
        // SAFETY: the core calls exit once per namespace whose init succeeded, before freeing the slot.
        unsafe { core::ptr::drop_in_place(Self::slot(net)) };
    }
}

/// `T` is made in every namespace while this lives (`register_pernet_subsys`).
pub(crate) struct PernetRegistration<T: PernetData>(PhantomData<T>);

impl<T: PernetData> PernetRegistration<T> {
    /// Registers `T::OPS`: `T::init` runs for every existing namespace.
    pub(crate) fn new() -> Result<Self> {
        let ops = T::OPS.ops.get();
        // SAFETY: the ops are static and not registered yet, so nothing else reads them; the id they point to is static too.
        unsafe {
            (*ops).id = T::OPS.id.get();
            to_result(b::register_pernet_subsys(ops))?;
        }
        Ok(Self(PhantomData))
    }
}

impl<T: PernetData> Drop for PernetRegistration<T> {
    fn drop(&mut self) {
        // SAFETY: registered in `new`.
        unsafe { b::unregister_pernet_subsys(T::OPS.ops.get()) };
    }
}
