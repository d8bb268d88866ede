// SPDX-License-Identifier: GPL-2.0

//! A device's private area ([`DevPriv`]): the layer's delayed works and
//! proc file, then the driver's data; finding a driver's data from a
//! device.

use super::super::{
    bindings as b,
    proc::{ProcDir, ProcFile},
    rtnl::{Rtnl, RtnlCell},
};
use super::{adapter::Adapter, driver::ProcView, Device, Driver};
use core::{
    mem::MaybeUninit,
    sync::atomic::{AtomicBool, Ordering},
};
use kernel::{
    error::{code::*, Error, Result},
    init::PinInit,
    sync::Arc,
    types::Opaque,
};

/// Which of a device's delayed works (`Driver::work`): each device of a
/// driver has `MAX_WORKS` of them, independent of each other (the C
/// drivers' `mii_work`, `arp_work`, `ad_work`...).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct WorkId(pub(crate) u8);

/// How many delayed works a device has.
pub(crate) const MAX_WORKS: usize = 4;

/// One delayed work, with its place in `DevPriv::works` (to find the
/// device again from the work).
#[repr(C)]
pub(super) struct WorkSlot {
    // First: a pointer to its work_struct is a pointer to the slot.
    pub(super) dw: Opaque<b::delayed_work>,
    pub(super) index: u8,
}

/// When a driver's work runs next.
pub(crate) enum Rearm {
    /// After this many milliseconds.
    Ms(u32),
    /// After this many jiffies (1: "as soon as possible", e.g. when RTNL
    /// was contended).
    Jiffies(u32),
    /// Not again until restarted.
    Stop,
}

/// The private area of a `T` device: the layer's monitor work, then the
/// driver's data.
///
/// # Invariants
///
/// The layer's fields are initialised by `setup_callback` when the core
/// allocates the device. `data` is initialised while `ready` is set: from
/// before the device is registered until its destructor, which the core
/// runs once the device is unregistered and unused.
#[repr(C)]
pub(in crate::net) struct DevPriv<T: Driver> {
    // First, so that the first slot's address is DevPriv's.
    pub(super) works: [WorkSlot; MAX_WORKS],
    /// The device's proc file, renamed with the device (under RTNL).
    pub(super) proc_file: RtnlCell<Option<ProcFile<ProcView<T>>>>,
    pub(super) ready: AtomicBool,
    pub(super) data: MaybeUninit<T::Data>,
}

/// `netdev_priv()`'s offset from the device (`ALIGN(sizeof(struct
/// net_device), NETDEV_ALIGN)`).
pub(super) const NETDEV_PRIV_OFFSET: usize = b::rbond_layout_RBOND_NETDEV_PRIV_OFFSET as usize;

/// Whether the inline `netdev_priv()` offset (the layout bindgen saw)
/// agrees with the one the C compiler computes: the module refuses to load
/// otherwise.
pub(crate) fn priv_offset_agrees() -> bool {
    // SAFETY: a pure computation.
    let theirs = unsafe { b::rbond_netdev_priv_offset() };
    theirs == NETDEV_PRIV_OFFSET
}

impl Device {
    /// The private data, if this device belongs to driver `T`.
    pub(crate) fn driver_data<T: Driver>(&self) -> Option<&T::Data> {
        // SAFETY: valid device; netdev_ops is fixed after registration.
        let ops = unsafe { (*self.as_raw()).netdev_ops };
        if core::ptr::eq(ops, &T::OPS.0) {
            // SAFETY: only devices set up by Adapter::<T>::setup_callback use these ops; registered (the caller has a device in use), their private data is initialised.
            Some(unsafe { Adapter::<T>::parts(self.as_raw()).1 })
        } else {
            None
        }
    }

    /// Shows a registered `T` device's data in `dir`, in a file named after
    /// the device that follows its renames ([`Device::proc_follow_name`])
    /// and goes when the device is unregistered.
    pub(crate) fn proc_create<T: Driver>(&self, dir: &Arc<ProcDir>, rtnl: &Rtnl) -> Result {
        if self.driver_data::<T>().is_none() {
            return Err(EINVAL);
        }
        let name = self.name();
        let name = name.with_nul().ok_or(EINVAL)?;
        let view = self.as_raw().cast::<ProcView<T>>().cast_const();
        // SAFETY: a `T` device (checked above): its ndo_uninit removes the file before its data can be dropped.
        let file = unsafe { ProcFile::new(dir, name, view)? };
        // SAFETY: as above, the private area holds a DevPriv<T>.
        let cell = unsafe { &(*Adapter::<T>::priv_of(self.as_raw())).proc_file };
        *cell.borrow_mut(rtnl)? = Some(file);
        Ok(())
    }

    /// After a rename (NETDEV_CHANGENAME) of a `T` device: its proc file
    /// takes the new name, as the C driver's bond_event_changename().
    pub(crate) fn proc_follow_name<T: Driver>(&self, rtnl: &Rtnl) -> Result {
        if self.driver_data::<T>().is_none() {
            return Err(EINVAL);
        }
        // SAFETY: a `T` device (checked above), whose private area holds a DevPriv<T>.
        let cell = unsafe { &(*Adapter::<T>::priv_of(self.as_raw())).proc_file };
        let mut file = cell.borrow_mut(rtnl)?;
        let name = self.name();
        match (file.as_mut(), name.with_nul()) {
            (Some(f), Some(n)) => f.rename(n),
            _ => Ok(()),
        }
    }

    /// The delayed work `id` of a `T` device, if this is one.
    fn work_of<T: Driver>(&self, id: WorkId) -> Option<*mut b::delayed_work> {
        self.driver_data::<T>()?;
        // SAFETY: a `T` device (checked above) has a DevPriv<T> whose works setup_callback initialised.
        let works = unsafe { &(*Adapter::<T>::priv_of(self.as_raw())).works };
        works.get(usize::from(id.0)).map(|w| w.dw.get())
    }

    /// Runs `T::work(id)` after `delay_ms` (now if 0), unless already
    /// queued. Does nothing if the device is not a `T` device.
    pub(crate) fn start_work<T: Driver>(&self, id: WorkId, delay_ms: u32) {
        if let Some(dw) = self.work_of::<T>(id) {
            // SAFETY: an initialised work of a device whose data is initialised (it is in use), so the destructor (which cancels the works) has not run.
            unsafe { b::rbond_queue_delayed_work(dw, b::rbond_msecs_to_jiffies(delay_ms)) };
        }
    }

    /// Runs `T::work(id)` after `delay_ms`, queued or not: a pending run
    /// is moved to then (`mod_delayed_work`). Does nothing if the device
    /// is not a `T` device.
    pub(crate) fn restart_work<T: Driver>(&self, id: WorkId, delay_ms: u32) {
        if let Some(dw) = self.work_of::<T>(id) {
            // SAFETY: as in start_work.
            unsafe { b::rbond_mod_delayed_work(dw, b::rbond_msecs_to_jiffies(delay_ms)) };
        }
    }

    /// Cancels `T::work(id)` and waits for a running one to finish
    /// (`cancel_delayed_work_sync`: the work must not wait for RTNL, but
    /// try it, since ndo_stop calls this under RTNL).
    pub(crate) fn stop_work<T: Driver>(&self, id: WorkId) {
        if let Some(dw) = self.work_of::<T>(id) {
            // SAFETY: as in start_work; process context.
            unsafe { b::cancel_delayed_work_sync(dw) };
        }
    }
}

/// Reaching a `T` device's private area from the device.
impl<T: Driver> Adapter<T> {
    /// # Safety
    ///
    /// `dev` must be a valid net_device set up by `setup_callback`, whose
    /// private data is initialised (true for every callback of a
    /// registered device).
    pub(in crate::net) unsafe fn parts<'a>(dev: *mut b::net_device) -> (&'a Device, &'a T::Data) {
        // SAFETY: per the function's requirements.
        let p = unsafe { Self::priv_of(dev) };
        // SAFETY: per the function's requirements.
        let data = unsafe { (*p).data.assume_init_ref() };
        // SAFETY: per the function's requirements.
        (unsafe { Device::from_raw(dev) }, data)
    }

    /// # Safety
    ///
    /// `dev` must be a net_device allocated with `setup_callback` and a
    /// private area of `PRIV_SIZE` bytes.
    #[inline]
    pub(super) unsafe fn priv_of(dev: *mut b::net_device) -> *mut DevPriv<T> {
        // `netdev_priv()` inline: every packet's callback comes through
        // here. The offset is the kernel's (bindgen evaluates it);
        // `check_priv_offset` compares it with the C helper at load.
        // SAFETY: per the function's requirements, the private area holds a DevPriv<T>, `NETDEV_PRIV_OFFSET` bytes into the device's allocation.
        unsafe { dev.cast::<u8>().add(NETDEV_PRIV_OFFSET).cast() }
    }

    /// Initialises a new device's private data (before it is registered).
    ///
    /// # Safety
    ///
    /// `dev` must be a device set up by `setup_callback`, not registered,
    /// whose data is not initialised.
    pub(in crate::net) unsafe fn init_data(
        dev: *mut b::net_device,
        data: impl PinInit<T::Data, Error>,
    ) -> Result {
        // SAFETY: per the function's requirements; the private area never moves.
        let p = unsafe { Self::priv_of(dev) };
        // SAFETY: as above; the slot is valid for writes and uninitialised.
        unsafe { data.__pinned_init(core::ptr::addr_of_mut!((*p).data).cast())? };
        // SAFETY: as above.
        unsafe { (*p).ready.store(true, Ordering::Release) };
        Ok(())
    }

    /// Drops the private data if it is initialised: from the destructor, or
    /// after a failed registration that did not run it.
    ///
    /// # Safety
    ///
    /// `dev` must be a device set up by `setup_callback` that nothing uses
    /// any more: unregistered (or never registered), no callback running.
    pub(in crate::net) unsafe fn drop_data(dev: *mut b::net_device) {
        // SAFETY: per the function's requirements.
        let p = unsafe { Self::priv_of(dev) };
        // SAFETY: as above; nothing else uses the area any more.
        let p = unsafe { &mut *p };
        for w in p.works.iter() {
            // SAFETY: the works were initialised by setup_callback, and cancelling an idle work is a no-op.
            unsafe { b::cancel_delayed_work_sync(w.dw.get()) };
        }
        if p.ready.swap(false, Ordering::AcqRel) {
            // SAFETY: `ready` said the data is initialised; it is dropped once, as `ready` is now false.
            unsafe { p.data.assume_init_drop() };
        }
    }
}
