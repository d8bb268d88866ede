// SPDX-License-Identifier: GPL-2.0

//! Raw bindings, generated at build time by the Kbuild rule from
//! `bindings_helper.h`. Nothing outside `net/` uses them.

#![allow(
    clippy::all,
    clippy::undocumented_unsafe_blocks,
    dead_code,
    improper_ctypes,
    missing_docs,
    non_camel_case_types,
    non_snake_case,
    non_upper_case_globals,
    unreachable_pub,
    unsafe_op_in_unsafe_fn,
    unnecessary_transmutes
)]

use kernel::ffi;

// Blocklisted by the bindgen rule, as in rust/bindgen_parameters.
type __kernel_size_t = usize;
type __kernel_ssize_t = isize;
type __kernel_ptrdiff_t = isize;

include!("bindings_generated.rs");
