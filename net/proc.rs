// SPDX-License-Identifier: GPL-2.0

//! procfs: a directory under /proc/net and read-only files in it whose
//! contents a Rust type writes through `core::fmt`.

use super::{bindings as b, pernet::Net};
use core::{ffi::c_void, fmt, marker::PhantomData, ptr::NonNull};
use kernel::{
    error::{code::ENOMEM, Result},
    prelude::*,
    str::CStr,
    sync::Arc,
};

/// A directory in a namespace's /proc/net, removed (with anything left in it)
/// on drop.
///
/// # Invariants
///
/// `self.0` is a live proc directory entry that this value created.
pub(crate) struct ProcDir(NonNull<b::proc_dir_entry>);

// SAFETY: a proc_dir_entry pointer may be used and removed from any thread; procfs does its own locking.
unsafe impl Send for ProcDir {}
// SAFETY: `&ProcDir` only allows creating entries in it, which procfs serialises itself.
unsafe impl Sync for ProcDir {}

impl ProcDir {
    /// Creates /proc/net/`name` in `net`.
    pub(crate) fn new_in(net: &Net, name: &CStr) -> Result<Arc<Self>> {
        let dir =
            // SAFETY: a live namespace's /proc/net entry lives as long as the namespace, and the directory is removed (Drop) before the namespace goes (its owner is per-namespace data); `name` is NUL-terminated.
            unsafe { b::proc_mkdir(name.as_char_ptr().cast(), (*net.as_raw()).proc_net) };
        let dir = NonNull::new(dir).ok_or(ENOMEM)?;
        Ok(Arc::new(Self(dir), GFP_KERNEL)?)
    }
}

impl Drop for ProcDir {
    fn drop(&mut self) {
        // SAFETY: by the type invariant the entry is live and ours.
        unsafe { b::proc_remove(self.0.as_ptr()) };
    }
}

/// Output of a proc file being read.
pub(crate) struct SeqFile(NonNull<b::seq_file>);

impl fmt::Write for SeqFile {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        // SAFETY: `self.0` is the seq_file of the read in progress (see `show_callback`), and `s` is valid for `s.len()` bytes. seq_write records an overflow itself and the read is retried with a larger buffer, so its result needs no handling here.
        unsafe { b::seq_write(self.0.as_ptr(), s.as_ptr().cast(), s.len()) };
        Ok(())
    }
}

/// Something that can print itself as a proc file.
pub(crate) trait Show: Sync {
    /// Writes the whole file.
    fn show(&self, out: &mut SeqFile) -> fmt::Result;
}

/// A read-only file in a [`ProcDir`] showing a `T`.
///
/// # Invariants
///
/// `entry` is live, was created by this value with `data` as its private
/// pointer, and `data` stays valid until this value is dropped (the owner of
/// the `T` drops the `ProcFile` first); `_dir` keeps the parent alive.
pub(crate) struct ProcFile<T: Show> {
    entry: NonNull<b::proc_dir_entry>,
    dir: Arc<ProcDir>,
    data: *const T,
    _data: PhantomData<*const T>,
}

// SAFETY: the entry may be removed from any thread; `T: Sync` because reads of the file run on any CPU concurrently.
unsafe impl<T: Show> Send for ProcFile<T> {}
// SAFETY: no method takes `&self`.
unsafe impl<T: Show> Sync for ProcFile<T> {}

impl<T: Show> ProcFile<T> {
    /// Creates `dir/name` showing `*data`.
    ///
    /// # Safety
    ///
    /// `data` must stay valid until the returned value is dropped.
    pub(crate) unsafe fn new(dir: &Arc<ProcDir>, name: &CStr, data: *const T) -> Result<Self> {
        // SAFETY: `dir.0` is live (ProcDir invariant); `name` is NUL-terminated; `show_callback::<T>` matches the expected signature and receives `data` back as `seq_file::private`.
        let entry = unsafe {
            b::proc_create_single_data(
                name.as_char_ptr().cast(),
                0o444,
                dir.0.as_ptr(),
                Some(show_callback::<T>),
                data.cast_mut().cast(),
            )
        };
        Ok(Self {
            entry: NonNull::new(entry).ok_or(ENOMEM)?,
            dir: dir.clone(),
            data,
            _data: PhantomData,
        })
    }

    /// Shows the same data under `name` (the device was renamed): the new
    /// entry first, so that on failure the old one stays.
    pub(crate) fn rename(&mut self, name: &CStr) -> Result {
        // SAFETY: the same data as the existing entry, which the caller of `new` keeps valid for as long as this value lives.
        let new = unsafe { Self::new(&self.dir, name, self.data)? };
        let old = core::mem::replace(self, new);
        drop(old);
        Ok(())
    }
}

impl<T: Show> Drop for ProcFile<T> {
    fn drop(&mut self) {
        // SAFETY: by the type invariant the entry is live; proc_remove waits for readers in `show_callback` to finish, so `data` is not used after this returns.
        unsafe { b::proc_remove(self.entry.as_ptr()) };
    }
}

/// # Safety
///
/// Called by procfs for a file created by `ProcFile::<T>::new`, whose
/// `private` is a `*const T` valid for the duration of the call.
unsafe extern "C" fn show_callback<T: Show>(
    m: *mut b::seq_file,
    _v: *mut c_void,
) -> kernel::ffi::c_int {
    let Some(m) = NonNull::new(m) else { return 0 };
    // SAFETY: `m` is the seq_file of this read; single_open stored our data pointer in `private`, valid per the ProcFile invariant.
    let data = unsafe { &*((*m.as_ptr()).private as *const T) };
    // An error here only means a short read; seq_file tracks overflow itself.
    let _ = data.show(&mut SeqFile(m));
    0
}
