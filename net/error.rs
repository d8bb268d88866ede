// SPDX-License-Identifier: GPL-2.0

//! The errno values the kernel crate of 6.12 lacks as `kernel::error::code`.

use super::bindings as b;

use kernel::error::Error;

pub(crate) fn eopnotsupp() -> Error {
    Error::from_errno(-(b::EOPNOTSUPP as i32))
}

/// ENOTEMPTY, which 6.12's `kernel::error::code` lacks.
pub(crate) fn enotempty() -> Error {
    Error::from_errno(-(b::ENOTEMPTY as i32))
}

/// EMSGSIZE.
pub(crate) fn emsgsize() -> Error {
    Error::from_errno(-(b::EMSGSIZE as i32))
}

/// EADDRNOTAVAIL.
pub(crate) fn eaddrnotavail() -> Error {
    Error::from_errno(-(b::EADDRNOTAVAIL as i32))
}
