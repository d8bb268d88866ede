// SPDX-License-Identifier: GPL-2.0

//! What 6.12's `KVec` lacks: removing an element without reallocating
//! (later kernels have `KVec::remove`/`pop`).

use kernel::prelude::*;

/// Removes and returns the element at `index`, keeping the order of the
/// others; `None` if out of range. Never allocates.
pub(crate) fn remove<T>(v: &mut KVec<T>, index: usize) -> Option<T> {
    let len = v.len();
    if index >= len {
        return None;
    }
    v.as_mut_slice()[index..].rotate_left(1);
    // SAFETY: `len - 1 < len`, so the slot holds an initialised element, which is moved out here and excluded from the vector just below.
    let item = unsafe { core::ptr::read(v.as_ptr().add(len - 1)) };
    // SAFETY: shrinking: the element moved out above is neither dropped twice nor read again.
    unsafe { v.set_len(len - 1) };
    Some(item)
}

/// Removes the first element for which `pred` holds.
pub(crate) fn remove_first<T>(v: &mut KVec<T>, pred: impl Fn(&T) -> bool) -> Option<T> {
    let i = v.iter().position(pred)?;
    remove(v, i)
}

/// Drops every element, keeping the allocation (`Vec::clear`).
pub(crate) fn clear<T>(v: &mut KVec<T>) {
    while remove(v, v.len().wrapping_sub(1)).is_some() {}
}
