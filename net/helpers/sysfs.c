// SPDX-License-Identifier: GPL-2.0
#include <linux/netdevice.h>
#include <linux/sysfs.h>

struct net_device *rbond_to_net_dev(struct device *d) { return to_net_dev(d); }
/* One lockdep key for every dynamically allocated attribute of this
 * module, as the C driver's sysfs_attr_init() of its per-namespace file. */
void rbond_sysfs_attr_init(struct attribute *attr) { sysfs_attr_init(attr); }
