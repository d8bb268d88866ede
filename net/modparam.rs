// SPDX-License-Identifier: GPL-2.0

//! Module parameters. 6.12's `module!` has no `params:`, so the storage is
//! declared with `module_param()` in the module's C helper; this reads it
//! through the module's own parameter table (`THIS_MODULE->kp`), by name
//! and type, so that the layer needs to know nothing of which parameters a
//! module has.

use super::bindings as b;
use core::ffi::{c_char, CStr};

/// The module's parameters as given at load.
///
/// # Invariants
///
/// `kp` is the module's `kernel_param` table, which lives as long as the
/// module.
pub(crate) struct ModuleParams {
    kp: &'static [b::kernel_param],
}

impl ModuleParams {
    /// This module's parameters.
    pub(crate) fn this_module() -> Self {
        // SAFETY: THIS_MODULE's table and its length, static for the module's lifetime.
        let (kp, n) = unsafe { (b::rbond_this_module_kp(), b::rbond_this_module_num_kp()) };
        let kp = if kp.is_null() {
            &[][..]
        } else {
            // SAFETY: `num_kp` entries at `kp`, which the module loader never changes.
            unsafe { core::slice::from_raw_parts(kp, n as usize) }
        };
        // INVARIANT: the module's own table.
        Self { kp }
    }

    fn find(
        &self,
        name: &str,
        ops: *const b::kernel_param_ops,
    ) -> Option<&'static b::kernel_param> {
        self.kp.iter().find(|kp| {
            // SAFETY: a parameter's name is a NUL-terminated string literal of the module.
            let n = unsafe { CStr::from_ptr(kp.name.cast::<c_char>()) };
            n.to_bytes() == name.as_bytes() && core::ptr::eq(kp.ops, ops)
        })
    }

    /// An `int` parameter; `None` if the module has none by that name.
    pub(crate) fn int(&self, name: &str) -> Option<i32> {
        // SAFETY: only the address of the kernel's static ops is taken.
        let kp = self.find(name, unsafe { &b::param_ops_int })?;
        // SAFETY: an `int` parameter's `arg` points to its int storage, which lives as long as the module; a volatile read, as sysfs may write a writable one.
        Some(unsafe { core::ptr::read_volatile(kp.__bindgen_anon_1.arg.cast::<i32>()) })
    }

    /// A `uint` parameter; `None` if the module has none by that name.
    pub(crate) fn uint(&self, name: &str) -> Option<u32> {
        // SAFETY: only the address of the kernel's static ops is taken.
        let kp = self.find(name, unsafe { &b::param_ops_uint })?;
        // SAFETY: as in `int`, for unsigned int storage.
        Some(unsafe { core::ptr::read_volatile(kp.__bindgen_anon_1.arg.cast::<u32>()) })
    }

    /// A `charp` parameter (`Some(None)`: not given); `None` if the module
    /// has none by that name.
    pub(crate) fn text(&self, name: &str) -> Option<Option<&'static [u8]>> {
        // SAFETY: only the address of the kernel's static ops is taken.
        let kp = self.find(name, unsafe { &b::param_ops_charp })?;
        // SAFETY: a `charp` parameter's `arg` points to its `char *` storage.
        let p = unsafe { *kp.__bindgen_anon_1.arg.cast::<*const c_char>() };
        // SAFETY: null or a string the loader copied for the module's lifetime; a read-only (permission 0) parameter is never rewritten after load.
        Some(unsafe { charp(p) })
    }

    /// A `charp` array parameter (`module_param_array(name, charp, ...)`):
    /// the values given fill `out` from its start, the rest stay `None`.
    /// `None` if the module has no such array.
    pub(crate) fn text_array(&self, name: &str, out: &mut [Option<&'static [u8]>]) -> Option<()> {
        // SAFETY: only the address of the kernel's static ops is taken.
        let kp = self.find(name, unsafe { &b::param_array_ops })?;
        // SAFETY: an array parameter's `arr` points to its static kparam_array.
        let arr = unsafe { &*kp.__bindgen_anon_1.arr };
        // SAFETY: only the address of the kernel's static ops is taken.
        if !core::ptr::eq(arr.ops, unsafe { &b::param_ops_charp }) {
            return None;
        }
        let elem = arr.elem.cast::<*const c_char>().cast_const();
        for (i, slot) in out.iter_mut().enumerate().take(arr.max as usize) {
            // SAFETY: `elem` holds `max` `char *` slots (elemsize is a pointer's).
            let p = unsafe { *elem.add(i) };
            // SAFETY: as in `text`.
            *slot = unsafe { charp(p) };
        }
        Some(())
    }
}

/// Turns a `charp` parameter into bytes.
///
/// # Safety
///
/// `p` must be null or a NUL-terminated string that lives as long as the
/// module and is not rewritten.
unsafe fn charp(p: *const c_char) -> Option<&'static [u8]> {
    if p.is_null() {
        None
    } else {
        // SAFETY: non-null and NUL-terminated for the module's lifetime, by the function's safety requirement.
        Some(unsafe { CStr::from_ptr(p) }.to_bytes())
    }
}

/// The kernel release the module was built for (`UTS_RELEASE`), as the C
/// driver prints it in its version line.
pub(crate) fn uts_release() -> &'static kernel::str::CStr {
    // SAFETY: rbond_uts_release returns a string literal.
    unsafe { kernel::str::CStr::from_char_ptr(b::rbond_uts_release()) }
}
