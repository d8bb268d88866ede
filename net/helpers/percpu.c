// SPDX-License-Identifier: GPL-2.0
#include <linux/percpu.h>

/* A per-CPU u32 (the __percpu annotation is sparse's only). */
u32 *rbond_alloc_percpu_u32(void) { return (u32 *)alloc_percpu(u32); }
u32 rbond_this_cpu_inc_return_u32(u32 *p) { return this_cpu_inc_return(*(u32 __percpu *)p); }
