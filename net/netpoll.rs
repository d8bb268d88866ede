// SPDX-License-Identifier: GPL-2.0

//! netpoll: transmitting with interrupts off, for netconsole and other
//! netpoll clients, with no help from the softirq machinery.
//!
//! A stacked device (a bond) has no queue of its own to poll. When a netpoll
//! client attaches to it, the core calls its `ndo_netpoll_setup`, and it sets
//! up netpoll on each lower device ([`NetpollSlot::enable`]); while the client
//! transmits ([`Device::netpoll_tx_running`]), frames go to the lower
//! device's netpoll ([`NetpollSlot::send`]) rather than `dev_queue_xmit`,
//! which must not run with interrupts off.
//!
//! Without `CONFIG_NETPOLL` in the kernel, the same API exists and does
//! nothing: no client can attach.

use super::{device::Device, rtnl::Rtnl, skb::SkBuff};

#[cfg(CONFIG_NETPOLL)]
mod imp {
    use super::{Device, Rtnl, SkBuff};
    use crate::net::bindings as b;
    use core::{
        mem::MaybeUninit,
        sync::atomic::{AtomicPtr, Ordering},
    };
    use kernel::prelude::*;
    use kernel::{alloc::flags::__GFP_ZERO, error::to_result};

    /// A lower device's netpoll instance, or none.
    ///
    /// # Invariants
    ///
    /// `ptr` is null, or a `struct netpoll` allocated zeroed by this type and
    /// set up on a device by `__netpoll_setup`; it is freed only by
    /// `__netpoll_free` under RTNL, which waits for a grace period first, so
    /// a sender that loaded it in an RCU read-side section (interrupts off)
    /// can use it to the end of that section.
    pub(crate) struct NetpollSlot {
        ptr: AtomicPtr<b::netpoll>,
    }

    impl NetpollSlot {
        pub(crate) const fn new() -> Self {
            Self {
                ptr: AtomicPtr::new(core::ptr::null_mut()),
            }
        }

        /// Sets up netpoll on `dev` (`__netpoll_setup`). Fails with the
        /// core's error, e.g. ENOTSUPP for a device with
        /// IFF_DISABLE_NETPOLL (veth).
        pub(crate) fn enable(&self, _rtnl: &Rtnl, dev: &Device) -> Result {
            if !self.ptr.load(Ordering::Relaxed).is_null() {
                return Ok(());
            }
            let np = KBox::<MaybeUninit<b::netpoll>>::new_uninit(GFP_KERNEL | __GFP_ZERO)?;
            let np = KBox::into_raw(np).cast::<b::netpoll>();
            // SAFETY: `np` is a zeroed netpoll (all-zeroes is the state netpoll clients allocate with kzalloc); `dev` is valid and RTNL is held, as __netpoll_setup asserts.
            if let Err(e) = to_result(unsafe { b::__netpoll_setup(np, dev.as_ptr()) }) {
                // SAFETY: set-up failed, so nothing else refers to `np`, which came from KBox::into_raw above.
                drop(unsafe { KBox::from_raw(np.cast::<MaybeUninit<b::netpoll>>()) });
                return Err(e);
            }
            self.ptr.store(np, Ordering::Release);
            Ok(())
        }

        /// Tears down what [`NetpollSlot::enable`] set up (`__netpoll_free`,
        /// which waits for senders to finish).
        pub(crate) fn disable(&self, _rtnl: &Rtnl) {
            let np = self.ptr.swap(core::ptr::null_mut(), Ordering::AcqRel);
            if !np.is_null() {
                // SAFETY: by the type invariant `np` was set up by __netpoll_setup and is freed only here; RTNL is held; no new sender can load it.
                unsafe { b::__netpoll_free(np) };
            }
        }

        /// Sends `skb` through the lower device's netpoll
        /// (`netpoll_send_skb`), or drops it if there is none. Only while
        /// [`Device::netpoll_tx_running`] holds for the upper device.
        pub(crate) fn send(&self, skb: SkBuff) {
            let np = self.ptr.load(Ordering::Acquire);
            if np.is_null() {
                return;
            }
            // SAFETY: `np` is set up and stays allocated for this RCU read-side section (interrupts are off: netpoll transmit), by the type invariant; netpoll_send_skb consumes our reference to the buffer whatever it returns.
            unsafe { b::netpoll_send_skb(np, skb.into_raw()) };
        }
    }

    impl Drop for NetpollSlot {
        fn drop(&mut self) {
            if !self.ptr.get_mut().is_null() {
                // __netpoll_free needs RTNL, which a drop cannot take:
                // leaking is the safe choice. The owner disables first.
                pr_warn!("bonding: netpoll instance leaked (not disabled before drop)\n");
            }
        }
    }

    impl Device {
        /// Whether a netpoll client is transmitting on this device now
        /// (`netpoll_tx_running`: it has netpoll and interrupts are off).
        /// Cheap: one load when the device has no netpoll.
        pub(crate) fn netpoll_tx_running(&self) -> bool {
            let np =
                // SAFETY: valid device; `npinfo` is an RCU pointer of which only the nullness is read.
                unsafe { core::ptr::read_volatile(core::ptr::addr_of!((*self.as_ptr()).npinfo)) };
            // SAFETY: reads the CPU's interrupt flag.
            !np.is_null() && unsafe { b::rbond_irqs_disabled() }
        }

        /// Whether a netpoll client is attached to this device.
        pub(crate) fn has_netpoll(&self, _rtnl: &Rtnl) -> bool {
            // SAFETY: valid device; npinfo changes only under RTNL, which is held.
            !unsafe { (*self.as_ptr()).npinfo }.is_null()
        }

        /// Lets the device's driver process completions and receive with
        /// interrupts off (`netpoll_poll_dev`).
        pub(crate) fn netpoll_poll(&self) {
            // SAFETY: valid device; called from a poll controller, where netpoll has interrupts off and holds RCU.
            unsafe { b::netpoll_poll_dev(self.as_ptr()) }
        }
    }
}

#[cfg(not(CONFIG_NETPOLL))]
mod imp {
    use super::{Device, Rtnl, SkBuff};
    use kernel::error::Result;

    /// No netpoll in this kernel: never enabled.
    pub(crate) struct NetpollSlot;

    impl NetpollSlot {
        pub(crate) const fn new() -> Self {
            Self
        }

        pub(crate) fn enable(&self, _rtnl: &Rtnl, _dev: &Device) -> Result {
            Err(crate::net::error::eopnotsupp())
        }

        pub(crate) fn disable(&self, _rtnl: &Rtnl) {}

        pub(crate) fn send(&self, skb: SkBuff) {
            drop(skb);
        }
    }

    impl Device {
        pub(crate) fn netpoll_tx_running(&self) -> bool {
            false
        }

        pub(crate) fn has_netpoll(&self, _rtnl: &Rtnl) -> bool {
            false
        }

        #[allow(dead_code)]
        pub(crate) fn netpoll_poll(&self) {}
    }
}

pub(crate) use imp::NetpollSlot;
