//! The kernel-free parts of bonding.ko, compiled for the host so that
//! `cargo test` exercises exactly the files the module builds.

#[path = "../../../bond_options.rs"]
pub mod bond_options;
