// SPDX-License-Identifier: GPL-2.0
#include <linux/module.h>
#include <generated/utsrelease.h>

/* The module's parameter table, which net/modparam.rs reads by name. */
const struct kernel_param *rbond_this_module_kp(void) { return THIS_MODULE->kp; }
unsigned int rbond_this_module_num_kp(void) { return THIS_MODULE->num_kp; }
const char *rbond_uts_release(void) { return UTS_RELEASE; }
