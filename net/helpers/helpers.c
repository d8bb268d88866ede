// SPDX-License-Identifier: GPL-2.0
/*
 * What bindgen cannot give the Rust side of bonding.ko: the kernel's static
 * inline functions and macros, one wrapper each, named rbond_ and the name
 * of what it wraps, one statement and no decision (those are Rust's). As
 * rust/helpers/, one file per kernel header; exported functions are called
 * from Rust directly and have no wrapper here.
 */
#include <linux/module.h>
#include "helpers.h"

#include "etherdevice.c"
#include "flow_dissector.c"
#include "mii.c"
#include "module.c"
#include "net_namespace.c"
#include "netdevice.c"
#include "netlink.c"
#include "percpu.c"
#include "rcupdate.c"
#include "route.c"
#include "sched.c"
#include "skbuff.c"
#include "spinlock.c"
#include "sysfs.c"
#include "vlan.c"
#include "workqueue.c"
