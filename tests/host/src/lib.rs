//! The kernel-free parts of bonding.ko, compiled for the host so that
//! `cargo test` exercises exactly the files the module builds.
#![allow(dead_code)]

#[path = "../../../bond_3ad.rs"]
mod bond_3ad;
#[path = "../../../bond_alb.rs"]
mod bond_alb;
#[path = "../../../bond_modparams.rs"]
mod bond_modparams;
#[path = "../../../bond_monitor.rs"]
mod bond_monitor;
#[path = "../../../bond_options.rs"]
mod bond_options;
#[path = "../../../bond_params.rs"]
mod bond_params;
#[path = "../../../bond_policy.rs"]
mod bond_policy;
#[path = "../../../bond_uapi.rs"]
mod bond_uapi;
